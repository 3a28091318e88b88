"""Which table privileges an API role holds: the ones RLS cannot govern (revision 0009)."""

from __future__ import annotations

from schema_pkg.catalog import API_PRIVILEGES
from schema_pkg.testing import execute

UNGOVERNED = ("TRUNCATE", "TRIGGER", "REFERENCES")
MAINTAIN_SINCE = 170000  # server_version_num of PostgreSQL 17, where MAINTAIN appears


def server_version_num(conn) -> int:
    return int(execute(conn, "SHOW server_version_num").fetchone()[0])


def ungoverned(conn) -> tuple[str, ...]:
    """The privileges RLS does not govern, on this server's version."""
    return UNGOVERNED + (("MAINTAIN",) if server_version_num(conn) >= MAINTAIN_SINCE else ())


def held(conn, role: str, privileges: tuple[str, ...]) -> set[tuple[str, str]]:
    """(table, privilege) pairs ``role`` holds among ``privileges`` on tables in public."""
    rows = execute(conn, """
        SELECT c.relname, p.privilege
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN unnest(%s::text[]) AS p(privilege)
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND has_table_privilege(%s, c.oid, p.privilege)""", (list(privileges), role))
    return set(map(tuple, rows.fetchall()))


def public_tables(conn) -> set[str]:
    return {row[0] for row in execute(conn, (
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')")).fetchall()}



def effective_privileges(conn) -> set[tuple[str, str, str]]:
    """(grantee, object, privilege) for anon, authenticated, service_role and PUBLIC on every
    table, column, sequence, function and schema of ours (schema_pkg.catalog)."""
    return set(map(tuple, execute(conn, API_PRIVILEGES).fetchall()))
