"""The deployment record is checked before anything runs, online and by every upgrade file
(schema_pkg.recordcheck, one SQL text): a current-format fingerprint that is not the packaged
one is refused in one line with nothing applied unless overridden; a row recorded without a
fingerprint or in an older fingerprint format is accepted with a note.  Real psql, real
databases."""

from __future__ import annotations

import json

import pytest

from schema_pkg import fingerprint
from schema_pkg.config import BASELINE_REVISION, revisions_in_order
from tests.clirun import schema_pkg, url_text
from tests.test_sql_guards import SQL_DIR, psql, sql, state, upgrade_files_from

ORDER = [script.revision for script in revisions_in_order()]
TAMPERED = "0004"  # applied at the baseline; its map names policies
AFTER_BASELINE = ORDER[ORDER.index(BASELINE_REVISION) + 1]
NEXT_FILE = upgrade_files_from(AFTER_BASELINE)[0]


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if "ERROR:" in line]


def tamper(url, revision: str) -> str:
    """Change one object's value in the revision's recorded fingerprint; the object's key."""
    [(recorded,)] = sql(url, "SELECT fingerprint FROM schema_pkg.history WHERE revision = %s "
                             "AND direction = 'upgrade' AND status = 'completed' "
                             "ORDER BY id DESC LIMIT 1", [revision])
    key = sorted(recorded)[0]
    sql(url, "UPDATE schema_pkg.history SET fingerprint = fingerprint || %s::jsonb "
             "WHERE revision = %s AND direction = 'upgrade'",
        [json.dumps({key: "tampered"}), revision])
    return key


def test_every_row_records_the_current_fingerprint_format(baseline_url):
    formats = sql(baseline_url, "SELECT DISTINCT fingerprint_format FROM schema_pkg.history "
                                "WHERE status = 'completed'")
    assert formats == [(fingerprint.FORMAT,)]


@pytest.mark.parametrize("path", [NEXT_FILE, SQL_DIR / "full_upgrade.sql"], ids=lambda p: p.name)
def test_an_upgrade_file_refuses_a_tampered_record_in_one_line_with_nothing_applied(
        baseline_url, path):
    key = tamper(baseline_url, TAMPERED)
    before = state(baseline_url)
    result = psql(baseline_url, path)
    assert result.returncode == 3, result.stderr
    [line] = error_lines(result)
    assert (f"the deployment record does not match the package: revision {TAMPERED} ran with "
            f"a different effect than the packaged one on: {key}; nothing was changed") in line
    assert "psql -v accept_record=on" in line
    assert state(baseline_url) == before


def test_accept_record_runs_an_upgrade_file_over_a_tampered_record(baseline_url):
    tamper(baseline_url, TAMPERED)
    result = psql(baseline_url, NEXT_FILE, "-v", "accept_record=on")
    assert result.returncode == 0, result.stderr
    assert "accepted: schema_pkg.accept_record is on" in result.stderr
    assert sql(baseline_url, "SELECT version_num FROM public.alembic_version") == [(AFTER_BASELINE,)]


def older_format(url) -> None:
    """Rows as fingerprint code before formats were numbered recorded them: no format, and
    maps that today's code would not compute."""
    sql(url, "UPDATE schema_pkg.history SET fingerprint_format = NULL, "
             "fingerprint = fingerprint || '{\"table public.gone\": \"old code\"}'::jsonb")


OLDER_FORMAT_NOTE = (f"revision {TAMPERED}: recorded in fingerprint format "
                     f"{fingerprint.LEGACY_FORMAT} (before formats were numbered), this package "
                     f"computes format {fingerprint.FORMAT}; accepted, not compared")


def test_rows_of_an_older_fingerprint_format_are_accepted_with_a_note(baseline_url):
    older_format(baseline_url)
    note = OLDER_FORMAT_NOTE
    verify = schema_pkg("--url", url_text(baseline_url), "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"note: {note}" in verify.stdout
    result = psql(baseline_url, NEXT_FILE)
    assert result.returncode == 0, result.stderr
    assert f"NOTICE:  schema_pkg: note: {note}" in result.stderr


def test_online_upgrade_accepts_older_format_rows_and_refuses_a_tampered_current_one(baseline_url):
    older_format(baseline_url)
    sql(baseline_url, "UPDATE schema_pkg.history SET fingerprint_format = %s "
                      "WHERE revision = %s", [fingerprint.FORMAT, TAMPERED])
    key = tamper(baseline_url, TAMPERED)
    refused = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head")
    assert refused.returncode == 1
    assert f"revision {TAMPERED} ran with a different effect than the packaged one on: {key};" \
        in refused.stderr, refused.stderr
    sql(baseline_url, "UPDATE schema_pkg.history SET fingerprint_format = NULL")
    upgrade = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stderr


def test_online_upgrade_prints_the_record_notes_the_files_print(baseline_url):
    older_format(baseline_url)
    upgrade = schema_pkg("--url", url_text(baseline_url), "upgrade", AFTER_BASELINE)
    assert upgrade.returncode == 0, upgrade.stderr
    assert f"  note: {OLDER_FORMAT_NOTE}\n" in upgrade.stderr
    quiet = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head")
    assert quiet.returncode == 0 and "note:" not in quiet.stderr, quiet.stderr


def test_online_upgrade_says_it_accepted_a_tampered_record(baseline_url):
    key = tamper(baseline_url, TAMPERED)
    upgrade = schema_pkg("--url", url_text(baseline_url), "upgrade", "--accept-record", "head")
    assert upgrade.returncode == 0, upgrade.stderr
    assert ("the deployment record does not match the package (accepted: "
            f"schema_pkg.accept_record is on): revision {TAMPERED} ran with a different effect "
            f"than the packaged one on: {key}") in upgrade.stderr


COLUMN_GRANTS = ("GRANT INSERT (id, user_id, team_id, role) ON public.soc_user_roles TO authenticated;",
                 "GRANT UPDATE (role) ON public.soc_user_roles TO authenticated;")
EDITS = {
    "whole table": ({COLUMN_GRANTS[0]: "GRANT INSERT ON public.soc_user_roles TO authenticated;",
                     COLUMN_GRANTS[1]: "GRANT UPDATE ON public.soc_user_roles TO authenticated;"},
                    ["privilege columns public.soc_user_roles authenticated INSERT",
                     "privilege columns public.soc_user_roles authenticated UPDATE",
                     "privilege table public.soc_user_roles authenticated INSERT",
                     "privilege table public.soc_user_roles authenticated UPDATE"]),
    # only column privileges see this one (fingerprint format 2)
    "wider column list": ({COLUMN_GRANTS[1]: "GRANT UPDATE (role, team_id) ON public.soc_user_roles "
                                             "TO authenticated;"},
                          ["privilege columns public.soc_user_roles authenticated UPDATE"]),
}


@pytest.mark.parametrize("edit", EDITS)
def test_verify_names_an_edited_0010_file_that_changes_its_column_grants(
        schema_pkg_database_at, tmp_path, edit):
    url = schema_pkg_database_at("0009")
    replacements, objects = EDITS[edit]
    [packaged] = [path for path in upgrade_files_from("0010") if path.name.startswith("0010_")]
    text = packaged.read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    edited = tmp_path / packaged.name
    edited.write_text(text)
    assert psql(url, edited).returncode == 0
    result = schema_pkg("--url", url_text(url), "verify")
    assert result.returncode == 1
    assert ("CHANGED: revision 0010 ran with a different effect than the packaged one on: "
            + "; ".join(objects)) in result.stdout, result.stdout


def test_a_column_list_sets_column_privileges_and_a_table_revoke_clears_them():
    statements = ("GRANT SELECT, UPDATE (role, team_id) ON public.t TO authenticated;\n"
                  "REVOKE TRUNCATE, UPDATE ON public.u FROM anon;\n"
                  "GRANT INSERT ON public.u TO anon;")
    assert set(fingerprint.privileges_set(statements)) == {
        ("table", "public.t", "authenticated", "SELECT"),
        ("columns", "public.t", "authenticated", "UPDATE"),
        ("table", "public.u", "anon", "TRUNCATE"), ("table", "public.u", "anon", "UPDATE"),
        ("columns", "public.u", "anon", "UPDATE"), ("table", "public.u", "anon", "INSERT")}
