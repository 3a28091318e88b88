"""The deployment record: a row per applied revision, online and by psql, with the checksum we ship."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from schema_pkg import guards, history, steps
from schema_pkg.config import BASELINE_REVISION, revisions_in_order
from schema_pkg.guards import committed_parts
from schema_pkg.history import Applied, packaged_checksum, packaged_statements, parse_interval
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


@pytest.mark.parametrize("rendered, interval", [
    ("00:00:01.5", timedelta(seconds=1.5)),
    ("01:02:03", timedelta(hours=1, minutes=2, seconds=3)),
    ("-00:01:01.5", -timedelta(minutes=1, seconds=1.5)),
    ("1 day", timedelta(days=1)),
    ("3 days 02:00:00", timedelta(days=3, hours=2)),
    (None, None),
])
def test_a_recorded_duration_is_read_back_as_postgresql_renders_it(rendered, interval):
    assert parse_interval(rendered) == interval


def applied_row(**changes) -> Applied:
    row = dict(revision="0003", direction="upgrade", checksum=packaged_checksum("0003", "upgrade"),
               started_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
               duration=timedelta(seconds=1.5), applied_by="deployer", application_name="ci",
               mode="online", session_user_name="postgres", package_version="0.1.0",
               server_version_num=150020, fingerprint={"tables": []}, fingerprint_format=2)
    return Applied(**{**row, **changes})


def test_a_record_line_shows_when_what_how_long_who_from_where_and_whether_it_matches():
    assert str(applied_row()) == (
        "2026-01-02 03:04:05+0000  0003  upgrade   online     1.50 s  deployer  ci  "
        "[session_user=postgres package=0.1.0 server=150020 fingerprint_format=2]  "
        f"sha256:{packaged_checksum('0003', 'upgrade')[:12]}  ok")


def test_a_record_line_says_changed_failed_or_unknown_as_the_row_is():
    changed = str(applied_row(checksum="0" * 64, application_name="", session_user_name=None,
                              package_version=None, server_version_num=None,
                              client_addr="10.0.0.1", file_name="f.sql", duration=None,
                              fingerprint=None))
    assert changed == ("2026-01-02 03:04:05+0000  0003  upgrade   online     0.00 s  deployer  -  "
                       "[from=10.0.0.1 file=f.sql fingerprint_format=none]  sha256:000000000000  "
                       "CHANGED since it ran")
    step = str(applied_row(session_user_name=None, package_version=None, server_version_num=None,
                           step=2, step_name="CREATE INDEX CONCURRENTLY ix"))  # no details at all
    assert step.startswith("2026-01-02 03:04:05+0000  0003 step 2 (CREATE INDEX CONCURRENTLY ix)  upgrade ")
    assert step.endswith(f"  deployer  ci  sha256:{packaged_checksum('0003', 'upgrade')[:12]}  ok")
    assert str(applied_row(status="failed", error="boom")).endswith("  FAILED: boom")
    assert str(applied_row(status="started")).endswith("  STARTED")
    assert str(applied_row(revision="9999")).endswith("  CHANGED since it ran")  # not shipped


def test_the_packaged_statements_hold_both_directions_of_every_revision():
    statements = history.packaged_statements()
    assert len(statements) == 2 * len(REVISIONS)
    assert sorted(statements) == sorted((r, d) for r in REVISIONS for d in ("upgrade", "downgrade"))


def test_a_key_of_neither_direction_is_missing_named_in_its_error_and_renders_nothing():
    statements = history.PackagedStatements()
    with pytest.raises(KeyError) as missing:
        statements[("0001", "sideways")]
    assert missing.value.args == (("0001", "sideways"),)
    assert ("0001", "sideways") not in statements
    assert statements.rendered == {}


def test_a_completed_row_records_the_file_it_came_from(schema_pkg_connection):
    conn = schema_pkg_connection
    conn.execute(guards.START_CLOCK)
    conn.execute(history.record("0001", "upgrade", "abc", "sql", "0001.upgrade.sql"))
    assert conn.execute("SELECT revision, status, mode, file_name, duration >= interval '0' "
                        "FROM schema_pkg.history ORDER BY id DESC LIMIT 1").fetchone() == (
        "0001", "completed", "sql", "0001.upgrade.sql", True)


def test_rendering_the_packaged_statements_prints_and_logs_nothing(capsys, caplog):
    caplog.set_level(logging.INFO, logger="alembic")
    assert history.render_statements("upgrade")
    assert capsys.readouterr().out == ""
    assert [r.getMessage() for r in caplog.records if r.name.startswith("alembic")] == []
    assert logging.getLogger("alembic").level == logging.INFO  # as it was


def test_the_packaged_statements_render_in_a_process_that_has_run_no_alembic_command(monkeypatch):
    import alembic.context
    import alembic.op

    for module in (alembic.context, alembic.op):  # as imported, before any command installs a proxy
        monkeypatch.delattr(module, "_proxy", raising=False)
    assert len(history.render_statements("downgrade")) == len(REVISIONS)


def test_adopt_records_its_stamps_under_the_tools_name(head):
    history.record_stamp(head, ["0001"])
    assert head.execute(text("SELECT revision, mode, application_name FROM schema_pkg.history "
                             "ORDER BY id DESC LIMIT 1")).one() == ("0001", "adopt", "schema-pkg adopt")


def test_a_failure_marks_the_attempt_it_started_failed_instead_of_adding_a_row(head_url):
    engine = create_engine(head_url, poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text(guards.START_CLOCK))
        conn.execute(text(history.start("0001", "upgrade", "abc", "online")))
        conn.commit()
        count = conn.execute(text("SELECT count(*) FROM schema_pkg.history")).scalar()
        history.record_failure(conn, "0001", "upgrade", "abc", "online", "boom")
        assert conn.execute(text("SELECT count(*) FROM schema_pkg.history")).scalar() == count
        assert conn.execute(text("SELECT revision, status, error, duration IS NOT NULL "
                                 "FROM schema_pkg.history ORDER BY id DESC LIMIT 1")).one() == (
            "0001", "failed", "boom", True)
    engine.dispose()


def test_a_failed_step_marks_the_step_row_it_started_failed_instead_of_adding_a_row(head):
    """A step that commits on its own keeps its 'started' row through the failure: the
    failure marks that row failed with the step's error, and the attempt's row with its own."""
    head.execute(text(guards.START_CLOCK))
    values = history.row_values("0008", "upgrade", "abc", "online", "started", None)
    head.execute(text(history.start("0008", "upgrade", "abc", "online")))
    head.execute(text(steps.start(values, 1, "CREATE INDEX CONCURRENTLY ix")))
    count = head.execute(text("SELECT count(*) FROM schema_pkg.history")).scalar()
    history.mark_failed(head, "0008", "upgrade", "abc", "online", "boom", None)
    history.mark_failed(head, "0008", "upgrade", "abc", "online", "step boom",
                        (1, "CREATE INDEX CONCURRENTLY ix"))
    assert head.execute(text("SELECT count(*) FROM schema_pkg.history")).scalar() == count
    assert head.execute(text("SELECT step, status, error FROM schema_pkg.history "
                             "ORDER BY id DESC LIMIT 2")).all() == [
        (1, "failed", "step boom"), (None, "failed", "boom")]


def test_only_completed_upgrades_decide_whether_a_revision_changed_since_it_ran(head):
    head.execute(text(
        "INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, duration, "
        "applied_by, application_name, mode, status) VALUES "
        "('0001', 'upgrade', repeat('0', 64), now(), interval '0', 'x', 'x', 'online', 'failed'), "
        "('0001', 'downgrade', repeat('0', 64), now(), interval '0', 'x', 'x', 'online', 'completed')"))
    assert history.tampered(head, ["0001"]) == []
    assert history.latest_completed(head, ["0001"])["0001"].checksum == packaged_checksum("0001", "upgrade")


def test_the_record_reads_back_each_rows_duration(head):
    head.execute(text(
        "INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, duration, "
        "applied_by, application_name, mode) VALUES "
        "('0001', 'upgrade', 'abc', now(), interval '1 day 00:00:01.5', 'x', 'x', 'online')"))
    assert history.applied(head)[-1].duration == timedelta(days=1, seconds=1.5)


def test_rows_recorded_before_the_record_had_a_status_read_back_as_completed(head):
    """A record kept by an older schema_pkg (no status column: each row a completed run),
    read by this one's history --applied or verify before any upgrade adds the column."""
    head.execute(text("ALTER TABLE schema_pkg.history DROP COLUMN status"))
    assert {row.status for row in history.applied(head)} == {"completed"}


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


def test_a_failure_whose_rows_rolled_back_adds_a_failed_row_for_the_attempt_and_one_for_its_step(head):
    """When the rollback took the attempt's 'started' rows with it, the failure still leaves
    one failed row for the attempt and one for the step that failed (its number and name),
    each with its own error and no time spent."""
    history.record_failure(head, "0001", "upgrade", "abc", "online", "boom",
                           (2, "CREATE INDEX CONCURRENTLY ix", "step boom"))
    assert head.execute(text(
        "SELECT revision, direction, step, step_name, status, error, duration "
        "FROM schema_pkg.history ORDER BY id DESC LIMIT 2")).all() == [
        ("0001", "upgrade", 2, "CREATE INDEX CONCURRENTLY ix", "failed", "step boom", timedelta(0)),
        ("0001", "upgrade", None, None, "failed", "boom", timedelta(0))]


ENDS_WITH_A_TRANSACTION = [key for key, own in sorted(packaged_statements().items())
                           if len(parts := guards.parts_of(own)) > 1 and parts[-1].transaction]


@pytest.mark.parametrize("revision, direction", ENDS_WITH_A_TRANSACTION)
def test_a_revision_ending_with_a_transaction_part_completes_that_steps_row_online(
        schema_pkg_database_at, revision, direction):
    """The last part of such a revision commits with the revision's own record, and its
    step row is completed in that transaction, like every step before it."""
    down = REVISIONS[REVISIONS.index(revision) - 1]
    url = schema_pkg_database_at(revision if direction == "downgrade" else down)
    migrate(url, down if direction == "downgrade" else revision, downgrade=direction == "downgrade")
    count = len(guards.parts_of(packaged_statements()[(revision, direction)]))
    assert rows(url, "SELECT step, status FROM schema_pkg.history WHERE revision = "
                     f"'{revision}' AND direction = '{direction}' AND step IS NOT NULL ORDER BY id") == [
        (n, "completed") for n in range(1, count + 1)]
