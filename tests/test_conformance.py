"""Every documented object exists at head exactly as docs/platform-schema.md writes it."""

from __future__ import annotations

from sqlalchemy import text

from schema_pkg.catalog import snapshot
from schema_pkg.diff import compare
from tests import spec

STRICT_SECTIONS = ("columns", "constraints", "enums", "policies", "functions")
# Not in the document: search_path and other settings come from revision 0007.
UNDOCUMENTED = {"functions": {"config"}}


def conformance_differences(conn, doc, beyond=None):
    expected = spec.expected_snapshot(conn, doc)
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
    assert not differences, "\n".join(map(str, differences))


def test_what_additions_md_lists_beyond_the_document_is_ours_and_exists(head, document, beyond):
    assert beyond.unstated_clauses == ("ON DELETE",)
    for clause in beyond.unstated_clauses:
        assert clause not in spec.DOCUMENT.read_text()
    functions = snapshot(head)["functions"]
    documented = {key for key in functions if key.split("(")[0] in document.functions}
    assert beyond.our_functions <= set(functions) - documented
    assert beyond.our_functions == {"current_user_team_id()", "current_user_has_soc_role(_role soc_role)"}


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
