"""Revision 0010's API grants are exactly what the expectations table needs, no more, no less.

The required set is derived from tests/rls/expectations.py (a role holds a command on a
table or function only where some case allows one of its actors that command; the
columns of COLUMN_GRANTS where a client may write only some).  The private team
helpers are needed by the roles of the policies that call them.  The granted set is
read from the catalog: table, column and function ACLs for anon, authenticated,
service_role and PUBLIC.
"""

from __future__ import annotations

import re

from schema_pkg.testing import execute
from tests.rls.expectations import required_privileges

GRANTEES = "('anon', 'authenticated', 'service_role')"

GRANTED = f"""
SELECT coalesce(r.rolname, 'PUBLIC'), c.relname, a.privilege_type, NULL::text[]
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
LEFT JOIN pg_roles r ON r.oid = a.grantee
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  AND (a.grantee = 0 OR r.rolname IN {GRANTEES})
UNION ALL
SELECT coalesce(r.rolname, 'PUBLIC'), c.relname, a.privilege_type,
       array_agg(att.attname::text ORDER BY att.attnum)
FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(att.attacl) a
LEFT JOIN pg_roles r ON r.oid = a.grantee
WHERE n.nspname = 'public' AND att.attacl IS NOT NULL
  AND (a.grantee = 0 OR r.rolname IN {GRANTEES})
GROUP BY 1, 2, 3
UNION ALL
SELECT coalesce(r.rolname, 'PUBLIC'),
       CASE WHEN n.nspname = 'public' THEN '' ELSE n.nspname || '.' END || p.proname || '()',
       a.privilege_type, NULL
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
CROSS JOIN LATERAL aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
LEFT JOIN pg_roles r ON r.oid = a.grantee
WHERE n.nspname IN ('public', 'private')
  AND (a.grantee = 0 OR r.rolname IN {GRANTEES})
"""


def granted(conn) -> dict[tuple[str, str], dict[str, tuple[str, ...] | None]]:
    found: dict[tuple[str, str], dict[str, tuple[str, ...] | None]] = {}
    for role, name, privilege, columns in execute(conn, GRANTED).fetchall():
        found.setdefault((role, name), {})[privilege] = tuple(columns) if columns else None
    return found


def helpers_the_policies_need(conn) -> dict[tuple[str, str], dict[str, None]]:
    """EXECUTE on each private function for every role of a policy that calls it."""
    needed: dict[tuple[str, str], dict[str, None]] = {}
    for roles, text in execute(conn, "SELECT roles::text[], concat(qual, ' ', with_check) "
                                     "FROM pg_policies WHERE schemaname = 'public'").fetchall():
        for function in set(re.findall(r"private\.(\w+)\(", text)):
            for role in roles:
                needed.setdefault((role, f"private.{function}()"), {})["EXECUTE"] = None
    return needed


def test_api_grants_are_exactly_what_the_expectations_need(schema_pkg_connection):
    conn = schema_pkg_connection
    required = {**required_privileges(), **helpers_the_policies_need(conn)}
    actual = granted(conn)
    assert required, "nothing derived: the comparison would prove nothing"
    missing = {key: {p: c for p, c in privileges.items() if actual.get(key, {}).get(p, "-") != c}
               for key, privileges in required.items()}
    extra = {key: {p: c for p, c in privileges.items() if required.get(key, {}).get(p, "-") != c}
             for key, privileges in actual.items()}
    assert {k: v for k, v in missing.items() if v} == {}, "needed by a case, not granted"
    assert {k: v for k, v in extra.items() if v} == {}, "granted, needed by no case"


def test_no_api_role_can_name_anything_in_schema_private(schema_pkg_connection):
    """The policies reach the helpers by reference (EXECUTE only): no USAGE is needed."""
    rows = execute(schema_pkg_connection, f"""
        SELECT r.rolname FROM pg_roles r
        WHERE r.rolname IN {GRANTEES} AND has_schema_privilege(r.rolname, 'private', 'USAGE')""")
    assert rows.fetchall() == []
