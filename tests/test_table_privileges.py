"""API roles hold no table privilege that RLS cannot govern (revision 0009); the service keeps its own.

TRUNCATE and CREATE TRIGGER are also run as each API role on every table in
the RLS matrix (tests/rls/expectations.py, UNGOVERNED).
"""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.testing import as_anon, as_service_role, as_user, rolled_back
from tests.privileges import MAINTAIN_SINCE, UNGOVERNED, held, public_tables, server_version_num, ungoverned
from tests.rls.world import USERS

API_ROLES = ("anon", "authenticated")
ROW_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")


@pytest.mark.parametrize("role", API_ROLES)
def test_api_role_holds_no_ungoverned_privilege_on_any_table(schema_pkg_connection, document, role):
    conn = schema_pkg_connection
    assert public_tables(conn) >= set(document.tables) | {"alembic_version"}  # not vacuous
    assert held(conn, role, ungoverned(conn)) == set()


@pytest.mark.parametrize("role", API_ROLES)
def test_api_role_keeps_the_row_privileges_rls_governs(schema_pkg_connection, role):
    conn = schema_pkg_connection
    documented = public_tables(conn) - {"alembic_version"}
    expected = {(table, privilege) for table in documented for privilege in ROW_PRIVILEGES}
    assert held(conn, role, ROW_PRIVILEGES) == expected


def test_service_role_keeps_every_privilege_it_had(schema_pkg_connection):
    conn = schema_pkg_connection
    documented = public_tables(conn) - {"alembic_version"}  # created before 0001's grants
    expected = {(table, p) for table in documented for p in ungoverned(conn)}
    assert held(conn, "service_role", ungoverned(conn)) == expected


def test_tables_the_migrating_role_creates_later_get_no_ungoverned_privilege(schema_pkg_connection):
    conn = schema_pkg_connection
    with rolled_back(conn):
        conn.execute("CREATE TABLE public.added_later (id int)")
        for role in API_ROLES:
            assert {t for t, _ in held(conn, role, ROW_PRIVILEGES)} >= {"added_later"}
            assert held(conn, role, ungoverned(conn)) == set()
        assert ("added_later", "TRUNCATE") in held(conn, "service_role", UNGOVERNED)


def test_service_role_can_still_truncate_and_create_triggers(schema_pkg_connection):
    with as_service_role(schema_pkg_connection) as db:
        db.execute("TRUNCATE simcore_simulations")
        db.execute("CREATE FUNCTION pg_temp.noop() RETURNS trigger LANGUAGE plpgsql "
                   "AS 'BEGIN RETURN NULL; END'")
        db.execute("CREATE TRIGGER noop AFTER INSERT ON simcore_simulations "
                   "FOR EACH ROW EXECUTE FUNCTION pg_temp.noop()")


# MAINTAIN is version-specific: each test runs on the versions it is about and
# says why when it does not apply.

def test_maintain_does_not_exist_before_postgresql_17(schema_pkg_connection):
    conn = schema_pkg_connection
    if server_version_num(conn) >= MAINTAIN_SINCE:
        pytest.skip("PostgreSQL 17+ has MAINTAIN; test_api_roles_cannot_reindex_any_table covers it")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="MAINTAIN"):
        conn.execute("SELECT has_table_privilege('anon', 'public.projects', 'MAINTAIN')")


@pytest.mark.parametrize("role", API_ROLES)
def test_api_roles_cannot_reindex_any_table(schema_pkg_connection, role):
    """REINDEX TABLE needs MAINTAIN (VACUUM and ANALYZE only warn; LOCK is also allowed by UPDATE)."""
    conn = schema_pkg_connection
    if server_version_num(conn) < MAINTAIN_SINCE:
        pytest.skip("MAINTAIN exists from PostgreSQL 17; before it only the owner may REINDEX")
    for table in sorted(public_tables(conn)):
        acting = as_anon(conn) if role == "anon" else as_user(conn, USERS["alice"])
        with acting as db, pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute(f"REINDEX TABLE {table}")
    with as_service_role(conn) as db:
        db.execute("REINDEX TABLE simcore_simulations")
