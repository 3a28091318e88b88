"""RLS mutants, generated from the live catalog of a database at head.

Each mutant is one realistic mistake, as DDL: a policy dropped, opened,
closed, widened or with its expressions swapped; a helper function that
returns a constant or ignores its caller; a privilege an API role lacks granted
(anon given INSERT, UPDATE or DELETE among them); a privilege a policy needs
revoked; RLS disabled or forced on a table.  ``tests/rls/mutation.py`` applies each in
a rolled-back transaction and runs the expectation cases that touch it.

Only valid mutants are generated: WITH CHECK only on INSERT, UPDATE and ALL
policies, USING never on INSERT, and no "mutant" whose text equals the
original (a swap of identical USING and WITH CHECK).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import psycopg

from schema_pkg.catalog import ours

API_ROLES = ("anon", "authenticated")
GRANT_ROLES = (*API_ROLES, "service_role")  # since 0010 the service lacks some privileges too
ROW_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
HELPER_SCHEMAS = ("public", "private")


@dataclass(frozen=True)
class Mutant:
    id: str  # e.g. 'policy "Users can update own data" on simcore_simulations: WITH CHECK (true)'
    ddl: str
    tables: frozenset[str]  # expectation keys whose cases run against it (tables, or "f()" for RPCs)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- policies ----------------------------------------------------------------

def policy_mutants(conn: psycopg.Connection) -> list[Mutant]:
    rows = conn.execute(
        "SELECT tablename, policyname, permissive, cmd, roles::text[], qual, with_check FROM pg_policies "
        "WHERE schemaname = 'public' ORDER BY tablename, policyname").fetchall()
    mutants = []
    for table, name, permissive, cmd, roles, using, check in rows:
        target = f"policy {quoted(name)} on {table}"
        alter = f"ALTER POLICY {quoted(name)} ON {table}"
        changes = [("dropped", f"DROP POLICY {quoted(name)} ON {table}")]
        if cmd != "INSERT":
            changes += [("USING (true)", f"{alter} USING (true)"),
                        ("USING (false)", f"{alter} USING (false)")]
        if cmd in ("INSERT", "UPDATE", "ALL"):
            what = "WITH CHECK (true)" if check else "WITH CHECK (true) added"
            changes.append((what, f"{alter} WITH CHECK (true)"))
        if roles != ["public"]:
            changes.append(("TO public", f"{alter} TO public"))
        if cmd in ("UPDATE", "ALL") and check and check != using:
            changes.append(("USING and WITH CHECK swapped",
                            f"{alter} USING ({check}) WITH CHECK ({using})"))
            changes.append(("WITH CHECK removed",
                            f"DROP POLICY {quoted(name)} ON {table};\n"
                            f"CREATE POLICY {quoted(name)} ON {table} AS {permissive} FOR {cmd} "
                            f"TO {', '.join(roles)} USING ({using})"))
        mutants += [Mutant(f"{target}: {what}", ddl, frozenset({table})) for what, ddl in changes]
    return mutants


# --- functions ---------------------------------------------------------------

@dataclass(frozen=True)
class Function:
    name: str  # schema-qualified, e.g. private.is_soc_team_member
    definition: str  # pg_get_functiondef: CREATE OR REPLACE ... AS $function$body$function$
    result: str
    language: str

    @property
    def schema(self) -> str:
        return self.name.split(".")[0]

    def with_body(self, body: str) -> str:
        head, _, rest = self.definition.partition("$function$")
        return head + "$function$" + body + "$function$" + rest.rpartition("$function$")[2]

    @property
    def body(self) -> str:
        return self.definition.split("$function$")[1]


def helper_functions(conn: psycopg.Connection) -> list[Function]:
    """Functions in public and private, and those (such as auth.uid) that policies call."""
    rows = conn.execute(
        "SELECT n.nspname || '.' || p.proname, pg_get_functiondef(p.oid), format_type(p.prorettype, NULL), "
        "l.lanname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "JOIN pg_language l ON l.oid = p.prolang "
        "WHERE n.nspname IN ('public', 'private', 'auth') AND p.prokind = 'f' "
        "AND " + ours("pg_proc", "p.oid") + " ORDER BY 1").fetchall()
    policy_text = " ".join(policy_expressions(conn).values())
    return [Function(*row) for row in rows
            if row[0].split(".")[0] in HELPER_SCHEMAS or f"{row[0]}(" in policy_text]


def policy_expressions(conn: psycopg.Connection) -> dict[str, str]:
    """Each public table's policy expressions, joined into one text."""
    rows = conn.execute(
        "SELECT tablename, string_agg(coalesce(qual, '') || ' ' || coalesce(with_check, ''), ' ') "
        "FROM pg_policies WHERE schemaname = 'public' GROUP BY tablename").fetchall()
    return dict(rows)


def calls(text: str, function: Function) -> bool:
    name = function.name.split(".")[1]
    return re.search(rf"\b{re.escape(name)}\(", text) is not None


def tables_using(conn: psycopg.Connection, function: Function, functions: list[Function]) -> frozenset[str]:
    """Expectation keys that reach the function: tables whose policies call it (directly or
    through another helper) or whose triggers run it, and its own RPC cases when it is in public."""
    callers = [f for f in functions if f is function or calls(f.body, function)]
    keys = {table for table, text in policy_expressions(conn).items()
            if any(calls(text, f) for f in callers)}
    keys |= {row[0] for row in conn.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND t.tgfoid = %s::regproc", (function.name,)).fetchall()}
    keys |= {f.name.split(".")[1] + "()" for f in callers if f.schema == "public"}
    return frozenset(keys)


# Comparisons that tie a helper to its caller: auth.uid() or the _user_id argument.
CALLER_TEST = re.compile(r"[\w.]+\s*=\s*(?:\(\s*select\s+auth\.uid\(\)\s*\)|auth\.uid\(\)|_user_id\b)",
                         re.IGNORECASE)


def function_mutants(conn: psycopg.Connection) -> list[Mutant]:
    functions = helper_functions(conn)
    mutants = []
    for function in functions:
        constants = ["true", "false", "NULL"] if function.result == "boolean" else ["NULL"]
        if function.language == "plpgsql":  # a trigger function: does nothing
            bodies = [("returns NULL", "\nBEGIN\n  RETURN NULL;\nEND\n")]
        else:
            bodies = [(f"returns {c}", f"\n  SELECT {c}::{function.result}\n") for c in constants]
        if CALLER_TEST.search(function.body):
            bodies.append(("ignores the caller", CALLER_TEST.sub("true", function.body)))
        tables = tables_using(conn, function, functions)
        mutants += [Mutant(f"function {function.name}: {what}", function.with_body(body), tables)
                    for what, body in bodies]
    return mutants


# --- privileges --------------------------------------------------------------

def grant_mutants(conn: psycopg.Connection) -> list[Mutant]:
    """Every API privilege Supabase's legacy defaults would give and a revision has taken away."""
    mutants = []
    tables = [row[0] for row in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").fetchall()]
    for table in tables:
        for role in GRANT_ROLES:
            for privilege in TABLE_PRIVILEGES:
                held = conn.execute("SELECT has_table_privilege(%s, %s, %s)",
                                    (role, f"public.{table}", privilege)).fetchone()[0]
                if not held:
                    mutants.append(Mutant(f"grant {privilege} on {table} to {role}",
                                          f"GRANT {privilege} ON public.{table} TO {role}",
                                          frozenset({table})))
    functions = helper_functions(conn)
    for function in functions:
        if function.schema not in HELPER_SCHEMAS:
            continue
        signature = conn.execute("SELECT %s::regproc::regprocedure::text",
                                 (function.name,)).fetchone()[0]
        for role in ("PUBLIC", *API_ROLES):
            if not executable(conn, signature, role):
                mutants.append(Mutant(f"grant EXECUTE on {signature} to {role}",
                                      f"GRANT EXECUTE ON FUNCTION {signature} TO {role}",
                                      tables_using(conn, function, functions)))
    return mutants


def executable(conn: psycopg.Connection, signature: str, role: str) -> bool:
    if role != "PUBLIC":
        return conn.execute("SELECT has_function_privilege(%s, %s, 'EXECUTE')",
                            (role, signature)).fetchone()[0]
    return conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_proc p, "
        "aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a "
        "WHERE p.oid = %s::regprocedure AND a.grantee = 0 AND a.privilege_type = 'EXECUTE')",
        (signature,)).fetchone()[0]


def holds(conn: psycopg.Connection, role: str, table: str, privilege: str) -> bool:
    """On the table or (SELECT, INSERT, UPDATE) on any of its columns."""
    check = "has_table_privilege" if privilege == "DELETE" else "has_any_column_privilege"
    return conn.execute(f"SELECT {check}(%s, %s, %s)", (role, f"public.{table}", privilege)).fetchone()[0]


def revoke_mutants(conn: psycopg.Connection) -> list[Mutant]:
    """Every privilege a policy needs, revoked: its command on its table for each API role it
    applies to, EXECUTE on each helper its expressions call, and USAGE on the helpers' schema."""
    rows = conn.execute(
        "SELECT tablename, cmd, roles::text[], coalesce(qual, '') || ' ' || coalesce(with_check, '') "
        "FROM pg_policies WHERE schemaname = 'public' ORDER BY 1, 2").fetchall()
    reached: dict[tuple[str, str], set[str]] = defaultdict(set)  # (id, ddl) -> tables
    for table, cmd, roles, expressions in rows:
        for role in [role for role in API_ROLES if role in roles or "public" in roles]:
            for privilege in ROW_PRIVILEGES if cmd == "ALL" else (cmd,):
                if holds(conn, role, table, privilege):
                    reached[(f"revoke {privilege} on {table} from {role}",
                             f"REVOKE {privilege} ON public.{table} FROM {role}")].add(table)
            for helper in set(re.findall(r"\b(private\.\w+)\(", expressions)):
                signature = conn.execute("SELECT %s::regproc::regprocedure::text", (helper,)).fetchone()[0]
                if executable(conn, signature, role):
                    reached[(f"revoke EXECUTE on {signature} from {role}",
                             f"REVOKE EXECUTE ON FUNCTION {signature} FROM {role}")].add(table)
                    if conn.execute("SELECT has_schema_privilege(%s, 'private', 'USAGE')",
                                    (role,)).fetchone()[0]:
                        reached[(f"revoke USAGE on schema private from {role}",
                                 f"REVOKE USAGE ON SCHEMA private FROM {role}")].add(table)
    return [Mutant(mutant_id, ddl, frozenset(tables)) for (mutant_id, ddl), tables in sorted(reached.items())]


# --- RLS switches -------------------------------------------------------------

def rls_mutants(conn: psycopg.Connection) -> list[Mutant]:
    rows = conn.execute(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1").fetchall()
    mutants = []
    for table, enabled, forced in rows:
        if enabled:
            mutants.append(Mutant(f"table {table}: RLS disabled",
                                  f"ALTER TABLE public.{table} DISABLE ROW LEVEL SECURITY",
                                  frozenset({table})))
        if not forced:
            mutants.append(Mutant(f"table {table}: FORCE ROW LEVEL SECURITY",
                                  f"ALTER TABLE public.{table} FORCE ROW LEVEL SECURITY",
                                  frozenset({table})))
    return mutants


def generate(conn: psycopg.Connection) -> list[Mutant]:
    return (policy_mutants(conn) + function_mutants(conn) + grant_mutants(conn) + revoke_mutants(conn)
            + rls_mutants(conn))
