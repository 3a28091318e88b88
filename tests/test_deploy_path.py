"""The deploy path fails safe and says so: each test here catches a sabotage the rest of
the suite once let through (issue 11).  Behaviour that is the CLI's runs in a subprocess."""

from __future__ import annotations

import re
import socket
import threading

import psycopg
import pytest

from schema_pkg.config import script_directory
from schema_pkg.scratch import migrate
from schema_pkg.settings import libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import assert_one_line_error, schema_pkg, url_text

pytestmark = pytest.mark.slow
SECRET = "s3cret-pw-4711"
REVISIONS = [script.revision for script in reversed(list(script_directory().walk_revisions()))]


def execute(url, sql):
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute(sql)


# --- a failure part-way leaves the last committed revision, and says which ---

def test_failure_at_0006_after_0005_committed_leaves_the_database_at_0005_and_says_so(scratch_url):
    migrate(scratch_url, "0004")
    execute(scratch_url, "CREATE SCHEMA private")  # 0006 creates it: that revision fails
    result = schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "head")
    assert_one_line_error(result, 1, "migration failed")
    assert "database left at 0005" in result.stderr
    assert recorded_revision(scratch_url) == "0005"


def fail_ddl_from(revision: str) -> str:
    """An event trigger that fails every DDL statement once the database is at ``revision``:
    the next revision fails at its first statement, whatever it does."""
    return f"""
CREATE FUNCTION fail_ddl_from() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN  -- at base it is not there yet
    IF EXISTS (SELECT 1 FROM public.alembic_version WHERE version_num = '{revision}') THEN
      RAISE EXCEPTION 'planted failure after {revision}';
    END IF;
  END IF;
END $$;
CREATE EVENT TRIGGER fail_ddl_from ON ddl_command_start EXECUTE FUNCTION fail_ddl_from();"""


def upgrade_rows(url) -> list[tuple[str, str]]:
    """(revision, status) of each upgrade's own row in the deployment record, in order."""
    with psycopg.connect(libpq_url(url)) as conn:
        return conn.execute("SELECT revision, status FROM schema_pkg.history WHERE direction = "
                            "'upgrade' AND step IS NULL ORDER BY id").fetchall()


def test_a_run_failing_in_its_last_revision_keeps_every_earlier_one_committed_and_recorded(scratch_url):
    *earlier, last = REVISIONS
    execute(scratch_url, fail_ddl_from(earlier[-1]))
    result = schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "head")
    assert_one_line_error(result, 1, "migration failed")
    assert f"planted failure after {earlier[-1]}; database left at {earlier[-1]}" in result.stderr
    assert recorded_revision(scratch_url) == earlier[-1]
    assert upgrade_rows(scratch_url) == [*((r, "completed") for r in earlier), (last, "failed")]


# --- verify judges policies and RLS, and its exit code gates CI ----------------

@pytest.mark.parametrize("change", [
    'ALTER POLICY "Users can view own data" ON simcore_simulations USING (true)',
    'ALTER POLICY "Users can update own preferences" ON user_project_preferences WITH CHECK (true)',
    "ALTER TABLE profiles DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE soc_user_roles FORCE ROW LEVEL SECURITY",
], ids=["policy_using_true", "policy_check_true", "rls_disabled", "rls_forced"])
def test_verify_exits_1_when_rls_is_weakened(head_url, change):
    execute(head_url, change)
    result = schema_pkg("--url", url_text(head_url), "verify")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "DRIFT" in result.stdout


# --- timeouts -----------------------------------------------------------------

def slow_ddl(seconds: float) -> str:
    """An event trigger that makes every DDL statement of the database take ``seconds``."""
    return f"""
CREATE FUNCTION slow_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep({seconds}); END $$;
CREATE EVENT TRIGGER slow_ddl ON ddl_command_start EXECUTE FUNCTION slow_ddl();
"""


# Every DDL statement in this database takes 3 s: longer than the statement_timeout below,
# far shorter than its lock_timeout, and with no lock wait at all.
SLOW_DDL = slow_ddl(3)


def test_online_statement_timeout_cancels_a_statement_that_runs_too_long(baseline_url):
    execute(baseline_url, SLOW_DDL)
    result = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head",
                        SCHEMA_PKG_STATEMENT_TIMEOUT="1s", SCHEMA_PKG_LOCK_TIMEOUT="60s",
                        SCHEMA_PKG_LOCK_RETRIES="0", timeout=60)
    assert_one_line_error(result, 1, "canceling statement due to statement timeout")
    assert recorded_revision(baseline_url) == "0005"


@pytest.fixture
def silent_listener():
    """A TCP port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.mark.same_on_every_version
@pytest.mark.parametrize("command", ["upgrade", "verify", "adopt", "advise"])
def test_a_server_that_never_answers_fails_within_the_connect_timeout(silent_listener, command):
    url = f"postgresql://postgres:{SECRET}@127.0.0.1:{silent_listener}/x"
    result = schema_pkg("-q", "--url", url, command, SCHEMA_PKG_CONNECT_TIMEOUT="2",
                        timeout=30)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert SECRET not in result.stdout + result.stderr


# --- unreachable databases and passwords ---------------------------------------

@pytest.mark.same_on_every_version  # no server: port 1
@pytest.mark.parametrize("command", ["upgrade", "current", "verify", "adopt", "advise"])
def test_an_unreachable_database_exits_1_with_one_line(command):
    result = schema_pkg("-q", "--url", f"postgresql://postgres:{SECRET}@127.0.0.1:1/x", command)
    assert_one_line_error(result, 1, "error")
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.same_on_every_version
# Bad URLs fail while the target is resolved, before any command runs: one command suffices.
@pytest.mark.parametrize("url", [
    f"postgresql://postgres:{SECRET}@127.0.0.1:notaport/x",
    f"postgresql://postgres:{SECRET}@[::1/x",
    f"postgresql://postgres:{SECRET}@127.0.0.1:1/",
    f"postgres//postgres:{SECRET}@127.0.0.1/x",
    f"mysql://root:{SECRET}@127.0.0.1/x",
], ids=["bad_port", "bad_host", "no_database", "no_scheme", "not_postgres"])
def test_a_malformed_url_never_prints_its_password(url):
    result = schema_pkg("--url", url, "upgrade", "head")
    assert_one_line_error(result, 2, "URL")
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.same_on_every_version  # no server: port 1
@pytest.mark.parametrize("command", ["upgrade", "downgrade", "verify", "adopt", "advise"])
def test_a_connection_option_libpq_rejects_never_prints_the_password(command):
    args = [command, "base"] if command == "downgrade" else [command]
    result = schema_pkg("-q", "--url", f"postgresql://postgres:{SECRET}@127.0.0.1:1/x?sslmode=bogus", *args)
    assert_one_line_error(result, 1, "sslmode")
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.same_on_every_version
# --- fresh offline output ------------------------------------------------------

def test_offline_script_sets_the_configured_timeouts_before_the_first_transaction():
    result = schema_pkg("upgrade", "head", "--sql", SCHEMA_PKG_LOCK_TIMEOUT="7s",
                        SCHEMA_PKG_STATEMENT_TIMEOUT="9min")
    assert result.returncode == 0, result.stderr
    first_begin = result.stdout.index("BEGIN;")
    assert -1 < result.stdout.find("\\set lock_timeout 7s") < first_begin
    assert -1 < result.stdout.find("\\set statement_timeout 9min") < first_begin
    assert -1 < result.stdout.find("SET lock_timeout = :'lock_timeout';") < first_begin
    assert -1 < result.stdout.find("SET statement_timeout = :'statement_timeout';") < first_begin


@pytest.mark.same_on_every_version
def test_offline_script_runs_each_revision_in_its_own_transaction():
    result = schema_pkg("upgrade", "head", "--sql")
    assert result.returncode == 0, result.stderr
    transactions = re.findall(r"^BEGIN;$(.*?)^COMMIT;$", result.stdout, flags=re.MULTILINE | re.DOTALL)
    stamps = [[a or b for a, b in re.findall(r"SET version_num='(\w+)'|VALUES \('(\w+)'\)", body)]
              for body in transactions]
    # 0008 also commits on its own before CREATE INDEX CONCURRENTLY: that transaction stamps nothing.
    assert [found for found in stamps if found] == [[revision] for revision in REVISIONS]
