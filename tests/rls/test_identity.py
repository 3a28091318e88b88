"""How identity reaches the policies: claims, roles, legacy settings, and transaction scope."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from schema_pkg.testing import (
    BlockTransactionError,
    StaleLegacyClaimError,
    as_anon,
    as_role,
    as_service_role,
    as_user,
)
from tests.rls.cases import cases, observe
from tests.rls.world import USERS

ALICE, BOB = USERS["alice"], USERS["bob"]
COUNT_ALICE_ROWS = "SELECT count(*) FROM simcore_simulations"


def scalar(conn, sql, params=None):
    return conn.execute(sql, params).fetchone()[0]


def test_without_claims_auth_uid_is_null_and_nothing_private_is_visible(rls_conn):
    with rls_conn.transaction(force_rollback=True):
        rls_conn.execute("SET LOCAL ROLE authenticated")
        assert scalar(rls_conn, "SELECT auth.uid()") is None
        assert scalar(rls_conn, COUNT_ALICE_ROWS) == 0
        assert scalar(rls_conn, "SELECT count(*) FROM projects WHERE is_public IS NOT TRUE") == 0


def test_owner_claims_set_auth_uid_role_and_jwt(rls_conn):
    with as_user(rls_conn, ALICE, email="alice@example.com") as db:
        assert scalar(db, "SELECT auth.uid()") == ALICE
        assert scalar(db, "SELECT auth.role()") == "authenticated"
        assert scalar(db, "SELECT auth.jwt() ->> 'email'") == "alice@example.com"
        assert scalar(db, "SELECT current_user") == "authenticated"


def test_a_sub_that_is_not_a_uuid_is_an_error_never_a_bypass(rls_conn):
    with as_user(rls_conn, "not-a-uuid") as db:
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            db.execute(COUNT_ALICE_ROWS)


def test_legacy_claim_sub_is_honoured(rls_conn):
    with rls_conn.transaction(force_rollback=True):
        rls_conn.execute("SET LOCAL ROLE authenticated")
        rls_conn.execute("SELECT set_config('request.jwt.claim.sub', %s, true)", [str(ALICE)])
        assert scalar(rls_conn, "SELECT auth.uid()") == ALICE
        assert scalar(rls_conn, COUNT_ALICE_ROWS) == 1


def test_stale_legacy_claim_cannot_impersonate_through_the_helpers(rls_conn):
    rls_conn.execute("SELECT set_config('request.jwt.claim.sub', %s, false)", [str(ALICE)])
    try:
        with pytest.raises(StaleLegacyClaimError, match="request.jwt.claim.sub"):
            with as_user(rls_conn, BOB):
                pass
    finally:
        rls_conn.execute("RESET \"request.jwt.claim.sub\"")
    with as_user(rls_conn, BOB) as db:
        assert scalar(db, "SELECT auth.uid()") == BOB


# Every legacy setting auth.uid(), auth.role() and auth.jwt() read before request.jwt.claims.
STALE_LEGACY = {"request.jwt.claim.sub": str(ALICE), "request.jwt.claim.role": "service_role",
                "request.jwt.claim": f'{{"role": "service_role", "sub": "{ALICE}"}}'}


@pytest.mark.parametrize("setting", sorted(STALE_LEGACY))
def test_every_stale_legacy_setting_the_auth_functions_read_is_refused(rls_conn, setting):
    reads = scalar(rls_conn, "SELECT string_agg(prosrc, ' ') FROM pg_proc "
                             "WHERE pronamespace = 'auth'::regnamespace")
    assert f"'{setting}'" in reads, "the auth functions read it: the guard must cover it"
    rls_conn.execute("SELECT set_config(%s, %s, false)", [setting, STALE_LEGACY[setting]])
    try:
        with pytest.raises(StaleLegacyClaimError, match=setting.replace(".", r"\.") + " is set"):
            with as_user(rls_conn, BOB):
                pass
    finally:
        rls_conn.execute(f'RESET "{setting}"')


@pytest.mark.parametrize("setting", sorted(STALE_LEGACY))
@pytest.mark.parametrize("kind", ["sees", "rejected"])  # the statement succeeds, or fails
@pytest.mark.parametrize("pipeline", [False, True], ids=["round-trips", "pipeline"])
def test_the_case_runner_refuses_every_stale_legacy_setting_whatever_the_case_ends_in(
        rls_conn, setting, kind, pipeline):
    case = next(c for c in cases() if c.expected.kind == kind and c.actor.role == "authenticated")
    rls_conn.execute("SELECT set_config(%s, %s, false)", [setting, STALE_LEGACY[setting]])
    try:
        with pytest.raises(StaleLegacyClaimError, match=setting.replace(".", r"\.") + " is set"):
            observe(rls_conn, case, pipeline)
    finally:
        rls_conn.execute(f'RESET "{setting}"')
    assert observe(rls_conn, case, pipeline) == case.expected


COMMITS = {"commit()": lambda db: db.commit(), "rollback()": lambda db: db.rollback(),
           "COMMIT": lambda db: db.execute("COMMIT"), "rollback": lambda db: db.execute("rollback"),
           "END": lambda db: db.execute("END")}


@pytest.mark.parametrize("end", sorted(COMMITS))
def test_a_commit_or_rollback_inside_a_block_is_refused_and_nothing_runs_as_the_connection(
        schema_pkg_connection, end):
    conn = schema_pkg_connection  # in an open transaction, as the plugin gives it
    with pytest.raises(BlockTransactionError, match="inside an as_\\* block"):
        with as_user(conn, ALICE) as db:
            db.execute("DELETE FROM simcore_simulations")
            COMMITS[end](db)
            db.execute("SELECT 1")  # never reached as the connection's role
    assert scalar(conn, "SELECT current_user = session_user")
    assert not {"commit", "rollback", "execute"} & set(vars(conn)), "the block left its guard behind"


def test_sqlalchemy_commit_and_commit_text_inside_a_block_are_refused(head):
    for end in (lambda db: db.commit(), lambda db: db.execute(text("COMMIT")),
                lambda db: db.exec_driver_sql("ROLLBACK")):
        with pytest.raises(BlockTransactionError):
            with as_user(head, ALICE) as db:
                end(db)
        assert head.execute(text("SELECT current_user = session_user")).scalar()
    with as_user(head, ALICE) as db:  # savepoints are still the block's own business
        db.exec_driver_sql("SAVEPOINT mine")
        db.exec_driver_sql("ROLLBACK TO SAVEPOINT mine")
        assert db.execute(text("SELECT current_user")).scalar() == "authenticated"


def test_local_claims_and_role_do_not_leak_into_the_next_transaction(rls_conn):
    with as_user(rls_conn, ALICE) as db:
        assert scalar(db, COUNT_ALICE_ROWS) == 1
    assert scalar(rls_conn, "SELECT current_user = session_user")
    assert not scalar(rls_conn, "SELECT current_setting('request.jwt.claims', true)")
    assert scalar(rls_conn, "SELECT auth.uid()") is None


def test_inside_an_open_transaction_a_block_keeps_its_writes_until_that_transaction_ends(rls_conn):
    with rls_conn.transaction(force_rollback=True):
        rls_conn.execute("CREATE TEMP TABLE marker (x int)")
        with as_user(rls_conn, ALICE) as db:
            db.execute("DELETE FROM simcore_simulations")
        assert scalar(rls_conn, "SELECT count(*) FROM simcore_simulations") == 1, "alice's delete was undone"
        assert scalar(rls_conn, "SELECT current_user = session_user")
        assert not scalar(rls_conn, "SELECT current_setting('request.jwt.claims', true)")
        assert scalar(rls_conn, "SELECT to_regclass('pg_temp.marker') IS NOT NULL")
    assert scalar(rls_conn, "SELECT count(*) FROM simcore_simulations") == 2


def test_a_failing_block_is_rolled_back_alone(rls_conn):
    with rls_conn.transaction(force_rollback=True):
        with as_user(rls_conn, ALICE) as db:
            db.execute("DELETE FROM simcore_simulations")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with as_user(rls_conn, BOB) as db:
                db.execute("DELETE FROM simcore_simulations")
                db.execute("INSERT INTO soc_teams (name) VALUES ('x')")
        with as_user(rls_conn, BOB) as db:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                db.execute("INSERT INTO soc_teams (name) VALUES ('x')")
        assert scalar(rls_conn, "SELECT count(*) FROM simcore_simulations") == 1
        assert scalar(rls_conn, "SELECT current_user = session_user")


@pytest.mark.parametrize("make_context, role", [
    (lambda c: as_anon(c), "anon"),
    (lambda c: as_user(c, ALICE), "authenticated"),
    (lambda c: as_service_role(c), "service_role"),
])
def test_cases_run_as_a_role_that_cannot_bypass_rls_by_ownership(rls_conn, make_context, role):
    with make_context(rls_conn) as db:
        user, superuser, bypass = db.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles "
            "WHERE rolname = current_user").fetchone()
        owns = scalar(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                          "AND tableowner = current_user")
    assert (user, superuser, owns) == (role, False, 0)
    assert bypass is (role == "service_role")


def test_unknown_api_role_is_refused(rls_conn):
    with pytest.raises(ValueError, match="unknown API role"):
        with as_role(rls_conn, "postgres", {}):
            pass
