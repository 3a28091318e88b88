"""Lock waits stay short and grow; CONCURRENTLY builds wait for old transactions, visibly, once."""

from __future__ import annotations

import random
import time
from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from schema_pkg import concurrent
from schema_pkg.blockers import BlockerWatch
from schema_pkg.config import script_directory
from schema_pkg.db import connection
from schema_pkg.deploy import lock_schedule, pause_seconds
from schema_pkg.settings import Timeouts, libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import assert_one_line_error, schema_pkg, url_text
from tests.test_deployer_polish import hold

pytestmark = pytest.mark.slow

HEAD = script_directory().get_current_head()


def test_schedule_starts_at_50_ms_and_grows_to_the_longest_try_within_the_budget():
    schedule = lock_schedule(Timeouts())
    assert schedule[:5] == [50, 100, 200, 500, 1000]
    assert max(schedule) == 1000
    assert sum(schedule) >= 180_000 and sum(schedule[:-1]) < 180_000


def test_schedule_follows_the_settings():
    timeouts = Timeouts.from_env({"SCHEMA_PKG_LOCK_TIMEOUT": "200ms",
                                  "SCHEMA_PKG_LOCK_WAIT_BUDGET": "1"})
    schedule = lock_schedule(timeouts)
    assert schedule[:3] == [50, 100, 200] and set(schedule[3:]) == {200}
    assert lock_schedule(Timeouts(lock_retries=2)) == [50, 100, 200]


def test_the_tries_stop_as_soon_as_their_waits_add_up_to_the_budget():
    schedule = lock_schedule(Timeouts(lock_timeout="150ms", lock_wait_budget=3))
    assert schedule == [50, 100] + [150] * 19
    assert sum(schedule) == 3000


def test_a_budget_the_first_tries_already_fill_gets_the_longest_try_once():
    assert lock_schedule(Timeouts(lock_timeout="200ms", lock_wait_budget=0.3)) == [50, 100, 200]


def test_pauses_are_jittered_and_short():
    pauses = {pause_seconds(500) for _ in range(20)}
    assert len(pauses) > 1 and all(0.25 <= p <= 0.75 for p in pauses)
    assert pause_seconds(1000) <= 1.0



@pytest.mark.parametrize("jitter, lock_ms, pause", [(min, 500, 0.25), (max, 500, 0.75), (min, 5000, 1.0)])
def test_a_pause_is_half_to_one_and_a_half_times_the_try_and_at_most_a_second(
        monkeypatch, jitter, lock_ms, pause):
    monkeypatch.setattr(random, "uniform", lambda low, high: jitter(low, high))
    assert pause_seconds(lock_ms) == pause


def test_the_sessions_waited_for_are_named_one_by_one_with_application_state_and_age():
    rows = [SimpleNamespace(pid=7, application="api", state="idle in transaction", age=12),
            SimpleNamespace(pid=9, application="psql", state="active", age=3)]
    assert concurrent.describe(rows) == ("pid 7 (api, idle in transaction, open 12 s); "
                                         "pid 9 (psql, active, open 3 s)")


class LockTableReads:
    """Stands in for the watch's connection: each read of the blockers returns the next
    sighting (a list of rows), as the server would at each poll."""

    def __init__(self, *sightings):
        self.sightings = list(sightings)

    def execute(self, sql, params):
        return SimpleNamespace(fetchall=lambda: self.sightings.pop(0))


def sighting(waiting_on):
    return [SimpleNamespace(pid=42, application="api", state="idle in transaction",
                            query="LOCK TABLE profiles", locks="AccessShareLock on public.profiles",
                            waiting_on=waiting_on)]


def test_a_relation_seen_waited_on_is_kept_when_the_try_ends_between_two_reads_of_the_lock_table():
    # Seen in CI: the blockers were read while the migration waited, the relation just
    # after its 50 ms try had ended, and the retry line said "lock on a relation".
    watch = BlockerWatch(url=None, pid=7)
    watch.look(LockTableReads(sighting("public.profiles")))
    watch.look(LockTableReads(sighting(None)))
    assert (watch.waiting_on, watch.blocker) == ("public.profiles", "pid 42 (api)")


def test_a_new_try_forgets_the_relation_and_blocker_of_the_last():
    watch = BlockerWatch(url=None, pid=7)
    watch.look(LockTableReads(sighting("public.profiles")))
    watch.clear()
    assert (watch.waiting_on, watch.blocker) == (None, None)


WAITING_ON_A_LOCK = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND application_name = 'schema_pkg' AND wait_event_type = 'Lock'")


def after_a_retry():
    """A release_when for :func:`hold`: true once the migration has waited on the lock,
    given up (its lock_timeout) and waits again, i.e. a retry is under way."""
    seen = []

    def retried(conn) -> bool:
        waiting = conn.execute(WAITING_ON_A_LOCK).fetchone()[0] > 0
        if not seen or seen[-1] != waiting:
            seen.append(waiting)
        return seen[-3:] == [True, False, True] or seen[-4:] == [False, True, False, True]

    return retried


def test_every_retry_is_printed_and_the_upgrade_completes_once_the_blocker_ends(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0005")  # the run's template, cloned
    holder = hold(scratch_url, "LOCK TABLE profiles IN ACCESS SHARE MODE", release_when=after_a_retry())
    result = schema_pkg("--url", url_text(scratch_url), "upgrade", "head")
    holder.release()
    assert result.returncode == 0, result.stderr
    retries = [line.strip() for line in result.stderr.splitlines() if "retry" in line]
    assert retries and retries[0].startswith("retry 0006: lock on public.profiles not granted in 50 ms")
    assert "blocked by pid" in retries[0] and "try 2/" in retries[0]
    assert recorded_revision(scratch_url) == HEAD


def test_concurrent_builds_ignore_lock_timeout(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    # Held until the build has waited on it for longer than the 50 ms lock_timeout it ignores.
    holder = hold(scratch_url, "LOCK TABLE soc_user_roles IN SHARE UPDATE EXCLUSIVE MODE",
                  release_when=waited_on_for(0.3))
    result = schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "head",
                        SCHEMA_PKG_LOCK_TIMEOUT="50ms", SCHEMA_PKG_LOCK_RETRIES="0")
    holder.release()
    assert result.returncode == 0, result.stderr
    assert recorded_revision(scratch_url) == HEAD


OLD_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM soc_teams"


OLDER_THAN_THE_THRESHOLD = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND backend_xmin IS NOT NULL "
                            "AND xact_start < clock_timestamp() - interval '1.05 s'")

def test_the_wait_polls_four_times_a_second_until_the_sessions_are_gone(monkeypatch):
    session = SimpleNamespace(pid=7, application="api", state="idle in transaction", age=12)
    polls = iter([[session], [session], []])

    class Connection:  # answers the pre-wait's two queries: the snapshot cleared, the sessions
        def execute(self, statement, parameters=None):
            return SimpleNamespace(all=lambda: next(polls)) if parameters else None

    pauses, notes = [], []
    monkeypatch.setattr(concurrent.time, "sleep", pauses.append)
    concurrent.wait_for_old_transactions(Connection(), "0008", 120, notes.append)
    assert pauses == [0.25, 0.25]
    assert notes == ["0008 builds indexes CONCURRENTLY; waiting up to 120 s for 1 open "
                     "transaction(s): pid 7 (api, idle in transaction, open 12 s)"]

# The migration has run its query for old transactions and is pausing before the next poll:
# it found ours (finding none, it would go straight on to the builds).
PRE_WAITING = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
               "AND application_name = 'schema_pkg' AND state <> 'active' "
               "AND query LIKE '%holds a snapshot or an xid%'")


def waited_on_for(seconds: float):
    """A release_when for :func:`hold`: true once the migration has waited on a lock that long."""
    return lambda conn: conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND application_name = 'schema_pkg' AND wait_event_type = 'Lock' "
        "AND state_change < clock_timestamp() - make_interval(secs => %s)", [seconds]).fetchone()[0] > 0


def hold_old_snapshot(url, release_when=None):
    """A transaction holding a snapshot, already older than the pre-wait's 1 s threshold
    (polled on the server)."""
    holder = hold(url, OLD_SNAPSHOT, release_when=release_when)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        while not conn.execute(OLDER_THAN_THE_THRESHOLD).fetchone()[0]:
            time.sleep(0.02)
    return holder


def test_an_old_transaction_is_listed_and_waited_for_before_building(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    # Released once the migration polls for old transactions: it lists it, then waits for it.
    holder = hold_old_snapshot(scratch_url, release_when=lambda conn: conn.execute(PRE_WAITING).fetchone()[0])
    result = schema_pkg("--url", url_text(scratch_url), "upgrade", "0008")  # the revision under test
    holder.release()
    assert result.returncode == 0, result.stderr
    assert "0008 builds indexes CONCURRENTLY; waiting up to 120 s for 1 open transaction(s): pid" \
        in result.stderr
    assert "idle in transaction" in result.stderr


def test_the_wait_is_bounded_and_nothing_is_built_when_it_runs_out(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    holder = hold_old_snapshot(scratch_url)
    result = schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "0008",
                        SCHEMA_PKG_CONCURRENT_PREWAIT="1.5")
    holder.release()
    assert_one_line_error(result, 1, "0008 not started: transactions still open after 1.5 s")
    assert "database left at 0007" in result.stderr
    assert recorded_revision(scratch_url) == "0007"


def test_the_sessions_waited_for_are_listed_once_however_long_the_wait(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    holder = hold_old_snapshot(scratch_url)
    result = schema_pkg("--url", url_text(scratch_url), "upgrade", "0008",
                        SCHEMA_PKG_CONCURRENT_PREWAIT="1")  # about 4 polls, 0.25 s apart
    holder.release()
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("0008 builds indexes CONCURRENTLY; waiting up to 1 s") == 1


def test_an_invalid_index_left_by_a_failed_build_is_dropped_before_the_build_and_the_lock_timeout_comes_back(
        scratch_url):
    """concurrent.install on its own (no packaged revision leaves an INVALID index where a
    rerun builds it again: the step record skips a completed build)."""
    with connection(scratch_url, isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CREATE TABLE public.t (v int); INSERT INTO public.t VALUES (1), (1)"))
        with pytest.raises(DBAPIError, match="could not create unique index"):
            conn.execute(text("CREATE UNIQUE INDEX CONCURRENTLY t_v ON public.t (v)"))
        invalid = "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass('public.t_v')"
        assert conn.execute(text(invalid)).scalar() is True  # the failed build's leftover
        conn.execute(text("DELETE FROM public.t WHERE ctid IN (SELECT ctid FROM public.t LIMIT 1)"))
        concurrent.install(conn, lambda: 250)
        conn.execute(text('CREATE UNIQUE INDEX CONCURRENTLY "t_v" ON public.t (v)'))
        assert conn.execute(text(invalid)).scalar() is False  # dropped, then built afresh
        assert conn.execute(text("SHOW lock_timeout")).scalar() == "250ms"
