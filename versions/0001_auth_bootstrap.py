"""Supabase-compatible auth bootstrap.

On a real Supabase database the ``auth`` schema already exists and this
revision changes nothing.  On vanilla PostgreSQL it provides what Supabase
provides, so that the documented policies and the RLS suite work unchanged:

* schema ``auth`` with ``auth.users`` and ``auth.uid()``, ``auth.role()``,
  ``auth.jwt()`` (Supabase's current GoTrue definitions, ``LANGUAGE sql
  STABLE``, with the legacy ``request.jwt.claim.*`` fallback);
* the API roles ``anon``, ``authenticated`` (NOLOGIN INHERIT),
  ``service_role`` (NOLOGIN INHERIT BYPASSRLS) and ``authenticator``
  (LOGIN NOINHERIT, member of the three), each created only when absent;
* Supabase's grants: USAGE on ``public`` and ``auth`` and default privileges
  in ``public`` for the three API roles, and the API roles granted to the
  migrating role.

The decision "does auth exist?" is taken in SQL, so ``--sql`` output does the
same thing as an online run.  The schema we create carries a marker comment;
the downgrade drops ``auth`` only when that marker is present.  Roles are
cluster-wide and are never dropped.

Revision ID: 0001
Revises: (base)
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MARKER = "Created by the schema_pkg auth bootstrap; dropped by its downgrade."

UPGRADE = r"""
DO $bootstrap$
DECLARE
  api_role text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') THEN
    RAISE NOTICE 'schema auth exists (Supabase); the auth bootstrap changes nothing';
    RETURN;
  END IF;

  -- API roles: cluster-wide, so create each only when absent and tolerate a
  -- concurrent creator.  Attributes follow Supabase's current migrations.
  FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role', 'authenticator'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = api_role) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I %s', api_role, CASE api_role
          WHEN 'service_role'  THEN 'NOLOGIN INHERIT BYPASSRLS'
          WHEN 'authenticator' THEN 'LOGIN NOINHERIT'
          ELSE 'NOLOGIN INHERIT' END);
      EXCEPTION WHEN duplicate_object THEN
        NULL;  -- created concurrently by another database's migration
      END;
    END IF;
  END LOOP;
  GRANT anon, authenticated, service_role TO authenticator;
  EXECUTE format('GRANT anon, authenticated, service_role TO %I', current_user);

  CREATE SCHEMA auth;
  EXECUTE format('COMMENT ON SCHEMA auth IS %L', '__MARKER__');

  CREATE TABLE auth.users (
    id         uuid PRIMARY KEY,
    email      text,
    created_at timestamptz DEFAULT now()
  );

  CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $fn$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$fn$;

  CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $fn$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$fn$;

  CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $fn$
  select
    coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$fn$;

  -- Supabase's grants.
  GRANT USAGE ON SCHEMA auth   TO anon, authenticated, service_role;
  GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES    TO anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
END
$bootstrap$
""".replace("__MARKER__", MARKER)

DOWNGRADE = r"""
DO $bootstrap$
BEGIN
  IF (SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'auth')
     IS DISTINCT FROM '__MARKER__' THEN
    RAISE NOTICE 'schema auth was not created by schema_pkg; leaving it untouched';
    RETURN;
  END IF;
  DROP SCHEMA auth CASCADE;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES    FROM anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON FUNCTIONS FROM anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon, authenticated, service_role;
  REVOKE USAGE ON SCHEMA public FROM anon, authenticated, service_role;
  -- Roles and memberships stay: they are cluster-wide and other databases may use them.
END
$bootstrap$
""".replace("__MARKER__", MARKER)


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
