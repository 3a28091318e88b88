"""Leaving a team (revision 0009): a member deletes their own role row, but a team
that still exists always keeps an owner, even when owners leave together.

The single-statement cases are in the expectations table (soc_user_roles:
own_role, red_owner, every_role_in_red); these need several statements or sessions.
"""

from __future__ import annotations

import threading

import psycopg
import pytest

from schema_pkg.settings import libpq_url
from schema_pkg.testing import as_service_role, as_user
from tests.rls.world import ROWS, USERS

RED = ROWS["soc_teams"]["red"]
MAKE_BOB_OWNER = "INSERT INTO soc_user_roles (user_id, team_id, role) VALUES (%s, %s, 'owner')"
LEAVE = "DELETE FROM soc_user_roles WHERE user_id = %s AND team_id = %s"


def test_an_owner_may_leave_once_another_owner_exists(rls_conn):
    with as_user(rls_conn, USERS["olivia"]) as db:
        db.execute(MAKE_BOB_OWNER, (USERS["bob"], RED))
        assert db.execute(LEAVE, (USERS["olivia"], RED)).rowcount == 1


def test_the_last_owner_cannot_leave(rls_conn):
    with as_user(rls_conn, USERS["olivia"]) as db:
        with pytest.raises(psycopg.errors.RestrictViolation, match="without an owner"):
            db.execute(LEAVE, (USERS["olivia"], RED))


def test_one_delete_of_every_owner_is_refused(rls_conn):
    with as_user(rls_conn, USERS["olivia"]) as db:
        db.execute(MAKE_BOB_OWNER, (USERS["bob"], RED))
        with pytest.raises(psycopg.errors.RestrictViolation):
            db.execute("DELETE FROM soc_user_roles WHERE team_id = %s AND role = 'owner'", (RED,))


def test_service_role_deletes_a_whole_team_with_its_roles(rls_conn):
    with as_service_role(rls_conn) as db:
        assert db.execute("DELETE FROM soc_user_roles WHERE team_id = %s", (RED,)).rowcount == 4
        assert db.execute("DELETE FROM soc_teams WHERE id = %s", (RED,)).rowcount == 1


@pytest.fixture
def team_of_two_owners(schema_pkg_database_at):
    """A database at head where team t has exactly two owners, u1 and u2 (committed)."""
    scratch_url = schema_pkg_database_at("head")  # the run's template, cloned
    url = libpq_url(scratch_url)
    with psycopg.connect(url, autocommit=True) as conn:
        team = conn.execute("INSERT INTO soc_teams (name) VALUES ('t') RETURNING id").fetchone()[0]
        for user in ("alice", "bob"):
            conn.execute(MAKE_BOB_OWNER, (USERS[user], team))
    return url, team


def waiting_for_a_lock(conn, pid) -> bool:
    return conn.execute("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
                        (pid,)).fetchone()[0]


def started_and_blocked(leaves, waiter, observer) -> threading.Thread:
    """Run ``leaves`` in a thread and return once ``waiter``'s session waits for a lock."""
    thread = threading.Thread(target=leaves)
    thread.start()
    while thread.is_alive() and not waiting_for_a_lock(observer, waiter.info.backend_pid):
        thread.join(0.05)
    assert thread.is_alive(), "the second owner did not wait for the first"
    return thread


def owners(observer, team) -> int:
    return observer.execute("SELECT count(*) FROM soc_user_roles WHERE team_id = %s AND role = 'owner'",
                            (team,)).fetchone()[0]


def test_two_owners_leaving_at_once_leave_one_owner(team_of_two_owners):
    url, team = team_of_two_owners
    with psycopg.connect(url) as first, psycopg.connect(url) as second, \
            psycopg.connect(url, autocommit=True) as observer:
        outcome = {}

        def second_leaves():
            try:
                with as_user(second, USERS["bob"]) as db:
                    db.execute(LEAVE, (USERS["bob"], team))  # rolled back either way
            except psycopg.Error as error:
                outcome["error"] = error

        with first.transaction():
            first.execute("SET LOCAL ROLE authenticated")
            first.execute("SELECT set_config('request.jwt.claims', %s, true)",
                          (f'{{"sub": "{USERS["alice"]}", "role": "authenticated"}}',))
            assert first.execute(LEAVE, (USERS["alice"], team)).rowcount == 1
            thread = started_and_blocked(second_leaves, second, observer)
        thread.join(30)
        assert isinstance(outcome.get("error"), psycopg.errors.RestrictViolation)
        assert owners(observer, team) == 1


# Both transactions take their snapshot before either deletes: under REPEATABLE READ and
# SERIALIZABLE the trigger's query would still see the other owner (0009's lock alone let
# both commit); 0010's write to the team row makes the second fail instead.
SECOND_LEAVER_FAILS_WITH = {
    "READ COMMITTED": psycopg.errors.RestrictViolation,
    "REPEATABLE READ": psycopg.errors.SerializationFailure,
    "SERIALIZABLE": psycopg.errors.SerializationFailure,
}


def begin_as_owner(conn, isolation: str, user: str) -> None:
    conn.execute(f"BEGIN ISOLATION LEVEL {isolation}")
    conn.execute("SET LOCAL ROLE authenticated")
    conn.execute("SELECT set_config('request.jwt.claims', %s, true)",
                 (f'{{"sub": "{USERS[user]}", "role": "authenticated"}}',))
    conn.execute("SELECT count(*) FROM soc_user_roles").fetchone()  # the snapshot, taken now


@pytest.mark.parametrize("isolation", sorted(SECOND_LEAVER_FAILS_WITH))
def test_two_owners_leaving_at_once_keep_an_owner_at_every_isolation_level(team_of_two_owners, isolation):
    url, team = team_of_two_owners
    with psycopg.connect(url, autocommit=True) as first, psycopg.connect(url, autocommit=True) as second, \
            psycopg.connect(url, autocommit=True) as observer:
        begin_as_owner(first, isolation, "alice")
        begin_as_owner(second, isolation, "bob")
        outcome = {}

        def second_leaves():
            try:
                second.execute(LEAVE, (USERS["bob"], team))
                second.execute("COMMIT")
                outcome["committed"] = True
            except psycopg.Error as error:
                outcome["error"] = error
                second.execute("ROLLBACK")

        assert first.execute(LEAVE, (USERS["alice"], team)).rowcount == 1
        thread = started_and_blocked(second_leaves, second, observer)
        first.execute("COMMIT")
        thread.join(30)
        assert isinstance(outcome.get("error"), SECOND_LEAVER_FAILS_WITH[isolation]), outcome
        assert owners(observer, team) == 1
