"""An application's tests can use the shipped fixtures and helpers directly."""

from __future__ import annotations

from schema_pkg.testing import as_user as as_user_helper
from tests.rls.world import USERS


def test_fixtures_act_on_a_migrated_database(schema_pkg_connection, as_user, as_anon):
    conn = schema_pkg_connection
    conn.execute("INSERT INTO simcore_simulations (user_id, name, simulation_type) "
                 "VALUES (%s, 'run', 'md')", [USERS["alice"]])
    with as_user(USERS["alice"]) as db:
        assert db.execute("SELECT count(*) FROM simcore_simulations").fetchone()[0] == 1
    with as_user(USERS["bob"]) as db:
        assert db.execute("SELECT count(*) FROM simcore_simulations").fetchone()[0] == 0
    with as_anon() as db:
        assert db.execute("SELECT count(*) FROM projects").fetchone()[0] == 0


def test_helper_is_importable_as_documented():
    assert as_user_helper.__module__ == "schema_pkg.testing"


def test_helpers_accept_a_sqlalchemy_connection(head):
    from sqlalchemy import text

    head.execute(text("INSERT INTO simcore_simulations (user_id, name, simulation_type) "
                      "VALUES (:u, 'run', 'md')"), {"u": USERS["alice"]})
    with as_user_helper(head, USERS["alice"]) as db:
        assert db.execute(text("SELECT count(*) FROM simcore_simulations")).scalar() == 1
        assert db.execute(text("SELECT current_user")).scalar() == "authenticated"
    with as_user_helper(head, USERS["bob"]) as db:
        assert db.execute(text("SELECT count(*) FROM simcore_simulations")).scalar() == 0
    assert head.execute(text("SELECT current_user = session_user")).scalar()
    assert head.execute(text("SELECT count(*) FROM simcore_simulations")).scalar() == 1


def test_with_no_transaction_open_a_block_is_rolled_back_at_its_end(head_engine):
    from sqlalchemy import text

    with head_engine.connect() as conn:
        with as_user_helper(conn, USERS["alice"]) as db:
            db.execute(text("INSERT INTO simcore_simulations (user_id, name, simulation_type) "
                            "VALUES (:u, 'run', 'md')"), {"u": USERS["alice"]})
        assert not conn.in_transaction()
        assert conn.execute(text("SELECT count(*) FROM simcore_simulations")).scalar() == 0
        conn.rollback()
