"""The record proves what ran: each step's fingerprint, recorded online and by the files,
matches the packaged one; verify names an edited file's revision and object, and a
hand-made change; upgrade refuses a mismatched record unless told otherwise."""

from __future__ import annotations

import re

import pytest

from schema_pkg import fingerprint
from schema_pkg.config import BASELINE_REVISION, script_directory
from schema_pkg.scratch import migrate
from tests.clirun import assert_one_line_error, schema_pkg, url_text
from tests.test_sql_guards import SQL_DIR, psql, sql, upgrade_files_from

HEAD = script_directory().get_current_head()
FILE_0007 = upgrade_files_from("0007")[0]
EDIT = "REVOKE EXECUTE ON FUNCTION get_user_team_id(uuid) FROM PUBLIC, anon;"
ANON_EXECUTE = "privilege function get_user_team_id(uuid) anon EXECUTE"


def recorded(url, direction: str = "upgrade") -> dict:
    return {f"{r} {d}": fp for r, d, fp in sql(
        url, "SELECT revision, direction, fingerprint FROM schema_pkg.history "
             "WHERE status = 'completed' AND step IS NULL AND direction = %s ORDER BY id", [direction])}


def test_an_online_run_records_the_packaged_fingerprints_both_ways(scratch_url):
    """Fails when the manifest's fingerprints of the current format are stale: run `make
    regen`; for a released revision, a change to what the fingerprint sees needs a new
    fingerprint.FORMAT (released maps of a format are never rewritten)."""
    migrate(scratch_url, "head")
    migrate(scratch_url, "base", downgrade=True)
    assert recorded(scratch_url) | recorded(scratch_url, "downgrade") == fingerprint.packaged()


def test_the_files_record_the_same_fingerprints_as_the_online_run(scratch_url):
    assert psql(scratch_url, SQL_DIR / "full_upgrade.sql").returncode == 0
    assert recorded(scratch_url) == {k: v for k, v in fingerprint.packaged().items()
                                     if k.endswith(" upgrade")}


@pytest.fixture
def edited_0007_applied(scratch_url, tmp_path):
    """A DBA's 0007 file with its REVOKE from anon deleted, applied over 0006."""
    migrate(scratch_url, "0006")
    text = FILE_0007.read_text()
    assert EDIT in text
    edited = tmp_path / FILE_0007.name
    edited.write_text(text.replace(EDIT, ""))
    result = psql(scratch_url, edited)
    assert result.returncode == 0, result.stderr
    return scratch_url


def test_verify_names_the_revision_and_object_of_an_edited_file(edited_0007_applied):
    url = edited_0007_applied
    for path in upgrade_files_from("0008"):  # the DBA overrides the files' own record check
        assert psql(url, path, "-v", "accept_record=on").returncode == 0
    history = schema_pkg("--url", url_text(url), "history", "--applied")
    assert "0007  upgrade   sql" in history.stdout and "sha256" in history.stdout
    result = schema_pkg("--url", url_text(url), "verify")
    assert result.returncode == 1
    assert f"CHANGED: revision 0007 ran with a different effect than the packaged one on: " \
           f"{ANON_EXECUTE}" in result.stdout


def test_upgrade_refuses_a_mismatched_record_in_one_line_unless_told(edited_0007_applied):
    url = edited_0007_applied
    refused = schema_pkg("-q", "--url", url_text(url), "upgrade", "head")
    assert_one_line_error(refused, 1, "the deployment record does not match the package: "
                                      "revision 0007 ran with a different effect")
    assert sql(url, "SELECT version_num FROM alembic_version") == [("0007",)]
    accepted = schema_pkg("-q", "--url", url_text(url), "upgrade", "head", "--accept-record")
    assert accepted.returncode == 0, accepted.stderr


def test_verify_names_a_hand_made_change(head_url):
    sql(head_url, "GRANT EXECUTE ON FUNCTION get_user_team_id(uuid) TO anon")
    result = schema_pkg("--url", url_text(head_url), "verify")
    assert result.returncode == 1
    assert re.search(rf"hand-made change: {re.escape(ANON_EXECUTE)} \(last set by revision "
                     rf"\d{{4}}\) differs", result.stdout), result.stdout


def test_a_grant_or_revoke_on_a_list_sets_every_object_it_names():
    statements = ("REVOKE ALL ON FUNCTION private.f(uuid, public.r[]), g()\n  FROM PUBLIC, anon;\n"
                  "GRANT SELECT ON public.t, public.u TO anon;")
    assert set(fingerprint.privileges_set(statements)) == {
        ("function", "private.f(uuid, public.r[])", "PUBLIC", "EXECUTE"),
        ("function", "private.f(uuid, public.r[])", "anon", "EXECUTE"),
        ("function", "g()", "PUBLIC", "EXECUTE"), ("function", "g()", "anon", "EXECUTE"),
        ("table", "public.t", "anon", "SELECT"), ("table", "public.u", "anon", "SELECT")}


def test_verify_names_a_hand_grant_that_a_later_list_revoke_took_away(head_url):
    """0010 revokes the private helpers from service_role in one statement listing them all."""
    sql(head_url, "GRANT EXECUTE ON FUNCTION private.is_soc_team_member(uuid) TO service_role")
    result = schema_pkg("--url", url_text(head_url), "verify")
    assert result.returncode == 1
    assert "private.is_soc_team_member(uuid) service_role EXECUTE" in result.stdout, result.stdout


def test_rows_recorded_before_fingerprints_are_noted_never_refused(baseline_url):
    sql(baseline_url, "UPDATE schema_pkg.history SET fingerprint = NULL")
    result = schema_pkg("--url", url_text(baseline_url), "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"note: revision {BASELINE_REVISION}: recorded without a fingerprint" in result.stdout
    upgrade = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stderr


def test_history_applied_shows_who_from_where_with_what_and_failed_attempts(scratch_url):
    sql(scratch_url, "CREATE TYPE public.project_category AS ENUM ('x')")  # 0002 will fail
    assert psql(scratch_url, SQL_DIR / "full_upgrade.sql").returncode == 3
    sql(scratch_url, "DROP TYPE public.project_category")
    assert psql(scratch_url, SQL_DIR / "full_upgrade.sql").returncode == 0
    result = schema_pkg("--url", url_text(scratch_url), "history", "--applied")
    lines = result.stdout.splitlines()
    failed = [line for line in lines if " 0002 " in line and "FAILED" in line]
    assert len(failed) == 1 and 'FAILED: type "project_category" already exists' in failed[0]
    assert all("session_user=postgres" in line and "file=full_upgrade.sql" in line
               and "package=" in line and "server=" in line for line in lines)


def test_history_applied_shows_the_fingerprint_format_of_each_revision_row(baseline_url):
    [(first,)] = sql(baseline_url, "UPDATE schema_pkg.history SET fingerprint = NULL WHERE id = "
                                   "(SELECT min(id) FROM schema_pkg.history) RETURNING revision")
    lines = schema_pkg("--url", url_text(baseline_url), "history", "--applied").stdout.splitlines()
    revision_rows = [line for line in lines if " step " not in line]
    assert revision_rows and all(
        ("fingerprint_format=none]" if f"  {first}  " in line
         else f"fingerprint_format={fingerprint.FORMAT}]") in line for line in revision_rows)


def test_adopt_rows_name_the_tool(baseline_url):
    sql(baseline_url, "DROP TABLE alembic_version")
    sql(baseline_url, "DROP SCHEMA schema_pkg CASCADE")
    assert schema_pkg("-q", "--url", url_text(baseline_url), "adopt").returncode == 0
    assert {name for (name,) in sql(baseline_url, "SELECT DISTINCT application_name "
                                                  "FROM schema_pkg.history")} == {"schema-pkg adopt"}
