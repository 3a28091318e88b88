"""Every row of the expectations table, run as its actor, ends as expected."""

from __future__ import annotations

import pytest

from schema_pkg.catalog import ours
from tests.rls import report
from tests.rls.cases import Case, cases, observe

CASES = list(cases())
ROW_COMMANDS = ("select", "insert", "update", "delete")  # the commands policies govern


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rls(rls_conn, case: Case):
    observed = observe(rls_conn, case)
    assert observed == case.expected, (
        f"{case.id}: expected {case.expected.describe()}, observed {observed.describe()}\n"
        f"  SQL: {case.sql()}")


def test_suite_has_at_least_300_cases():
    assert len(CASES) >= 300


def test_case_ids_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


def policy_applies(policy, case: Case) -> bool:
    command = policy["cmd"].lower()
    roles = set(policy["roles"])
    return (case.scenario.command in ROW_COMMANDS and command in ("all", case.scenario.command)
            and ("public" in roles or case.actor.role in roles))


def test_every_policy_at_head_has_an_allow_and_a_deny_case(rls_conn):
    rows = rls_conn.execute(
        "SELECT tablename, policyname, cmd, roles::text[] FROM pg_policies "
        "WHERE schemaname = 'public'").fetchall()
    assert len(rows) >= 22
    for table, name, cmd, roles in rows:
        policy = {"cmd": cmd, "roles": roles}
        relevant = [c for c in CASES if c.table == table and policy_applies(policy, c)
                    and c.actor.role != "service_role"]
        assert any(c.expected.allowed for c in relevant), f"{table}: {name!r} has no allow case"
        assert any(not c.expected.allowed for c in relevant), f"{table}: {name!r} has no deny case"


def test_every_public_table_has_rls_enabled_at_head(rls_conn):
    without = rls_conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relrowsecurity").fetchall()
    assert without == []


def test_every_table_with_rls_is_in_the_expectations(rls_conn):
    tables = {row[0] for row in rls_conn.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
        "AND c.relkind IN ('r', 'p') AND " + ours("pg_class", "c.oid")).fetchall()}
    assert tables == {case.table for case in CASES if case.scenario.command != "rpc"}


def test_every_function_in_public_is_called_as_an_rpc(rls_conn):
    functions = {row[0] + "()" for row in rls_conn.execute(
        "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND " + ours("pg_proc", "p.oid")).fetchall()}
    assert functions == {case.table for case in CASES if case.scenario.command == "rpc"}


def test_rls_matrix_report_is_current():
    assert report.REPORT.read_text() == report.render(), "run `make rls-report` and commit"


def test_the_proof_runs_where_default_privileges_grant_the_api_roles_nothing(rls_conn):
    """As on today's Supabase: every privilege the cases use was granted by a revision (the
    matrix, the state machine and the mutants all run on this database)."""
    granting = rls_conn.execute(
        "SELECT pg_get_userbyid(d.defaclrole), d.defaclobjtype, a.privilege_type "
        "FROM pg_default_acl d CROSS JOIN LATERAL aclexplode(d.defaclacl) a "
        "WHERE a.grantee IN (SELECT oid FROM pg_roles "
        "                    WHERE rolname IN ('anon', 'authenticated', 'service_role'))").fetchall()
    assert granting == []
