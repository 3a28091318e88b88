"""No caller can make a SECURITY DEFINER function run the caller's code (revision 0010).

As authenticated and as anon, in a direct SQL session, the caller plants in its own
pg_temp temporary tables named like ours (claiming to own every team) and temporary
types named like the ones our functions use, each with casts that record who runs
them.  Then it drives every path that reaches a definer function: reads of every
table it may read (the policies call the team helpers), writes of the team tables,
the last-owner trigger, and an RPC call of every function in public.  Planted code
may run, but only as the caller (through the policies' own inlined auth.uid(),
which is the caller's business); every answer is the one given without the plants.
"""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.testing import as_anon, as_user
from tests.rls.world import ROWS, USERS

TEAMS = ROWS["soc_teams"]
# Type names our definer functions, auth.uid()/role()/jwt() and the policies write unqualified.
PLANTED_TYPES = {"uuid": "pg_catalog.uuid", "jsonb": "pg_catalog.jsonb", "text": "pg_catalog.text",
                 "bool": "pg_catalog.bool", "soc_role": "public.soc_role"}
PLANTED_TABLES = ("soc_user_roles", "soc_teams", "profiles", "projects")

RECORDER = "CREATE TABLE pg_temp.ran_as (who pg_catalog.text); GRANT ALL ON pg_temp.ran_as TO PUBLIC"
FAKE_ROLES = """CREATE TABLE pg_temp.soc_user_roles (id pg_catalog.uuid, user_id pg_catalog.uuid,
  team_id pg_catalog.uuid, role pg_catalog.text, created_at pg_catalog.timestamptz)"""
PLANTED_TYPE = """
CREATE TYPE pg_temp.{name} AS (v {real});
CREATE FUNCTION pg_temp.into_{name}(pg_catalog.text) RETURNS pg_temp.{name} LANGUAGE plpgsql AS
  $$BEGIN INSERT INTO pg_temp.ran_as VALUES (current_user); RETURN ROW($1::{real}); END$$;
CREATE CAST (pg_catalog.text AS pg_temp.{name})
  WITH FUNCTION pg_temp.into_{name}(pg_catalog.text) AS ASSIGNMENT;
CREATE FUNCTION pg_temp.out_{name}(pg_temp.{name}) RETURNS {real} LANGUAGE plpgsql AS
  $$BEGIN INSERT INTO pg_temp.ran_as VALUES (current_user); RETURN ($1).v; END$$;
CREATE CAST (pg_temp.{name} AS {real}) WITH FUNCTION pg_temp.out_{name}(pg_temp.{name}) AS IMPLICIT
"""


def plant(conn, caller) -> None:
    conn.execute(RECORDER)
    conn.execute(FAKE_ROLES)
    for team in TEAMS.values():  # the caller, owner of every team, if anyone believed it
        conn.execute("INSERT INTO pg_temp.soc_user_roles VALUES (gen_random_uuid(), %s, %s, 'owner', now())",
                     (caller, team))
    for table in PLANTED_TABLES[1:]:
        conn.execute(f"CREATE TABLE pg_temp.{table} (id pg_catalog.uuid)")
    for name, real in PLANTED_TYPES.items():
        if name == "text":  # a cast from text to itself is refused: plant it from varchar
            from_varchar = PLANTED_TYPE.replace("(pg_catalog.text", "(pg_catalog.varchar")
            conn.execute(from_varchar.format(name=name, real=real))
        else:
            conn.execute(PLANTED_TYPE.format(name=name, real=real))


def probes(conn) -> list[str]:
    """The SQL of every path to a definer function the caller has."""
    tables = [row[0] for row in conn.execute(
        "SELECT c.relname FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1").fetchall()]
    functions = [row[0] for row in conn.execute(
        "SELECT p.oid::pg_catalog.regprocedure::pg_catalog.text FROM pg_catalog.pg_proc p "
        "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1"
    ).fetchall()]
    red, blue = TEAMS["red"], TEAMS["blue"]
    reads = [f"SELECT count(*) FROM public.{table}" for table in tables]
    bob = USERS["bob"]
    writes = [f"UPDATE public.soc_teams SET description = 'x' WHERE id IN ('{red}', '{blue}')",
              "INSERT INTO public.soc_user_roles (user_id, team_id, role) "
              f"VALUES ('{bob}', '{red}', 'viewer')",
              f"UPDATE public.soc_user_roles SET role = 'analyst' WHERE team_id = '{red}' "
              "AND role = 'viewer'",
              # olivia is red's last owner: the trigger refuses; another member leaves freely.
              "DELETE FROM public.soc_user_roles WHERE user_id = (SELECT auth.uid())"]
    rpcs = [rpc_call(function) for function in functions]
    return reads + writes + rpcs


def rpc_call(signature: str) -> str:
    """SELECT f(...) with an argument of each type: a soc_role, a team member's id."""
    name, _, arguments = signature.partition("(")
    values = {"uuid": f"'{USERS['olivia']}'::pg_catalog.uuid", "soc_role": "'owner'::public.soc_role"}
    listed = [values[a.strip().rpartition(".")[2]] for a in arguments.rstrip(")").split(",") if a.strip()]
    return f"SELECT public.{name}({', '.join(listed)})::pg_catalog.text"


def answers(conn, statements: list[str]) -> list[str]:
    found = []
    for sql in statements:
        try:
            with conn.transaction():
                cursor = conn.execute(sql)
                found.append(repr(cursor.fetchall() if cursor.description else cursor.rowcount))
        except psycopg.Error as error:
            found.append(f"{error.sqlstate} {str(error).splitlines()[0]}")
    return found


def run_as(rls_conn, caller: str | None, planted: bool) -> tuple[list[str], set[str]]:
    acting = as_anon(rls_conn) if caller is None else as_user(rls_conn, USERS[caller])
    with rls_conn.transaction(force_rollback=True), acting as db:
        if planted:
            plant(db, USERS.get(caller))
        found = answers(db, probes(db))
        ran_as = {row[0] for row in db.execute("SELECT who FROM pg_temp.ran_as")} if planted else set()
    return found, ran_as


@pytest.mark.parametrize("caller", ["olivia", "adam", "victor", "bob", None],
                         ids=["team_owner", "team_admin", "team_viewer", "other_user", "anon"])
def test_planted_temp_types_and_tables_never_run_as_a_definer_nor_change_an_answer(rls_conn, caller):
    role = "anon" if caller is None else "authenticated"
    clean, _ = run_as(rls_conn, caller, planted=False)
    hijacked, ran_as = run_as(rls_conn, caller, planted=True)
    assert ran_as <= {role}, f"planted code ran as {sorted(ran_as - {role})}"
    assert hijacked == clean
    if role == "authenticated":  # the plants were reachable: the caller's own auth.uid() used them
        assert ran_as == {role}
