"""API roles hold no table privilege that RLS cannot govern (anon and authenticated since
revision 0009, service_role since 0010), and no new table is exposed by default (0010).

TRUNCATE and CREATE TRIGGER are also run as each API role on every table in
the RLS matrix (tests/rls/expectations.py, UNGOVERNED).
"""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.testing import as_anon, as_service_role, as_user, rolled_back
from tests.privileges import MAINTAIN_SINCE, held, public_tables, server_version_num, ungoverned
from tests.rls.world import USERS

API_ROLES = ("anon", "authenticated")
ROW_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")


@pytest.mark.parametrize("role", API_ROLES)
def test_api_role_holds_no_ungoverned_privilege_on_any_table(schema_pkg_connection, document, role):
    conn = schema_pkg_connection
    assert public_tables(conn) >= set(document.tables) | {"alembic_version"}  # not vacuous
    assert held(conn, role, ungoverned(conn)) == set()


def test_service_role_holds_no_ungoverned_privilege_either(schema_pkg_connection):
    """Since 0010: it reads and writes every row, and needs nothing RLS cannot govern."""
    assert held(schema_pkg_connection, "service_role", ungoverned(schema_pkg_connection)) == set()


def test_tables_the_migrating_role_creates_later_get_no_api_privilege(schema_pkg_connection):
    """Since 0010 (vanilla): no default privileges expose a new table, as on today's Supabase."""
    conn = schema_pkg_connection
    with rolled_back(conn):
        conn.execute("CREATE TABLE public.added_later (id int)")
        for role in (*API_ROLES, "service_role"):
            tables = {table for table, _ in held(conn, role, ROW_PRIVILEGES + ungoverned(conn))}
            assert "added_later" not in tables, role


# MAINTAIN is version-specific: each test runs on the versions it is about and
# says why when it does not apply.

def test_maintain_does_not_exist_before_postgresql_17(schema_pkg_connection):
    conn = schema_pkg_connection
    if server_version_num(conn) >= MAINTAIN_SINCE:
        pytest.skip("PostgreSQL 17+ has MAINTAIN; test_api_roles_cannot_reindex_any_table covers it")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="MAINTAIN"):
        conn.execute("SELECT has_table_privilege('anon', 'public.projects', 'MAINTAIN')")


@pytest.mark.parametrize("role", (*API_ROLES, "service_role"))
def test_api_roles_cannot_reindex_any_table(schema_pkg_connection, role):
    """REINDEX TABLE needs MAINTAIN (VACUUM and ANALYZE only warn; LOCK is also allowed by UPDATE)."""
    conn = schema_pkg_connection
    if server_version_num(conn) < MAINTAIN_SINCE:
        pytest.skip("MAINTAIN exists from PostgreSQL 17; before it only the owner may REINDEX")
    for table in sorted(public_tables(conn)):
        acting = {"anon": as_anon, "service_role": as_service_role}.get(
            role, lambda c: as_user(c, USERS["alice"]))(conn)
        with acting as db, pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute(f"REINDEX TABLE {table}")
