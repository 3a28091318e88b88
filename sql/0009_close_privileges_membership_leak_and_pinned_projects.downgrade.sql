-- schema_pkg revision 0009 (downgrade)
--
-- Close what an attacker found at head: table privileges, the membership leak, pinned projects.
--
-- * Table privileges.  0001's default privileges grant ALL, as Supabase's do,
--   and RLS governs none of TRUNCATE, TRIGGER, REFERENCES or (17+) MAINTAIN:
--   anon could TRUNCATE any table, and authenticated could attach a trigger that
--   later ran as whoever wrote to the table.  PostgREST needs none of them, so
--   they are revoked from anon and authenticated on every table in public and in
--   the migrating role's default privileges there.  service_role keeps its own.
-- * Membership lookups.  get_user_team_id(uuid) and has_soc_role(soc_role, uuid)
--   are SECURITY DEFINER and take any user id, so any signed-in user could map
--   every team's owners.  EXECUTE is revoked from authenticated (service_role
--   keeps it; the bodies stay verbatim), and apps get caller-only functions:
--   current_user_team_id() and current_user_has_soc_role(soc_role), SECURITY
--   INVOKER, answering from the rows RLS already shows the caller.
-- * Preferences.  Inserting or moving a preference needs a project the caller
--   can see, so nobody can pin (or probe for) another user's private project.
-- * Children of projects.  The three documented foreign keys to projects.id
--   become ON DELETE CASCADE (same names and columns), so an owner can delete a
--   project that has features, tech stack, or other users' preferences.  Each is
--   re-added NOT VALID and validated in its own transaction.
-- * Upserts.  A UNIQUE index on preferences (user_id, project_id), built
--   CONCURRENTLY, lets PostgREST upsert with on_conflict=user_id,project_id.  It
--   replaces 0008's plain index on the same columns.  Existing duplicates stop
--   the revision before anything is applied; nothing is deleted.
-- * Leaving a team.  A member may delete their own role row; a trigger keeps at
--   least one owner in every team that still exists (the service and the table
--   owner are exempt, so a whole team can still be deleted).
--
-- The foreign key and index segments commit on their own (autocommit).  Every
-- segment is safe to re-run if a later one fails: the rerun repeats it.
--
-- Revision ID: 0009
-- Revises: 0008
--
-- Locks observed (docs/locks.md; worst-case API stalls are listed there):
--   public.project_features: ACCESS EXCLUSIVE until end of statement, blocks reads and writes
--   public.project_tech_stack: ACCESS EXCLUSIVE until end of statement, blocks reads and writes
--   public.projects: ACCESS EXCLUSIVE until end of statement, blocks reads and writes
--   public.soc_user_roles: ACCESS EXCLUSIVE until commit, blocks reads and writes
--   public.user_project_preferences: ACCESS EXCLUSIVE until end of statement, blocks reads and writes
--   CONCURRENTLY builds: user_project_preferences_user_id_project_id_idx
--   Can lose data: no
--
-- How to run: psql -X -f <this file>   (never with -1/--single-transaction: the file
-- manages its own transactions and refuses to run inside an outer one).  Needs psql 10
-- or later (\if, \gset) and PostgreSQL 11 or later (COMMIT inside DO).  It stops at the
-- first error (ON_ERROR_STOP), takes the migration lock that online runs take
-- (schema_pkg.migration_lock; it waits for a running deploy), refuses unless the
-- database is at 0009, and records each attempt and each step in schema_pkg.history
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
-- If it stops: its 9 steps commit one by one (1. CREATE INDEX CONCURRENTLY IF NOT EXISTS
-- user_project_preferences_user_id_project_id_idx O…; 2. DROP INDEX CONCURRENTLY IF
-- EXISTS user_project_preferences_user_id_project_id_key; 3. ALTER TABLE
-- project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …; 4.
-- ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey; 5.
-- ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS
-- project_tech_stack_project_id_fk…; 6. ALTER TABLE project_tech_stack VALIDATE
-- CONSTRAINT project_tech_stack_project_id_fkey; 7. ALTER TABLE user_project_preferences
-- DROP CONSTRAINT IF EXISTS user_project_preferences_p…; 8. ALTER TABLE
-- user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…; 9. a
-- transaction of 11 statement(s) starting DROP TRIGGER soc_user_roles_keep_an_owner ON
-- soc_…), then one transaction records the revision. A failure leaves the steps before
-- the failed one applied and alembic_version where it was; the failed step itself
-- changes nothing, except that a failed CREATE INDEX CONCURRENTLY leaves its index
-- INVALID (a unique one rejects duplicate writes meanwhile) and a failed DROP INDEX
-- CONCURRENTLY can leave its index INVALID. The error goes into the step's row of
-- schema_pkg.history, and the file stops with one line saying which steps are applied.
-- Run it again: the rerun says first what an earlier attempt left, skips each step that
-- attempt completed and resumes at the first unfinished one.
-- A CONCURRENTLY build that fails leaves an INVALID index (a unique one already rejects
-- duplicate writes); the rerun drops it before building again.
-- Needs:
--   * ownership of the objects it changes (connect as the role that ran the earlier
--     revisions)
--   * CREATE on the database the first time (schema schema_pkg: the migration lock and
--     the deployment record)
--   * to be the role whose default privileges it changes (the one that creates the
--     tables)
-- Gives back (what the upgrade had closed):
--   * GRANT EXECUTE ON FUNCTION get_user_team_id(uuid) TO authenticated
--   * GRANT EXECUTE ON FUNCTION has_soc_role(soc_role, uuid) TO authenticated
--   * policy "Team admins can revoke roles of others" on soc_user_roles back to its
--     earlier, wider text
--   * policy "Users can insert own preferences" on user_project_preferences back to its
--     earlier, wider text
--   * policy "Users can update own preferences" on user_project_preferences back to its
--     earlier, wider text
--   * trigger soc_user_roles_keep_an_owner on soc_user_roles dropped: the rule it
--     enforces stops
--   * TRUNCATE, TRIGGER, REFERENCES (and MAINTAIN from PostgreSQL 17) on every table in
--     public back to anon and authenticated wherever they hold SELECT, INSERT, UPDATE
--     and DELETE, and in the migrating role's default privileges
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
  IF NOT found = ANY (ARRAY['0009']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'this file', '0009', found;
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

-- Running downgrade 0009 -> 0008

DO $$
DECLARE
  found text := 'base';
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
  IF NOT found = ANY (ARRAY['0009']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'downgrade 0009', '0009', found;
  END IF;
END $$;

SELECT set_config('schema_pkg.started_at', clock_timestamp()::text, false);

DO $unfinished$
DECLARE
  earlier record;
  state text;
BEGIN
  SELECT h.mode, h.started_at, h.error INTO earlier FROM schema_pkg.history AS h
   WHERE h.revision = '0009' AND direction = 'downgrade' AND h.step IS NULL AND h.status IN ('started', 'failed')
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
         AND c.relname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', 'add', 'admin', 'admins', 'alter', 'and', 'auth', 'authenticated', 'begin', 'can', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'delete', 'drop', 'else', 'end', 'execute', 'exists', 'for', 'foreign', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'id', 'if', 'index', 'insert', 'key', 'leave', 'members', 'not', 'of', 'on', 'others', 'own', 'owner', 'policy', 'preferences', 'private', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'references', 'revoke', 'role', 'roles', 'select', 'soc_role', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'table', 'team', 'team_id', 'then', 'to', 'trigger', 'uid', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'with']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', 'add', 'admin', 'admins', 'alter', 'and', 'auth', 'authenticated', 'begin', 'can', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'delete', 'drop', 'else', 'end', 'execute', 'exists', 'for', 'foreign', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'id', 'if', 'index', 'insert', 'key', 'leave', 'members', 'not', 'of', 'on', 'others', 'own', 'owner', 'policy', 'preferences', 'private', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'references', 'revoke', 'role', 'roles', 'select', 'soc_role', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'table', 'team', 'team_id', 'then', 'to', 'trigger', 'uid', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'with']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', 'add', 'admin', 'admins', 'alter', 'and', 'auth', 'authenticated', 'begin', 'can', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'delete', 'drop', 'else', 'end', 'execute', 'exists', 'for', 'foreign', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'id', 'if', 'index', 'insert', 'key', 'leave', 'members', 'not', 'of', 'on', 'others', 'own', 'owner', 'policy', 'preferences', 'private', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'references', 'revoke', 'role', 'roles', 'select', 'soc_role', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'table', 'team', 'team_id', 'then', 'to', 'trigger', 'uid', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'with']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', 'add', 'admin', 'admins', 'alter', 'and', 'auth', 'authenticated', 'begin', 'can', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'delete', 'drop', 'else', 'end', 'execute', 'exists', 'for', 'foreign', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'id', 'if', 'index', 'insert', 'key', 'leave', 'members', 'not', 'of', 'on', 'others', 'own', 'owner', 'policy', 'preferences', 'private', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'references', 'revoke', 'role', 'roles', 'select', 'soc_role', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'table', 'team', 'team_id', 'then', 'to', 'trigger', 'uid', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'with']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', 'add', 'admin', 'admins', 'alter', 'and', 'auth', 'authenticated', 'begin', 'can', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'delete', 'drop', 'else', 'end', 'execute', 'exists', 'for', 'foreign', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'id', 'if', 'index', 'insert', 'key', 'leave', 'members', 'not', 'of', 'on', 'others', 'own', 'owner', 'policy', 'preferences', 'private', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'references', 'revoke', 'role', 'roles', 'select', 'soc_role', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'table', 'team', 'team_id', 'then', 'to', 'trigger', 'uid', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'with']::text[])
      UNION ALL SELECT 'privilege function ' || p.oid::regprocedure::text || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('public.get_user_team_id(uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.has_soc_role(soc_role, uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_proc p ON p.oid = to_regprocedure(w.object)
       WHERE w.grantee IS NOT NULL
    ) AS object) AS live,
                  '{"function private.has_soc_team_role(_team_id uuid, _roles soc_role[])": "a69ff51ab657d1a5f35d2da0653d6478", "function public.get_user_team_id(_user_id uuid)": "0f9ebb41aece7151cab267f772ab9269", "function public.has_soc_role(_role soc_role, _user_id uuid)": "96f1121e43d033d3ea3b6b7bf3aefb1a", "index public.user_project_preferences_user_id_project_id_idx": "77fcf4f51a42bb3828d5bc57c48b1f63", "policy public.soc_user_roles.Team admins can revoke roles of others": "11411482e51b5e72d9edcaeb178a2bbf", "policy public.user_project_preferences.Users can insert own preferences": "5a32c20f4ced8ae2a9cee3802c6eab14", "policy public.user_project_preferences.Users can update own preferences": "6ef202da00072f91d69ced2024f7e7fb", "privilege function get_user_team_id(uuid) authenticated EXECUTE": "fc00fa278c75792efc28397308b9ad6e", "privilege function has_soc_role(soc_role,uuid) authenticated EXECUTE": "fc00fa278c75792efc28397308b9ad6e", "table public.project_features": "960242fceb8a24aada5da6f6e6e40430", "table public.project_tech_stack": "1bb512f1ab8df3d38ac3cec64cb4f26b", "table public.projects": "7367e2505c29ab91621be6fa18856fd0", "table public.soc_user_roles": "c5d7e1acb3d4bcbf5e1ae9c8a1e9b179", "table public.user_project_preferences": "04680fbecaf673f1c7924ec76de4d540", "type public.soc_role": "3999282b791d53021846ef2e9fa33737"}'::jsonb AS want),
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
   WHERE revision = '0009' AND direction = 'downgrade' AND status = 'started';
  RAISE NOTICE 'schema_pkg: an earlier run of % (%, started %) did not complete: %; %',
    'downgrade 0009', earlier.mode, to_char(earlier.started_at, 'YYYY-MM-DD HH24:MI:SS'),
    coalesce(earlier.error, 'the run stopped or its session ended'),
    coalesce('steps ' || (SELECT string_agg(step::text, ', ' ORDER BY step) FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c) || ' of 9 completed and stay applied; this run skips them and resumes at the first unfinished one', 'none of its 9 steps completed; this run starts at step 1') || coalesce('; now ' || state, '');
END
$unfinished$;

DO $start$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num)
  VALUES ('0009', 'downgrade', '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7', current_setting('schema_pkg.started_at')::timestamptz, 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint)
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
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 1) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 2) THEN
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
      RAISE NOTICE 'schema_pkg: 0009 builds indexes CONCURRENTLY; waiting up to % s for: %',
        current_setting('schema_pkg.concurrent_prewait'), stalling;
      listed := true;
    END IF;
    IF clock_timestamp() >= deadline THEN
      reason := format('0009 not started: transactions still open after %s s '
        '(psql -v concurrent_prewait=SECONDS) would stall its CONCURRENTLY builds: %s; %s',
        current_setting('schema_pkg.concurrent_prewait'), stalling, coalesce('steps ' || (SELECT string_agg(step::text, ', ' ORDER BY step) FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c) || ' of 9 stay applied from an earlier run; nothing more of 0009 was applied', 'nothing of 0009 was applied'));
      UPDATE schema_pkg.history SET status = 'failed', error = reason, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
      COMMIT;
      RAISE EXCEPTION 'schema_pkg: %', reason;
    END IF;
    PERFORM pg_sleep(0.25);
  END LOOP;
END
$prewait$;


-- Step 1 of 9: CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx O…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 1) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0009 step 1 of 9 (CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx O…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'downgrade', '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 1, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx O…')
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
-- Drop an INVALID user_project_preferences_user_id_project_id_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'user_project_preferences_user_id_project_id_idx' AND i.indrelid = to_regclass('user_project_preferences')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx ON user_project_preferences (user_id, project_id);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 1 of 9 (CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx O…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0009 stopped at step 1 of 9 (CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx O…): ' || failure || '; no step of it was applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0009; recorded in schema_pkg.history; run this file again to resume at step 1';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 2 of 9: DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_key
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 2) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0009 step 2 of 9 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_key) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'downgrade', '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 2, 'DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_key')
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
DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_key;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 2 of 9 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_key) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0009 stopped at step 2 of 9 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_key): ' || failure || '; step 1 stays applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0009; recorded in schema_pkg.history; run this file again to resume at step 2';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 3 of 9: ALTER TABLE project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 3) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0009 step 3 of 9 (ALTER TABLE project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'downgrade', '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 3, 'ALTER TABLE project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …')
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
-- The constraint is re-added by this same statement, with its new action.
ALTER TABLE project_features
  -- squawk-ignore ban-drop-constraint
  DROP CONSTRAINT IF EXISTS project_features_project_id_fkey,
  ADD CONSTRAINT project_features_project_id_fkey
    FOREIGN KEY (project_id) REFERENCES projects (id) NOT VALID;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 3 of 9 (ALTER TABLE project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0009 stopped at step 3 of 9 (ALTER TABLE project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …): ' || failure || '; steps 1-2 stay applied; the failed statement changed nothing; alembic_version still says 0009; recorded in schema_pkg.history; run this file again to resume at step 3';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 4 of 9: ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 4) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0009 step 4 of 9 (ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'downgrade', '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 4, 'ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey')
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
ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 4 of 9 (ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0009 stopped at step 4 of 9 (ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey): ' || failure || '; steps 1-3 stay applied; the failed statement changed nothing; alembic_version still says 0009; recorded in schema_pkg.history; run this file again to resume at step 4';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 5 of 9: ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 5) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0009 step 5 of 9 (ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'downgrade', '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 5, 'ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…')
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
-- The constraint is re-added by this same statement, with its new action.
ALTER TABLE project_tech_stack
  -- squawk-ignore ban-drop-constraint
  DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fkey,
  ADD CONSTRAINT project_tech_stack_project_id_fkey
    FOREIGN KEY (project_id) REFERENCES projects (id) NOT VALID;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 5 of 9 (ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0009 stopped at step 5 of 9 (ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…): ' || failure || '; steps 1-4 stay applied; the failed statement changed nothing; alembic_version still says 0009; recorded in schema_pkg.history; run this file again to resume at step 5';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 6 of 9: ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 6) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0009 step 6 of 9 (ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'downgrade', '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 6, 'ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey')
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
ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 6 of 9 (ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0009 stopped at step 6 of 9 (ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey): ' || failure || '; steps 1-5 stay applied; the failed statement changed nothing; alembic_version still says 0009; recorded in schema_pkg.history; run this file again to resume at step 6';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 7 of 9: ALTER TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 7) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0009 step 7 of 9 (ALTER TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'downgrade', '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 7, 'ALTER TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…')
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
-- The constraint is re-added by this same statement, with its new action.
ALTER TABLE user_project_preferences
  -- squawk-ignore ban-drop-constraint
  DROP CONSTRAINT IF EXISTS user_project_preferences_project_id_fkey,
  ADD CONSTRAINT user_project_preferences_project_id_fkey
    FOREIGN KEY (project_id) REFERENCES projects (id) NOT VALID;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 7 of 9 (ALTER TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0009 stopped at step 7 of 9 (ALTER TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…): ' || failure || '; steps 1-6 stay applied; the failed statement changed nothing; alembic_version still says 0009; recorded in schema_pkg.history; run this file again to resume at step 7';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 8 of 9: ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 8) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0009 step 8 of 9 (ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'downgrade', '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 8, 'ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…')
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
ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project_id_fkey;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 8 of 9 (ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0009 stopped at step 8 of 9 (ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…): ' || failure || '; steps 1-7 stay applied; the failed statement changed nothing; alembic_version still says 0009; recorded in schema_pkg.history; run this file again to resume at step 8';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 9 of 9: a transaction of 11 statement(s) starting DROP TRIGGER soc_user_roles_keep_an_owner ON soc_…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'downgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 9) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: downgrade 0009 step 9 of 9 (a transaction of 11 statement(s) starting DROP TRIGGER soc_user_roles_keep_an_owner ON soc_…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'downgrade', '476080229f5e6f1e2868311f4454377156e07ac499c378487c8c13d693d86ca7', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.downgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 9, 'a transaction of 11 statement(s) starting DROP TRIGGER soc_user_roles_keep_an_owner ON soc_…')
  RETURNING id INTO attempt;
  PERFORM set_config('schema_pkg.step_attempt', attempt::text, false);
END
$step$;
\set ON_ERROR_STOP off
\set schema_pkg_verbosity :VERBOSITY
\set schema_pkg_show_context :SHOW_CONTEXT
\set VERBOSITY default
\set SHOW_CONTEXT never
BEGIN;
\if :ERROR
\else
-- Leaving a team -------------------------------------------------------------

DROP TRIGGER soc_user_roles_keep_an_owner ON soc_user_roles;
\endif
\if :ERROR
\else
DROP FUNCTION private.soc_user_roles_keep_an_owner();
\endif
\if :ERROR
\else
DROP POLICY "Members can leave; team admins can revoke roles of others" ON soc_user_roles;
\endif
\if :ERROR
\else
CREATE POLICY "Team admins can revoke roles of others"
ON soc_user_roles FOR DELETE TO authenticated
USING (
  user_id <> (select auth.uid())
  AND private.has_soc_team_role(team_id, CASE WHEN role = 'owner' THEN '{owner}'::soc_role[] ELSE '{admin,owner}'::soc_role[] END)
);
\endif
\if :ERROR
\else
-- Preferences: 0006's policies ------------------------------------------------

ALTER POLICY "Users can insert own preferences" ON user_project_preferences
WITH CHECK ((select auth.uid()) = user_id);
\endif
\if :ERROR
\else
ALTER POLICY "Users can update own preferences" ON user_project_preferences
USING ((select auth.uid()) = user_id)
WITH CHECK ((select auth.uid()) = user_id);
\endif
\if :ERROR
\else
-- Membership lookups: 0007's grants ------------------------------------------

DROP FUNCTION public.current_user_has_soc_role(public.soc_role);
\endif
\if :ERROR
\else
DROP FUNCTION public.current_user_team_id();
\endif
\if :ERROR
\else
GRANT EXECUTE ON FUNCTION get_user_team_id(uuid) TO authenticated;
\endif
\if :ERROR
\else
GRANT EXECUTE ON FUNCTION has_soc_role(soc_role, uuid) TO authenticated;
\endif
\if :ERROR
\else
-- Table privileges: back to ALL where an API role holds the rest of ALL ------

DO $restore$
DECLARE
  api_role text;
  tbl regclass;
  ungoverned text := CASE WHEN current_setting('server_version_num')::int >= 170000
                          THEN 'TRUNCATE, TRIGGER, REFERENCES, MAINTAIN'
                          ELSE 'TRUNCATE, TRIGGER, REFERENCES' END;
BEGIN
  FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    FOR tbl IN
      SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        AND (SELECT count(DISTINCT a.privilege_type) FROM aclexplode(c.relacl) a
             WHERE a.grantee = to_regrole(api_role)
               AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')) = 4
    LOOP
      EXECUTE format('GRANT %s ON %s TO %I', ungoverned, tbl, api_role);
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_default_acl d, aclexplode(d.defaclacl) a
               WHERE d.defaclrole = current_user::regrole
                 AND d.defaclnamespace = 'public'::regnamespace AND d.defaclobjtype = 'r'
                 AND a.grantee = to_regrole(api_role) AND a.privilege_type = 'SELECT') THEN
      EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT %s ON TABLES TO %I',
                     ungoverned, api_role);
    END IF;
  END LOOP;
END
$restore$;
\endif
\if :ERROR
\else
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
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
  UPDATE schema_pkg.history SET status = 'failed', error = failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 9 of 9 (a transaction of 11 statement(s) starting DROP TRIGGER soc_user_roles_keep_an_owner ON soc_…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0009 stopped at step 9 of 9 (a transaction of 11 statement(s) starting DROP TRIGGER soc_user_roles_keep_an_owner ON soc_…): ' || failure || '; steps 1-8 stay applied; its transaction rolled back; alembic_version still says 0009; recorded in schema_pkg.history; run this file again to resume at step 9';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
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
UPDATE alembic_version SET version_num='0008' WHERE alembic_version.version_num = '0009';
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
  IF NOT found = ANY (ARRAY['0008']) THEN
    RAISE EXCEPTION 'schema_pkg: after %, alembic_version should hold exactly % but holds %', 'downgrade 0009', '0008', found;
  END IF;
END $$;
\endif

\if :ERROR
\else
DO $$
DECLARE
  bad text;
BEGIN
  SELECT string_agg(i.indexrelid::regclass::text, ', ') INTO bad
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE NOT i.indisvalid AND n.nspname IN ('public', 'private')
     AND c.relname IN ('user_project_preferences_user_id_project_id_idx');
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'schema_pkg: INVALID indexes remain: %; rerun this step', bad;
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
         AND c.relname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', 'add', 'admin', 'admins', 'alter', 'and', 'auth', 'authenticated', 'begin', 'can', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'delete', 'drop', 'else', 'end', 'execute', 'exists', 'for', 'foreign', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'id', 'if', 'index', 'insert', 'key', 'leave', 'members', 'not', 'of', 'on', 'others', 'own', 'owner', 'policy', 'preferences', 'private', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'references', 'revoke', 'role', 'roles', 'select', 'soc_role', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'table', 'team', 'team_id', 'then', 'to', 'trigger', 'uid', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'with']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', 'add', 'admin', 'admins', 'alter', 'and', 'auth', 'authenticated', 'begin', 'can', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'delete', 'drop', 'else', 'end', 'execute', 'exists', 'for', 'foreign', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'id', 'if', 'index', 'insert', 'key', 'leave', 'members', 'not', 'of', 'on', 'others', 'own', 'owner', 'policy', 'preferences', 'private', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'references', 'revoke', 'role', 'roles', 'select', 'soc_role', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'table', 'team', 'team_id', 'then', 'to', 'trigger', 'uid', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'with']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', 'add', 'admin', 'admins', 'alter', 'and', 'auth', 'authenticated', 'begin', 'can', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'delete', 'drop', 'else', 'end', 'execute', 'exists', 'for', 'foreign', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'id', 'if', 'index', 'insert', 'key', 'leave', 'members', 'not', 'of', 'on', 'others', 'own', 'owner', 'policy', 'preferences', 'private', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'references', 'revoke', 'role', 'roles', 'select', 'soc_role', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'table', 'team', 'team_id', 'then', 'to', 'trigger', 'uid', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'with']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', 'add', 'admin', 'admins', 'alter', 'and', 'auth', 'authenticated', 'begin', 'can', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'delete', 'drop', 'else', 'end', 'execute', 'exists', 'for', 'foreign', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'id', 'if', 'index', 'insert', 'key', 'leave', 'members', 'not', 'of', 'on', 'others', 'own', 'owner', 'policy', 'preferences', 'private', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'references', 'revoke', 'role', 'roles', 'select', 'soc_role', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'table', 'team', 'team_id', 'then', 'to', 'trigger', 'uid', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'with']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', 'add', 'admin', 'admins', 'alter', 'and', 'auth', 'authenticated', 'begin', 'can', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'delete', 'drop', 'else', 'end', 'execute', 'exists', 'for', 'foreign', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'id', 'if', 'index', 'insert', 'key', 'leave', 'members', 'not', 'of', 'on', 'others', 'own', 'owner', 'policy', 'preferences', 'private', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'references', 'revoke', 'role', 'roles', 'select', 'soc_role', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'table', 'team', 'team_id', 'then', 'to', 'trigger', 'uid', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'with']::text[])
      UNION ALL SELECT 'privilege function ' || p.oid::regprocedure::text || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('public.get_user_team_id(uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.has_soc_role(soc_role, uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_proc p ON p.oid = to_regprocedure(w.object)
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'recording the revision failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: downgrade 0009 failed while recording it: ' || failure || '; all 9 of its steps stay applied, alembic_version still says 0009; recorded in schema_pkg.history; run this file again: it skips the steps and records the revision';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context

UPDATE schema_pkg.migration_lock
   SET holder_pid = NULL, holder_backend_start = NULL, holder_application = NULL,
       acquired_at = NULL
 WHERE holder_pid = pg_backend_pid();

