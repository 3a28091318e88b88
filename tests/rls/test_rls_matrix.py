"""Every row of the expectations table, run as its actor, ends as expected."""

from __future__ import annotations

import pytest

from schema_pkg.catalog import ours
from tests.rls import report
from tests.rls.cases import Case, cases, observe

CASES = list(cases())
ROW_COMMANDS = ("select", "insert", "update", "delete")  # the commands policies govern
REVISION_TO_FIX = "the revision that made it (a new revision once that one is released)"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rls(rls_conn, case: Case):
    observed = observe(rls_conn, case)
    assert observed == case.expected, (
        f"{case.id}: expected {case.expected.describe()}, observed {observed.describe()}\n"
        f"  SQL: {case.sql()}\n"
        f"  fix the policies or grants of {case.table} in {REVISION_TO_FIX}, or, if this row of "
        "tests/rls/expectations.py is what is wrong, the row")


def test_every_case_ends_the_same_in_one_round_trip(rls_conn):
    """The pipeline a server on another machine gets (observe's default there) changes no
    outcome: every case, sent in one round trip, still ends as expected."""
    differing = [case.id for case in CASES if observe(rls_conn, case, pipeline=True) != case.expected]
    assert differing == []


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
    without = [row[0] for row in rls_conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relrowsecurity ORDER BY 1").fetchall()]
    assert without == [], "".join(
        f"\n{table} has RLS disabled: add `ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;` (and its "
        f"policies) to {REVISION_TO_FIX}" for table in without)


COMMANDS_SQL = """
    SELECT c.relname,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'user_id'
                   AND NOT a.attisdropped) AS user_owned,
           coalesce((SELECT array_agg(DISTINCT lower(p.cmd)) FROM pg_policies p
                     WHERE p.schemaname = 'public' AND p.tablename = c.relname
                       AND p.roles && '{public,anon,authenticated}'::name[]), '{}') AS policy_commands,
           ARRAY(SELECT lower(command) FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) command
                 WHERE has_table_privilege('anon', c.oid, command)
                    OR has_table_privilege('authenticated', c.oid, command)) AS privileged
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity
    ORDER BY 1"""


def commands_to_cover(user_owned: bool, policy_commands: list[str], privileged: list[str]) -> list[str]:
    """The commands a table's expectation rows must allow and deny: those a policy or an API
    privilege grants, and all four for a user-owned table (one with user_id)."""
    if user_owned or "all" in policy_commands:
        return list(ROW_COMMANDS)
    return [command for command in ROW_COMMANDS if command in policy_commands or command in privileged]


def test_every_rls_table_has_allowing_and_denying_rows_for_each_command_it_grants(rls_conn):
    missing = []
    for table, user_owned, policy_commands, privileged in rls_conn.execute(COMMANDS_SQL).fetchall():
        for command in commands_to_cover(user_owned, policy_commands, privileged):
            rows = [c for c in CASES if c.table == table and c.scenario.command == command]
            if not any(c.expected.allowed for c in rows):
                missing.append(f"{table} {command.upper()}: no expectation row allows it")
            if not any(not c.expected.allowed for c in rows if c.actor.role != "service_role"):
                missing.append(f"{table} {command.upper()}: no expectation row denies it to an API user")
    assert not missing, "\n".join([*missing, "add rows to tests/rls/expectations.py (a user-owned table: "
                                             "one line in USER_OWNED_TABLES, tests/rls/world.py)"])


def test_every_user_owned_table_has_a_policy_for_each_command(rls_conn):
    missing = [f"{table} has user_id but no policy for {command.upper()}: add `CREATE POLICY ... ON "
               f"{table} FOR {command.upper()} TO authenticated ...` to {REVISION_TO_FIX}"
               for table, user_owned, policy_commands, _ in rls_conn.execute(COMMANDS_SQL).fetchall()
               if user_owned for command in commands_to_cover(True, [], [])
               if command not in policy_commands and "all" not in policy_commands]
    assert not missing, "\n".join(missing)


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
