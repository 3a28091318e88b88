"""The deployment record: a row per applied revision, online and by psql, with the checksum we ship."""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.config import BASELINE_REVISION, revisions_in_order
from schema_pkg.guards import committed_parts
from schema_pkg.history import packaged_checksum, packaged_statements
from schema_pkg.scratch import migrate
from schema_pkg.settings import libpq_url, redact
from tests.clirun import schema_pkg, url_text
from tests.test_sql_guards import SQL_DIR, psql

REVISIONS = [script.revision for script in revisions_in_order()]


def rows(url, query: str = "SELECT revision, direction, checksum, mode FROM schema_pkg.history "
                          "WHERE step IS NULL ORDER BY id") -> list:
    with psycopg.connect(libpq_url(url)) as conn:
        return conn.execute(query).fetchall()


def test_online_upgrade_records_each_revision_with_its_packaged_checksum(scratch_url):
    migrate(scratch_url, "head")
    assert rows(scratch_url) == [(r, "upgrade", packaged_checksum(r, "upgrade"), "online")
                                 for r in REVISIONS]


def test_record_holds_who_from_where_when_and_how_long(scratch_url):
    migrate(scratch_url, "0002")
    (user, application, started, duration), *_ = rows(
        scratch_url, "SELECT applied_by, application_name, started_at, duration "
                     "FROM schema_pkg.history ORDER BY id")
    assert (user, application) == ("postgres", "schema_pkg")
    assert started is not None and duration.total_seconds() >= 0


def test_psql_files_record_the_same_checksums_as_the_online_run(scratch_url):
    assert psql(scratch_url, SQL_DIR / "full_upgrade.sql").returncode == 0
    assert rows(scratch_url) == [(r, "upgrade", packaged_checksum(r, "upgrade"), "sql")
                                 for r in REVISIONS]


def test_checksum_ignores_the_lock_timeout_setting(tmp_path):
    result = schema_pkg("upgrade", "0007:0008", "--sql", SCHEMA_PKG_LOCK_TIMEOUT="3s")
    assert "\\set lock_timeout 3s" in result.stdout
    assert packaged_checksum("0008", "upgrade") in result.stdout


def test_downgrades_are_recorded_and_the_record_survives_downgrade_to_base(scratch_url):
    migrate(scratch_url, "0002")
    migrate(scratch_url, "base", downgrade=True)
    assert [(r, d) for r, d, _, _ in rows(scratch_url)] == [
        ("0001", "upgrade"), ("0002", "upgrade"), ("0002", "downgrade"), ("0001", "downgrade")]
    schemas = {name for (name,) in rows(
        scratch_url, "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' "
                     "AND nspname <> 'information_schema'")}
    assert schemas == {"public", "schema_pkg"}


@pytest.mark.parametrize("role", ["anon", "authenticated", "service_role"])
def test_api_roles_cannot_use_the_record(schema_pkg_database, role):
    with psycopg.connect(libpq_url(schema_pkg_database)) as conn:
        assert conn.execute("SELECT has_schema_privilege(%s, 'schema_pkg', 'USAGE')",
                            [role]).fetchone() == (False,)


def test_history_applied_prints_the_record_and_names_the_target(scratch_url):
    migrate(scratch_url, "0003")
    result = schema_pkg("--url", url_text(scratch_url), "history", "--applied")
    assert result.returncode == 0, result.stderr
    assert f"deployment record of {redact(scratch_url)}" in result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[2:5] for line in lines] == [[r, "upgrade", "online"]
                                                     for r in ("0001", "0002", "0003")]
    assert all(line.endswith(" ok") for line in lines)


def test_verify_names_a_revision_changed_after_it_ran(scratch_url):
    migrate(scratch_url, "head")
    with psycopg.connect(libpq_url(scratch_url)) as conn:
        conn.execute("UPDATE schema_pkg.history SET checksum = repeat('0', 64) "
                     "WHERE revision = '0006'")
    result = schema_pkg("--url", url_text(scratch_url), "verify")
    assert result.returncode == 1
    assert "CHANGED: revision 0006" in result.stdout
    assert "revision(s) 0006 changed since applied" in result.stderr


def test_adopt_records_the_revisions_it_stamps(scratch_url):
    migrate(scratch_url, BASELINE_REVISION)
    with psycopg.connect(libpq_url(scratch_url)) as conn:
        conn.execute("DROP TABLE alembic_version")
        conn.execute("DROP SCHEMA schema_pkg CASCADE")
    assert schema_pkg("-q", "--url", url_text(scratch_url), "adopt").returncode == 0
    adopted = REVISIONS[: REVISIONS.index(BASELINE_REVISION) + 1]
    assert rows(scratch_url) == [(r, "upgrade", packaged_checksum(r, "upgrade"), "adopt")
                                 for r in adopted]


def step_names(url, revision: str) -> list:
    return rows(url, "SELECT step, step_name, status FROM schema_pkg.history WHERE revision = "
                     f"'{revision}' AND direction = 'upgrade' AND step IS NOT NULL ORDER BY id")


@pytest.mark.parametrize("revision", [r for r in REVISIONS
                                      if len(committed_parts(packaged_statements()[(r, "upgrade")])) > 1])
def test_each_part_that_commits_on_its_own_is_a_step_with_its_row_online_and_by_file(
        scratch_url, revision):
    """The online run and the file number the steps alike (from the revision's statements),
    and the history --applied listing shows them; a one-transaction revision has no step rows."""
    down = REVISIONS[REVISIONS.index(revision) - 1]
    parts = committed_parts(packaged_statements()[(revision, "upgrade")])
    expected = [(n, name, "completed") for n, name in enumerate(parts, 1)]
    migrate(scratch_url, revision)
    assert step_names(scratch_url, revision) == expected
    assert step_names(scratch_url, REVISIONS[0]) == []  # one transaction: its row is the step's
    listing = schema_pkg("--url", url_text(scratch_url), "history", "--applied").stdout
    assert f"  {revision} step {len(parts)} ({parts[-1]})  upgrade" in listing
    migrate(scratch_url, down, downgrade=True)
    (path,) = [p for p in SQL_DIR.glob(f"{revision}_*.upgrade.sql")]
    assert psql(scratch_url, path).returncode == 0
    assert step_names(scratch_url, revision) == expected * 2
