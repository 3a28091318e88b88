-- schema_pkg revision 0006 (downgrade)
--
-- RLS for the 6 tables the document leaves open (ours, not the document's).
--
-- With Supabase's default grants, profiles, user_project_preferences,
-- project_features, project_tech_stack, soc_teams and soc_user_roles would be
-- readable and writable by anyone holding the anon key.  This revision enables
-- RLS on them with policies a careful platform would choose (reasons in
-- docs/additions.md):
--
-- * profiles: a user reads, creates and updates only their own profile;
-- * user_project_preferences: owned by user_id;
-- * project_features, project_tech_stack: readable when the parent project is
--   readable (the projects policies decide), writable by the parent's owner;
-- * soc_teams, soc_user_roles: visible to team members; teams are edited by
--   their admins and owners, created and deleted by the service; roles are
--   managed by team admins and owners (only owners grant or change 'owner'),
--   and nobody can grant or change their own role;
-- * alembic_version: RLS with no policy and no API grants, so the anon key can
--   neither read nor rewrite the schema's recorded revision.
--
-- These policies are written in the fast form: (select auth.uid()) is evaluated
-- once per statement, and TO names the roles each applies to.  Team checks go
-- through SECURITY DEFINER helpers in schema private (not exposed by the API)
-- with an empty search_path, so policies on soc_teams and soc_user_roles never
-- recurse (42P17).  The helpers see through RLS only because their owner owns
-- the tables: never FORCE ROW LEVEL SECURITY on them.  EXECUTE is revoked from
-- PUBLIC and anon (Supabase's default privileges would grant it to anon).
--
-- Revision ID: 0006
-- Revises: 0005
--
-- Locks observed (docs/locks.md; worst-case API stalls are listed there):
--   public.profiles: ACCESS EXCLUSIVE until commit, blocks reads and writes
--   public.project_features: ACCESS EXCLUSIVE until commit, blocks reads and writes
--   public.project_tech_stack: ACCESS EXCLUSIVE until commit, blocks reads and writes
--   public.soc_teams: ACCESS EXCLUSIVE until commit, blocks reads and writes
--   public.soc_user_roles: ACCESS EXCLUSIVE until commit, blocks reads and writes
--   public.user_project_preferences: ACCESS EXCLUSIVE until commit, blocks reads and writes
--   CONCURRENTLY builds: none
--   Can lose data: no
--
-- How to run: psql -X -f <this file>   (never with -1/--single-transaction: the file
-- manages its own transactions and refuses to run inside an outer one).  Needs psql 10
-- or later (\if, \gset) and PostgreSQL 11 or later (COMMIT inside DO).  It stops at the
-- first error (ON_ERROR_STOP), takes the migration lock that online runs take
-- (schema_pkg.migration_lock; it waits for a running deploy), refuses unless the
-- database is at 0006, and records each attempt and each step in schema_pkg.history
-- (started, then completed, or failed with the error; a run killed outright leaves it
-- 'started', which the next run marks failed).  A failed step shows the statement's own
-- error, then one schema_pkg line (what stays applied, what to do); psql exits 3.
-- Settings, each overridable with psql -v NAME=VALUE:
--   lock_timeout=1s   the longest wait for a lock per statement (the API queues
--                        behind a waiting statement; CONCURRENTLY statements use 0)
--   statement_timeout=5min   the longest any statement may run
--   concurrent_prewait=120   seconds to wait, before CONCURRENTLY builds, for open
--                        transactions that would stall them (then it refuses, naming them)
--   migration_lock_wait=600   seconds to wait for another run's migration lock
--   accept_record=off   an upgrade file first checks the deployment record (the fingerprints in
--                        schema_pkg.history against the packaged ones) and refuses a mismatch in
--                        one line naming the revision and object, nothing applied; on: run anyway
--                        (as schema-pkg upgrade --accept-record).  Rows recorded without a
--                        fingerprint or in another fingerprint format are noted, never refused.
-- If it stops: its one transaction rolls back, so nothing of it is applied.  Run it
-- again: the rerun says first what an earlier attempt left, skips each step that attempt
-- completed and resumes at the first unfinished one.
-- Needs:
--   * ownership of the objects it changes (connect as the role that ran the earlier
--     revisions)
--   * CREATE on the database the first time (schema schema_pkg: the migration lock and
--     the deployment record)
-- Gives back (what the upgrade had closed):
--   * soc_user_roles: row level security off, so every role holding a privilege on it
--     (anon and authenticated where granted) reads and writes all its rows, every column
--   * soc_teams: row level security off, so every role holding a privilege on it (anon
--     and authenticated where granted) reads and writes all its rows, every column
--   * project_tech_stack: row level security off, so every role holding a privilege on
--     it (anon and authenticated where granted) reads and writes all its rows, every
--     column
--   * project_features: row level security off, so every role holding a privilege on it
--     (anon and authenticated where granted) reads and writes all its rows, every column
--   * user_project_preferences: row level security off, so every role holding a
--     privilege on it (anon and authenticated where granted) reads and writes all its
--     rows, every column
--   * profiles: row level security off, so every role holding a privilege on it (anon
--     and authenticated where granted) reads and writes all its rows, every column
-- Generated by `make sql` (schema-pkg sql); do not edit by hand.

\set ON_ERROR_STOP on

-- Defaults; override any with psql -v NAME=VALUE (seconds for the waits).
\if :{?lock_timeout}
\else
  \set lock_timeout 1s
\endif
\if :{?statement_timeout}
\else
  \set statement_timeout 5min
\endif
\if :{?concurrent_prewait}
\else
  \set concurrent_prewait 120
\endif
\if :{?migration_lock_wait}
\else
  \set migration_lock_wait 600
\endif
\if :{?accept_record}
\else
  \set accept_record off
\endif


\if :AUTOCOMMIT
\else
DO $$
BEGIN
  RAISE EXCEPTION 'schema_pkg: psql has AUTOCOMMIT off (a psqlrc?), but this file runs its own '
    'transactions and CONCURRENTLY statements; run it with psql -X -f, or \set AUTOCOMMIT on; '
    'nothing was changed';
END $$;
\endif


DO $$
BEGIN
  IF now() <> statement_timestamp() THEN
    RAISE EXCEPTION 'schema_pkg: this file runs its own transactions and CONCURRENTLY '
      'statements; run it with psql -f, without -1/--single-transaction; nothing was changed';
  END IF;
END $$;

SET lock_timeout = :'lock_timeout';
SET statement_timeout = :'statement_timeout';
SET schema_pkg.concurrent_prewait = :'concurrent_prewait';
SET schema_pkg.migration_lock_wait = :'migration_lock_wait';
SET schema_pkg.accept_record = :'accept_record';


SET search_path = public, pg_temp;

DO $bootstrap$
BEGIN
  IF to_regclass('schema_pkg.migration_lock') IS NULL THEN
    CREATE SCHEMA IF NOT EXISTS schema_pkg;
    REVOKE ALL ON SCHEMA schema_pkg FROM PUBLIC;
    CREATE TABLE IF NOT EXISTS schema_pkg.migration_lock (
      one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row),
      holder_pid integer,
      holder_backend_start timestamptz,
      holder_application text,
      acquired_at timestamptz
    );
    REVOKE ALL ON TABLE schema_pkg.migration_lock FROM PUBLIC;
    INSERT INTO schema_pkg.migration_lock (one_row) VALUES (true) ON CONFLICT DO NOTHING;
  END IF;
EXCEPTION WHEN unique_violation OR duplicate_object OR duplicate_table OR duplicate_schema THEN
  NULL;  -- another run created it at the same moment
END
$bootstrap$;

DO $lock$
DECLARE
  deadline timestamptz := clock_timestamp()
    + make_interval(secs => current_setting('schema_pkg.migration_lock_wait')::float8);
  got boolean;
  holder text;
BEGIN
  LOOP
    PERFORM pg_stat_clear_snapshot();
    EXECUTE $try$UPDATE schema_pkg.migration_lock AS l
   SET holder_pid = pg_backend_pid(),
       holder_backend_start = (SELECT backend_start FROM pg_stat_activity
                               WHERE pid = pg_backend_pid()),
       holder_application = current_setting('application_name'),
       acquired_at = clock_timestamp()
 WHERE NOT (l.holder_pid IS NOT NULL AND l.holder_pid <> pg_backend_pid() AND EXISTS (
    SELECT 1 FROM pg_stat_activity a
    WHERE a.pid = l.holder_pid
      AND (a.backend_start IS NULL OR a.backend_start = l.holder_backend_start)))
RETURNING true$try$ INTO got;
    IF got THEN
      COMMIT;
      RETURN;
    END IF;
    EXECUTE $holder$SELECT format('pid %s (%s, since %s)', l.holder_pid,
                   coalesce(nullif(l.holder_application, ''), 'no application_name'),
                   to_char(l.acquired_at, 'YYYY-MM-DD HH24:MI:SS'))
  FROM schema_pkg.migration_lock AS l WHERE l.holder_pid IS NOT NULL AND l.holder_pid <> pg_backend_pid() AND EXISTS (
    SELECT 1 FROM pg_stat_activity a
    WHERE a.pid = l.holder_pid
      AND (a.backend_start IS NULL OR a.backend_start = l.holder_backend_start))$holder$ INTO holder;
    COMMIT;
    IF clock_timestamp() >= deadline THEN
      RAISE EXCEPTION 'schema_pkg: another schema_pkg migration holds the migration lock (%); gave up after % s '
        '(psql -v migration_lock_wait=SECONDS); nothing was changed',
        coalesce(holder, 'a session that just ended'), current_setting('schema_pkg.migration_lock_wait');
    END IF;
    PERFORM pg_sleep(0.2);
  END LOOP;
END
$lock$;

DO $$
DECLARE
  found text := 'base';
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
  IF NOT found = ANY (ARRAY['0006']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'this file', '0006', found;
  END IF;
END $$;

CREATE SCHEMA IF NOT EXISTS schema_pkg;

REVOKE ALL ON SCHEMA schema_pkg FROM PUBLIC;

CREATE TABLE IF NOT EXISTS schema_pkg.history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  revision text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('upgrade', 'downgrade')),
  checksum text NOT NULL,
  started_at timestamptz NOT NULL,
  duration interval NOT NULL,
  applied_by text NOT NULL,
  application_name text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('online', 'sql', 'adopt'))
);

DO $later_columns$
BEGIN
  IF (SELECT count(*) FROM pg_attribute WHERE attrelid = 'schema_pkg.history'::regclass
        AND NOT attisdropped AND attname IN ('status', 'error', 'session_user_name', 'client_addr', 'package_version', 'file_name', 'server_version_num', 'fingerprint'))
     < 8 THEN
    ALTER TABLE schema_pkg.history ALTER COLUMN duration DROP NOT NULL,
      ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'completed',
      ADD COLUMN IF NOT EXISTS error text,
      ADD COLUMN IF NOT EXISTS session_user_name text,
      ADD COLUMN IF NOT EXISTS client_addr text,
      ADD COLUMN IF NOT EXISTS package_version text,
      ADD COLUMN IF NOT EXISTS file_name text,
      ADD COLUMN IF NOT EXISTS server_version_num bigint,
      ADD COLUMN IF NOT EXISTS fingerprint jsonb;
  END IF;
END
$later_columns$;

DO $fingerprint_format$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'schema_pkg.history'::regclass
                   AND attname = 'fingerprint_format' AND NOT attisdropped) THEN
    ALTER TABLE schema_pkg.history ADD COLUMN IF NOT EXISTS fingerprint_format bigint;
  END IF;
END
$fingerprint_format$;

REVOKE ALL ON TABLE schema_pkg.history FROM PUBLIC;

DO $step_columns$
BEGIN
  IF (SELECT count(*) FROM pg_attribute WHERE attrelid = 'schema_pkg.history'::regclass
        AND NOT attisdropped AND attname IN ('step', 'step_name'))
     < 2 THEN
    ALTER TABLE schema_pkg.history
      ADD COLUMN IF NOT EXISTS step integer,
      ADD COLUMN IF NOT EXISTS step_name text;
  END IF;
END
$step_columns$;

BEGIN;

-- Running downgrade 0006 -> 0005

DO $$
DECLARE
  found text := 'base';
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
  IF NOT found = ANY (ARRAY['0006']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'downgrade 0006', '0006', found;
  END IF;
END $$;

SELECT set_config('schema_pkg.started_at', clock_timestamp()::text, false);

DO $unfinished$
DECLARE
  earlier record;
  state text;
BEGIN
  SELECT h.mode, h.started_at, h.error INTO earlier FROM schema_pkg.history AS h
   WHERE h.revision = '0006' AND direction = 'downgrade' AND h.step IS NULL AND h.status IN ('started', 'failed')
     AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > h.id AND later.step IS NULL AND later.status = 'completed')
   ORDER BY h.id DESC LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  UPDATE schema_pkg.history
     SET status = 'failed', error = coalesce(error, 'the run stopped or its session ended'),
         duration = coalesce(duration, clock_timestamp() - started_at)
   WHERE revision = '0006' AND direction = 'downgrade' AND status = 'started';
  RAISE NOTICE 'schema_pkg: an earlier run of % (%, started %) did not complete: %; %',
    'downgrade 0006', earlier.mode, to_char(earlier.started_at, 'YYYY-MM-DD HH24:MI:SS'),
    coalesce(earlier.error, 'the run stopped or its session ended'),
    'its one transaction rolled back, so nothing of it was applied' || coalesce('; now ' || state, '');
END
$unfinished$;

DO $start$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num)
  VALUES ('0006', 'downgrade', 'd820bd5ba5e5c19e3b2ea702e7cd2123ad2386fcdbf25f3fda9aaaa02fb700b2', current_setting('schema_pkg.started_at')::timestamptz, 'sql', 'started', '0.1.0', '0006_rls_for_open_tables.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint)
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.attempt', attempt::text, false);
END
$start$;

COMMIT;


BEGIN;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
ALTER TABLE alembic_version DISABLE ROW LEVEL SECURITY;
\endif
\if :ERROR
\else
DROP POLICY "Team members can view team roles" ON soc_user_roles;
\endif
\if :ERROR
\else
DROP POLICY "Team admins can grant roles to others" ON soc_user_roles;
\endif
\if :ERROR
\else
DROP POLICY "Team admins can change roles of others" ON soc_user_roles;
\endif
\if :ERROR
\else
DROP POLICY "Team admins can revoke roles of others" ON soc_user_roles;
\endif
\if :ERROR
\else
ALTER TABLE soc_user_roles DISABLE ROW LEVEL SECURITY;
\endif
\if :ERROR
\else
DROP POLICY "Team members can view their teams" ON soc_teams;
\endif
\if :ERROR
\else
DROP POLICY "Team admins can update their teams" ON soc_teams;
\endif
\if :ERROR
\else
ALTER TABLE soc_teams DISABLE ROW LEVEL SECURITY;
\endif
\if :ERROR
\else
DROP POLICY "Tech stack visible with the project" ON project_tech_stack;
\endif
\if :ERROR
\else
DROP POLICY "Project owners can add tech stack" ON project_tech_stack;
\endif
\if :ERROR
\else
DROP POLICY "Project owners can update tech stack" ON project_tech_stack;
\endif
\if :ERROR
\else
DROP POLICY "Project owners can delete tech stack" ON project_tech_stack;
\endif
\if :ERROR
\else
ALTER TABLE project_tech_stack DISABLE ROW LEVEL SECURITY;
\endif
\if :ERROR
\else
DROP POLICY "Features visible with the project" ON project_features;
\endif
\if :ERROR
\else
DROP POLICY "Project owners can add features" ON project_features;
\endif
\if :ERROR
\else
DROP POLICY "Project owners can update features" ON project_features;
\endif
\if :ERROR
\else
DROP POLICY "Project owners can delete features" ON project_features;
\endif
\if :ERROR
\else
ALTER TABLE project_features DISABLE ROW LEVEL SECURITY;
\endif
\if :ERROR
\else
DROP POLICY "Users can view own preferences" ON user_project_preferences;
\endif
\if :ERROR
\else
DROP POLICY "Users can insert own preferences" ON user_project_preferences;
\endif
\if :ERROR
\else
DROP POLICY "Users can update own preferences" ON user_project_preferences;
\endif
\if :ERROR
\else
DROP POLICY "Users can delete own preferences" ON user_project_preferences;
\endif
\if :ERROR
\else
ALTER TABLE user_project_preferences DISABLE ROW LEVEL SECURITY;
\endif
\if :ERROR
\else
DROP POLICY "Users can view own profile" ON profiles;
\endif
\if :ERROR
\else
DROP POLICY "Users can create own profile" ON profiles;
\endif
\if :ERROR
\else
DROP POLICY "Users can update own profile" ON profiles;
\endif
\if :ERROR
\else
ALTER TABLE profiles DISABLE ROW LEVEL SECURITY;
\endif
\if :ERROR
\else
DROP FUNCTION private.has_soc_team_role(uuid, public.soc_role[]);
\endif
\if :ERROR
\else
DROP FUNCTION private.is_soc_team_member(uuid);
\endif
\if :ERROR
\else
DROP SCHEMA private;
\endif

\if :ERROR
\else
UPDATE alembic_version SET version_num='0005' WHERE alembic_version.version_num = '0006';
\endif

\if :ERROR
\else
DO $$
DECLARE
  found text := 'base';
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
  IF NOT found = ANY (ARRAY['0005']) THEN
    RAISE EXCEPTION 'schema_pkg: after %, alembic_version should hold exactly % but holds %', 'downgrade 0006', '0005', found;
  END IF;
END $$;
\endif

\if :ERROR
\else
UPDATE schema_pkg.history SET fingerprint = (SELECT coalesce(jsonb_object_agg(k, md5(v)), '{}'::jsonb) FROM (
      SELECT 'table ' || n.nspname || '.' || c.relname AS k,
             concat_ws(' | ', c.relrowsecurity, c.relforcerowsecurity,
               (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                  || ' ' || a.attnotnull || ' '
                                  || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ', '
                                  ORDER BY a.attnum)
                  FROM pg_attribute a LEFT JOIN pg_attrdef d
                    ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
               (SELECT string_agg(x.conname || ' ' || pg_get_constraintdef(x.oid), ', '
                                  ORDER BY x.conname)
                  FROM pg_constraint x WHERE x.conrelid = c.oid AND x.contype <> 'n')) AS v
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['Features visible with the project', 'Project owners can add features', 'Project owners can add tech stack', 'Project owners can delete features', 'Project owners can delete tech stack', 'Project owners can update features', 'Project owners can update tech stack', 'Team admins can change roles of others', 'Team admins can grant roles to others', 'Team admins can revoke roles of others', 'Team admins can update their teams', 'Team members can view team roles', 'Team members can view their teams', 'Tech stack visible with the project', 'Users can create own profile', 'Users can delete own preferences', 'Users can insert own preferences', 'Users can update own preferences', 'Users can update own profile', 'Users can view own preferences', 'Users can view own profile', 'add', 'admins', 'alembic_version', 'alter', 'can', 'change', 'create', 'delete', 'disable', 'drop', 'features', 'function', 'grant', 'has_soc_team_role', 'insert', 'is_soc_team_member', 'level', 'members', 'of', 'on', 'others', 'own', 'owners', 'policy', 'preferences', 'private', 'profile', 'profiles', 'project', 'project_features', 'project_tech_stack', 'public', 'revoke', 'roles', 'row', 'schema', 'security', 'soc_role', 'soc_teams', 'soc_user_roles', 'stack', 'table', 'team', 'teams', 'tech', 'the', 'their', 'to', 'update', 'user_project_preferences', 'users', 'uuid', 'view', 'visible', 'with']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['Features visible with the project', 'Project owners can add features', 'Project owners can add tech stack', 'Project owners can delete features', 'Project owners can delete tech stack', 'Project owners can update features', 'Project owners can update tech stack', 'Team admins can change roles of others', 'Team admins can grant roles to others', 'Team admins can revoke roles of others', 'Team admins can update their teams', 'Team members can view team roles', 'Team members can view their teams', 'Tech stack visible with the project', 'Users can create own profile', 'Users can delete own preferences', 'Users can insert own preferences', 'Users can update own preferences', 'Users can update own profile', 'Users can view own preferences', 'Users can view own profile', 'add', 'admins', 'alembic_version', 'alter', 'can', 'change', 'create', 'delete', 'disable', 'drop', 'features', 'function', 'grant', 'has_soc_team_role', 'insert', 'is_soc_team_member', 'level', 'members', 'of', 'on', 'others', 'own', 'owners', 'policy', 'preferences', 'private', 'profile', 'profiles', 'project', 'project_features', 'project_tech_stack', 'public', 'revoke', 'roles', 'row', 'schema', 'security', 'soc_role', 'soc_teams', 'soc_user_roles', 'stack', 'table', 'team', 'teams', 'tech', 'the', 'their', 'to', 'update', 'user_project_preferences', 'users', 'uuid', 'view', 'visible', 'with']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['Features visible with the project', 'Project owners can add features', 'Project owners can add tech stack', 'Project owners can delete features', 'Project owners can delete tech stack', 'Project owners can update features', 'Project owners can update tech stack', 'Team admins can change roles of others', 'Team admins can grant roles to others', 'Team admins can revoke roles of others', 'Team admins can update their teams', 'Team members can view team roles', 'Team members can view their teams', 'Tech stack visible with the project', 'Users can create own profile', 'Users can delete own preferences', 'Users can insert own preferences', 'Users can update own preferences', 'Users can update own profile', 'Users can view own preferences', 'Users can view own profile', 'add', 'admins', 'alembic_version', 'alter', 'can', 'change', 'create', 'delete', 'disable', 'drop', 'features', 'function', 'grant', 'has_soc_team_role', 'insert', 'is_soc_team_member', 'level', 'members', 'of', 'on', 'others', 'own', 'owners', 'policy', 'preferences', 'private', 'profile', 'profiles', 'project', 'project_features', 'project_tech_stack', 'public', 'revoke', 'roles', 'row', 'schema', 'security', 'soc_role', 'soc_teams', 'soc_user_roles', 'stack', 'table', 'team', 'teams', 'tech', 'the', 'their', 'to', 'update', 'user_project_preferences', 'users', 'uuid', 'view', 'visible', 'with']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['Features visible with the project', 'Project owners can add features', 'Project owners can add tech stack', 'Project owners can delete features', 'Project owners can delete tech stack', 'Project owners can update features', 'Project owners can update tech stack', 'Team admins can change roles of others', 'Team admins can grant roles to others', 'Team admins can revoke roles of others', 'Team admins can update their teams', 'Team members can view team roles', 'Team members can view their teams', 'Tech stack visible with the project', 'Users can create own profile', 'Users can delete own preferences', 'Users can insert own preferences', 'Users can update own preferences', 'Users can update own profile', 'Users can view own preferences', 'Users can view own profile', 'add', 'admins', 'alembic_version', 'alter', 'can', 'change', 'create', 'delete', 'disable', 'drop', 'features', 'function', 'grant', 'has_soc_team_role', 'insert', 'is_soc_team_member', 'level', 'members', 'of', 'on', 'others', 'own', 'owners', 'policy', 'preferences', 'private', 'profile', 'profiles', 'project', 'project_features', 'project_tech_stack', 'public', 'revoke', 'roles', 'row', 'schema', 'security', 'soc_role', 'soc_teams', 'soc_user_roles', 'stack', 'table', 'team', 'teams', 'tech', 'the', 'their', 'to', 'update', 'user_project_preferences', 'users', 'uuid', 'view', 'visible', 'with']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['Features visible with the project', 'Project owners can add features', 'Project owners can add tech stack', 'Project owners can delete features', 'Project owners can delete tech stack', 'Project owners can update features', 'Project owners can update tech stack', 'Team admins can change roles of others', 'Team admins can grant roles to others', 'Team admins can revoke roles of others', 'Team admins can update their teams', 'Team members can view team roles', 'Team members can view their teams', 'Tech stack visible with the project', 'Users can create own profile', 'Users can delete own preferences', 'Users can insert own preferences', 'Users can update own preferences', 'Users can update own profile', 'Users can view own preferences', 'Users can view own profile', 'add', 'admins', 'alembic_version', 'alter', 'can', 'change', 'create', 'delete', 'disable', 'drop', 'features', 'function', 'grant', 'has_soc_team_role', 'insert', 'is_soc_team_member', 'level', 'members', 'of', 'on', 'others', 'own', 'owners', 'policy', 'preferences', 'private', 'profile', 'profiles', 'project', 'project_features', 'project_tech_stack', 'public', 'revoke', 'roles', 'row', 'schema', 'security', 'soc_role', 'soc_teams', 'soc_user_roles', 'stack', 'table', 'team', 'teams', 'tech', 'the', 'their', 'to', 'update', 'user_project_preferences', 'users', 'uuid', 'view', 'visible', 'with']::text[])
    ) AS object), fingerprint_format = 2 WHERE id = current_setting('schema_pkg.attempt')::bigint;
\endif

\if :ERROR
\else
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
\endif

\set schema_pkg_failed :ERROR
COMMIT;
\if :ERROR
\set schema_pkg_failed true
\endif
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0006 failed: ' || failure || '; its one transaction rolled back, so nothing of it was applied and the database is still at 0006; recorded in schema_pkg.history; run this file again once the cause is fixed';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context

UPDATE schema_pkg.migration_lock
   SET holder_pid = NULL, holder_backend_start = NULL, holder_application = NULL,
       acquired_at = NULL
 WHERE holder_pid = pg_backend_pid();

