"""On a Supabase-like database (auth exists, migrations run as a non-superuser `postgres`),
the migrations apply, use the existing auth, and never alter or drop it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from schema_pkg.catalog import snapshot
from schema_pkg.scratch import migrate, url_as_role

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
