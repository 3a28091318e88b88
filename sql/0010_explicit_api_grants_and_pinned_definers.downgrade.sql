-- schema_pkg revision 0010 (downgrade)
--
-- Explicit, least-privilege API grants; SECURITY DEFINER functions no caller can hijack.
--
-- * API grants.  Since 30 October 2026 Supabase grants nothing on new tables to
--   anon, authenticated and service_role: the Data API needs an explicit GRANT
--   per table.  Until now our tables took their API privileges from default
--   privileges (0001's on vanilla PostgreSQL, the platform's on legacy
--   Supabase), so on today's Supabase every request was "permission denied".
--   This revision first revokes every privilege the API roles and PUBLIC hold
--   on our tables and functions, then grants exactly what the model needs
--   (tests/rls/expectations.py; docs/additions.md gives the reasons):
--   - anon reads projects and their features and tech stack, nothing else;
--   - authenticated gets each command some signed-in case allows; on
--     soc_user_roles only the columns a client may set (never created_at, which
--     orders current_user_team_id(); an admin changes a member's role, and moves
--     nobody between users or teams);
--   - service_role reads and writes every row of every table (SELECT, INSERT,
--     UPDATE, DELETE), but not alembic_version, and holds no TRUNCATE, TRIGGER,
--     REFERENCES or MAINTAIN;
--   - EXECUTE: the documented functions for service_role, the caller-only ones
--     for authenticated and service_role, the private team helpers for
--     authenticated (its policies call them), the trigger function for nobody;
--     no API role has USAGE on schema private (a policy calls its helpers by
--     reference, which needs EXECUTE only), so none can call them by name.
--   So the privileges are the same whatever the default privileges were.
-- * Default privileges.  Where 0001 created auth (vanilla), the default
--   privileges that exposed every new table, function and sequence in public to
--   the API roles are revoked for the role that set them, as Supabase now does.
--   On Supabase they are the project's and stay untouched, as do its roles.
-- * Definer functions.  search_path = '' does not list pg_temp, so PostgreSQL
--   searches the caller's temporary schema first for relations and types: a
--   caller's temporary type uuid with a cast ran its code as the owner.  Every
--   SECURITY DEFINER function now lists pg_catalog first and pg_temp last.
-- * The last owner.  The trigger now writes the team row instead of only
--   locking it, so two owners leaving at once under REPEATABLE READ or
--   SERIALIZABLE serialize (the second gets 40001) instead of each reading a
--   snapshot in which the other is still there.
--
-- A missing API role stops the revision before anything is applied.
-- The downgrade restores what 0009 left on vanilla PostgreSQL and legacy
-- Supabase (API privileges on every table, 0001's default privileges where auth
-- is ours); on today's Supabase that is more than 0009 had there.
--
-- Revision ID: 0010
-- Revises: 0009
--
-- Locks observed (docs/locks.md; worst-case API stalls are listed there):
--   No table lock (functions, grants, roles or schemas only).
--   CONCURRENTLY builds: none
--   Can lose data: no
--
-- How to run: psql -X -f <this file>   (never with -1/--single-transaction: the file
-- manages its own transactions and refuses to run inside an outer one).  Needs psql 10
-- or later (\if, \gset) and PostgreSQL 11 or later (COMMIT inside DO).  It stops at the
-- first error (ON_ERROR_STOP), takes the migration lock that online runs take
-- (schema_pkg.migration_lock; it waits for a running deploy), refuses unless the
-- database is at 0010, and records each attempt and each step in schema_pkg.history
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
--   * to be the role whose default privileges it changes (the one that creates the
--     tables)
-- Gives back (what the upgrade had closed):
--   * GRANT USAGE ON SCHEMA private TO authenticated, service_role
--   * GRANT EXECUTE ON FUNCTION private.is_soc_team_member(uuid) TO service_role
--   * GRANT EXECUTE ON FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) TO
--     service_role
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
  IF NOT found = ANY (ARRAY['0010']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'this file', '0010', found;
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

-- Running downgrade 0010 -> 0009

DO $$
DECLARE
  found text := 'base';
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
  IF NOT found = ANY (ARRAY['0010']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'downgrade 0010', '0010', found;
  END IF;
END $$;

SELECT set_config('schema_pkg.started_at', clock_timestamp()::text, false);

DO $unfinished$
DECLARE
  earlier record;
  state text;
BEGIN
  SELECT h.mode, h.started_at, h.error INTO earlier FROM schema_pkg.history AS h
   WHERE h.revision = '0010' AND direction = 'downgrade' AND h.step IS NULL AND h.status IN ('started', 'failed')
     AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > h.id AND later.step IS NULL AND later.status = 'completed')
   ORDER BY h.id DESC LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  UPDATE schema_pkg.history
     SET status = 'failed', error = coalesce(error, 'the run stopped or its session ended'),
         duration = coalesce(duration, clock_timestamp() - started_at)
   WHERE revision = '0010' AND direction = 'downgrade' AND status = 'started';
  RAISE NOTICE 'schema_pkg: an earlier run of % (%, started %) did not complete: %; %',
    'downgrade 0010', earlier.mode, to_char(earlier.started_at, 'YYYY-MM-DD HH24:MI:SS'),
    coalesce(earlier.error, 'the run stopped or its session ended'),
    'its one transaction rolled back, so nothing of it was applied' || coalesce('; now ' || state, '');
END
$unfinished$;

DO $start$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num)
  VALUES ('0010', 'downgrade', 'a4f6a817fa83cb42a1d008fbea7ae25b4affec931a85fb9dca211ec162b8b3ec', current_setting('schema_pkg.started_at')::timestamptz, 'sql', 'started', '0.1.0', '0010_explicit_api_grants_and_pinned_definers.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint)
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
\endif
\if :ERROR
\else
ALTER FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) SET search_path = '';
\endif
\if :ERROR
\else
ALTER FUNCTION private.is_soc_team_member(uuid) SET search_path = '';
\endif
\if :ERROR
\else
ALTER FUNCTION public.has_soc_role(public.soc_role, uuid) SET search_path = public, pg_temp;
\endif
\if :ERROR
\else
ALTER FUNCTION public.get_user_team_id(uuid) SET search_path = public, pg_temp;
\endif
\if :ERROR
\else
-- Vanilla only: 0001's default privileges, less what 0009 revoked -------------

DO $defaults$
BEGIN
  IF (SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'auth')
     IS DISTINCT FROM 'Created by the schema_pkg auth bootstrap; dropped by its downgrade.' THEN
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
\endif
\if :ERROR
\else
-- Privileges as 0009 left them on vanilla PostgreSQL and legacy Supabase ------

REVOKE ALL ON TABLE public.soc_user_roles FROM authenticated;
\endif
\if :ERROR
\else
GRANT SELECT, INSERT, UPDATE, DELETE ON
  public.profiles, public.projects, public.project_features, public.project_tech_stack,
  public.user_project_preferences, public.simcore_simulations, public.mezan_workflows,
  public.talai_experiments, public.optilibria_runs, public.qmlab_experiments,
  public.soc_teams, public.soc_user_roles
TO anon, authenticated;
\endif
\if :ERROR
\else
GRANT ALL ON
  public.profiles, public.projects, public.project_features, public.project_tech_stack,
  public.user_project_preferences, public.simcore_simulations, public.mezan_workflows,
  public.talai_experiments, public.optilibria_runs, public.qmlab_experiments,
  public.soc_teams, public.soc_user_roles
TO service_role;
\endif
\if :ERROR
\else
GRANT USAGE ON SCHEMA private TO authenticated, service_role;
\endif
\if :ERROR
\else
GRANT EXECUTE ON FUNCTION private.is_soc_team_member(uuid) TO service_role;
\endif
\if :ERROR
\else
GRANT EXECUTE ON FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) TO service_role;
\endif

\if :ERROR
\else
UPDATE alembic_version SET version_num='0009' WHERE alembic_version.version_num = '0010';
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
  IF NOT found = ANY (ARRAY['0009']) THEN
    RAISE EXCEPTION 'schema_pkg: after %, alembic_version should hold exactly % but holds %', 'downgrade 0010', '0009', found;
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
         AND c.relname = ANY (ARRAY['all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'authenticated', 'be', 'begin', 'create', 'definer', 'delete', 'deletes', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'insert', 'is_soc_team_member', 'key', 'language', 'left', 'make', 'member', 'mezan_workflows', 'no', 'not', 'null', 'old', 'on', 'optilibria_runs', 'or', 'owner', 'perform', 'pg_temp', 'plpgsql', 'private', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'public', 'qmlab_experiments', 'r', 'raise', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'simcore_simulations', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 't', 'table', 'talai_experiments', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'update', 'usage', 'user_project_preferences', 'using', 'uuid', 'where', 'whole', 'without', 'would']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'authenticated', 'be', 'begin', 'create', 'definer', 'delete', 'deletes', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'insert', 'is_soc_team_member', 'key', 'language', 'left', 'make', 'member', 'mezan_workflows', 'no', 'not', 'null', 'old', 'on', 'optilibria_runs', 'or', 'owner', 'perform', 'pg_temp', 'plpgsql', 'private', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'public', 'qmlab_experiments', 'r', 'raise', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'simcore_simulations', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 't', 'table', 'talai_experiments', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'update', 'usage', 'user_project_preferences', 'using', 'uuid', 'where', 'whole', 'without', 'would']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'authenticated', 'be', 'begin', 'create', 'definer', 'delete', 'deletes', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'insert', 'is_soc_team_member', 'key', 'language', 'left', 'make', 'member', 'mezan_workflows', 'no', 'not', 'null', 'old', 'on', 'optilibria_runs', 'or', 'owner', 'perform', 'pg_temp', 'plpgsql', 'private', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'public', 'qmlab_experiments', 'r', 'raise', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'simcore_simulations', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 't', 'table', 'talai_experiments', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'update', 'usage', 'user_project_preferences', 'using', 'uuid', 'where', 'whole', 'without', 'would']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'authenticated', 'be', 'begin', 'create', 'definer', 'delete', 'deletes', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'insert', 'is_soc_team_member', 'key', 'language', 'left', 'make', 'member', 'mezan_workflows', 'no', 'not', 'null', 'old', 'on', 'optilibria_runs', 'or', 'owner', 'perform', 'pg_temp', 'plpgsql', 'private', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'public', 'qmlab_experiments', 'r', 'raise', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'simcore_simulations', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 't', 'table', 'talai_experiments', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'update', 'usage', 'user_project_preferences', 'using', 'uuid', 'where', 'whole', 'without', 'would']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'authenticated', 'be', 'begin', 'create', 'definer', 'delete', 'deletes', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'insert', 'is_soc_team_member', 'key', 'language', 'left', 'make', 'member', 'mezan_workflows', 'no', 'not', 'null', 'old', 'on', 'optilibria_runs', 'or', 'owner', 'perform', 'pg_temp', 'plpgsql', 'private', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'public', 'qmlab_experiments', 'r', 'raise', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'simcore_simulations', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 't', 'table', 'talai_experiments', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'update', 'usage', 'user_project_preferences', 'using', 'uuid', 'where', 'whole', 'without', 'would']::text[])
      UNION ALL SELECT 'privilege function ' || p.oid::regprocedure::text || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('private.has_soc_team_role(uuid, public.soc_role[])', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'),
               ('private.is_soc_team_member(uuid)', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_proc p ON p.oid = to_regprocedure(w.object)
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege schema ' || n.nspname || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('private', ' authenticated USAGE', to_regrole('authenticated')::oid, 'USAGE'),
               ('private', ' service_role USAGE', to_regrole('service_role')::oid, 'USAGE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_namespace n ON n.nspname = w.object
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege table ' || n.nspname || '.' || c.relname || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('public.mezan_workflows', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.mezan_workflows', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.mezan_workflows', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.mezan_workflows', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.mezan_workflows', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.mezan_workflows', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.mezan_workflows', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.mezan_workflows', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.mezan_workflows', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.mezan_workflows', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.mezan_workflows', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.mezan_workflows', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.mezan_workflows', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.mezan_workflows', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.mezan_workflows', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.optilibria_runs', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.optilibria_runs', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.optilibria_runs', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.optilibria_runs', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.optilibria_runs', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.optilibria_runs', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.optilibria_runs', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.optilibria_runs', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.optilibria_runs', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.optilibria_runs', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.optilibria_runs', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.optilibria_runs', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.optilibria_runs', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.optilibria_runs', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.optilibria_runs', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.profiles', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.profiles', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.profiles', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.profiles', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.profiles', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.profiles', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.profiles', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.profiles', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.profiles', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.profiles', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.profiles', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.profiles', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.profiles', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.profiles', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.profiles', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.project_features', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.project_features', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.project_features', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.project_features', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.project_features', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.project_features', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.project_features', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.project_features', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.project_features', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.project_features', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.project_features', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.project_features', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.project_features', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.project_features', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.project_features', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.project_tech_stack', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.project_tech_stack', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.project_tech_stack', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.project_tech_stack', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.project_tech_stack', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.project_tech_stack', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.project_tech_stack', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.project_tech_stack', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.project_tech_stack', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.project_tech_stack', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.project_tech_stack', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.project_tech_stack', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.project_tech_stack', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.project_tech_stack', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.project_tech_stack', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.projects', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.projects', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.projects', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.projects', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.projects', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.projects', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.projects', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.projects', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.projects', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.projects', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.projects', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.projects', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.projects', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.projects', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.projects', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.qmlab_experiments', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.qmlab_experiments', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.qmlab_experiments', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.qmlab_experiments', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.qmlab_experiments', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.qmlab_experiments', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.qmlab_experiments', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.qmlab_experiments', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.qmlab_experiments', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.qmlab_experiments', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.qmlab_experiments', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.qmlab_experiments', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.simcore_simulations', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.simcore_simulations', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.simcore_simulations', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.simcore_simulations', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.simcore_simulations', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.simcore_simulations', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.simcore_simulations', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.simcore_simulations', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.simcore_simulations', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.simcore_simulations', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.simcore_simulations', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.simcore_simulations', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.simcore_simulations', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.simcore_simulations', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.simcore_simulations', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.soc_teams', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.soc_teams', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.soc_teams', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.soc_teams', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.soc_teams', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.soc_teams', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.soc_teams', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.soc_teams', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.soc_teams', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.soc_teams', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.soc_teams', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.soc_teams', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.soc_teams', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.soc_teams', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.soc_teams', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.soc_user_roles', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.soc_user_roles', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.soc_user_roles', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.soc_user_roles', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.soc_user_roles', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.soc_user_roles', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.soc_user_roles', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.soc_user_roles', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.soc_user_roles', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.soc_user_roles', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.soc_user_roles', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.soc_user_roles', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.soc_user_roles', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.soc_user_roles', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.soc_user_roles', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.soc_user_roles', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.soc_user_roles', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.soc_user_roles', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.talai_experiments', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.talai_experiments', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.talai_experiments', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.talai_experiments', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.talai_experiments', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.talai_experiments', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.talai_experiments', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.talai_experiments', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.talai_experiments', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.talai_experiments', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.talai_experiments', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.talai_experiments', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.talai_experiments', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.talai_experiments', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.talai_experiments', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.user_project_preferences', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.user_project_preferences', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.user_project_preferences', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.user_project_preferences', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.user_project_preferences', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.user_project_preferences', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.user_project_preferences', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.user_project_preferences', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.user_project_preferences', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.user_project_preferences', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.user_project_preferences', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.user_project_preferences', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.user_project_preferences', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.user_project_preferences', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.user_project_preferences', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_class c ON c.oid = to_regclass(w.object)
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege columns ' || n.nspname || '.' || c.relname || w.label,
             coalesce((SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND EXISTS (SELECT 1 FROM aclexplode(a.attacl) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege)), 'none')
        FROM (VALUES ('public.soc_user_roles', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.soc_user_roles', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.soc_user_roles', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.soc_user_roles', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_class c ON c.oid = to_regclass(w.object)
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE w.grantee IS NOT NULL
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
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0010 failed: ' || failure || '; its one transaction rolled back, so nothing of it was applied and the database is still at 0010; recorded in schema_pkg.history; run this file again once the cause is fixed';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context

UPDATE schema_pkg.migration_lock
   SET holder_pid = NULL, holder_backend_start = NULL, holder_application = NULL,
       acquired_at = NULL
 WHERE holder_pid = pg_backend_pid();

