"""Explicit, least-privilege API grants; SECURITY DEFINER functions no caller can hijack.

* API grants.  Since 30 October 2026 Supabase grants nothing on new tables to
  anon, authenticated and service_role: the Data API needs an explicit GRANT
  per table.  Until now our tables took their API privileges from default
  privileges (0001's on vanilla PostgreSQL, the platform's on legacy
  Supabase), so on today's Supabase every request was "permission denied".
  This revision first revokes every privilege the API roles and PUBLIC hold
  on our tables and functions, then grants exactly what the model needs
  (tests/rls/expectations.py; docs/additions.md gives the reasons):
  - anon reads projects and their features and tech stack, nothing else;
  - authenticated gets each command some signed-in case allows; on
    soc_user_roles only the columns a client may set (never created_at, which
    orders current_user_team_id(); an admin changes a member's role, and moves
    nobody between users or teams);
  - service_role reads and writes every row of every table (SELECT, INSERT,
    UPDATE, DELETE), but not alembic_version, and holds no TRUNCATE, TRIGGER,
    REFERENCES or MAINTAIN;
  - EXECUTE: the documented functions for service_role, the caller-only ones
    for authenticated and service_role, the private team helpers for
    authenticated (its policies call them), the trigger function for nobody;
    no API role has USAGE on schema private (a policy calls its helpers by
    reference, which needs EXECUTE only), so none can call them by name.
  So the privileges are the same whatever the default privileges were.
* Default privileges.  Where 0001 created auth (vanilla), the default
  privileges that exposed every new table, function and sequence in public to
  the API roles are revoked for the role that set them, as Supabase now does.
  On Supabase they are the project's and stay untouched, as do its roles.
* Definer functions.  search_path = '' does not list pg_temp, so PostgreSQL
  searches the caller's temporary schema first for relations and types: a
  caller's temporary type uuid with a cast ran its code as the owner.  Every
  SECURITY DEFINER function now lists pg_catalog first and pg_temp last.
* The last owner.  The trigger now writes the team row instead of only
  locking it, so two owners leaving at once under REPEATABLE READ or
  SERIALIZABLE serialize (the second gets 40001) instead of each reading a
  snapshot in which the other is still there.

A missing API role stops the revision before anything is applied.
The downgrade restores what 0009 left on vanilla PostgreSQL and legacy
Supabase (API privileges on every table, 0001's default privileges where auth
is ours); on today's Supabase that is more than 0009 had there.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

AUTH_MARKER = "Created by the schema_pkg auth bootstrap; dropped by its downgrade."

UPGRADE = r"""
-- The API roles must exist; nothing is applied otherwise ---------------------

DO $roles$
DECLARE
  missing text;
BEGIN
  SELECT string_agg(r, ', ') INTO missing
  FROM unnest(ARRAY['anon', 'authenticated', 'service_role']) AS r
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'API role % does not exist: revision 0010 grants the Data API roles anon, authenticated and service_role; create it as Supabase has it, then rerun (nothing was applied)', missing;
  END IF;
END
$roles$;

-- Nothing for the API roles or PUBLIC but what follows ------------------------

REVOKE ALL ON TABLE
  public.profiles, public.projects, public.project_features, public.project_tech_stack,
  public.user_project_preferences, public.simcore_simulations, public.mezan_workflows,
  public.talai_experiments, public.optilibria_runs, public.qmlab_experiments,
  public.soc_teams, public.soc_user_roles, public.alembic_version
FROM PUBLIC, anon, authenticated, service_role;

REVOKE ALL ON FUNCTION
  public.get_user_team_id(uuid), public.has_soc_role(public.soc_role, uuid),
  public.current_user_team_id(), public.current_user_has_soc_role(public.soc_role),
  private.is_soc_team_member(uuid), private.has_soc_team_role(uuid, public.soc_role[]),
  private.soc_user_roles_keep_an_owner()
FROM PUBLIC, anon, authenticated, service_role;

REVOKE ALL ON SCHEMA private FROM PUBLIC, anon, authenticated, service_role;

-- anon: the public projects and what belongs to them --------------------------

GRANT SELECT ON public.projects, public.project_features, public.project_tech_stack TO anon;

-- authenticated: each command a signed-in user has a case for -----------------

GRANT SELECT, INSERT, UPDATE, DELETE ON
  public.simcore_simulations, public.mezan_workflows, public.talai_experiments,
  public.optilibria_runs, public.qmlab_experiments,
  public.projects, public.project_features, public.project_tech_stack,
  public.user_project_preferences
TO authenticated;
GRANT SELECT, INSERT, UPDATE ON public.profiles TO authenticated;
GRANT SELECT, UPDATE ON public.soc_teams TO authenticated;
-- Roles: created_at (which orders current_user_team_id()) is the server's; an
-- admin changes a member's role, never whose or which team's row it is.
GRANT SELECT, DELETE ON public.soc_user_roles TO authenticated;
GRANT INSERT (id, user_id, team_id, role) ON public.soc_user_roles TO authenticated;
GRANT UPDATE (role) ON public.soc_user_roles TO authenticated;

-- service_role: every row of every table, nothing RLS would not see ------------

GRANT SELECT, INSERT, UPDATE, DELETE ON
  public.profiles, public.projects, public.project_features, public.project_tech_stack,
  public.user_project_preferences, public.simcore_simulations, public.mezan_workflows,
  public.talai_experiments, public.optilibria_runs, public.qmlab_experiments,
  public.soc_teams, public.soc_user_roles
TO service_role;

-- Functions ------------------------------------------------------------------

GRANT EXECUTE ON FUNCTION public.get_user_team_id(uuid) TO service_role;
GRANT EXECUTE ON FUNCTION public.has_soc_role(public.soc_role, uuid) TO service_role;
GRANT EXECUTE ON FUNCTION public.current_user_team_id() TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.current_user_has_soc_role(public.soc_role) TO authenticated, service_role;
-- The policies on soc_teams and soc_user_roles (TO authenticated) call these.  A
-- policy refers to a function by reference: EXECUTE is checked, schema USAGE is not.
GRANT EXECUTE ON FUNCTION private.is_soc_team_member(uuid) TO authenticated;
GRANT EXECUTE ON FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) TO authenticated;

-- Vanilla only: stop exposing future objects in public, as Supabase now does ---

DO $defaults$
DECLARE
  setter text;
  kind text;
BEGIN
  IF (SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'auth')
     IS DISTINCT FROM '__AUTH_MARKER__' THEN
    RAISE NOTICE 'schema auth is Supabase''s: its default privileges and roles stay as they are';
    RETURN;
  END IF;
  -- Default privileges belong to the role that set them (0001's migrating role).
  FOR setter IN
    SELECT DISTINCT pg_get_userbyid(d.defaclrole)
    FROM pg_default_acl d CROSS JOIN LATERAL aclexplode(d.defaclacl) a
    WHERE d.defaclnamespace = 'public'::regnamespace
      AND a.grantee IN (SELECT oid FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role'))
  LOOP
    FOREACH kind IN ARRAY ARRAY['TABLES', 'FUNCTIONS', 'SEQUENCES'] LOOP
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public '
                     'REVOKE ALL ON %s FROM anon, authenticated, service_role', setter, kind);
    END LOOP;
  END LOOP;
END
$defaults$;

-- SECURITY DEFINER functions: pg_catalog first, pg_temp explicitly last ---------

ALTER FUNCTION public.get_user_team_id(uuid) SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION public.has_soc_role(public.soc_role, uuid) SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION private.is_soc_team_member(uuid) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) SET search_path = pg_catalog, pg_temp;

-- The last owner: a write to the team row, so concurrent leavers serialize at
-- every isolation level (under REPEATABLE READ and SERIALIZABLE the second gets
-- 40001; under READ COMMITTED it waits, then sees the first one gone).
CREATE OR REPLACE FUNCTION private.soc_user_roles_keep_an_owner()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  UPDATE public.soc_teams t SET name = t.name WHERE t.id = OLD.team_id;
  IF FOUND AND NOT EXISTS (
    SELECT 1 FROM public.soc_user_roles r WHERE r.team_id = OLD.team_id AND r.role = 'owner'
  ) THEN
    RAISE EXCEPTION 'team % would be left without an owner', OLD.team_id
      USING ERRCODE = 'restrict_violation',
            HINT = 'Make another member owner first; the service deletes whole teams.';
  END IF;
  RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION private.soc_user_roles_keep_an_owner() FROM PUBLIC, anon, authenticated, service_role
""".replace("__AUTH_MARKER__", AUTH_MARKER)

DOWNGRADE = r"""
-- The last owner and the definer functions: 0009's ------------------------------

CREATE OR REPLACE FUNCTION private.soc_user_roles_keep_an_owner()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  PERFORM 1 FROM public.soc_teams t WHERE t.id = OLD.team_id FOR NO KEY UPDATE;
  IF FOUND AND NOT EXISTS (
    SELECT 1 FROM public.soc_user_roles r WHERE r.team_id = OLD.team_id AND r.role = 'owner'
  ) THEN
    RAISE EXCEPTION 'team % would be left without an owner', OLD.team_id
      USING ERRCODE = 'restrict_violation',
            HINT = 'Make another member owner first; the service deletes whole teams.';
  END IF;
  RETURN NULL;
END
$$;

ALTER FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) SET search_path = '';
ALTER FUNCTION private.is_soc_team_member(uuid) SET search_path = '';
ALTER FUNCTION public.has_soc_role(public.soc_role, uuid) SET search_path = public, pg_temp;
ALTER FUNCTION public.get_user_team_id(uuid) SET search_path = public, pg_temp;

-- Vanilla only: 0001's default privileges, less what 0009 revoked -------------

DO $defaults$
BEGIN
  IF (SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'auth')
     IS DISTINCT FROM '__AUTH_MARKER__' THEN
    RETURN;
  END IF;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES    TO anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public
    REVOKE TRUNCATE, TRIGGER, REFERENCES ON TABLES FROM anon, authenticated;
  IF current_setting('server_version_num')::int >= 170000 THEN
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE MAINTAIN ON TABLES FROM anon, authenticated';
  END IF;
END
$defaults$;

-- Privileges as 0009 left them on vanilla PostgreSQL and legacy Supabase ------

REVOKE ALL ON TABLE public.soc_user_roles FROM authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  public.profiles, public.projects, public.project_features, public.project_tech_stack,
  public.user_project_preferences, public.simcore_simulations, public.mezan_workflows,
  public.talai_experiments, public.optilibria_runs, public.qmlab_experiments,
  public.soc_teams, public.soc_user_roles
TO anon, authenticated;
GRANT ALL ON
  public.profiles, public.projects, public.project_features, public.project_tech_stack,
  public.user_project_preferences, public.simcore_simulations, public.mezan_workflows,
  public.talai_experiments, public.optilibria_runs, public.qmlab_experiments,
  public.soc_teams, public.soc_user_roles
TO service_role;
GRANT USAGE ON SCHEMA private TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION private.is_soc_team_member(uuid) TO service_role;
GRANT EXECUTE ON FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) TO service_role
""".replace("__AUTH_MARKER__", AUTH_MARKER)


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
