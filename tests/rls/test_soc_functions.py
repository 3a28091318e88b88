"""The documented SECURITY DEFINER functions answer correctly for callers whom RLS limits."""

from __future__ import annotations

from schema_pkg.testing import as_user
from tests.rls.world import ROWS, USERS

RED, BLUE = ROWS["soc_teams"]["red"], ROWS["soc_teams"]["blue"]


def call(conn, sql, *params):
    return conn.execute(sql, params).fetchone()[0]


def test_get_user_team_id_returns_the_users_team(rls_conn):
    with as_user(rls_conn, USERS["victor"]) as db:
        assert call(db, "SELECT get_user_team_id(%s)", USERS["victor"]) == RED


def test_get_user_team_id_sees_through_rls_for_other_teams(rls_conn):
    with as_user(rls_conn, USERS["victor"]) as db:
        hidden = call(db, "SELECT count(*) FROM soc_user_roles WHERE user_id = %s", USERS["bella"])
        assert hidden == 0
        assert call(db, "SELECT get_user_team_id(%s)", USERS["bella"]) == BLUE


def test_has_soc_role_answers_for_roles_rls_hides(rls_conn):
    with as_user(rls_conn, USERS["bob"]) as db:
        assert call(db, "SELECT count(*) FROM soc_user_roles") == 0
        assert call(db, "SELECT has_soc_role('owner', %s)", USERS["bella"]) is True
        assert call(db, "SELECT has_soc_role('viewer', %s)", USERS["bella"]) is False


def test_user_without_roles_gets_null_team_and_no_role(rls_conn):
    with as_user(rls_conn, USERS["bob"]) as db:
        assert call(db, "SELECT get_user_team_id(%s)", USERS["bob"]) is None
        assert call(db, "SELECT has_soc_role('viewer', %s)", USERS["bob"]) is False
