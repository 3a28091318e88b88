-- schema_pkg revision 0008 (downgrade)
--
-- Indexes for how the data is read: policy columns, foreign keys, "my latest N".
--
-- Without an index on user_id every read through the documented policies scans
-- the whole table.  (user_id, created_at DESC) serves both the policy filter and
-- "my latest runs"; owner_id and the public flag serve the projects policies;
-- every foreign key column gets an index; soc_user_roles gets (user_id, role)
-- for has_soc_role and the team helpers, and (team_id) for team listings.
-- The documented policy text is unchanged: the planner uses these indexes for
-- the verbatim auth.uid() = user_id.
--
-- Deployments may run this on populated tables (an adopted database), so each
-- index is built CONCURRENTLY outside a transaction.  An INVALID index left by
-- an earlier failed build is dropped and built again.
--
-- Revision ID: 0008
-- Revises: 0007
--
-- Locks observed (docs/locks.md; worst-case API stalls are listed there):
--   public.mezan_workflows: SHARE UPDATE EXCLUSIVE until end of statement, blocks neither
--   public.optilibria_runs: SHARE UPDATE EXCLUSIVE until end of statement, blocks neither
--   public.project_features: SHARE UPDATE EXCLUSIVE until end of statement, blocks neither
--   public.project_tech_stack: SHARE UPDATE EXCLUSIVE until end of statement, blocks neither
--   public.projects: SHARE UPDATE EXCLUSIVE until end of statement, blocks neither
--   public.qmlab_experiments: SHARE UPDATE EXCLUSIVE until end of statement, blocks neither
--   public.simcore_simulations: SHARE UPDATE EXCLUSIVE until end of statement, blocks neither
--   public.soc_user_roles: SHARE UPDATE EXCLUSIVE until end of statement, blocks neither
--   public.talai_experiments: SHARE UPDATE EXCLUSIVE until end of statement, blocks neither
--   public.user_project_preferences: SHARE UPDATE EXCLUSIVE until end of statement, blocks neither
--   CONCURRENTLY builds: none
--   Can lose data: no
--
-- How to run: psql -X -f <this file>   (never with -1/--single-transaction: the file
-- manages its own transactions and refuses to run inside an outer one).  Needs psql 10
-- or later (\if, \gset) and PostgreSQL 11 or later (COMMIT inside DO).  It stops at the
-- first error (ON_ERROR_STOP), takes the migration lock that online runs take
-- (schema_pkg.migration_lock; it waits for a running deploy), refuses unless the
-- database is at 0008, and records each attempt and each step in schema_pkg.history
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
-- If it stops: its 13 steps commit one by one (1. DROP INDEX CONCURRENTLY IF EXISTS
-- soc_user_roles_team_id_idx; 2. DROP INDEX CONCURRENTLY IF EXISTS
-- soc_user_roles_user_id_role_idx; 3. DROP INDEX CONCURRENTLY IF EXISTS
-- user_project_preferences_project_id_idx; 4. DROP INDEX CONCURRENTLY IF EXISTS
-- user_project_preferences_user_id_project_id_idx; 5. DROP INDEX CONCURRENTLY IF EXISTS
-- project_tech_stack_project_id_idx; 6. DROP INDEX CONCURRENTLY IF EXISTS
-- project_features_project_id_idx; 7. DROP INDEX CONCURRENTLY IF EXISTS
-- projects_is_public_idx; 8. DROP INDEX CONCURRENTLY IF EXISTS projects_owner_id_idx; 9.
-- DROP INDEX CONCURRENTLY IF EXISTS qmlab_experiments_user_id_created_at_idx; 10. DROP
-- INDEX CONCURRENTLY IF EXISTS optilibria_runs_user_id_created_at_idx; 11. DROP INDEX
-- CONCURRENTLY IF EXISTS talai_experiments_user_id_created_at_idx; 12. DROP INDEX
-- CONCURRENTLY IF EXISTS mezan_workflows_user_id_created_at_idx; 13. DROP INDEX
-- CONCURRENTLY IF EXISTS simcore_simulations_user_id_created_at_idx), then one
-- transaction records the revision. A failure leaves the steps before the failed one
-- applied and alembic_version where it was; the failed step itself changes nothing,
-- except that a failed CREATE INDEX CONCURRENTLY leaves its index INVALID (a unique one
-- rejects duplicate writes meanwhile) and a failed DROP INDEX CONCURRENTLY can leave its
-- index INVALID. The error goes into the step's row of schema_pkg.history, and the file
-- stops with one line saying which steps are applied.  Run it again: the rerun says
-- first what an earlier attempt left, skips each step that attempt completed and resumes
-- at the first unfinished one.
-- A CONCURRENTLY build that fails leaves an INVALID index (a unique one already rejects
-- duplicate writes); the rerun drops it before building again.
-- Needs:
--   * ownership of the objects it changes (connect as the role that ran the earlier
--     revisions)
--   * CREATE on the database the first time (schema schema_pkg: the migration lock and
--     the deployment record)
-- Gives back no privilege or policy: it only removes.
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
  IF NOT found = ANY (ARRAY['0008']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'this file', '0008', found;
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

-- Running downgrade 0008 -> 0007

DO $$
DECLARE
  found text := 'base';
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
  IF NOT found = ANY (ARRAY['0008']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'downgrade 0008', '0008', found;
  END IF;
END $$;

SELECT set_config('schema_pkg.started_at', clock_timestamp()::text, false);

DO $unfinished$
DECLARE
  earlier record;
  state text;
BEGIN
  SELECT h.mode, h.started_at, h.error INTO earlier FROM schema_pkg.history AS h
   WHERE h.revision = '0008' AND direction = 'downgrade' AND h.step IS NULL AND h.status IN ('started', 'failed')
     AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > h.id AND later.step IS NULL AND later.status = 'completed')
   ORDER BY h.id DESC LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  WITH m AS (SELECT (SELECT coalesce(jsonb_object_agg(k, md5(v)), '{}'::jsonb) FROM (
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
         AND c.relname = ANY (ARRAY['begin', 'commit', 'concurrently', 'drop', 'exists', 'if', 'index', 'mezan_workflows_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments_user_id_created_at_idx', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments_user_id_created_at_idx', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['begin', 'commit', 'concurrently', 'drop', 'exists', 'if', 'index', 'mezan_workflows_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments_user_id_created_at_idx', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments_user_id_created_at_idx', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['begin', 'commit', 'concurrently', 'drop', 'exists', 'if', 'index', 'mezan_workflows_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments_user_id_created_at_idx', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments_user_id_created_at_idx', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['begin', 'commit', 'concurrently', 'drop', 'exists', 'if', 'index', 'mezan_workflows_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments_user_id_created_at_idx', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments_user_id_created_at_idx', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['begin', 'commit', 'concurrently', 'drop', 'exists', 'if', 'index', 'mezan_workflows_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments_user_id_created_at_idx', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments_user_id_created_at_idx', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx']::text[])
    ) AS object) AS live,
                  '{}'::jsonb AS want),
         k AS (SELECT jsonb_object_keys(live) AS k FROM m
               UNION SELECT jsonb_object_keys(want) FROM m)
    SELECT format('%s of the %s objects it names are already as it leaves them%s',
                  count(*) FILTER (WHERE m.live -> k.k IS NOT DISTINCT FROM m.want -> k.k),
                  count(*),
                  coalesce('; not yet: ' || string_agg(k.k, ', ' ORDER BY k.k)
                    FILTER (WHERE m.live -> k.k IS DISTINCT FROM m.want -> k.k), ''))
      FROM m, k INTO state;
  UPDATE schema_pkg.history
     SET status = 'failed', error = coalesce(error, 'the run stopped or its session ended'),
         duration = coalesce(duration, clock_timestamp() - started_at)
   WHERE revision = '0008' AND direction = 'downgrade' AND status = 'started';
  RAISE NOTICE 'schema_pkg: an earlier run of % (%, started %) did not complete: %; %',
    'downgrade 0008', earlier.mode, to_char(earlier.started_at, 'YYYY-MM-DD HH24:MI:SS'),
    coalesce(earlier.error, 'the run stopped or its session ended'),
    coalesce('steps ' || (SELECT string_agg(step::text, ', ' ORDER BY step) FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c) || ' of 13 completed and stay applied; this run skips them and resumes at the first unfinished one', 'none of its 13 steps completed; this run starts at step 1') || coalesce('; now ' || state, '');
END
$unfinished$;

DO $start$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', current_setting('schema_pkg.started_at')::timestamptz, 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint)
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.attempt', attempt::text, false);
END
$start$;

COMMIT;


DO $prewait$
DECLARE
  deadline timestamptz := clock_timestamp()
    + make_interval(secs => current_setting('schema_pkg.concurrent_prewait')::float8);
  stalling text;
  listed boolean := false;
  reason text;
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 1) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 2) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 3) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 4) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 5) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 6) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 7) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 8) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 9) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 10) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 11) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 12) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 13) THEN
    RETURN;  -- every build completed in an earlier run: nothing to wait for
  END IF;
  LOOP
    PERFORM pg_stat_clear_snapshot();
    SELECT string_agg(format('pid %s (%s, %s, open %s s)', s.pid, s.application, s.state, s.age),
                      '; ')
      INTO stalling
      FROM (
    SELECT pid, coalesce(nullif(application_name, ''), 'no application_name') AS application,
           state, round(extract(epoch FROM clock_timestamp() - xact_start)::numeric, 1) AS age
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend' AND application_name <> 'schema_pkg watch'
      AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)  -- holds a snapshot or an xid
      AND xact_start < clock_timestamp() - make_interval(secs => 1)
    ORDER BY xact_start) AS s;
    COMMIT;
    EXIT WHEN stalling IS NULL;
    IF NOT listed THEN
      RAISE NOTICE 'schema_pkg: 0008 builds indexes CONCURRENTLY; waiting up to % s for: %',
        current_setting('schema_pkg.concurrent_prewait'), stalling;
      listed := true;
    END IF;
    IF clock_timestamp() >= deadline THEN
      reason := format('0008 not started: transactions still open after %s s '
        '(psql -v concurrent_prewait=SECONDS) would stall its CONCURRENTLY builds: %s; %s',
        current_setting('schema_pkg.concurrent_prewait'), stalling, coalesce('steps ' || (SELECT string_agg(step::text, ', ' ORDER BY step) FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c) || ' of 13 stay applied from an earlier run; nothing more of 0008 was applied', 'nothing of 0008 was applied'));
      UPDATE schema_pkg.history SET status = 'failed', error = reason, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
      COMMIT;
      RAISE EXCEPTION 'schema_pkg: %', reason;
    END IF;
    PERFORM pg_sleep(0.25);
  END LOOP;
END
$prewait$;


-- Step 1 of 13: DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_team_id_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 1) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 1 of 13 (DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_team_id_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 1, 'DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_team_id_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_team_id_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 1 of 13 (DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_team_id_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 1 of 13 (DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_team_id_idx): ' || failure || '; no step of it was applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 1';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 2 of 13: DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_user_id_role_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 2) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 2 of 13 (DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_user_id_role_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 2, 'DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_user_id_role_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_user_id_role_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 2 of 13 (DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_user_id_role_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 2 of 13 (DROP INDEX CONCURRENTLY IF EXISTS soc_user_roles_user_id_role_idx): ' || failure || '; step 1 stays applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 2';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 3 of 13: DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_project_id_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 3) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 3 of 13 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_project_id_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 3, 'DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_project_id_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_project_id_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 3 of 13 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_project_id_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 3 of 13 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_project_id_idx): ' || failure || '; steps 1-2 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 3';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 4 of 13: DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 4) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 4 of 13 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 4, 'DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 4 of 13 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 4 of 13 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx): ' || failure || '; steps 1-3 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 4';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 5 of 13: DROP INDEX CONCURRENTLY IF EXISTS project_tech_stack_project_id_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 5) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 5 of 13 (DROP INDEX CONCURRENTLY IF EXISTS project_tech_stack_project_id_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 5, 'DROP INDEX CONCURRENTLY IF EXISTS project_tech_stack_project_id_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS project_tech_stack_project_id_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 5 of 13 (DROP INDEX CONCURRENTLY IF EXISTS project_tech_stack_project_id_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 5 of 13 (DROP INDEX CONCURRENTLY IF EXISTS project_tech_stack_project_id_idx): ' || failure || '; steps 1-4 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 5';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 6 of 13: DROP INDEX CONCURRENTLY IF EXISTS project_features_project_id_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 6) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 6 of 13 (DROP INDEX CONCURRENTLY IF EXISTS project_features_project_id_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 6, 'DROP INDEX CONCURRENTLY IF EXISTS project_features_project_id_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS project_features_project_id_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 6 of 13 (DROP INDEX CONCURRENTLY IF EXISTS project_features_project_id_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 6 of 13 (DROP INDEX CONCURRENTLY IF EXISTS project_features_project_id_idx): ' || failure || '; steps 1-5 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 6';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 7 of 13: DROP INDEX CONCURRENTLY IF EXISTS projects_is_public_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 7) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 7 of 13 (DROP INDEX CONCURRENTLY IF EXISTS projects_is_public_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 7, 'DROP INDEX CONCURRENTLY IF EXISTS projects_is_public_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS projects_is_public_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 7 of 13 (DROP INDEX CONCURRENTLY IF EXISTS projects_is_public_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 7 of 13 (DROP INDEX CONCURRENTLY IF EXISTS projects_is_public_idx): ' || failure || '; steps 1-6 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 7';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 8 of 13: DROP INDEX CONCURRENTLY IF EXISTS projects_owner_id_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 8) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 8 of 13 (DROP INDEX CONCURRENTLY IF EXISTS projects_owner_id_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 8, 'DROP INDEX CONCURRENTLY IF EXISTS projects_owner_id_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS projects_owner_id_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 8 of 13 (DROP INDEX CONCURRENTLY IF EXISTS projects_owner_id_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 8 of 13 (DROP INDEX CONCURRENTLY IF EXISTS projects_owner_id_idx): ' || failure || '; steps 1-7 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 8';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 9 of 13: DROP INDEX CONCURRENTLY IF EXISTS qmlab_experiments_user_id_created_at_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 9) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 9 of 13 (DROP INDEX CONCURRENTLY IF EXISTS qmlab_experiments_user_id_created_at_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 9, 'DROP INDEX CONCURRENTLY IF EXISTS qmlab_experiments_user_id_created_at_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS qmlab_experiments_user_id_created_at_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 9 of 13 (DROP INDEX CONCURRENTLY IF EXISTS qmlab_experiments_user_id_created_at_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 9 of 13 (DROP INDEX CONCURRENTLY IF EXISTS qmlab_experiments_user_id_created_at_idx): ' || failure || '; steps 1-8 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 9';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 10 of 13: DROP INDEX CONCURRENTLY IF EXISTS optilibria_runs_user_id_created_at_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 10) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 10 of 13 (DROP INDEX CONCURRENTLY IF EXISTS optilibria_runs_user_id_created_at_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 10, 'DROP INDEX CONCURRENTLY IF EXISTS optilibria_runs_user_id_created_at_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS optilibria_runs_user_id_created_at_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 10 of 13 (DROP INDEX CONCURRENTLY IF EXISTS optilibria_runs_user_id_created_at_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 10 of 13 (DROP INDEX CONCURRENTLY IF EXISTS optilibria_runs_user_id_created_at_idx): ' || failure || '; steps 1-9 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 10';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 11 of 13: DROP INDEX CONCURRENTLY IF EXISTS talai_experiments_user_id_created_at_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 11) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 11 of 13 (DROP INDEX CONCURRENTLY IF EXISTS talai_experiments_user_id_created_at_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 11, 'DROP INDEX CONCURRENTLY IF EXISTS talai_experiments_user_id_created_at_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS talai_experiments_user_id_created_at_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 11 of 13 (DROP INDEX CONCURRENTLY IF EXISTS talai_experiments_user_id_created_at_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 11 of 13 (DROP INDEX CONCURRENTLY IF EXISTS talai_experiments_user_id_created_at_idx): ' || failure || '; steps 1-10 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 11';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 12 of 13: DROP INDEX CONCURRENTLY IF EXISTS mezan_workflows_user_id_created_at_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 12) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 12 of 13 (DROP INDEX CONCURRENTLY IF EXISTS mezan_workflows_user_id_created_at_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 12, 'DROP INDEX CONCURRENTLY IF EXISTS mezan_workflows_user_id_created_at_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS mezan_workflows_user_id_created_at_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 12 of 13 (DROP INDEX CONCURRENTLY IF EXISTS mezan_workflows_user_id_created_at_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 12 of 13 (DROP INDEX CONCURRENTLY IF EXISTS mezan_workflows_user_id_created_at_idx): ' || failure || '; steps 1-11 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 12';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 13 of 13: DROP INDEX CONCURRENTLY IF EXISTS simcore_simulations_user_id_created_at_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 13) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0008 step 13 of 13 (DROP INDEX CONCURRENTLY IF EXISTS simcore_simulations_user_id_created_at_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'downgrade', '70bcbc42b6469c2d596fc90fe11d06bdae06742a658cf4d4f1182b0fe19208db', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 13, 'DROP INDEX CONCURRENTLY IF EXISTS simcore_simulations_user_id_created_at_idx')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
DROP INDEX CONCURRENTLY IF EXISTS simcore_simulations_user_id_created_at_idx;
\endif
\if :ERROR
\else
SET lock_timeout = :'lock_timeout';
\endif
\set schema_pkg_failed :ERROR
\set ON_ERROR_STOP on
\if :schema_pkg_failed
SET schema_pkg.error = :'LAST_ERROR_MESSAGE';
DO $failed$
DECLARE
  failure text := current_setting('schema_pkg.error');
BEGIN
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 13 of 13 (DROP INDEX CONCURRENTLY IF EXISTS simcore_simulations_user_id_created_at_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 stopped at step 13 of 13 (DROP INDEX CONCURRENTLY IF EXISTS simcore_simulations_user_id_created_at_idx): ' || failure || '; steps 1-12 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 13';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Record the revision.
BEGIN;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never

\if :ERROR
\else
UPDATE alembic_version SET version_num='0007' WHERE alembic_version.version_num = '0008';
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
  IF NOT found = ANY (ARRAY['0007']) THEN
    RAISE EXCEPTION 'schema_pkg: after %, alembic_version should hold exactly % but holds %', 'downgrade 0008', '0007', found;
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
         AND c.relname = ANY (ARRAY['begin', 'commit', 'concurrently', 'drop', 'exists', 'if', 'index', 'mezan_workflows_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments_user_id_created_at_idx', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments_user_id_created_at_idx', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['begin', 'commit', 'concurrently', 'drop', 'exists', 'if', 'index', 'mezan_workflows_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments_user_id_created_at_idx', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments_user_id_created_at_idx', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['begin', 'commit', 'concurrently', 'drop', 'exists', 'if', 'index', 'mezan_workflows_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments_user_id_created_at_idx', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments_user_id_created_at_idx', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['begin', 'commit', 'concurrently', 'drop', 'exists', 'if', 'index', 'mezan_workflows_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments_user_id_created_at_idx', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments_user_id_created_at_idx', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['begin', 'commit', 'concurrently', 'drop', 'exists', 'if', 'index', 'mezan_workflows_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments_user_id_created_at_idx', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments_user_id_created_at_idx', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx']::text[])
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'recording the revision failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0008 failed while recording it: ' || failure || '; all 13 of its steps stay applied, alembic_version still says 0008; recorded in schema_pkg.history; run this file again: it skips the steps and records the revision';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context

UPDATE schema_pkg.migration_lock
   SET holder_pid = NULL, holder_backend_start = NULL, holder_application = NULL,
       acquired_at = NULL
 WHERE holder_pid = pg_backend_pid();

