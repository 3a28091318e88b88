"""Plan shapes: speed without timings.

A database at head is seeded once (one INSERT ... SELECT generate_series per table:
50 users x 200 rows in each user-owned table, 1,000 projects, 5,000 profiles, 500 teams) and
ANALYZEd.  Each read the API makes is then EXPLAINed (FORMAT JSON, VERBOSE) as
PostgREST runs it: ``SET LOCAL ROLE authenticated`` (or anon) and the caller's
claims.  The plan must use the intended index (an Index, Index Only or Bitmap
scan), scan none of our tables sequentially, serve "my latest N" without a Sort,
and, where our own policy calls auth.uid(), evaluate it once, in an InitPlan.
Only JSON fields are read (Node Type, Index Name, Relation Name, Parent
Relationship, the expressions), which PostgreSQL 15, 17 and 18 share.

Removing any index of ours (every index not backing a constraint: 0008's and
0009's unique preferences index) fails a plan check naming the read and the plan
node, except the ones that serve only a foreign-key cascade, which advise's
unindexed_foreign_key reports.  ``python -m tests.test_plans`` prints that kill table.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from schema_pkg.advisor import advise
from schema_pkg.db import connection
from schema_pkg.scratch import ScratchDatabases
from schema_pkg.settings import libpq_url
from schema_pkg.testing import as_anon, as_user
from schema_pkg.testserver import start_server
from tests import spec
from tests.rls.world import REQUIRED_COLUMNS, USER_OWNED_TABLES

USERS, ROWS_PER_USER, PROJECTS_PER_USER, TEAMS = 50, 200, 20, 500
PROFILES = 5000  # signed-up users, most without rows of their own
ME = "00000000-0000-4000-8000-000000000001"  # user 1
USER = "('00000000-0000-4000-8000-' || lpad(({n})::text, 12, '0'))::uuid"
TEAM = "('00000000-0000-4000-9000-' || lpad(({n})::text, 12, '0'))::uuid"
A_PROJECT = "(SELECT id FROM projects WHERE slug = 'p-1-2')"  # one of mine, private
CLAIMS = re.compile(r"auth\.uid\(\)|request\.jwt\.claim")  # auth.uid() itself, or its inlined body


def seed_statements() -> list[str]:
    """One INSERT ... SELECT generate_series per table."""
    statements = []
    for table in USER_OWNED_TABLES:
        columns = ", ".join(REQUIRED_COLUMNS[table])
        values = ", ".join(REQUIRED_COLUMNS[table].values())
        statements.append(
            f"INSERT INTO {table} (user_id, {columns}, created_at) "
            f"SELECT {USER.format(n='u')}, {values}, now() - i * interval '1 minute' "
            f"FROM generate_series(1, {USERS}) u, generate_series(1, {ROWS_PER_USER}) i")
    statements += [
        "INSERT INTO profiles (id, email) SELECT " + USER.format(n="u") + ", 'user' || u || '@example.com' "
        f"FROM generate_series(1, {PROFILES}) u",
        "INSERT INTO projects (name, slug, category, owner_id, is_public) "
        f"SELECT 'p', 'p-' || u || '-' || i, 'portfolio', {USER.format(n='u')}, i % 20 = 0 "
        f"FROM generate_series(1, {USERS}) u, generate_series(1, {PROJECTS_PER_USER}) i",
        "INSERT INTO project_features (project_id, name) SELECT p.id, 'feature ' || i "
        "FROM projects p, generate_series(1, 5) i",
        "INSERT INTO project_tech_stack (project_id, technology, category) "
        "SELECT p.id, 'tech ' || i, 'backend' FROM projects p, generate_series(1, 5) i",
        "INSERT INTO user_project_preferences (user_id, project_id) SELECT owner_id, id FROM projects",
        f"INSERT INTO soc_teams (id, name) SELECT {TEAM.format(n='t')}, 'team ' || t "
        f"FROM generate_series(1, {TEAMS}) t",
        "INSERT INTO soc_user_roles (user_id, team_id, role) "
        f"SELECT {USER.format(n=f'CASE WHEN k = 0 AND t <= {USERS} THEN t ELSE 1000 + 4 * t + k END')}, "
        f"{TEAM.format(n='t')}, (ARRAY['owner', 'admin', 'analyst', 'viewer'])[k + 1]::soc_role "
        f"FROM generate_series(1, {TEAMS}) t, generate_series(0, 3) k",
    ]
    return statements


@dataclass(frozen=True)
class Read:
    """One request the API makes, and the index meant to serve it (by its leading columns)."""

    name: str
    table: str
    sql: str
    columns: tuple[str, ...]
    actor: str = "authenticated"
    uid_once: bool = False  # our policy calls auth.uid(): evaluated once, in an InitPlan
    index_order: bool = False  # ORDER BY ... LIMIT served by the index: no Sort

    @property
    def id(self) -> str:
        return self.name.replace(" ", "_")


def reads() -> list[Read]:
    found = []
    # The document's tables keep its per-row auth.uid(); a user-owned table of ours has our
    # policies, in the form that evaluates (select auth.uid()) once.
    documented = set(spec.parse().user_owned_tables)
    for table in USER_OWNED_TABLES:
        ours = table not in documented
        found += [
            Read(f"my rows of {table}", table, f"SELECT * FROM {table}", ("user_id",), uid_once=ours),
            Read(f"my latest 20 of {table}", table,
                 f"SELECT * FROM {table} ORDER BY created_at DESC LIMIT 20", ("user_id", "created_at"),
                 index_order=True, uid_once=ours),
            Read(f"count my rows of {table}", table, f"SELECT count(*) FROM {table}", ("user_id",),
                 uid_once=ours),
        ]
    found += [
        Read("public projects as anon", "projects", "SELECT * FROM projects", ("is_public",), actor="anon"),
        Read("my projects", "projects", f"SELECT * FROM projects WHERE owner_id = '{ME}'", ("owner_id",)),
        Read("a project's features", "project_features",
             f"SELECT * FROM project_features WHERE project_id = {A_PROJECT}", ("project_id",)),
        Read("a project's tech stack", "project_tech_stack",
             f"SELECT * FROM project_tech_stack WHERE project_id = {A_PROJECT}", ("project_id",)),
        Read("my preferences", "user_project_preferences", "SELECT * FROM user_project_preferences",
             ("user_id", "project_id"), uid_once=True),
        Read("my preference for a project", "user_project_preferences",
             f"SELECT * FROM user_project_preferences WHERE project_id = {A_PROJECT}",
             ("user_id", "project_id"), uid_once=True),
        Read("my profile", "profiles", "SELECT * FROM profiles", ("id",), uid_once=True),
        Read("my team roles", "soc_user_roles", f"SELECT * FROM soc_user_roles WHERE user_id = '{ME}'",
             ("user_id",)),
        Read("my team's members", "soc_user_roles",
             f"SELECT * FROM soc_user_roles WHERE team_id = {TEAM.format(n=1)}", ("team_id",)),
        Read("my team", "soc_teams", f"SELECT * FROM soc_teams WHERE id = {TEAM.format(n=1)}", ("id",)),
    ]
    return found


READS = reads()


# --- the plan ------------------------------------------------------------------------

def explain(conn: psycopg.Connection, read: Read) -> dict:
    acting = as_anon(conn) if read.actor == "anon" else as_user(conn, ME)
    with acting:
        [[plan]] = conn.execute(f"EXPLAIN (FORMAT JSON, VERBOSE) {read.sql}").fetchall()
    return (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]


def nodes(plan: dict, in_initplan: bool = False) -> Iterator[tuple[dict, bool]]:
    """Every node, and whether it is (under) an InitPlan."""
    here = in_initplan or plan.get("Parent Relationship") == "InitPlan"
    yield plan, here
    for child in plan.get("Plans", []):
        yield from nodes(child, here)


def describe(node: dict) -> str:
    on = f" on {node['Relation Name']}" if "Relation Name" in node else ""
    using = f" using {node['Index Name']}" if "Index Name" in node else ""
    return f"{node['Node Type']}{using}{on}"


def intended_index(conn: psycopg.Connection, read: Read) -> str | None:
    """The valid index of the read's table whose leading key columns are the read's columns."""
    row = conn.execute(
        "SELECT i.indexrelid::regclass::text FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND i.indisvalid "
        "AND (SELECT array_agg(a.attname::text ORDER BY k.n) "
        "     FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n) "
        "     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "     WHERE k.n <= %s) = %s ORDER BY 1 LIMIT 1",
        (f"public.{read.table}", len(read.columns), list(read.columns))).fetchone()
    return row[0] if row else None


def problems(conn: psycopg.Connection, read: Read) -> list[str]:
    """What is wrong with the read's plan, each naming the read and the plan node."""
    plan = explain(conn, read)
    walked = list(nodes(plan))
    shape = " > ".join(describe(node) for node, _ in walked)
    found = []
    wanted = intended_index(conn, read)
    used = {node["Index Name"] for node, _ in walked if "Index Name" in node}
    if wanted is None or wanted not in used:
        found.append(f"{read.name}: no scan uses the index on {read.table} ({', '.join(read.columns)}); "
                     f"plan: {shape}")
    found += [f"{read.name}: {describe(node)}" for node, _ in walked if node["Node Type"] == "Seq Scan"]
    if read.index_order:
        found += [f"{read.name}: {describe(node)} (the index should give the order)"
                  for node, _ in walked if "Sort" in node["Node Type"]]
    if read.uid_once:
        for node, once in walked:
            per_row = [key for key, value in node.items()
                       if key != "Plans" and CLAIMS.search(json.dumps(value))]
            if per_row and not once:
                found.append(f"{read.name}: auth.uid() evaluated per row in {describe(node)} "
                             f"({', '.join(per_row)}), not in an InitPlan")
        if not any(once and CLAIMS.search(json.dumps(node.get("Output", ""))) for node, once in walked):
            found.append(f"{read.name}: no InitPlan computes auth.uid(); plan: {shape}")
    return found


# --- fixtures and tests ----------------------------------------------------------------

def seeded_template(scratch):
    """A template at head, seeded and ANALYZEd (clones keep the statistics)."""
    url = scratch.create(template=scratch.template("head"), as_template=True)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        for statement in seed_statements():
            conn.execute(statement)
        conn.execute("ANALYZE")
    return url


@pytest.fixture(scope="module")
def seeded(schema_pkg_scratch):
    return seeded_template(schema_pkg_scratch)


@pytest.fixture(scope="module")
def planned(schema_pkg_scratch, seeded):
    """An autocommit connection to a clone of the seeded database."""
    url = schema_pkg_scratch.create(template=seeded)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        yield conn
    schema_pkg_scratch.drop(url)


@pytest.mark.parametrize("read", READS, ids=[read.id for read in READS])
def test_api_read_uses_its_index_without_a_sequential_scan(planned, read):
    assert problems(planned, read) == []


def policies_of_ours_calling_auth_uid(conn) -> list[tuple[str, str, str]]:
    return conn.execute(
        "SELECT tablename, policyname, qual FROM pg_policies WHERE schemaname = 'public' "
        "AND cmd IN ('SELECT', 'ALL') AND qual ~ 'SELECT auth\\.uid\\(\\)' ORDER BY 1, 2").fetchall()


def test_every_table_whose_read_policy_of_ours_calls_auth_uid_has_a_read_checking_it(planned):
    tables = {table for table, _, _ in policies_of_ours_calling_auth_uid(planned)}
    assert tables and tables <= {read.table for read in READS if read.uid_once}


def test_a_policy_of_ours_in_the_per_row_form_fails_a_plan_check(planned):
    for table, policy, qual in policies_of_ours_calling_auth_uid(planned):
        per_row = re.sub(r"\(\s*SELECT auth\.uid\(\) AS uid\)", "auth.uid()", qual)
        with planned.transaction(force_rollback=True):
            planned.execute(f'ALTER POLICY "{policy}" ON {table} USING ({per_row})')
            failures = [p for read in READS if read.table == table for p in problems(planned, read)]
        assert any("not in an InitPlan" in failure for failure in failures), (table, policy, failures)


def droppable_indexes(conn) -> list[str]:
    """Every index of ours that backs no constraint (0008's, 0009's unique preferences index)."""
    return [row[0] for row in conn.execute(
        "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "WHERE c.relnamespace = 'public'::regnamespace "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
        "ORDER BY 1").fetchall()]


def kill_table(scratch, seeded) -> list[tuple[str, list[str], list[str]]]:
    """For each droppable index, on a clone without it: the failing plan checks, and advise's
    unindexed_foreign_key findings."""
    rows = []
    with psycopg.connect(libpq_url(seeded)) as conn:
        indexes = droppable_indexes(conn)
    for index in indexes:
        clone = scratch.create(template=seeded)
        try:
            with psycopg.connect(libpq_url(clone), autocommit=True) as conn:
                [table] = conn.execute("SELECT indrelid::regclass::text FROM pg_index "
                                       "WHERE indexrelid = %s::regclass", [index]).fetchone()
                conn.execute(f"DROP INDEX {index}")
                failures = [p for read in READS for p in problems(conn, read)]
            failures.sort(key=lambda failure: f" on {table}" not in failure)  # its own table's first
            with connection(clone) as conn:
                foreign_keys = [f.object for f in advise(conn) if f.rule == "unindexed_foreign_key"]
        finally:
            scratch.drop(clone)
        rows.append((index, failures, foreign_keys))
    return rows


@pytest.mark.slow  # a clone per index
def test_removing_any_index_of_ours_fails_a_plan_check_or_advise(schema_pkg_scratch, seeded):
    rows = kill_table(schema_pkg_scratch, seeded)
    assert len(rows) >= 13
    survivors = [index for index, failures, foreign_keys in rows if not failures and not foreign_keys]
    assert survivors == [], render(rows)


def render(rows) -> str:
    lines = ["| index removed | plan checks that fail (the first) | advise |", "|---|---|---|"]
    for index, failures, foreign_keys in rows:
        first = failures[0] if failures else "none"
        more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
        advice = "unindexed_foreign_key " + ", ".join(foreign_keys) if foreign_keys else ""
        lines.append(f"| {index} | {first}{more} | {advice} |")
    return "\n".join(lines)


def main() -> int:
    """Print the kill table (a server as `make test` finds one)."""
    server = start_server()
    scratch = ScratchDatabases(server.url)
    try:
        print(render(kill_table(scratch, seeded_template(scratch))))
    finally:
        scratch.close()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
