"""Team membership through functions: the documented ones are for the service only
(revision 0009), and signed-in users get caller-only functions that reveal nobody else."""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.testing import as_anon, as_service_role, as_user
from tests.rls.world import ROWS, USERS

RED, BLUE = ROWS["soc_teams"]["red"], ROWS["soc_teams"]["blue"]
DOCUMENTED_CALLS = ("SELECT get_user_team_id(%s)", "SELECT has_soc_role('owner', %s)")


def call(conn, sql, *params):
    return conn.execute(sql, params).fetchone()[0]


@pytest.mark.parametrize("sql", DOCUMENTED_CALLS)
@pytest.mark.parametrize("user", ["bob", "victor"])
def test_authenticated_cannot_execute_the_documented_functions(rls_conn, sql, user):
    with as_user(rls_conn, USERS[user]) as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for function"):
            call(db, sql, USERS["bella"])


def test_service_role_still_looks_up_any_users_team_and_role(rls_conn):
    with as_service_role(rls_conn) as db:
        assert call(db, "SELECT get_user_team_id(%s)", USERS["victor"]) == RED
        assert call(db, "SELECT get_user_team_id(%s)", USERS["bella"]) == BLUE
        assert call(db, "SELECT has_soc_role('owner', %s)", USERS["bella"]) is True
        assert call(db, "SELECT has_soc_role('viewer', %s)", USERS["bella"]) is False
        assert call(db, "SELECT get_user_team_id(%s)", USERS["bob"]) is None


@pytest.mark.parametrize("user, team", [("victor", RED), ("olivia", RED), ("bella", BLUE), ("bob", None)])
def test_current_user_team_id_is_the_callers_own_team(rls_conn, user, team):
    with as_user(rls_conn, USERS[user]) as db:
        assert call(db, "SELECT current_user_team_id()") == team


@pytest.mark.parametrize("user, role, holds", [
    ("olivia", "owner", True), ("olivia", "viewer", False), ("victor", "viewer", True),
    ("victor", "owner", False), ("bella", "owner", True), ("bob", "owner", False),
    ("bob", "viewer", False)])
def test_current_user_has_soc_role_answers_for_the_caller(rls_conn, user, role, holds):
    with as_user(rls_conn, USERS[user]) as db:
        assert call(db, "SELECT current_user_has_soc_role(%s)", role) is holds


def test_caller_only_functions_take_no_user_id_and_run_under_the_callers_rls(rls_conn):
    rows = rls_conn.execute(
        "SELECT proname, pg_get_function_identity_arguments(oid), prosecdef, proconfig::text "
        "FROM pg_proc WHERE proname IN ('current_user_team_id', 'current_user_has_soc_role') "
        "ORDER BY 1").fetchall()
    assert rows == [("current_user_has_soc_role", "_role soc_role", False, '{"search_path=\\"\\""}'),
                    ("current_user_team_id", "", False, '{"search_path=\\"\\""}')]


@pytest.mark.parametrize("sql", ["SELECT current_user_team_id()",
                                 "SELECT current_user_has_soc_role('owner')"])
def test_anon_cannot_execute_the_caller_only_functions(rls_conn, sql):
    with as_anon(rls_conn) as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            call(db, sql)
