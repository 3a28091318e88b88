"""schema-pkg advise: catalog checks of our own, each a query returning findings.

A finding has a level (ERROR, WARN, INFO), a category (security or
performance), the rule, the object and a remediation.  Findings that follow
from keeping the document's text verbatim are expected; docs/advisor.md
lists each with its reason.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from schema_pkg.catalog import ours
from schema_pkg.db import connection
from schema_pkg.settings import Target, redact

EXPOSED_SCHEMAS = ("public",)  # the schemas PostgREST serves
# Extension members (pgTAP installed in public, say) are not ours to judge.
OUR_TABLE, OUR_FUNCTION = ours("pg_class", "c.oid"), ours("pg_proc", "p.oid")


@dataclass(frozen=True)
class Rule:
    """One check: its id, severity, category, a one-line summary and help text (its
    docstring), for every output format (SARIF lists each as a rule)."""

    id: str
    level: str  # ERROR, WARN, INFO
    category: str  # security, performance
    summary: str
    help: str
    check: Callable


@dataclass(frozen=True)
class Finding:
    level: str
    category: str
    rule: str
    object: str
    remediation: str
    kind: str = ""  # what the finding is about, for its location: table, function, policy, index
    name: str = ""

    def __str__(self) -> str:
        return f"{self.level:5} {self.category:11} {self.rule:32} {self.object}\n      -> {self.remediation}"


@dataclass(frozen=True)
class Hit:
    """What a check yields: the object in words, the fix, and the subject it is about."""

    object: str
    remediation: str
    kind: str
    name: str


RULES: list[Rule] = []


def rule(level: str, category: str) -> Callable:
    """Register a check; its docstring's first line is the summary, the rest its help."""
    def register(check: Callable) -> Callable:
        summary, _, help_text = (check.__doc__ or "").strip().partition("\n")
        RULES.append(Rule(check.__name__, level, category, summary.strip(),
                          " ".join(help_text.split()), check))
        return check
    return register


def rows(conn: Connection, sql: str) -> list:
    return conn.execute(text(sql), {"exposed": list(EXPOSED_SCHEMAS)}).all()


@rule("ERROR", "security")
def rls_disabled_in_public(conn):
    """A table the API serves has row level security disabled.

    Every API role holding a privilege on it reads or writes every row: enable RLS and
    give it policies (or move it out of the exposed schemas)."""
    for (table,) in rows(conn, """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY (:exposed) AND c.relkind IN ('r', 'p') AND NOT c.relrowsecurity
              AND """ + OUR_TABLE):
        yield Hit(f"public.{table}", "ALTER TABLE ... ENABLE ROW LEVEL SECURITY and add policies",
                  "table", table)


@rule("INFO", "security")
def rls_enabled_no_policy(conn):
    """A table has RLS enabled and no policy.

    No API role can read or write it, which is right for tables the API must not touch;
    add policies if the API needs it."""
    for (table,) in rows(conn, """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY (:exposed) AND c.relkind IN ('r', 'p') AND c.relrowsecurity
              AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid) AND """ + OUR_TABLE):
        yield Hit(f"public.{table}", "no API role can read or write it; add policies if the API needs it",
                  "table", table)


@rule("WARN", "security")
def function_search_path_mutable(conn):
    """A function has no fixed search_path.

    A caller who controls the search_path (or creates objects in pg_temp) can make it
    resolve names to their own tables, types or functions, with the definer's rights when
    it is SECURITY DEFINER."""
    for function, name in rows(conn, """
            SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                   p.proname
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('public', 'private')
              AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) c
                              WHERE c LIKE 'search_path=%') AND """ + OUR_FUNCTION):
        yield Hit(function, "ALTER FUNCTION ... SET search_path = public, pg_temp (or '')", "function", name)


@rule("WARN", "security")
def security_definer_exposed(conn):
    """A SECURITY DEFINER function in an exposed schema is executable by anon or authenticated.

    PostgREST serves it as an RPC that runs with its owner's rights, RLS bypassed when the
    owner bypasses it."""
    for function, role, name in rows(conn, """
            SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                   r.rolname, p.proname
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            CROSS JOIN (VALUES ('anon'), ('authenticated')) AS r(rolname)
            WHERE n.nspname = ANY (:exposed) AND p.prosecdef
              AND has_function_privilege(r.rolname, p.oid, 'EXECUTE') AND """ + OUR_FUNCTION + """
            ORDER BY 1, 2"""):
        yield Hit(f"{function} by {role}",
                  f"REVOKE EXECUTE FROM {role}, or move it to a schema the API does not expose",
                  "function", name)


@rule("WARN", "security")
def api_role_ungoverned_privilege(conn):
    """An API role (or PUBLIC) holds TRUNCATE, TRIGGER, REFERENCES or MAINTAIN on an exposed table.

    RLS governs none of them: TRUNCATE empties the table, a trigger runs the caller's code
    on every write, MAINTAIN (17+) locks it."""
    for table, grantee, privileges in rows(conn, """
            SELECT c.relname, coalesce(r.rolname, 'PUBLIC'),
                   string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL aclexplode(c.relacl) AS a
            LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE n.nspname = ANY (:exposed) AND c.relkind IN ('r', 'p')
              AND (a.grantee = 0 OR r.rolname IN ('anon', 'authenticated'))
              AND a.privilege_type IN ('TRUNCATE', 'TRIGGER', 'REFERENCES', 'MAINTAIN')
            GROUP BY 1, 2 ORDER BY 1, 2"""):
        yield Hit(f"public.{table} {privileges} to {grantee}",
                  f"REVOKE {privileges} ON public.{table} FROM {grantee} (RLS does not apply to them)",
                  "table", table)


@rule("ERROR", "security")
def definer_search_path_unsafe(conn):
    """A SECURITY DEFINER function's search_path is missing, '' or does not end in pg_temp.

    PostgreSQL then searches the caller's pg_temp first for relation and type names, so a
    caller's temporary type with a cast (a ::uuid in an inlined auth.uid(), say) runs the
    caller's code with the owner's rights.  List pg_temp explicitly last."""
    for function, setting, name in rows(conn, """
            SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                   (SELECT substr(c, 13) FROM unnest(coalesce(p.proconfig, '{}')) c
                    WHERE c LIKE 'search_path=%'), p.proname
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('public', 'private') AND p.prosecdef AND """ + OUR_FUNCTION + """
            ORDER BY 1"""):
        listed = [part.strip().strip('"') for part in (setting or "").split(",")]
        if setting is None or listed[-1] != "pg_temp":
            found = "none" if setting is None else repr(setting)
            yield Hit(f"{function} (search_path {found})",
                      "ALTER FUNCTION ... SET search_path = pg_catalog, pg_temp (pg_temp last; add the "
                      "schemas the body names unqualified in between)", "function", name)


API_COMMANDS = "ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']"

# Privileges on a table, or (SELECT, INSERT, UPDATE) on any of its columns.
HOLDS = """CASE WHEN {command} = 'DELETE' THEN has_table_privilege({role}, {table}, 'DELETE')
               ELSE has_any_column_privilege({role}, {table}, {command}) END"""

# Each API role a policy applies to (PUBLIC stands for anon and authenticated; service_role
# bypasses RLS), whether it holds the policy's command, and whether any of them does.
POLICY_PRIVILEGES = f"""
    SELECT policyname, tablename, rolname, cmd, to_public, held, anyone FROM (
      SELECT x.*, bool_or(x.held) OVER (PARTITION BY x.policyname, x.tablename, x.cmd) AS anyone
      FROM (SELECT p.policyname, p.tablename, r.rolname, c.cmd, 'public' = ANY (p.roles) AS to_public,
                   {HOLDS.format(command="c.cmd", role="r.rolname",
                                 table="('public.' || quote_ident(p.tablename))::regclass")} AS held
            FROM pg_policies p
            CROSS JOIN LATERAL unnest(CASE WHEN p.cmd = 'ALL' THEN {API_COMMANDS}
                                           ELSE ARRAY[p.cmd] END) AS c(cmd)
            JOIN pg_roles r ON r.rolname IN ('anon', 'authenticated')
              AND (r.rolname = ANY (p.roles) OR 'public' = ANY (p.roles))
            WHERE p.schemaname = ANY (:exposed)) x) y
    WHERE NOT held ORDER BY 2, 1, 3, 4"""


@rule("ERROR", "security")
def policy_without_privilege(conn):
    """A policy's role holds no privilege for its command: the API will get permission denied.

    PostgreSQL checks privileges before any policy runs.  For a policy TO public this is
    reported only when no API role holds the command (see policy_role_without_privilege)."""
    for policy, table, role, command, to_public, _, anyone in rows(conn, POLICY_PRIVILEGES):
        if not (to_public and anyone):
            yield Hit(f'public.{table} "{policy}" {command} for {role}',
                      f"GRANT {command} ON public.{table} TO {role}, or drop the role from the policy",
                      "policy", policy)


@rule("INFO", "security")
def policy_role_without_privilege(conn):
    """A policy TO public names an API role that holds no privilege for its command.

    That role is refused before the policy runs, which is intended when it has no business
    there (anon on the document's user-owned tables); another API role holds the command."""
    for policy, table, role, command, to_public, _, anyone in rows(conn, POLICY_PRIVILEGES):
        if to_public and anyone:
            yield Hit(f'public.{table} "{policy}" {command} for {role}',
                      f"nothing to do if {role} has no business here; else GRANT {command} "
                      f"ON public.{table} TO {role}", "policy", policy)


@rule("WARN", "security")
def privilege_without_policy(conn):
    """An API role holds a row privilege on an RLS table that no policy lets it use.

    It is refused by RLS anyway, but the privilege is surface for nothing (UPDATE and
    DELETE also allow LOCK TABLE ... ACCESS EXCLUSIVE)."""
    for table, role, command in rows(conn, f"""
            SELECT c.relname, r.rolname, k.command
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN (VALUES ('anon'), ('authenticated')) AS r(rolname)
            CROSS JOIN unnest({API_COMMANDS}) AS k(command)
            WHERE n.nspname = ANY (:exposed) AND c.relkind IN ('r', 'p') AND c.relrowsecurity
              AND {HOLDS.format(command="k.command", role="r.rolname", table="c.oid")}
              AND NOT EXISTS (SELECT 1 FROM pg_policies p
                              WHERE p.schemaname = n.nspname AND p.tablename = c.relname
                                AND p.cmd IN (k.command, 'ALL')
                                AND (r.rolname = ANY (p.roles) OR 'public' = ANY (p.roles)))
              AND """ + OUR_TABLE + """
            ORDER BY 1, 2, 3"""):
        yield Hit(f"public.{table} {command} to {role}",
                  f"no policy lets {role} use it: REVOKE {command} ON public.{table} FROM {role}",
                  "table", table)


@rule("WARN", "security")
def api_role_can_lock_table(conn):
    """anon or authenticated holds UPDATE, DELETE, TRUNCATE or MAINTAIN without a write case.

    Any of them allows LOCK TABLE ... IN ACCESS EXCLUSIVE MODE, and every API read of the
    table then waits.  A write case is a policy for that command naming the role itself (a
    policy TO public counts for authenticated, never for anon, which has no identity)."""
    maintain = int(conn.execute(text("SHOW server_version_num")).scalar_one()) >= 170000
    privileges = "ARRAY['UPDATE', 'DELETE', 'TRUNCATE'" + (", 'MAINTAIN']" if maintain else "]")
    for table, role, privilege in rows(conn, f"""
            SELECT c.relname, r.rolname, k.privilege
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN (VALUES ('anon'), ('authenticated')) AS r(rolname)
            CROSS JOIN unnest({privileges}) AS k(privilege)
            WHERE n.nspname = ANY (:exposed) AND c.relkind IN ('r', 'p')
              AND has_table_privilege(r.rolname, c.oid, k.privilege)
              AND NOT EXISTS (SELECT 1 FROM pg_policies p
                              WHERE p.schemaname = n.nspname AND p.tablename = c.relname
                                AND p.cmd IN (k.privilege, 'ALL') AND (r.rolname = ANY (p.roles)
                                  OR (r.rolname = 'authenticated' AND 'public' = ANY (p.roles))))
              AND """ + OUR_TABLE + """
            ORDER BY 1, 2, 3"""):
        yield Hit(f"public.{table} {privilege} to {role}",
                  f"{role} can LOCK TABLE public.{table} IN ACCESS EXCLUSIVE MODE and stall every "
                  f"reader: REVOKE {privilege} ON public.{table} FROM {role}", "table", table)


@rule("INFO", "security")
def api_role_statement_timeout_unset(conn):
    """anon or authenticated has no statement_timeout.

    Supabase sets 3 s on anon and 8 s on authenticated, and PostgREST applies each role's
    settings per request.  Roles are cluster-wide, so on vanilla PostgreSQL the operator
    sets it (README "Deploying")."""
    for (role,) in rows(conn, """
            SELECT r.rolname FROM pg_roles r
            WHERE r.rolname IN ('anon', 'authenticated')
              AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(r.rolconfig, '{}')) c
                              WHERE c LIKE 'statement_timeout=%')
            ORDER BY 1"""):
        seconds = {"anon": "3s", "authenticated": "8s"}[role]
        yield Hit(role, f"ALTER ROLE {role} SET statement_timeout = '{seconds}' (cluster-wide)", "role", role)


@rule("WARN", "performance")
def unindexed_foreign_key(conn):
    """A foreign key's columns are not the leading columns of a valid index.

    Deleting or updating a referenced row then scans the whole referencing table (and
    a cascade holds its locks for that long)."""
    for table, columns in rows(conn, """
            SELECT c.relname, array_agg(a.attname ORDER BY k.ord)::text
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE con.contype = 'f' AND n.nspname = ANY (:exposed)
              AND NOT EXISTS (
                SELECT 1 FROM pg_index i WHERE i.indrelid = con.conrelid AND i.indisvalid
                  AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] = con.conkey)
            GROUP BY c.relname, con.oid"""):
        yield Hit(f"public.{table} {columns}", "CREATE INDEX CONCURRENTLY on the foreign key columns",
                  "table", table)


@rule("WARN", "performance")
def policy_column_unindexed(conn):
    """A column a policy reads is in no valid index that the policy's own columns lead.

    The planner can only search an index by its leading column: a policy column found
    only behind another column (say user_id in (created_at, user_id)) still means a
    sequential scan under RLS.  A column after the leading one counts when the policy
    reads the leading column too (role in (user_id, role))."""
    for table, column in rows(conn, """
            WITH reads AS (
              SELECT DISTINCT p.oid AS policy, c.oid AS rel, c.relname, a.attnum, a.attname
              FROM pg_depend d
              JOIN pg_policy p ON d.classid = 'pg_policy'::regclass AND d.objid = p.oid
              JOIN pg_class c ON c.oid = d.refobjid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
              WHERE d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
                AND n.nspname = ANY (:exposed))
            SELECT DISTINCT r.relname, r.attname FROM reads r
            WHERE NOT EXISTS (
              SELECT 1 FROM pg_index i
              WHERE i.indrelid = r.rel AND i.indisvalid AND r.attnum = ANY (i.indkey::int2[])
                AND EXISTS (SELECT 1 FROM reads lead WHERE lead.policy = r.policy AND lead.rel = r.rel
                            AND lead.attnum = i.indkey[0]))
            ORDER BY 1, 2"""):
        yield Hit(f"public.{table}.{column}",
                  "index the column (leading) so the policy filter is not a sequential scan",
                  "table", table)


# The column a policy compares with the caller: auth.uid() = col, (SELECT auth.uid() AS uid) = col,
# or col = auth.uid().
CALLER_COLUMN = re.compile(r"auth\.uid\(\)(?: AS uid\))? = (\w+)\b|\b(\w+) = (?:\( SELECT )?auth\.uid\(\)")


@rule("WARN", "performance")
def latest_rows_unindexed(conn):
    """The caller's rows have no index in created_at order: "my latest N" sorts them all.

    When every SELECT policy limits a table to the caller's rows by one column (the
    document's user-owned pattern, auth.uid() = user_id) and the table has created_at,
    the API's "my latest N" (ORDER BY created_at DESC LIMIT N) needs a valid index whose
    leading column is that column and whose next is created_at; otherwise every request
    reads and sorts all of the caller's rows.  A column leading a unique index is exempt:
    the caller's rows are then keyed (one preference per project), not a history."""
    for table, quals in rows(conn, """
            SELECT c.relname, array_agg(coalesce(p.qual, '') ORDER BY p.policyname)
            FROM pg_policies p JOIN pg_class c ON c.relname = p.tablename
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = p.schemaname
            WHERE p.schemaname = ANY (:exposed) AND p.cmd IN ('SELECT', 'ALL')
              AND p.permissive = 'PERMISSIVE' AND p.roles && '{public,authenticated}'::name[]
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'created_at')
            GROUP BY c.relname ORDER BY 1"""):
        columns = {next(filter(None, m.groups())) if (m := CALLER_COLUMN.search(q)) else None for q in quals}
        if len(columns) != 1 or None in columns:
            continue
        [column] = columns
        if not rows(conn, LATEST_INDEX.format(table=table, column=column)):
            yield Hit(f"public.{table} ({column}, created_at)",
                      f"CREATE INDEX CONCURRENTLY ON public.{table} ({column}, created_at DESC)",
                      "table", table)


# A valid index leading with the caller's column then created_at, or a unique one leading with it.
LATEST_INDEX = """
    SELECT 1 FROM pg_index i
    WHERE i.indrelid = 'public.{table}'::regclass AND i.indisvalid
      AND i.indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = i.indrelid AND attname = '{column}')
      AND ((i.indnatts > 1 AND i.indkey[1] = (SELECT attnum FROM pg_attribute
                                               WHERE attrelid = i.indrelid AND attname = 'created_at'))
           OR i.indisunique)"""


@rule("ERROR", "performance")
def invalid_index(conn):
    """An index a schema_pkg revision builds is INVALID, left by a failed CREATE INDEX
    CONCURRENTLY.

    It is maintained on every write but never used; drop it and rerun the revision."""
    for index, name in invalid_indexes(conn, ours=True):
        yield Hit(index, "a failed CREATE INDEX CONCURRENTLY left it: it is maintained on every "
                  "write but never used; DROP INDEX CONCURRENTLY it and rerun the revision", "index", name)


@rule("WARN", "performance")
def invalid_index_not_ours(conn):
    """An index no schema_pkg revision builds is INVALID (an application's failed CREATE
    INDEX CONCURRENTLY?).

    Migrations never block on it, but it is maintained on every write and never used:
    drop it and build it again."""
    for index, name in invalid_indexes(conn, ours=False):
        yield Hit(index, "not built by a schema_pkg revision, so migrations never block on it; "
                  "it is maintained on every write but never used: DROP INDEX CONCURRENTLY it "
                  "and build it again", "index", name)


def our_concurrent_indexes() -> set[str]:
    """The indexes our revisions build CONCURRENTLY (from their statements)."""
    from schema_pkg import guards, history

    return {name for (_, direction), statements in history.packaged_statements().items()
            if direction == "upgrade" for name in guards.built_concurrently(statements)}


def invalid_indexes(conn, ours: bool) -> list:
    mine = our_concurrent_indexes()
    return [(index, name) for index, name in rows(conn, """
            SELECT i.indexrelid::regclass::text, ic.relname
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT i.indisvalid AND n.nspname IN ('public', 'private') ORDER BY 1""")
            if (name in mine) == ours]


PER_ROW_AUTH_CALL = re.compile(r"(?<!SELECT )auth\.(uid|jwt|role)\(\)")


@rule("WARN", "performance")
def auth_rls_initplan(conn):
    """A policy calls auth.uid(), auth.jwt() or auth.role() per row.

    Written as (select auth.uid()) the call is an InitPlan, evaluated once per
    statement; bare, it may be evaluated for every row the policy filters."""
    for table, policy, qual, check in rows(conn, """
            SELECT tablename, policyname, coalesce(qual, ''), coalesce(with_check, '')
            FROM pg_policies WHERE schemaname = ANY (:exposed) ORDER BY 1, 2"""):
        if PER_ROW_AUTH_CALL.search(qual) or PER_ROW_AUTH_CALL.search(check):
            yield Hit(f'public.{table} "{policy}"',
                      "write (select auth.uid()) so it is evaluated once per statement", "policy", policy)


@rule("WARN", "performance")
def multiple_permissive_policies(conn):
    """Several permissive policies apply to one role and command.

    PostgreSQL evaluates each of them for every row (they are OR-ed); one policy per role
    and command is cheaper and easier to review."""
    for table, role, command, names in rows(conn, """
            SELECT p.tablename, r.role, c.cmd, string_agg(p.policyname, ', ' ORDER BY p.policyname)
            FROM pg_policies p
            CROSS JOIN LATERAL unnest(p.roles) AS r(role)
            CROSS JOIN LATERAL (SELECT unnest(CASE WHEN p.cmd = 'ALL'
                THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] ELSE ARRAY[p.cmd] END)) AS c(cmd)
            WHERE p.schemaname = ANY (:exposed) AND p.permissive = 'PERMISSIVE'
            GROUP BY 1, 2, 3 HAVING count(*) > 1 ORDER BY 1, 2, 3"""):
        yield Hit(f"public.{table} {command} for {role}: {names}",
                  "merge them into one policy per role and command", "policy", names.split(", ")[0])


LEVEL_ORDER = {"ERROR": 0, "WARN": 1, "INFO": 2}


def advise(conn: Connection) -> list[Finding]:
    findings = [Finding(r.level, r.category, r.id, hit.object, hit.remediation, hit.kind, hit.name)
                for r in RULES for hit in r.check(conn)]
    return sorted(findings, key=lambda f: (LEVEL_ORDER[f.level], f.category, f.rule, f.object))


def advise_command(target: Target, output_format: str = "text") -> int:
    """Print the findings for the target in the format asked; 1 when any is an ERROR."""
    from schema_pkg import reports

    with connection(target.url) as conn:
        findings = advise(conn)
        revision = reports.database_revision(conn)
    items = [reports.from_advice(f, revision) for f in findings]
    rules = [reports.from_rule(r) for r in RULES]
    report = reports.Report("advise", rules, items, redact(target.url), revision)
    reports.emit(report, output_format)
    counts = {level: sum(f.level == level for f in findings) for level in LEVEL_ORDER}
    print("schema-pkg advise: " + ", ".join(f"{n} {level}" for level, n in counts.items()),
          file=sys.stderr)
    return 1 if counts["ERROR"] else 0
