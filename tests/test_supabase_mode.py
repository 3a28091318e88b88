"""On a Supabase-like database (auth exists, migrations run as a non-superuser `postgres`),
the migrations apply, use the existing auth, and never alter or drop it."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from schema_pkg.catalog import snapshot
from schema_pkg.scratch import migrate, url_as_role
from schema_pkg.settings import libpq_url
from schema_pkg.testing import as_user
from tests.privileges import held, ungoverned
from tests.rls import pgtap
from tests.rls.cases import cases
from tests.rls.pgprove import pg_prove

# Hosted Supabase's migrating role: not a superuser, but CREATEDB CREATEROLE BYPASSRLS,
# owner of the database and a member of the API roles.  It is named for the run, dropped
# at the end of the session, and NOLOGIN: the migrations reach it with SET ROLE.
MIGRATOR_ATTRIBUTES = "NOLOGIN NOSUPERUSER CREATEDB CREATEROLE BYPASSRLS"

# Supabase's own auth objects, created beforehand as the platform would.
SUPABASE_AUTH = """
CREATE SCHEMA auth;
COMMENT ON SCHEMA auth IS 'Supabase auth (simulated)';
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text, raw_user_meta_data jsonb);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  select nullif(coalesce(current_setting('request.jwt.claim.sub', true),
    (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')), '')::uuid
$$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  select nullif(coalesce(current_setting('request.jwt.claim.role', true),
    (current_setting('request.jwt.claims', true)::jsonb ->> 'role')), '')::text
$$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
"""

# Supabase's grants in public: USAGE, and default privileges of the migrating role
# granting ALL to the API roles (so every table starts with TRUNCATE, TRIGGER, ...).
SUPABASE_PUBLIC_GRANTS = """
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE "{migrator}" IN SCHEMA public
  GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE "{migrator}" IN SCHEMA public
  GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE "{migrator}" IN SCHEMA public
  GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
"""


def admin(url):
    return create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module")
def migrator(schema_pkg_scratch, schema_pkg_database):
    """The Supabase-like migrating role (the API roles exist once a database is at head)."""
    role = schema_pkg_scratch.create_role("supabase_postgres", MIGRATOR_ATTRIBUTES)
    server = admin(schema_pkg_scratch.server_url)
    with server.connect() as conn:
        conn.execute(text(f'GRANT anon, authenticated, service_role TO "{role}"'))
    server.dispose()
    return role


@pytest.fixture
def supabase_database(schema_pkg_scratch, migrator):
    """A database owned by a Supabase-like migrator, with Supabase's auth already there."""
    url = schema_pkg_scratch.create()
    engine = admin(url)
    with engine.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{url.database}" OWNER TO "{migrator}"'))
        conn.exec_driver_sql(SUPABASE_AUTH)
        conn.exec_driver_sql(SUPABASE_PUBLIC_GRANTS.format(migrator=migrator))
    engine.dispose()
    yield url, url_as_role(url, migrator)
    schema_pkg_scratch.drop(url)


def auth_snapshot(url):
    engine = admin(url)
    with engine.connect() as conn:
        result = snapshot(conn, "auth")
        result["comment"] = conn.execute(text("SELECT obj_description('auth'::regnamespace)")).scalar()
    engine.dispose()
    return result


def test_migrator_is_not_a_superuser(supabase_database):
    _, as_migrator = supabase_database
    engine = admin(as_migrator)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                            ).scalar() is False
    engine.dispose()


def test_migrations_apply_as_supabase_postgres_and_leave_auth_untouched(supabase_database, migrator):
    superuser_url, as_migrator = supabase_database
    before = auth_snapshot(superuser_url)
    migrate(as_migrator, "head")
    assert auth_snapshot(superuser_url) == before
    engine = admin(superuser_url)
    with engine.connect() as conn:
        policies = conn.execute(text("SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")
                                ).scalar()
        assert policies >= 22
        assert conn.execute(text("SELECT pg_get_userbyid(relowner) FROM pg_class "
                                 "WHERE oid = 'public.projects'::regclass")).scalar() == migrator
    engine.dispose()


def test_downgrade_to_base_keeps_supabase_auth(supabase_database):
    superuser_url, as_migrator = supabase_database
    before = auth_snapshot(superuser_url)
    migrate(as_migrator, "head")
    migrate(as_migrator, "base", downgrade=True)
    assert auth_snapshot(superuser_url) == before


def superuser_connection(url):
    return admin(url).connect()


def test_supabase_grants_give_api_roles_ungoverned_privileges_before_0009(supabase_database):
    """The reproduction is real: without 0009 the checks below would fail."""
    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "0008")
    with superuser_connection(superuser_url) as conn:
        for role in ("anon", "authenticated"):
            assert ("profiles", "TRUNCATE") in held(conn, role, ungoverned(conn))
        assert conn.execute(text("SELECT has_function_privilege('authenticated', "
                                 "'public.has_soc_role(soc_role, uuid)', 'EXECUTE')")).scalar()


def test_at_head_api_roles_hold_no_ungoverned_privilege_in_supabase_mode(supabase_database):
    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "head")
    with superuser_connection(superuser_url) as conn:
        for role in ("anon", "authenticated"):
            assert held(conn, role, ungoverned(conn)) == set()
            assert ("profiles", "SELECT") in held(conn, role, ("SELECT",))
        assert ("profiles", "TRUNCATE") in held(conn, "service_role", ungoverned(conn))


def test_at_head_authenticated_uses_only_the_caller_only_functions_in_supabase_mode(supabase_database):
    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "head")
    user = "00000000-0000-0000-0000-00000000000a"
    with superuser_connection(superuser_url) as conn:
        team = conn.execute(text("INSERT INTO soc_teams (name) VALUES ('t') RETURNING id")).scalar()
        conn.execute(text("INSERT INTO soc_user_roles (user_id, team_id, role) "
                          "VALUES (:user, :team, 'owner')"), {"user": user, "team": team})
        for function in ("get_user_team_id(uuid)", "has_soc_role(soc_role, uuid)"):
            assert conn.execute(text(f"SELECT has_function_privilege('authenticated', "
                                     f"'public.{function}', 'EXECUTE')")).scalar() is False
    with psycopg.connect(libpq_url(superuser_url), autocommit=True) as conn, as_user(conn, user) as db:
        assert db.execute("SELECT current_user_team_id()").fetchone()[0] == team
        assert db.execute("SELECT current_user_has_soc_role('owner')").fetchone()[0] is True


def test_supabase_mode_records_the_packaged_fingerprints(supabase_database):
    from schema_pkg import fingerprint

    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "head")
    engine = admin(superuser_url)
    with engine.connect() as conn:
        recorded = {f"{r} upgrade": fp for r, fp in conn.execute(text(
            "SELECT revision, fingerprint FROM schema_pkg.history WHERE status = 'completed'"))}
    engine.dispose()
    assert recorded == {k: v for k, v in fingerprint.packaged().items() if k.endswith(" upgrade")}


def test_pgtap_export_passes_as_supabase_postgres_with_pgtap_in_extensions(pgtap_server, supabase_database):
    """As `supabase test db` runs it: the non-superuser migrator, pgTAP in `extensions` (installed
    by the platform, usable by the API roles); no warning, nothing left behind."""
    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "head")
    with superuser_connection(superuser_url) as conn:
        conn.exec_driver_sql("CREATE SCHEMA extensions; CREATE EXTENSION pgtap WITH SCHEMA extensions; "
                             "GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role")
    proof = pg_prove(as_migrator, sorted(pgtap.COMMITTED.glob("*" + pgtap.SUFFIX)))
    assert proof.passed and proof.tests == len(list(cases())), proof.output
    assert "WARNING" not in proof.output, proof.output
    with superuser_connection(superuser_url) as conn:
        assert conn.execute(text("SELECT count(*) FROM pg_namespace WHERE nspname = 'pgtap'")).scalar() == 0
