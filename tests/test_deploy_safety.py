"""Deploys that collide, wait, die or would lose data end cleanly and say why."""

from __future__ import annotations

import io
import time
from types import SimpleNamespace

import psycopg
import pytest
from alembic.util import CommandError
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, InvalidRequestError
from sqlalchemy.pool import NullPool

from schema_pkg import db, deploy
from schema_pkg.config import script_directory
from schema_pkg.scratch import migrate
from schema_pkg.settings import libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import assert_one_line_error, bare_alembic, schema_pkg, url_text
from tests.test_migration_lock import wait_until

pytestmark = pytest.mark.slow
HEAD = script_directory().get_current_head()


def schema_exists(url, name) -> bool:
    with psycopg.connect(libpq_url(url)) as conn:
        return conn.execute("SELECT to_regnamespace(%s) IS NOT NULL", [name]).fetchone()[0]


@pytest.fixture
def blocker(baseline_url):
    """A session holding ACCESS EXCLUSIVE on profiles, which revision 0006 alters."""
    conn = psycopg.connect(libpq_url(baseline_url))
    conn.execute("LOCK TABLE profiles IN ACCESS EXCLUSIVE MODE")
    yield conn
    conn.rollback()
    conn.close()


def test_four_concurrent_upgrades_all_succeed_with_one_head(scratch_url):
    runs = [schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "head", wait=False)
            for _ in range(4)]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    with psycopg.connect(libpq_url(scratch_url)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]


def test_lock_timeout_retries_then_names_the_blocker(baseline_url, blocker):
    started = time.monotonic()
    result = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head",
                        SCHEMA_PKG_LOCK_TIMEOUT="200ms", SCHEMA_PKG_LOCK_RETRIES="2")
    assert_one_line_error(result, 1, "lock not available after 3 tries")
    assert f"blocked by pid {blocker.info.backend_pid}" in result.stderr
    assert "AccessExclusiveLock on public.profiles" in result.stderr
    assert "database left at 0005" in result.stderr
    assert time.monotonic() - started < 30
    assert recorded_revision(baseline_url) == "0005"
    assert not schema_exists(baseline_url, "private"), "0006 was partly applied"


def test_without_retries_the_blocker_is_still_named(baseline_url, blocker):
    result = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head",
                        SCHEMA_PKG_LOCK_TIMEOUT="200ms", SCHEMA_PKG_LOCK_RETRIES="0")
    assert_one_line_error(result, 1, "lock not available after 1 try")
    assert f"pid {blocker.info.backend_pid}" in result.stderr
    assert recorded_revision(baseline_url) == "0005"


def test_a_lock_timeout_whose_blocker_went_unseen_names_the_sessions_holding_locks_now(
        baseline_url, blocker):
    """The watcher can miss a blocker (a try shorter than its poll): the message then
    lists the sessions that hold locks on our relations when the run gives up."""
    from schema_pkg.migration_env import migration_failure
    from schema_pkg.settings import Target, Timeouts

    engine = create_engine(baseline_url, poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text("SET lock_timeout = '50ms'"))
        with pytest.raises(DBAPIError) as timed_out:
            conn.execute(text("LOCK TABLE profiles"))
        conn.rollback()
        failure = migration_failure(conn, timed_out.value, Timeouts(), Target(baseline_url, "test"),
                                    blockers=None, tries=1, lock_ms=50)
    engine.dispose()
    assert str(failure).startswith("lock not available after 1 try (last lock_timeout 50 ms); "
                                   "database left at 0005; sessions holding locks: "
                                   f"pid {blocker.info.backend_pid} (")


def wait_for_lock_wait(url, timeout=30.0) -> int:
    """The pid of the schema_pkg backend once pg_stat_activity shows it waiting on a relation."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = 'schema_pkg' AND wait_event_type = 'Lock' "
                "AND wait_event = 'relation'").fetchone()
            if row:
                return row[0]
            time.sleep(0.02)
    raise AssertionError("the upgrade never waited on the held lock")


def test_backend_killed_mid_upgrade_leaves_last_revision_and_rerun_completes(baseline_url, blocker):
    run = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head", wait=False,
                     SCHEMA_PKG_LOCK_TIMEOUT="60s")
    pid = wait_for_lock_wait(baseline_url)
    with psycopg.connect(libpq_url(baseline_url), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    code, stderr = run.wait(timeout=60), run.stderr.read()
    assert code == 1 and "Traceback" not in stderr, stderr
    assert "connection lost during migration" in stderr
    assert "database left at 0005 (each completed revision is committed); rerun to finish" in stderr
    blocker.rollback()
    assert recorded_revision(baseline_url) == "0005"
    assert not schema_exists(baseline_url, "private"), "0006 was partly applied"
    assert schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head").returncode == 0
    assert recorded_revision(baseline_url) == HEAD


def test_progress_lists_each_revision_with_its_duration_and_quiet_silences_it(scratch_url):
    loud = schema_pkg("--url", url_text(scratch_url), "upgrade", "0002")
    assert loud.returncode == 0
    assert [line.split()[:2] for line in loud.stderr.splitlines() if "applied" in line] == [
        ["applied", "0001"], ["applied", "0002"]]
    assert all(line.rstrip().endswith(" s") for line in loud.stderr.splitlines() if "applied" in line)
    quiet = schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "head")
    assert quiet.returncode == 0 and quiet.stderr == ""


def insert_rows(url):
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("INSERT INTO projects (name, slug, category) VALUES ('p', 'p', 'portfolio')")
        conn.execute("INSERT INTO soc_teams (name) VALUES ('t1'), ('t2')")


def table_contents(url):
    with psycopg.connect(libpq_url(url)) as conn:
        return {table: conn.execute(f"SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) "
                                    f"FROM {table} t").fetchone()[0]
                for table in ("projects", "soc_teams")}


def test_rows_written_at_the_baseline_survive_upgrade_and_downgrade(baseline_url):
    insert_rows(baseline_url)
    before = table_contents(baseline_url)
    migrate(baseline_url, "head")
    assert table_contents(baseline_url) == before
    migrate(baseline_url, "0005", downgrade=True)
    assert table_contents(baseline_url) == before


def test_downgrade_that_would_drop_rows_stops_and_says_how_many(head_url):
    insert_rows(head_url)
    result = schema_pkg("-q", "--url", url_text(head_url), "downgrade", "base")
    assert_one_line_error(result, 1, "public.projects (1 rows), public.soc_teams (2 rows)")
    assert "--allow-data-loss" in result.stderr
    assert recorded_revision(head_url) == HEAD


def test_bare_alembic_downgrade_is_guarded_too(head_url):
    insert_rows(head_url)
    result = bare_alembic("-x", f"url={url_text(head_url)}", "downgrade", "base")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "downgrade 0003 would drop tables holding data" in result.stderr
    assert recorded_revision(head_url) == HEAD


def alembic_in_this_process(*argv: str):
    """What the ``alembic`` console script runs for ``argv``, in this process (the tests
    above run it in another, which mutmut cannot follow): alembic's own command line, no
    schema-pkg attributes; its CommandError raised (``--raiseerr``) rather than printed."""
    from alembic.config import CommandLine, Config

    from schema_pkg.config import CHECKOUT_DIR

    command_line = CommandLine()
    options = command_line.parser.parse_args(["--raiseerr", *argv])
    config = Config(str(CHECKOUT_DIR / "alembic.ini"), cmd_opts=options)
    config.attributes["configure_logging"] = False  # leave this process's logging alone
    command_line.run_cmd(config, options)


def test_bare_alembic_names_its_command_from_its_command_line_so_the_downgrade_is_checked_first(head_url):
    """env.py reads the command from alembic's parsed argv and checks the whole downgrade
    before any revision runs."""
    insert_rows(head_url)
    with pytest.raises(CommandError, match="downgrade 0003 would drop tables holding data"):
        alembic_in_this_process("-x", f"url={url_text(head_url)}", "downgrade", "base")
    assert recorded_revision(head_url) == HEAD  # refused before the first revision ran


def test_bare_alembic_with_a_malformed_url_says_why_without_the_password():
    with pytest.raises(CommandError) as refused:
        alembic_in_this_process("-x", "url=postgresql://u:hunter2@h:notaport/d", "upgrade", "head")
    assert "malformed database URL" in str(refused.value)
    assert "hunter2" not in str(refused.value)


def test_a_caller_that_says_configure_logging_false_keeps_its_own_logging():
    import logging

    def state():
        return list(logging.getLogger().handlers), logging.getLogger("alembic").level

    before = state()
    with pytest.raises(CommandError):  # env.py configures logging, if at all, before this
        alembic_in_this_process("-x", "url=postgresql://u@h:notaport/d", "upgrade", "head")
    assert state() == before  # alembic.ini's [loggers] and handlers were not applied


def test_bare_alembic_current_can_check_the_heads_and_say_where_it_looked(head_url):
    # alembic's current reads its migration context only with --verbose or --check-heads
    result = bare_alembic("-x", f"url={url_text(head_url)}", "current", "--verbose", "--check-heads")
    assert result.returncode == 0, result.stderr
    assert "Current revision(s) for postgresql" in result.stdout
    assert f"Rev: {HEAD} (head)" in result.stdout


def test_allow_data_loss_lets_the_downgrade_proceed(head_url):
    insert_rows(head_url)
    result = schema_pkg("-q", "--url", url_text(head_url), "downgrade", "base", "--allow-data-loss")
    assert result.returncode == 0, result.stderr
    assert recorded_revision(head_url) is None


def test_an_online_run_leaves_no_session_of_its_own_behind(scratch_url):
    """Its connections are closed, not kept in a pool, when it ends (this process goes on)."""
    result = schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "0002")
    assert result.returncode == 0, result.stderr
    # a closed session's backend ends a moment later
    wait_until(scratch_url, "SELECT NOT EXISTS (SELECT FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid())",
               timeout=3)


def test_transaction_pooler_port_is_refused_with_advice():
    result = schema_pkg("-q", "--url", "postgresql://postgres@127.0.0.1:6543/postgres", "upgrade", "head")
    assert_one_line_error(result, 1, "transaction pooler")


def test_only_port_6543_is_refused_as_the_transaction_pooler_and_the_refusal_says_what_to_use():
    with pytest.raises(CommandError) as refused:
        deploy.refuse_transaction_pooler(6543)
    assert str(refused.value) == (
        "port 6543 is Supabase's transaction pooler, which breaks the migration lock; "
        "use the direct connection (port 5432) or the session pooler")
    for port in (None, 5432, 6542, 6544):
        deploy.refuse_transaction_pooler(port)


@pytest.mark.parametrize("flag, setting, allowed", [
    (True, None, True), (True, "0", True),  # --allow-data-loss
    (False, "1", True),  # SCHEMA_PKG_ALLOW_DATA_LOSS=1, for bare alembic
    (False, None, False), (False, "0", False), (False, "yes", False), (False, "", False),
])
def test_data_loss_is_allowed_by_the_flag_or_by_the_setting_1_and_nothing_else(
        monkeypatch, flag, setting, allowed):
    if setting is None:
        monkeypatch.delenv(deploy.ALLOW_DATA_LOSS_ENV, raising=False)
    else:
        monkeypatch.setenv(deploy.ALLOW_DATA_LOSS_ENV, setting)
    assert deploy.allows_data_loss(flag) is allowed


def test_the_revision_a_message_names_is_base_without_the_table_or_a_row_else_every_row(scratch_url):
    with db.connection(scratch_url) as conn:
        assert deploy.recorded_revisions(conn) is None
        assert deploy.current_revision(conn) == "base (no alembic_version table)"
        conn.execute(text("CREATE TABLE public.alembic_version (version_num varchar(32) PRIMARY KEY)"))
        assert deploy.recorded_revisions(conn) == []
        assert deploy.current_revision(conn) == "base"
        conn.execute(text("INSERT INTO public.alembic_version VALUES ('0007'), ('0008')"))
        assert deploy.recorded_revisions(conn) == ["0007", "0008"]  # two heads: each named
        assert deploy.current_revision(conn) == "0007, 0008"


@pytest.mark.parametrize("sqlstate, ended", [("57P01", True), ("57P02", True), ("55P03", False),
                                             (None, False)])
def test_a_terminated_session_is_a_lost_connection_whatever_the_driver_saw(sqlstate, ended):
    error = SimpleNamespace(orig=SimpleNamespace(sqlstate=sqlstate))
    assert deploy.ended_the_session(error) is ended


def test_an_error_that_carries_no_sqlstate_is_neither_a_lock_timeout_nor_an_ended_session():
    for error in (ValueError("not from the database"), SimpleNamespace(orig=ValueError("no code"))):
        assert deploy.sqlstate(error) is None
        assert not deploy.is_lock_timeout(error) and not deploy.ended_the_session(error)


def test_an_errors_first_line_is_the_servers_message_without_sqlalchemys_wrapping():
    lock = psycopg.errors.LockNotAvailable("canceling statement due to lock timeout\nCONTEXT: x")
    assert deploy.first_line(DBAPIError("LOCK TABLE t", {}, lock)) == (
        "canceling statement due to lock timeout")
    assert deploy.first_line(ValueError("  first\nsecond")) == "first"
    assert deploy.first_line(ValueError()) == "ValueError"  # no message: its kind


class RunConnection:
    """What migration_env.lost() reads of the run's connection, and its invalidate()."""

    def __init__(self, closed: bool):
        self.invalidated, self.closed, self.invalidations = False, closed, 0

    def invalidate(self):
        self.invalidated, self.invalidations = True, self.invalidations + 1


@pytest.mark.parametrize("sqlstate, driver_saw_it, closed, is_lost, invalidations", [
    ("57P01", False, False, True, 1),  # the server ended it: invalidated, never reused
    ("57P01", False, True, True, 0),  # already closed: lost, left as it is
    (None, True, False, True, 0),  # SQLAlchemy saw the connection die
    ("55P03", False, False, False, 0),  # a lock timeout: the connection goes on
])
def test_the_run_lost_its_connection_when_the_server_ended_it_the_driver_saw_it_or_it_is_closed(
        sqlstate, driver_saw_it, closed, is_lost, invalidations):
    from schema_pkg.migration_env import lost

    connection = RunConnection(closed)
    error = SimpleNamespace(orig=SimpleNamespace(sqlstate=sqlstate), connection_invalidated=driver_saw_it)
    assert lost(connection, error) is is_lost
    assert connection.invalidations == invalidations


class UnreadableConnection:
    """A run's connection whose reads fail (its transaction aborted); counts its rollbacks,
    which fail too when ``rollback_fails``."""

    def __init__(self, invalidated=False, closed=False, rollback_fails=False):
        self.invalidated, self.closed, self.rollback_fails = invalidated, closed, rollback_fails
        self.reads = self.rollbacks = 0

    def execute(self, statement, parameters=None):
        self.reads += 1
        raise DBAPIError(str(statement), {}, psycopg.errors.InFailedSqlTransaction(ABORTED))

    def rollback(self):
        self.rollbacks += 1
        if self.rollback_fails:
            raise psycopg.OperationalError("the connection is closed")

    def in_transaction(self):
        return True


ABORTED = "current transaction is aborted, commands ignored until end of transaction block"


def test_an_unreadable_alembic_version_is_named_in_the_failure_line_and_its_transaction_rolled_back():
    from schema_pkg.migration_env import revision_for_the_message

    connection = UnreadableConnection()
    assert revision_for_the_message(connection) == (
        f"an unknown revision (alembic_version unreadable: {ABORTED})")
    assert connection.rollbacks == 1


def test_an_unreadable_record_adds_no_steps_to_the_failure_line_and_its_transaction_is_rolled_back():
    from schema_pkg.history import checksum, packaged_statements
    from schema_pkg.migration_env import steps_left_applied

    own = packaged_statements()[("0008", "upgrade")]  # commits step by step
    connection = UnreadableConnection()
    assert steps_left_applied(connection, ("0008", "upgrade"), own, checksum(own)) == ""
    assert connection.rollbacks == 1


TWO_STEPS = ("COMMIT;\nCREATE INDEX CONCURRENTLY a_idx ON public.a (x);\n"  # as alembic renders
             "CREATE INDEX CONCURRENTLY b_idx ON public.b (y);\nBEGIN;\n")  # an autocommit block


def test_the_record_is_read_for_the_steps_left_applied_only_when_the_revision_commits_step_by_step():
    from schema_pkg.guards import parts_of
    from schema_pkg.history import checksum, packaged_statements
    from schema_pkg.migration_env import steps_left_applied

    one_step = packaged_statements()[("0006", "upgrade")]
    assert len(parts_of(one_step)) == 1 and len(parts_of(TWO_STEPS)) == 2
    for own, digest, reads in [(one_step, checksum(one_step), 0),  # one transaction: nothing left
                               (TWO_STEPS, None, 0),  # no checksum: no steps to match
                               (None, "abc", 0),  # statements unknown
                               (TWO_STEPS, checksum(TWO_STEPS), 1)]:
        connection = UnreadableConnection()
        assert steps_left_applied(connection, ("0099", "upgrade"), own, digest) == ""
        assert connection.reads == reads, own


def test_without_a_revision_under_way_the_failure_line_names_no_steps():
    from schema_pkg.migration_env import partly_applied

    for guard in (None, SimpleNamespace(current=None, direction=None)):
        connection = UnreadableConnection()
        assert partly_applied(connection, guard) == ""
        assert connection.reads == 0


def test_a_failure_that_cannot_be_recorded_is_rolled_back_and_still_told():
    from schema_pkg.migration_env import record_failure

    connection = UnreadableConnection()
    guard = SimpleNamespace(current="0008", direction="upgrade", checksums={}, failed_step=None)
    record_failure(connection, guard, None, None, "migration failed: x")  # raises nothing
    assert connection.reads == 1 and connection.rollbacks == 1


@pytest.mark.parametrize("invalidated, closed, rollbacks_and_reads", [
    (False, False, (1, 1)), (True, False, (0, 0)), (False, True, (0, 0)), (True, True, (0, 0))])
def test_giving_the_migration_lock_back_leaves_a_lost_connection_alone_and_never_raises(
        invalidated, closed, rollbacks_and_reads):
    """A live connection: its transaction rolled back, then the lease released (here the
    release fails, quietly); a lost one gave the lease back by ending."""
    from schema_pkg.migration_env import release_quietly

    connection = UnreadableConnection(invalidated, closed)
    release_quietly(connection)
    assert (connection.rollbacks, connection.reads) == rollbacks_and_reads


@pytest.mark.parametrize("invalidated, closed, rollbacks", [
    (False, False, 1), (True, False, 0), (False, True, 0), (True, True, 0)])
def test_a_quiet_rollback_leaves_a_lost_connection_alone_and_never_raises(invalidated, closed, rollbacks):
    from schema_pkg.migration_env import rollback_quietly

    connection = UnreadableConnection(invalidated, closed, rollback_fails=True)
    rollback_quietly(connection)
    assert connection.rollbacks == rollbacks


def test_the_database_error_behind_sqlalchemys_refusal_to_go_on_is_found():
    """After the connection died, SQLAlchemy refuses to go on ("Can't reconnect until
    invalid transaction is rolled back"); the error that killed it is behind that."""
    from schema_pkg.migration_env import database_error

    dead = DBAPIError("SELECT 1", {}, psycopg.errors.AdminShutdown("terminating connection"))
    try:
        try:
            raise dead
        except DBAPIError:
            # chained implicitly, as SQLAlchemy raises it
            raise InvalidRequestError("Can't reconnect until invalid transaction is rolled back")  # noqa: B904
    except InvalidRequestError as refused:
        assert database_error(refused) is dead
    chained = InvalidRequestError("refused")
    chained.__cause__ = dead
    assert database_error(chained) is dead
    assert database_error(ValueError("not from the database")) is None


TITLE = "Indexes for how the data is read: policy columns, foreign keys, and the latest N"


def progress_lines(monkeypatch, quiet: bool, steps, at: str = "0010") -> list[str]:
    """What a Progress prints for ``steps`` (is_upgrade, revision, doc), each taking 1.5 s
    by a clock that ticks only when read, then at the end of a run at ``at``."""
    clock = iter([10.0, 11.5, 11.5, 13.0, 13.0, 14.5, 14.5])
    monkeypatch.setattr(deploy.time, "perf_counter", lambda: next(clock))
    stream = io.StringIO()
    progress = deploy.Progress(quiet=quiet, stream=stream)
    for is_upgrade, revision, doc in steps:
        progress(ctx=None, step=SimpleNamespace(is_upgrade=is_upgrade,
                                                up_revision=SimpleNamespace(revision=revision, doc=doc)),
                 heads=(), run_args=None)
    progress.finish(at)
    return stream.getvalue().splitlines()


def test_each_revision_is_printed_applied_or_reverted_with_its_titles_first_line_and_seconds(
        monkeypatch):
    assert progress_lines(monkeypatch, False, [(True, "0008", f"{TITLE}\n\nMore."),
                                               (False, "0001", None)]) == [
        "  applied  0008  " + "Indexes for how the data is read: policy columns, foreign keys…".ljust(68)
        + "   1.50 s",
        "  reverted 0001  " + " " * 68 + "   1.50 s",
    ]


def test_an_upgrade_with_nothing_to_do_says_where_the_database_is(monkeypatch):
    assert progress_lines(monkeypatch, False, []) == ["  nothing to do: the database is at 0010"]


def test_quiet_progress_prints_nothing_and_never_says_nothing_to_do(monkeypatch):
    assert progress_lines(monkeypatch, True, [(True, "0008", TITLE)]) == []
    assert progress_lines(monkeypatch, True, []) == []
