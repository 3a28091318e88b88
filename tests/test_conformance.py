"""Every documented object exists at head exactly as docs/platform-schema.md writes it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from schema_pkg.catalog import snapshot
from schema_pkg.diff import compare
from tests import spec

STRICT_SECTIONS = ("columns", "constraints", "indexes", "enums", "policies", "functions")
# Not in the document: search_path and other settings come from revision 0007.
UNDOCUMENTED = {"functions": {"config"}}


def conformance_differences(conn, doc, beyond=None):
    expected = spec.expected_snapshot(conn, doc)
    expected["indexes"] = spec.readable_indexes(expected["indexes"])
    live = spec.documented_scope(snapshot(conn), doc, beyond or spec.parse_beyond())
    differences = compare(expected, live, sections=STRICT_SECTIONS, ignore=UNDOCUMENTED,
                          left_name="document", right_name="database")
    rls_enabled = {k: v for k, v in expected["tables"].items() if v["rls"]}
    differences += compare({"tables": rls_enabled}, live, sections=["tables"], subset=True,
                           left_name="document", right_name="database")
    return differences


def test_document_lists_what_the_issue_counts(document):
    assert len(document.tables) == 12
    assert len(document.enums) == 3
    assert len(document.foreign_keys) == 4
    assert len(document.user_owned_tables) == 5
    assert len(document.functions) == 2
    assert document.unique_columns == {("projects", "slug")}


def test_database_at_head_matches_the_document(head, document):
    differences = conformance_differences(head, document)
    assert not differences, "\n".join([*map(str, differences), (
        "what we add to a documented table is declared in docs/additions.md (\"Beyond the "
        "document's text\"); anything else is a revision to fix")])


def test_what_additions_md_lists_beyond_the_document_is_ours_and_exists(head, document, beyond):
    for clause in beyond.unstated_clauses:
        assert clause not in spec.DOCUMENT.read_text()
    live, expected = snapshot(head), spec.expected_snapshot(head, document)
    documented = {key for key in live["functions"] if key.split("(")[0] in document.functions}
    assert beyond.our_functions <= set(live["functions"]) - documented
    declared = {"columns": beyond.our_columns, "constraints": beyond.our_constraints,
                "indexes": beyond.our_indexes}
    live["indexes"], expected["indexes"] = (spec.readable_indexes(s["indexes"]) for s in (live, expected))
    for section, ours in declared.items():
        missing, documented = ours - set(live[section]), ours & set(expected[section])
        assert not missing, f"declared in docs/additions.md, not at head: {missing}"
        assert not documented, f"declared ours, but the document has: {documented}"


def test_an_undeclared_column_or_index_on_a_documented_table_is_reported(head, document):
    head.execute(text("ALTER TABLE simcore_simulations ADD COLUMN conformance_probe timestamptz"))
    head.execute(text("CREATE INDEX ON projects (tagline, name)"))
    messages = {str(d) for d in conformance_differences(head, document)}
    assert messages == {"columns simcore_simulations.conformance_probe: only in database",
                        "indexes projects (tagline, name): only in database"}


def test_a_declared_column_and_index_are_ours(head, document, beyond):
    head.execute(text("ALTER TABLE simcore_simulations ADD COLUMN conformance_probe timestamptz NOT NULL "
                      "DEFAULT now()"))
    head.execute(text("CREATE INDEX ON projects (tagline, name)"))
    declared = spec.Beyond(beyond.unstated_clauses, beyond.our_functions,
                           beyond.our_columns | {"simcore_simulations.conformance_probe"},
                           beyond.our_indexes | {"projects (tagline, name)"}, beyond.our_constraints)
    assert conformance_differences(head, document, declared) == []


def test_additions_md_declares_its_kinds_or_says_which_is_unknown():
    table = "## Beyond the document's text\n\n| kind | what | revision |\n|---|---|---|\n"
    assert spec.parse_beyond(table + "| our column | profiles.nickname | 0011 |\n").our_columns == {
        "profiles.nickname"}
    with pytest.raises(ValueError, match="unknown kind"):
        spec.parse_beyond(table + "| our colum | profiles.nickname | 0011 |\n")


def test_checker_reports_a_foreign_key_to_another_target(head, document):
    head.execute(text(
        "ALTER TABLE project_features DROP CONSTRAINT project_features_project_id_fkey, "
        "ADD FOREIGN KEY (project_id) REFERENCES soc_teams (id) ON DELETE CASCADE NOT VALID"))
    messages = {str(d) for d in conformance_differences(head, document)}
    assert messages == {
        "constraints project_features FOREIGN KEY (project_id) REFERENCES projects(id): "
        "only in document",
        "constraints project_features FOREIGN KEY (project_id) REFERENCES soc_teams(id) NOT VALID: "
        "only in database",
    }


def test_checker_reports_a_public_function_nobody_listed(head, document):
    head.execute(text("CREATE FUNCTION current_user_is_admin() RETURNS boolean "
                      "AS $$ SELECT true $$ LANGUAGE sql"))
    messages = [str(d) for d in conformance_differences(head, document)]
    assert messages == ["functions current_user_is_admin(): only in database"]


def test_every_documented_column_is_checked(head, document):
    expected = spec.expected_snapshot(head, document)
    assert len(expected["columns"]) == sum(len(cols) for cols in document.tables.values())
    assert len(expected["policies"]) == 5 * 4 + 2


def test_checker_reports_a_broken_default(head, document):
    head.execute(text(
        "ALTER TABLE simcore_simulations ALTER COLUMN status SET DEFAULT 'queued'"))
    messages = [str(d) for d in conformance_differences(head, document)]
    assert messages == [
        "columns simcore_simulations.status: default differs: "
        "document \"'pending'::text\", database \"'queued'::text\""
    ]


def test_checker_reports_a_changed_policy_and_function_body(head, document):
    head.execute(text('ALTER POLICY "Users can view own data" ON qmlab_experiments USING (true)'))
    head.execute(text("CREATE OR REPLACE FUNCTION get_user_team_id(_user_id uuid) RETURNS uuid "
                      "AS $$ SELECT NULL::uuid $$ LANGUAGE sql SECURITY DEFINER"))
    keys = {(d.section, d.key, d.attribute) for d in conformance_differences(head, document)}
    assert keys == {
        ("policies", "qmlab_experiments.Users can view own data", "qual"),
        ("functions", "get_user_team_id(_user_id uuid)", "body"),
    }
