"""schema-pkg advise: catalog checks of our own, each a query returning findings.

A finding has a level (ERROR, WARN, INFO), a category (security or
performance), the rule, the object and a remediation.  Findings that follow
from keeping the document's text verbatim are expected; docs/advisor.md
lists each with its reason.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from schema_pkg.db import connection
from schema_pkg.settings import Target

EXPOSED_SCHEMAS = ("public",)  # the schemas PostgREST serves


@dataclass(frozen=True)
class Finding:
    level: str
    category: str
    rule: str
    object: str
    remediation: str

    def __str__(self) -> str:
        return f"{self.level:5} {self.category:11} {self.rule:32} {self.object}\n      -> {self.remediation}"


def rows(conn: Connection, sql: str) -> list:
    return conn.execute(text(sql), {"exposed": list(EXPOSED_SCHEMAS)}).all()


def rls_disabled_in_public(conn):
    for (table,) in rows(conn, """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY (:exposed) AND c.relkind IN ('r', 'p') AND NOT c.relrowsecurity"""):
        yield Finding("ERROR", "security", "rls_disabled_in_public", f"public.{table}",
                      "ALTER TABLE ... ENABLE ROW LEVEL SECURITY and add policies")


def rls_enabled_no_policy(conn):
    for (table,) in rows(conn, """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY (:exposed) AND c.relkind IN ('r', 'p') AND c.relrowsecurity
              AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)"""):
        yield Finding("INFO", "security", "rls_enabled_no_policy", f"public.{table}",
                      "no API role can read or write it; add policies if the API needs it")


def function_search_path_mutable(conn):
    for (function,) in rows(conn, """
            SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('public', 'private')
              AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) c
                              WHERE c LIKE 'search_path=%')"""):
        yield Finding("WARN", "security", "function_search_path_mutable", function,
                      "ALTER FUNCTION ... SET search_path = public, pg_temp (or '')")


def security_definer_exposed(conn):
    for function, role in rows(conn, """
            SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                   r.rolname
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            CROSS JOIN (VALUES ('anon'), ('authenticated')) AS r(rolname)
            WHERE n.nspname = ANY (:exposed) AND p.prosecdef
              AND has_function_privilege(r.rolname, p.oid, 'EXECUTE')
            ORDER BY 1, 2"""):
        yield Finding("WARN", "security", "security_definer_exposed", f"{function} by {role}",
                      f"REVOKE EXECUTE FROM {role}, or move it to a schema the API does not expose")


def api_role_ungoverned_privilege(conn):
    """Privileges RLS does not govern, granted to an API role (or PUBLIC) on an exposed table."""
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
        yield Finding("WARN", "security", "api_role_ungoverned_privilege",
                      f"public.{table} {privileges} to {grantee}",
                      f"REVOKE {privileges} ON public.{table} FROM {grantee} (RLS does not apply to them)")


def definer_search_path_unsafe(conn):
    """A SECURITY DEFINER function whose search_path is missing, '' or does not end in pg_temp:
    PostgreSQL then searches the caller's pg_temp first for relations and types."""
    for function, setting in rows(conn, """
            SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                   (SELECT substr(c, 13) FROM unnest(coalesce(p.proconfig, '{}')) c
                    WHERE c LIKE 'search_path=%')
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('public', 'private') AND p.prosecdef ORDER BY 1"""):
        listed = [part.strip().strip('"') for part in (setting or "").split(",")]
        if setting is None or listed[-1] != "pg_temp":
            found = "none" if setting is None else repr(setting)
            yield Finding("ERROR", "security", "definer_search_path_unsafe",
                          f"{function} (search_path {found})",
                          "ALTER FUNCTION ... SET search_path = pg_catalog, pg_temp (pg_temp last; "
                          "add the schemas the body names unqualified in between)")


API_COMMANDS = "ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']"

# (policy, table, role, command) for each API role a policy applies to: PUBLIC stands
# for both anon and authenticated; service_role bypasses RLS.
POLICY_ROLES = f"""
    SELECT p.policyname, p.tablename, r.rolname, c.cmd, 'public' = ANY (p.roles) AS to_public
    FROM pg_policies p
    CROSS JOIN LATERAL unnest(CASE WHEN p.cmd = 'ALL' THEN {API_COMMANDS} ELSE ARRAY[p.cmd] END) AS c(cmd)
    JOIN pg_roles r ON r.rolname IN ('anon', 'authenticated')
      AND (r.rolname = ANY (p.roles) OR 'public' = ANY (p.roles))
    WHERE p.schemaname = ANY (:exposed)"""

# Privileges on a table, or (SELECT, INSERT, UPDATE) on any of its columns.
HOLDS = """CASE WHEN {command} = 'DELETE' THEN has_table_privilege({role}, {table}, 'DELETE')
               ELSE has_any_column_privilege({role}, {table}, {command}) END"""


def policy_without_privilege(conn):
    """A policy whose role holds no privilege for its command: the API gets permission denied.
    For a policy TO public only a role holding no privilege on the table at all counts when
    some other API role holds it (the document's policies are TO public; see docs/advisor.md)."""
    holds = HOLDS.format(command="x.cmd", role="x.rolname", table="('public.' || x.tablename)::regclass")
    for policy, table, role, command, to_public, anyone in rows(conn, f"""
            SELECT policyname, tablename, rolname, cmd, to_public, anyone FROM (
              SELECT x.*, {holds} AS held,
                     bool_or({holds}) OVER (PARTITION BY x.policyname, x.tablename, x.cmd) AS anyone
              FROM ({POLICY_ROLES}) x) y
            WHERE NOT held
            ORDER BY 2, 1, 3, 4"""):
        where = f'public.{table} "{policy}" {command} for {role}'
        if to_public and anyone:
            yield Finding("INFO", "security", "policy_role_without_privilege", where,
                          f"the policy is TO public; {role} holds no {command} here, so it is refused "
                          "before the policy runs (intended when the role has no business there)")
        else:
            yield Finding("ERROR", "security", "policy_without_privilege", where,
                          f"the API will get permission denied: GRANT {command} ON public.{table} TO {role}")


def privilege_without_policy(conn):
    """A row privilege an API role holds on an RLS table where no policy for it applies."""
    for table, role, command in rows(conn, f"""
            SELECT c.relname, r.rolname, k.command
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN (VALUES ('anon'), ('authenticated')) AS r(rolname)
            CROSS JOIN unnest({API_COMMANDS}) AS k(command)
            WHERE n.nspname = ANY (:exposed) AND c.relkind IN ('r', 'p') AND c.relrowsecurity
              AND {HOLDS.format(command="k.command", role="r.rolname", table="c.oid")}
              AND NOT EXISTS (SELECT 1 FROM pg_policies p
                              WHERE p.schemaname = n.nspname AND p.tablename = c.relname
                                AND p.cmd IN (k.command, 'ALL') AND (r.rolname = ANY (p.roles)
                                                               OR 'public' = ANY (p.roles)))
            ORDER BY 1, 2, 3"""):
        yield Finding("WARN", "security", "privilege_without_policy", f"public.{table} {command} to {role}",
                      f"no policy lets {role} use it: REVOKE {command} ON public.{table} FROM {role}")


def api_role_can_lock_table(conn):
    """UPDATE, DELETE, TRUNCATE or MAINTAIN let a role LOCK a table ACCESS EXCLUSIVE (every API
    read then waits); flagged where no policy for that command names the role itself (anon has
    no identity, so a policy TO public is no write case for it)."""
    privileges = "ARRAY['UPDATE', 'DELETE', 'TRUNCATE']" + (
        " || ARRAY['MAINTAIN']" if conn.execute(text("SHOW server_version_num")).scalar_one() >= "170000"
        else "")
    for table, role, privilege in rows(conn, f"""
            SELECT c.relname, r.rolname, priv
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN (VALUES ('anon'), ('authenticated')) AS r(rolname)
            CROSS JOIN unnest({privileges}) AS priv
            WHERE n.nspname = ANY (:exposed) AND c.relkind IN ('r', 'p')
              AND has_table_privilege(r.rolname, c.oid, priv)
              AND NOT EXISTS (SELECT 1 FROM pg_policies p
                              WHERE p.schemaname = n.nspname AND p.tablename = c.relname
                                AND p.cmd IN (priv, 'ALL') AND (r.rolname = ANY (p.roles)
                                  OR (r.rolname = 'authenticated' AND 'public' = ANY (p.roles))))
            ORDER BY 1, 2, 3"""):
        yield Finding("WARN", "security", "api_role_can_lock_table", f"public.{table} {privilege} to {role}",
                      f"{role} can LOCK TABLE public.{table} IN ACCESS EXCLUSIVE MODE and stall every "
                      f"reader without any write case: REVOKE {privilege} ON public.{table} FROM {role}")


def api_role_statement_timeout_unset(conn):
    """Supabase sets statement_timeout on anon (3 s) and authenticated (8 s); PostgREST applies it."""
    for (role,) in rows(conn, """
            SELECT r.rolname FROM pg_roles r
            WHERE r.rolname IN ('anon', 'authenticated')
              AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(r.rolconfig, '{}')) c
                              WHERE c LIKE 'statement_timeout=%')
            ORDER BY 1"""):
        seconds = {"anon": "3s", "authenticated": "8s"}[role]
        yield Finding("INFO", "security", "api_role_statement_timeout_unset", role,
                      f"ALTER ROLE {role} SET statement_timeout = '{seconds}' (cluster-wide, as Supabase "
                      "does; README \"Deploying\")")


def unindexed_foreign_key(conn):
    for table, columns in rows(conn, """
            SELECT c.relname, array_agg(a.attname ORDER BY k.ord)::text
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE con.contype = 'f' AND n.nspname = ANY (:exposed)
              AND NOT EXISTS (
                SELECT 1 FROM pg_index i WHERE i.indrelid = con.conrelid
                  AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] = con.conkey)
            GROUP BY c.relname, con.oid"""):
        yield Finding("WARN", "performance", "unindexed_foreign_key", f"public.{table} {columns}",
                      "CREATE INDEX CONCURRENTLY on the foreign key columns")


def policy_column_unindexed(conn):
    for table, column in rows(conn, """
            SELECT DISTINCT c.relname, a.attname
            FROM pg_depend d
            JOIN pg_policy p ON d.classid = 'pg_policy'::regclass AND d.objid = p.oid
            JOIN pg_class c ON c.oid = d.refobjid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
            WHERE d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
              AND n.nspname = ANY (:exposed)
              AND NOT EXISTS (SELECT 1 FROM pg_index i
                              WHERE i.indrelid = c.oid AND a.attnum = ANY (i.indkey::int2[]))
            ORDER BY 1, 2"""):
        yield Finding("WARN", "performance", "policy_column_unindexed", f"public.{table}.{column}",
                      "index the column so the policy filter is not a sequential scan")


def invalid_index(conn):
    for (index,) in rows(conn, """
            SELECT i.indexrelid::regclass::text
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT i.indisvalid AND n.nspname IN ('public', 'private') ORDER BY 1"""):
        yield Finding("ERROR", "performance", "invalid_index", index,
                      "a failed CREATE INDEX CONCURRENTLY left it: it is maintained on every "
                      "write but never used; DROP INDEX CONCURRENTLY it and rerun the revision")


PER_ROW_AUTH_CALL = re.compile(r"(?<!SELECT )auth\.(uid|jwt|role)\(\)")


def auth_rls_initplan(conn):
    for table, policy, qual, check in rows(conn, """
            SELECT tablename, policyname, coalesce(qual, ''), coalesce(with_check, '')
            FROM pg_policies WHERE schemaname = ANY (:exposed) ORDER BY 1, 2"""):
        if PER_ROW_AUTH_CALL.search(qual) or PER_ROW_AUTH_CALL.search(check):
            yield Finding("WARN", "performance", "auth_rls_initplan", f'public.{table} "{policy}"',
                          "write (select auth.uid()) so it is evaluated once per statement")


def multiple_permissive_policies(conn):
    for table, role, command, names in rows(conn, """
            SELECT p.tablename, r.role, c.cmd, string_agg(p.policyname, ', ' ORDER BY p.policyname)
            FROM pg_policies p
            CROSS JOIN LATERAL unnest(p.roles) AS r(role)
            CROSS JOIN LATERAL (SELECT unnest(CASE WHEN p.cmd = 'ALL'
                THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] ELSE ARRAY[p.cmd] END)) AS c(cmd)
            WHERE p.schemaname = ANY (:exposed) AND p.permissive = 'PERMISSIVE'
            GROUP BY 1, 2, 3 HAVING count(*) > 1 ORDER BY 1, 2, 3"""):
        yield Finding("WARN", "performance", "multiple_permissive_policies",
                      f"public.{table} {command} for {role}: {names}",
                      "merge them into one policy per role and command")


RULES = (rls_disabled_in_public, rls_enabled_no_policy, function_search_path_mutable,
         definer_search_path_unsafe, security_definer_exposed, api_role_ungoverned_privilege,
         policy_without_privilege, privilege_without_policy, api_role_can_lock_table,
         api_role_statement_timeout_unset, unindexed_foreign_key,
         policy_column_unindexed, auth_rls_initplan, multiple_permissive_policies, invalid_index)

LEVEL_ORDER = {"ERROR": 0, "WARN": 1, "INFO": 2}


def advise(conn: Connection) -> list[Finding]:
    findings = [finding for rule in RULES for finding in rule(conn)]
    return sorted(findings, key=lambda f: (LEVEL_ORDER[f.level], f.category, f.rule, f.object))


def advise_command(target: Target) -> int:
    """Print the findings for the target; 1 when any is an ERROR (``schema-pkg advise``)."""
    with connection(target.url) as conn:
        findings = advise(conn)
    for finding in findings:
        print(finding)
    counts = {level: sum(f.level == level for f in findings) for level in LEVEL_ORDER}
    print("schema-pkg advise: " + ", ".join(f"{n} {level}" for level, n in counts.items()),
          file=sys.stderr)
    return 1 if counts["ERROR"] else 0
