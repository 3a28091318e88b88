"""Hardening (0007) closes the temp-table hijack and anon's EXECUTE (0009 takes
authenticated's too); indexes (0008) serve the verbatim policies."""

from __future__ import annotations

import functools

import psycopg
import pytest

from schema_pkg.scratch import migrate
from schema_pkg.settings import libpq_url
from schema_pkg.testing import as_anon, as_service_role, as_user
from tests.rls.world import USERS

MALLORY = USERS["bob"]
HIJACK = (
    "CREATE TEMP TABLE soc_user_roles (user_id uuid, team_id uuid, role soc_role)",
    "INSERT INTO pg_temp.soc_user_roles VALUES (%(me)s, gen_random_uuid(), 'owner')",
)


AS_MALLORY = functools.partial(as_user, user_id=MALLORY)


def hijack_succeeds(url, acting=AS_MALLORY) -> bool:
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        with acting(conn) as db:
            for statement in HIJACK:
                db.execute(statement, {"me": MALLORY})
            return db.execute("SELECT has_soc_role('owner', %s)", [MALLORY]).fetchone()[0]


@pytest.fixture
def baseline_database(baseline_url):
    return baseline_url


def test_temp_table_hijack_fools_the_verbatim_function_at_the_baseline(baseline_database):
    assert hijack_succeeds(baseline_database) is True


def test_temp_table_hijack_fails_once_0007_pins_the_search_path(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0008")  # the last revision where authenticated may call it
    assert hijack_succeeds(scratch_url) is False


def test_temp_table_hijack_fails_at_head_for_the_service_that_may_still_call_it(schema_pkg_database):
    assert hijack_succeeds(schema_pkg_database, as_service_role) is False


def test_anon_cannot_execute_the_documented_functions(schema_pkg_connection):
    with as_anon(schema_pkg_connection) as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("SELECT has_soc_role('owner', %s)", [MALLORY])


def test_no_policy_that_applies_to_anon_calls_the_revoked_functions(head):
    from sqlalchemy import text

    offenders = head.execute(text(
        "SELECT tablename || '.' || policyname FROM pg_policies "
        "WHERE ('anon' = ANY (roles) OR 'public' = ANY (roles)) "
        "AND concat(qual, ' ', with_check) ~ '(get_user_team_id|has_soc_role)'")).scalars().all()
    assert offenders == []


@pytest.mark.parametrize("table", ["simcore_simulations", "mezan_workflows", "talai_experiments",
                                   "optilibria_runs", "qmlab_experiments"])
def test_verbatim_user_policy_uses_the_user_id_index(schema_pkg_connection, table):
    conn = schema_pkg_connection
    with as_user(conn, MALLORY) as db:
        db.execute("SET LOCAL enable_seqscan = off")
        plan = "\n".join(row[0] for row in db.execute(
            f"EXPLAIN SELECT id FROM {table} ORDER BY created_at DESC LIMIT 20").fetchall())
    assert f"{table}_user_id_created_at_idx" in plan, plan


def test_index_revision_rebuilds_an_invalid_index_left_by_a_failed_build(schema_pkg_database_at):
    rev_0007_url = schema_pkg_database_at("0007")
    name = "simcore_simulations_user_id_created_at_idx"
    with psycopg.connect(libpq_url(rev_0007_url), autocommit=True) as conn:
        conn.execute("INSERT INTO simcore_simulations (user_id, name, simulation_type) "
                     "SELECT %s, 'run', 'md' FROM generate_series(1, 2)", [MALLORY])
        with pytest.raises(psycopg.errors.UniqueViolation):  # a build that fails half-way
            conn.execute(f"CREATE UNIQUE INDEX CONCURRENTLY {name} ON simcore_simulations (user_id)")
        valid = "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)"
        assert conn.execute(valid, [name]).fetchone()[0] is False
        migrate(rev_0007_url, "0008")
        assert conn.execute(valid, [name]).fetchone()[0] is True
        definition = conn.execute("SELECT pg_get_indexdef(to_regclass(%s))", [name]).fetchone()[0]
    assert definition.endswith("USING btree (user_id, created_at DESC)")
