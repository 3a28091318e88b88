-- schema_pkg revision 0009 (upgrade)
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
--   public.user_project_preferences: ACCESS EXCLUSIVE until commit, blocks reads and writes
--   CONCURRENTLY builds: user_project_preferences_user_id_project_id_key
--   Reversible: yes
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
-- If it stops: its 9 steps commit one by one (1. a transaction of 20 statement(s)
-- starting DO $duplicates$; 2. ALTER TABLE project_features DROP CONSTRAINT IF EXISTS
-- project_features_project_id_fkey, …; 3. ALTER TABLE project_features VALIDATE
-- CONSTRAINT project_features_project_id_fkey; 4. ALTER TABLE project_tech_stack DROP
-- CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…; 5. ALTER TABLE
-- project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey; 6. ALTER
-- TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…;
-- 7. ALTER TABLE user_project_preferences VALIDATE CONSTRAINT
-- user_project_preferences_project…; 8. CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS
-- user_project_preferences_user_id_project_i…; 9. DROP INDEX CONCURRENTLY IF EXISTS
-- user_project_preferences_user_id_project_id_idx), then one transaction records the
-- revision. A failure leaves the steps before the failed one applied and alembic_version
-- where it was; the failed step itself changes nothing, except that a failed CREATE
-- INDEX CONCURRENTLY leaves its index INVALID (a unique one rejects duplicate writes
-- meanwhile) and a failed DROP INDEX CONCURRENTLY can leave its index INVALID. The error
-- goes into the step's row of schema_pkg.history, and the file stops with one line
-- saying which steps are applied.  Run it again: the rerun says first what an earlier
-- attempt left, skips each step that attempt completed and resumes at the first
-- unfinished one.
-- A CONCURRENTLY build that fails leaves an INVALID index (a unique one already rejects
-- duplicate writes); the rerun drops it before building again.
-- Needs:
--   * ownership of the objects it changes (connect as the role that ran the earlier
--     revisions)
--   * CREATE on the database the first time (schema schema_pkg: the migration lock and
--     the deployment record)
--   * to be the role whose default privileges it changes (the one that creates the
--     tables)
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

DO $record$
DECLARE
  found text := 'base';
  finding record;
  problems text[] := '{}';
BEGIN
  IF to_regclass('schema_pkg.history') IS NULL THEN
    RETURN;
  END IF;
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
  FOR finding IN WITH package (position, revision, want) AS (VALUES
    (1, '0001', '{}'::jsonb),
    (2, '0002', '{"type public.project_category":"1bc6d717ce15c8996d3fd92d9fd21dfc","type public.project_status":"e25b7ef82c33aabdcf032b2121c3380a","type public.soc_role":"3999282b791d53021846ef2e9fa33737"}'::jsonb),
    (3, '0003', '{"table public.mezan_workflows":"6072397d3a1a365425dc14b64bc6d8af","table public.optilibria_runs":"d9f4ec3fde97159fed0f71ff5bc89e17","table public.profiles":"da8faab04cd7ba24bb7b7bc643a98be1","table public.project_features":"7f10d4178535351eea6762e7e2f152a7","table public.project_tech_stack":"66ed6dd2d44893c898516bbe0eb3efd4","table public.projects":"1942d8ade0b9e2e1d3bd2dcb15fb6aa7","table public.qmlab_experiments":"36d0c70a134b6554ffbf85d9206970c5","table public.simcore_simulations":"f3fe20c585777b5aa25ab562593f6bb2","table public.soc_teams":"e6b67f3bf07c0980dfadf838ecd3b9c1","table public.soc_user_roles":"fb67652b67387236567546242e632436","table public.talai_experiments":"6f37494655389a3112d4557d2dfe4e54","table public.user_project_preferences":"7a072b36ccb28709a957d1906850f29c","type public.project_category":"1bc6d717ce15c8996d3fd92d9fd21dfc","type public.project_status":"e25b7ef82c33aabdcf032b2121c3380a","type public.soc_role":"3999282b791d53021846ef2e9fa33737"}'::jsonb),
    (4, '0004', '{"policy public.mezan_workflows.Users can delete own data":"b2a6d7dbbe070ce01d01de3d42ab73af","policy public.mezan_workflows.Users can insert own data":"8c9363c2b29d6ca7993104bb376a51e6","policy public.mezan_workflows.Users can update own data":"b4c01d876da5e24e5bc5be69f408bc96","policy public.mezan_workflows.Users can view own data":"7fdd9a37a0ca9400065f12acb0d3fbee","policy public.optilibria_runs.Users can delete own data":"b2a6d7dbbe070ce01d01de3d42ab73af","policy public.optilibria_runs.Users can insert own data":"8c9363c2b29d6ca7993104bb376a51e6","policy public.optilibria_runs.Users can update own data":"b4c01d876da5e24e5bc5be69f408bc96","policy public.optilibria_runs.Users can view own data":"7fdd9a37a0ca9400065f12acb0d3fbee","policy public.projects.Anyone can view public projects":"ed53809c8eb91ba7982d02f6f172e9f3","policy public.projects.Owners can manage projects":"f1f44566aaf634764959f4554d34f344","policy public.qmlab_experiments.Users can delete own data":"b2a6d7dbbe070ce01d01de3d42ab73af","policy public.qmlab_experiments.Users can insert own data":"8c9363c2b29d6ca7993104bb376a51e6","policy public.qmlab_experiments.Users can update own data":"b4c01d876da5e24e5bc5be69f408bc96","policy public.qmlab_experiments.Users can view own data":"7fdd9a37a0ca9400065f12acb0d3fbee","policy public.simcore_simulations.Users can delete own data":"b2a6d7dbbe070ce01d01de3d42ab73af","policy public.simcore_simulations.Users can insert own data":"8c9363c2b29d6ca7993104bb376a51e6","policy public.simcore_simulations.Users can update own data":"b4c01d876da5e24e5bc5be69f408bc96","policy public.simcore_simulations.Users can view own data":"7fdd9a37a0ca9400065f12acb0d3fbee","policy public.talai_experiments.Users can delete own data":"b2a6d7dbbe070ce01d01de3d42ab73af","policy public.talai_experiments.Users can insert own data":"8c9363c2b29d6ca7993104bb376a51e6","policy public.talai_experiments.Users can update own data":"b4c01d876da5e24e5bc5be69f408bc96","policy public.talai_experiments.Users can view own data":"7fdd9a37a0ca9400065f12acb0d3fbee","table public.mezan_workflows":"56c210dbc582b8a11c784188a8f5d7f2","table public.optilibria_runs":"6f91be7ee86339c3a3ea3bc33bf0e9da","table public.projects":"7367e2505c29ab91621be6fa18856fd0","table public.qmlab_experiments":"81155654a0cea88ca0a133d9526f7f8b","table public.simcore_simulations":"0656b27fb69c4c8f42364566abc50565","table public.talai_experiments":"d085b0b48f2da28776af41ade96b555b"}'::jsonb),
    (5, '0005', '{"function public.get_user_team_id(_user_id uuid)":"1ecc4c4eeb7971c313709009f4228828","function public.has_soc_role(_role soc_role, _user_id uuid)":"14fb310e4c51960c5aeb38c60fe4e133","table public.soc_user_roles":"fb67652b67387236567546242e632436","type public.soc_role":"3999282b791d53021846ef2e9fa33737"}'::jsonb),
    (6, '0006', '{"function private.has_soc_team_role(_team_id uuid, _roles soc_role[])":"a69ff51ab657d1a5f35d2da0653d6478","function private.is_soc_team_member(_team_id uuid)":"8be9f6f5d216f92a0f3ae2d51f90d494","policy public.profiles.Users can create own profile":"b737506810aad62ec9d3d0e84e5e3c21","policy public.profiles.Users can update own profile":"ec99123e6a54418281448263c5522dc7","policy public.profiles.Users can view own profile":"f268da559c8b3ab0ce70abcb4be16c4f","policy public.project_features.Features visible with the project":"01394fe938c3fc4337a0515d897be8c1","policy public.project_features.Project owners can add features":"b69fe30ed7c5c41eae7ff72b0c7adcb3","policy public.project_features.Project owners can delete features":"6b0314bceba9c1447554464cb87173b1","policy public.project_features.Project owners can update features":"a30b223eeae8a9b9b33871130950dbdf","policy public.project_tech_stack.Project owners can add tech stack":"726af59943f7a4ff64780bde1a8e4661","policy public.project_tech_stack.Project owners can delete tech stack":"4f039bc98afa3821c87811f3f2b65a22","policy public.project_tech_stack.Project owners can update tech stack":"c94c746ddf7fd7905894eff3c9fcdc8a","policy public.project_tech_stack.Tech stack visible with the project":"9db3314dd750c773607f97d60d3534d8","policy public.soc_teams.Team admins can update their teams":"67159c40765ee35528af45612605b51b","policy public.soc_teams.Team members can view their teams":"c7851a54f48173597e702ccdfe2cb3b4","policy public.soc_user_roles.Team admins can change roles of others":"14fa775c96e7369914e166d20e21c77b","policy public.soc_user_roles.Team admins can grant roles to others":"66ec9ef3b15c2bf6db2700039c5f983f","policy public.soc_user_roles.Team admins can revoke roles of others":"11411482e51b5e72d9edcaeb178a2bbf","policy public.soc_user_roles.Team members can view team roles":"b07130c713bf00d0df96a011ee459230","policy public.user_project_preferences.Users can delete own preferences":"86dfd2042967c4aaff606167ac2736e3","policy public.user_project_preferences.Users can insert own preferences":"5a32c20f4ced8ae2a9cee3802c6eab14","policy public.user_project_preferences.Users can update own preferences":"6ef202da00072f91d69ced2024f7e7fb","policy public.user_project_preferences.Users can view own preferences":"efa4c8d4ec0d74aad4bf9f0cce4eebb8","privilege columns public.alembic_version anon INSERT":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.alembic_version anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.alembic_version anon SELECT":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.alembic_version anon UPDATE":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.alembic_version authenticated INSERT":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.alembic_version authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.alembic_version authenticated SELECT":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.alembic_version authenticated UPDATE":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege function private.has_soc_team_role(uuid,soc_role[]) anon EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function private.has_soc_team_role(uuid,soc_role[]) authenticated EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function private.has_soc_team_role(uuid,soc_role[]) public EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function private.has_soc_team_role(uuid,soc_role[]) service_role EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function private.is_soc_team_member(uuid) anon EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function private.is_soc_team_member(uuid) authenticated EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function private.is_soc_team_member(uuid) public EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function private.is_soc_team_member(uuid) service_role EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege schema private authenticated USAGE":"fc00fa278c75792efc28397308b9ad6e","privilege schema private service_role USAGE":"fc00fa278c75792efc28397308b9ad6e","privilege table public.alembic_version anon DELETE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version anon INSERT":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version anon SELECT":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version anon UPDATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version authenticated DELETE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version authenticated INSERT":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version authenticated SELECT":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version authenticated UPDATE":"e5671794bf87ebab2a0d5e0ded530e68","table public.alembic_version":"037adce13ca5bf07428cd7f9d3fa9b98","table public.profiles":"8310915454a5452dc3654f6dace4134d","table public.project_features":"960242fceb8a24aada5da6f6e6e40430","table public.project_tech_stack":"1bb512f1ab8df3d38ac3cec64cb4f26b","table public.projects":"7367e2505c29ab91621be6fa18856fd0","table public.soc_teams":"ceffc2d855e2d907223dd74122f4c41b","table public.soc_user_roles":"c5d7e1acb3d4bcbf5e1ae9c8a1e9b179","table public.user_project_preferences":"04680fbecaf673f1c7924ec76de4d540","type public.soc_role":"3999282b791d53021846ef2e9fa33737"}'::jsonb),
    (7, '0007', '{"function public.get_user_team_id(_user_id uuid)":"0f9ebb41aece7151cab267f772ab9269","function public.has_soc_role(_role soc_role, _user_id uuid)":"96f1121e43d033d3ea3b6b7bf3aefb1a","privilege function get_user_team_id(uuid) anon EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function get_user_team_id(uuid) authenticated EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function get_user_team_id(uuid) public EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function get_user_team_id(uuid) service_role EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function has_soc_role(soc_role,uuid) anon EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function has_soc_role(soc_role,uuid) authenticated EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function has_soc_role(soc_role,uuid) public EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function has_soc_role(soc_role,uuid) service_role EXECUTE":"fc00fa278c75792efc28397308b9ad6e","type public.soc_role":"3999282b791d53021846ef2e9fa33737"}'::jsonb),
    (8, '0008', '{"index public.mezan_workflows_user_id_created_at_idx":"afaba366410c75a4d76137826b6259b1","index public.optilibria_runs_user_id_created_at_idx":"ceac7ab2b4569b62311ebe9d09435898","index public.project_features_project_id_idx":"7a96b0ccd598de669602c72f069f1739","index public.project_tech_stack_project_id_idx":"36adf61151972bc1c6d73a7a4ba4f112","index public.projects_is_public_idx":"b3e9073a0f7ed7131b682a7e3636be62","index public.projects_owner_id_idx":"42b180529b6db126b480988ba1111723","index public.qmlab_experiments_user_id_created_at_idx":"e08defcd34692e6aa03d950498a20830","index public.simcore_simulations_user_id_created_at_idx":"406da319b237328bad062a29800e62f5","index public.soc_user_roles_team_id_idx":"c70ffecb6cbed19f3ac9f7b74d249494","index public.soc_user_roles_user_id_role_idx":"5118a3cd10d00ce73027011e6e8e9f75","index public.talai_experiments_user_id_created_at_idx":"1b08a111cbdff7990928ff31b1c32c51","index public.user_project_preferences_project_id_idx":"28386a89036ca6ae680f91cd2448e74d","index public.user_project_preferences_user_id_project_id_idx":"77fcf4f51a42bb3828d5bc57c48b1f63","table public.mezan_workflows":"56c210dbc582b8a11c784188a8f5d7f2","table public.optilibria_runs":"6f91be7ee86339c3a3ea3bc33bf0e9da","table public.project_features":"960242fceb8a24aada5da6f6e6e40430","table public.project_tech_stack":"1bb512f1ab8df3d38ac3cec64cb4f26b","table public.projects":"7367e2505c29ab91621be6fa18856fd0","table public.qmlab_experiments":"81155654a0cea88ca0a133d9526f7f8b","table public.simcore_simulations":"0656b27fb69c4c8f42364566abc50565","table public.soc_user_roles":"c5d7e1acb3d4bcbf5e1ae9c8a1e9b179","table public.talai_experiments":"d085b0b48f2da28776af41ade96b555b","table public.user_project_preferences":"04680fbecaf673f1c7924ec76de4d540"}'::jsonb)),
  latest AS (
    SELECT DISTINCT ON (h.revision) h.revision, to_jsonb(h) AS row
      FROM schema_pkg.history AS h
     WHERE h.direction = 'upgrade' AND coalesce(to_jsonb(h) ->> 'status', 'completed') = 'completed'
       AND to_jsonb(h) ->> 'step' IS NULL  -- the revision's own row, not one of its steps
     ORDER BY h.revision, h.id DESC),
  applied AS (
    SELECT p.position, p.revision, p.want, l.row ->> 'mode' AS mode,
           nullif(l.row -> 'fingerprint', 'null'::jsonb) AS got,
           coalesce((l.row ->> 'fingerprint_format')::int, 1) AS recorded_format
      FROM package AS p JOIN latest AS l ON l.revision = p.revision
     WHERE p.want IS NOT NULL
       AND p.position <= (SELECT q.position FROM package AS q WHERE q.revision = found))
SELECT got IS NOT NULL AND recorded_format = 2 AS problem,
       CASE WHEN got IS NULL THEN format('revision %s: recorded without a fingerprint (%s, '
                 'before fingerprints existed or stamped); not checked', revision, mode)
            WHEN recorded_format <> 2 THEN format('revision %s: recorded in fingerprint '
                 'format %s%s, this package computes format 2; accepted, not compared',
                 revision, recorded_format, CASE WHEN recorded_format = 1
                 THEN ' (before formats were numbered)' ELSE '' END)
            ELSE format('revision %s ran with a different effect than the packaged one on: %s',
                 revision, (SELECT string_agg(k, '; ' ORDER BY k COLLATE "C")
                              FROM (SELECT jsonb_object_keys(got)
                                    UNION SELECT jsonb_object_keys(want)) AS keys (k)
                             WHERE got -> k IS DISTINCT FROM want -> k))
       END AS line
  FROM applied
 WHERE got IS NULL OR recorded_format <> 2 OR got <> want
 ORDER BY position
  LOOP
    IF finding.problem THEN
      problems := problems || finding.line;
    ELSE
      RAISE NOTICE 'schema_pkg: note: %', finding.line;
    END IF;
  END LOOP;
  IF cardinality(problems) = 0 THEN
    RETURN;
  END IF;
  IF coalesce(current_setting('schema_pkg.accept_record', true), '') = 'on' THEN
    RAISE NOTICE 'schema_pkg: the deployment record does not match the package (accepted: '
      'schema_pkg.accept_record is on): %', array_to_string(problems, ' | ');
    RETURN;
  END IF;
  RAISE EXCEPTION '%', format('schema_pkg: the deployment record does not match the package: '
    '%s%s; nothing was changed; see schema-pkg verify, or run anyway with schema-pkg upgrade --accept-record, or psql -v accept_record=on',
    problems[1], CASE WHEN cardinality(problems) > 1
                      THEN format(' (and %s more)', cardinality(problems) - 1) ELSE '' END);
END
$record$;

BEGIN;

-- Running upgrade 0008 -> 0009

DO $$
DECLARE
  found text := 'base';
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
  IF NOT found = ANY (ARRAY['0008']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'upgrade 0009', '0008', found;
  END IF;
END $$;

SELECT set_config('schema_pkg.started_at', clock_timestamp()::text, false);

DO $unfinished$
DECLARE
  earlier record;
  state text;
BEGIN
  SELECT h.mode, h.started_at, h.error INTO earlier FROM schema_pkg.history AS h
   WHERE h.revision = '0009' AND direction = 'upgrade' AND h.step IS NULL AND h.status IN ('started', 'failed')
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
         AND c.relname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', '_role', 'add', 'admin', 'admins', 'after', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'auth', 'authenticated', 'be', 'begin', 'boolean', 'by', 'can', 'cascade', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'created_at', 'current_user_has_soc_role', 'current_user_team_id', 'default', 'definer', 'delete', 'deletes', 'drop', 'each', 'else', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'foreign', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'in', 'index', 'insert', 'invoker', 'key', 'language', 'leave', 'left', 'limit', 'make', 'member', 'members', 'no', 'not', 'null', 'of', 'old', 'on', 'or', 'order', 'others', 'own', 'owner', 'p', 'perform', 'plpgsql', 'policy', 'preferences', 'private', 'privileges', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'r', 'raise', 'references', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'roles', 'row', 'row_security_active', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'sql', 'stable', 't', 'table', 'tables', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'truncate', 'uid', 'unique', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'where', 'whole', 'with', 'without', 'would']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', '_role', 'add', 'admin', 'admins', 'after', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'auth', 'authenticated', 'be', 'begin', 'boolean', 'by', 'can', 'cascade', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'created_at', 'current_user_has_soc_role', 'current_user_team_id', 'default', 'definer', 'delete', 'deletes', 'drop', 'each', 'else', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'foreign', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'in', 'index', 'insert', 'invoker', 'key', 'language', 'leave', 'left', 'limit', 'make', 'member', 'members', 'no', 'not', 'null', 'of', 'old', 'on', 'or', 'order', 'others', 'own', 'owner', 'p', 'perform', 'plpgsql', 'policy', 'preferences', 'private', 'privileges', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'r', 'raise', 'references', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'roles', 'row', 'row_security_active', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'sql', 'stable', 't', 'table', 'tables', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'truncate', 'uid', 'unique', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'where', 'whole', 'with', 'without', 'would']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', '_role', 'add', 'admin', 'admins', 'after', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'auth', 'authenticated', 'be', 'begin', 'boolean', 'by', 'can', 'cascade', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'created_at', 'current_user_has_soc_role', 'current_user_team_id', 'default', 'definer', 'delete', 'deletes', 'drop', 'each', 'else', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'foreign', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'in', 'index', 'insert', 'invoker', 'key', 'language', 'leave', 'left', 'limit', 'make', 'member', 'members', 'no', 'not', 'null', 'of', 'old', 'on', 'or', 'order', 'others', 'own', 'owner', 'p', 'perform', 'plpgsql', 'policy', 'preferences', 'private', 'privileges', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'r', 'raise', 'references', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'roles', 'row', 'row_security_active', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'sql', 'stable', 't', 'table', 'tables', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'truncate', 'uid', 'unique', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'where', 'whole', 'with', 'without', 'would']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', '_role', 'add', 'admin', 'admins', 'after', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'auth', 'authenticated', 'be', 'begin', 'boolean', 'by', 'can', 'cascade', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'created_at', 'current_user_has_soc_role', 'current_user_team_id', 'default', 'definer', 'delete', 'deletes', 'drop', 'each', 'else', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'foreign', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'in', 'index', 'insert', 'invoker', 'key', 'language', 'leave', 'left', 'limit', 'make', 'member', 'members', 'no', 'not', 'null', 'of', 'old', 'on', 'or', 'order', 'others', 'own', 'owner', 'p', 'perform', 'plpgsql', 'policy', 'preferences', 'private', 'privileges', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'r', 'raise', 'references', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'roles', 'row', 'row_security_active', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'sql', 'stable', 't', 'table', 'tables', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'truncate', 'uid', 'unique', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'where', 'whole', 'with', 'without', 'would']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', '_role', 'add', 'admin', 'admins', 'after', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'auth', 'authenticated', 'be', 'begin', 'boolean', 'by', 'can', 'cascade', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'created_at', 'current_user_has_soc_role', 'current_user_team_id', 'default', 'definer', 'delete', 'deletes', 'drop', 'each', 'else', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'foreign', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'in', 'index', 'insert', 'invoker', 'key', 'language', 'leave', 'left', 'limit', 'make', 'member', 'members', 'no', 'not', 'null', 'of', 'old', 'on', 'or', 'order', 'others', 'own', 'owner', 'p', 'perform', 'plpgsql', 'policy', 'preferences', 'private', 'privileges', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'r', 'raise', 'references', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'roles', 'row', 'row_security_active', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'sql', 'stable', 't', 'table', 'tables', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'truncate', 'uid', 'unique', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'where', 'whole', 'with', 'without', 'would']::text[])
      UNION ALL SELECT 'privilege function ' || p.oid::regprocedure::text || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('public.get_user_team_id(uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.has_soc_role(soc_role, uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('private.soc_user_roles_keep_an_owner()', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('private.soc_user_roles_keep_an_owner()', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('private.soc_user_roles_keep_an_owner()', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_proc p ON p.oid = to_regprocedure(w.object)
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege table ' || n.nspname || '.' || c.relname || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('public.TABLES', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.TABLES', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.TABLES', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.TABLES', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.TABLES', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.TABLES', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_class c ON c.oid = to_regclass(w.object)
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege table ' || n.nspname || '.' || c.relname || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('public', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_namespace n ON n.nspname = w.object
        JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p')
         AND c.relname = ANY (ARRAY['alembic_version', 'mezan_workflows', 'optilibria_runs', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'qmlab_experiments', 'simcore_simulations', 'soc_teams', 'soc_user_roles', 'talai_experiments', 'user_project_preferences'])
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege columns ' || n.nspname || '.' || c.relname || w.label,
             coalesce((SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND EXISTS (SELECT 1 FROM aclexplode(a.attacl) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege)), 'none')
        FROM (VALUES ('public.TABLES', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.TABLES', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'))
          AS w(object, label, grantee, privilege)
        JOIN pg_class c ON c.oid = to_regclass(w.object)
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege columns ' || n.nspname || '.' || c.relname || w.label,
             coalesce((SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND EXISTS (SELECT 1 FROM aclexplode(a.attacl) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege)), 'none')
        FROM (VALUES ('public', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'))
          AS w(object, label, grantee, privilege)
        JOIN pg_namespace n ON n.nspname = w.object
        JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p')
         AND c.relname = ANY (ARRAY['alembic_version', 'mezan_workflows', 'optilibria_runs', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'qmlab_experiments', 'simcore_simulations', 'soc_teams', 'soc_user_roles', 'talai_experiments', 'user_project_preferences'])
       WHERE w.grantee IS NOT NULL
    ) AS object) AS live,
                  '{"function private.has_soc_team_role(_team_id uuid, _roles soc_role[])": "a69ff51ab657d1a5f35d2da0653d6478", "function private.soc_user_roles_keep_an_owner()": "9f7b52096467aed7c8b69bf910300775", "function public.current_user_has_soc_role(_role soc_role)": "5ede3733220287d520dc29effc32e991", "function public.current_user_team_id()": "d6fe46c3ffc5a15d2fed219458511faf", "function public.get_user_team_id(_user_id uuid)": "0f9ebb41aece7151cab267f772ab9269", "function public.has_soc_role(_role soc_role, _user_id uuid)": "96f1121e43d033d3ea3b6b7bf3aefb1a", "index public.user_project_preferences_user_id_project_id_key": "25ad05455476e479f7a8b452cbbe3d4d", "policy public.soc_user_roles.Members can leave; team admins can revoke roles of others": "f6e66ca77da00ba8ea302db780a2b6fb", "policy public.user_project_preferences.Users can insert own preferences": "2bcf26aef87900e4f6b4ba30e9d25fbc", "policy public.user_project_preferences.Users can update own preferences": "f7747e38c8b2c3a15068de1b975e89ce", "privilege columns public.alembic_version anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.alembic_version authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.mezan_workflows anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.mezan_workflows authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.optilibria_runs anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.optilibria_runs authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.profiles anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.profiles authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.project_features anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.project_features authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.project_tech_stack anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.project_tech_stack authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.projects anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.projects authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.qmlab_experiments anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.qmlab_experiments authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.simcore_simulations anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.simcore_simulations authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.soc_teams anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.soc_teams authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.soc_user_roles anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.soc_user_roles authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.talai_experiments anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.talai_experiments authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.user_project_preferences anon REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege columns public.user_project_preferences authenticated REFERENCES": "334c4a4c42fdb79d7ebc3e73b517e6f8", "privilege function current_user_has_soc_role(soc_role) anon EXECUTE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege function current_user_has_soc_role(soc_role) authenticated EXECUTE": "fc00fa278c75792efc28397308b9ad6e", "privilege function current_user_has_soc_role(soc_role) public EXECUTE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege function current_user_has_soc_role(soc_role) service_role EXECUTE": "fc00fa278c75792efc28397308b9ad6e", "privilege function current_user_team_id() anon EXECUTE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege function current_user_team_id() authenticated EXECUTE": "fc00fa278c75792efc28397308b9ad6e", "privilege function current_user_team_id() public EXECUTE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege function current_user_team_id() service_role EXECUTE": "fc00fa278c75792efc28397308b9ad6e", "privilege function get_user_team_id(uuid) authenticated EXECUTE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege function has_soc_role(soc_role,uuid) authenticated EXECUTE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege function private.soc_user_roles_keep_an_owner() anon EXECUTE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege function private.soc_user_roles_keep_an_owner() authenticated EXECUTE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege function private.soc_user_roles_keep_an_owner() public EXECUTE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.alembic_version anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.alembic_version anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.alembic_version anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.alembic_version authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.alembic_version authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.alembic_version authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.mezan_workflows anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.mezan_workflows anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.mezan_workflows anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.mezan_workflows authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.mezan_workflows authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.mezan_workflows authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.optilibria_runs anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.optilibria_runs anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.optilibria_runs anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.optilibria_runs authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.optilibria_runs authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.optilibria_runs authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.profiles anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.profiles anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.profiles anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.profiles authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.profiles authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.profiles authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_features anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_features anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_features anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_features authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_features authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_features authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_tech_stack anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_tech_stack anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_tech_stack anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_tech_stack authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_tech_stack authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.project_tech_stack authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.projects anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.projects anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.projects anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.projects authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.projects authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.projects authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.qmlab_experiments anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.qmlab_experiments anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.qmlab_experiments anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.qmlab_experiments authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.qmlab_experiments authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.qmlab_experiments authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.simcore_simulations anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.simcore_simulations anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.simcore_simulations anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.simcore_simulations authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.simcore_simulations authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.simcore_simulations authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_teams anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_teams anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_teams anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_teams authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_teams authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_teams authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_user_roles anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_user_roles anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_user_roles anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_user_roles authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_user_roles authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.soc_user_roles authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.talai_experiments anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.talai_experiments anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.talai_experiments anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.talai_experiments authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.talai_experiments authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.talai_experiments authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.user_project_preferences anon REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.user_project_preferences anon TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.user_project_preferences anon TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.user_project_preferences authenticated REFERENCES": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.user_project_preferences authenticated TRIGGER": "e5671794bf87ebab2a0d5e0ded530e68", "privilege table public.user_project_preferences authenticated TRUNCATE": "e5671794bf87ebab2a0d5e0ded530e68", "table public.project_features": "6929b35e5d7f795098b5c9e0ebb02651", "table public.project_tech_stack": "eac21fa545341448d48a67979d87f751", "table public.projects": "7367e2505c29ab91621be6fa18856fd0", "table public.soc_teams": "ceffc2d855e2d907223dd74122f4c41b", "table public.soc_user_roles": "c5d7e1acb3d4bcbf5e1ae9c8a1e9b179", "table public.user_project_preferences": "6f175ab195cadb522064116ff54e46b1", "type public.soc_role": "3999282b791d53021846ef2e9fa33737"}'::jsonb AS want),
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
   WHERE revision = '0009' AND direction = 'upgrade' AND status = 'started';
  RAISE NOTICE 'schema_pkg: an earlier run of % (%, started %) did not complete: %; %',
    'upgrade 0009', earlier.mode, to_char(earlier.started_at, 'YYYY-MM-DD HH24:MI:SS'),
    coalesce(earlier.error, 'the run stopped or its session ended'),
    coalesce('steps ' || (SELECT string_agg(step::text, ', ' ORDER BY step) FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c) || ' of 9 completed and stay applied; this run skips them and resumes at the first unfinished one', 'none of its 9 steps completed; this run starts at step 1') || coalesce('; now ' || state, '');
END
$unfinished$;

DO $start$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num)
  VALUES ('0009', 'upgrade', 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22', current_setting('schema_pkg.started_at')::timestamptz, 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint)
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
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 8) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 9) THEN
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
        current_setting('schema_pkg.concurrent_prewait'), stalling, coalesce('steps ' || (SELECT string_agg(step::text, ', ' ORDER BY step) FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c) || ' of 9 stay applied from an earlier run; nothing more of 0009 was applied', 'nothing of 0009 was applied'));
      UPDATE schema_pkg.history SET status = 'failed', error = reason, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
      COMMIT;
      RAISE EXCEPTION 'schema_pkg: %', reason;
    END IF;
    PERFORM pg_sleep(0.25);
  END LOOP;
END
$prewait$;


-- Step 1 of 9: a transaction of 20 statement(s) starting DO $duplicates$
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 1) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0009 step 1 of 9 (a transaction of 20 statement(s) starting DO $duplicates$) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'upgrade', 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 1, 'a transaction of 20 statement(s) starting DO $duplicates$')
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
-- Preferences must be unique per (user, project) before anything is applied --

DO $duplicates$
DECLARE
  pairs bigint;
BEGIN
  SELECT count(*) INTO pairs FROM (
    SELECT 1 FROM public.user_project_preferences
    GROUP BY user_id, project_id HAVING count(*) > 1
  ) AS duplicated;
  IF pairs > 0 THEN
    RAISE EXCEPTION 'user_project_preferences holds % duplicated (user_id, project_id) pairs; nothing was applied or deleted; list them with: SELECT user_id, project_id, count(*) FROM public.user_project_preferences GROUP BY user_id, project_id HAVING count(*) > 1', pairs;
  END IF;
END
$duplicates$;
\endif
\if :ERROR
\else
-- Table privileges: nothing RLS cannot govern -------------------------------

REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA public FROM anon, authenticated;
\endif
\if :ERROR
\else
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  REVOKE TRUNCATE, TRIGGER, REFERENCES ON TABLES FROM anon, authenticated;
\endif
\if :ERROR
\else
DO $maintain$
BEGIN
  -- MAINTAIN exists from PostgreSQL 17 on; EXECUTE keeps older parsers out of it.
  IF current_setting('server_version_num')::int >= 170000 THEN
    EXECUTE 'REVOKE MAINTAIN ON ALL TABLES IN SCHEMA public FROM anon, authenticated';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE MAINTAIN ON TABLES FROM anon, authenticated';
  END IF;
END
$maintain$;
\endif
\if :ERROR
\else
-- Membership lookups: only the service asks about other users ---------------

REVOKE EXECUTE ON FUNCTION get_user_team_id(uuid) FROM authenticated;
\endif
\if :ERROR
\else
REVOKE EXECUTE ON FUNCTION has_soc_role(soc_role, uuid) FROM authenticated;
\endif
\if :ERROR
\else
-- The caller's first team (oldest role first), or NULL.
CREATE OR REPLACE FUNCTION public.current_user_team_id()
RETURNS uuid
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT r.team_id FROM public.soc_user_roles r
  WHERE r.user_id = (SELECT auth.uid())
  ORDER BY r.created_at, r.team_id
  LIMIT 1;
$$;
\endif
\if :ERROR
\else
-- Does the caller hold this role in any team?
CREATE OR REPLACE FUNCTION public.current_user_has_soc_role(_role public.soc_role)
RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1 FROM public.soc_user_roles r
    WHERE r.user_id = (SELECT auth.uid()) AND r.role = _role
  );
$$;
\endif
\if :ERROR
\else
REVOKE EXECUTE ON FUNCTION public.current_user_team_id() FROM PUBLIC, anon;
\endif
\if :ERROR
\else
REVOKE EXECUTE ON FUNCTION public.current_user_has_soc_role(public.soc_role) FROM PUBLIC, anon;
\endif
\if :ERROR
\else
GRANT EXECUTE ON FUNCTION public.current_user_team_id() TO authenticated, service_role;
\endif
\if :ERROR
\else
GRANT EXECUTE ON FUNCTION public.current_user_has_soc_role(public.soc_role) TO authenticated, service_role;
\endif
\if :ERROR
\else
-- Preferences: only for projects the caller can see --------------------------
-- The EXISTS runs under the caller's own RLS on projects, as 0006 does for features.

ALTER POLICY "Users can insert own preferences" ON user_project_preferences
WITH CHECK ((select auth.uid()) = user_id AND EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id));
\endif
\if :ERROR
\else
ALTER POLICY "Users can update own preferences" ON user_project_preferences
USING ((select auth.uid()) = user_id)
WITH CHECK ((select auth.uid()) = user_id AND EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id));
\endif
\if :ERROR
\else
-- Leaving a team: your own role row, unless you are its last owner -----------

-- One DELETE policy, not two permissive ones: 0006's revoke rule, or your own row.
DROP POLICY IF EXISTS "Team admins can revoke roles of others" ON soc_user_roles;
\endif
\if :ERROR
\else
DROP POLICY IF EXISTS "Members can leave; team admins can revoke roles of others" ON soc_user_roles;
\endif
\if :ERROR
\else
CREATE POLICY "Members can leave; team admins can revoke roles of others"
ON soc_user_roles FOR DELETE TO authenticated
USING (
  user_id = (select auth.uid())
  OR private.has_soc_team_role(team_id, CASE WHEN role = 'owner' THEN '{owner}'::soc_role[] ELSE '{admin,owner}'::soc_role[] END)
);
\endif
\if :ERROR
\else
-- A team that still exists keeps an owner.  Runs as its owner (it must see and
-- lock rows the caller cannot), and nobody may call it: a trigger function needs
-- no EXECUTE to fire.  Locking the team row first makes owners who leave at the
-- same time count one after the other.  A team deleted in the same statement
-- has no row left to keep an owner for.
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
REVOKE EXECUTE ON FUNCTION private.soc_user_roles_keep_an_owner() FROM PUBLIC, anon, authenticated;
\endif
\if :ERROR
\else
-- AFTER the statement's rows are gone, so one DELETE of several owners is
-- counted whole.  WHEN is evaluated as the caller: only callers under RLS are
-- held to it, so service_role (BYPASSRLS) and the tables' owner can still
-- delete a whole team with its roles.
CREATE OR REPLACE TRIGGER soc_user_roles_keep_an_owner
AFTER DELETE OR UPDATE ON soc_user_roles
FOR EACH ROW WHEN (OLD.role = 'owner' AND row_security_active('public.soc_user_roles'))
EXECUTE FUNCTION private.soc_user_roles_keep_an_owner();
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 1 of 9 (a transaction of 20 statement(s) starting DO $duplicates$) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0009 stopped at step 1 of 9 (a transaction of 20 statement(s) starting DO $duplicates$): ' || failure || '; no step of it was applied; its transaction rolled back; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 1';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
\endif


-- Step 2 of 9: ALTER TABLE project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 2) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0009 step 2 of 9 (ALTER TABLE project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'upgrade', 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 2, 'ALTER TABLE project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …')
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
    FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE NOT VALID;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 2 of 9 (ALTER TABLE project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0009 stopped at step 2 of 9 (ALTER TABLE project_features DROP CONSTRAINT IF EXISTS project_features_project_id_fkey, …): ' || failure || '; step 1 stays applied; the failed statement changed nothing; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 2';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 3 of 9: ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 3) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0009 step 3 of 9 (ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'upgrade', 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 3, 'ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey')
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 3 of 9 (ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0009 stopped at step 3 of 9 (ALTER TABLE project_features VALIDATE CONSTRAINT project_features_project_id_fkey): ' || failure || '; steps 1-2 stay applied; the failed statement changed nothing; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 3';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 4 of 9: ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 4) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0009 step 4 of 9 (ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'upgrade', 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 4, 'ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…')
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
    FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE NOT VALID;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 4 of 9 (ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0009 stopped at step 4 of 9 (ALTER TABLE project_tech_stack DROP CONSTRAINT IF EXISTS project_tech_stack_project_id_fk…): ' || failure || '; steps 1-3 stay applied; the failed statement changed nothing; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 4';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 5 of 9: ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 5) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0009 step 5 of 9 (ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'upgrade', 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 5, 'ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey')
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 5 of 9 (ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0009 stopped at step 5 of 9 (ALTER TABLE project_tech_stack VALIDATE CONSTRAINT project_tech_stack_project_id_fkey): ' || failure || '; steps 1-4 stay applied; the failed statement changed nothing; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 5';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 6 of 9: ALTER TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 6) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0009 step 6 of 9 (ALTER TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'upgrade', 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 6, 'ALTER TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…')
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
    FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE NOT VALID;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 6 of 9 (ALTER TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0009 stopped at step 6 of 9 (ALTER TABLE user_project_preferences DROP CONSTRAINT IF EXISTS user_project_preferences_p…): ' || failure || '; steps 1-5 stay applied; the failed statement changed nothing; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 6';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 7 of 9: ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 7) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0009 step 7 of 9 (ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'upgrade', 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 7, 'ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…')
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 7 of 9 (ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0009 stopped at step 7 of 9 (ALTER TABLE user_project_preferences VALIDATE CONSTRAINT user_project_preferences_project…): ' || failure || '; steps 1-6 stay applied; the failed statement changed nothing; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 7';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 8 of 9: CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_i…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 8) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0009 step 8 of 9 (CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_i…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'upgrade', 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 8, 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_i…')
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
-- Drop an INVALID user_project_preferences_user_id_project_id_key left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'user_project_preferences_user_id_project_id_key' AND i.indrelid = to_regclass('user_project_preferences')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_key ON user_project_preferences (user_id, project_id);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 8 of 9 (CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_i…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0009 stopped at step 8 of 9 (CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_i…): ' || failure || '; steps 1-7 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 8';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 9 of 9: DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0009' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 9) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0009 step 9 of 9 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0009', 'upgrade', 'da3c9b7b5b81f7ea7cea34a5a76af10e2ee055366361de0f2ddaf38e7f050a22', clock_timestamp(), 'sql', 'started', '0.1.0', '0009_close_privileges_membership_leak_and_pinned_projects.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 9, 'DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx')
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 9 of 9 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0009 stopped at step 9 of 9 (DROP INDEX CONCURRENTLY IF EXISTS user_project_preferences_user_id_project_id_idx): ' || failure || '; steps 1-8 stay applied; a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops; alembic_version still says 0008; recorded in schema_pkg.history; run this file again to resume at step 9';
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
UPDATE alembic_version SET version_num='0009' WHERE alembic_version.version_num = '0008';
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
    RAISE EXCEPTION 'schema_pkg: after %, alembic_version should hold exactly % but holds %', 'upgrade 0009', '0009', found;
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
     AND c.relname IN ('user_project_preferences_user_id_project_id_key');
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
         AND c.relname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', '_role', 'add', 'admin', 'admins', 'after', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'auth', 'authenticated', 'be', 'begin', 'boolean', 'by', 'can', 'cascade', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'created_at', 'current_user_has_soc_role', 'current_user_team_id', 'default', 'definer', 'delete', 'deletes', 'drop', 'each', 'else', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'foreign', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'in', 'index', 'insert', 'invoker', 'key', 'language', 'leave', 'left', 'limit', 'make', 'member', 'members', 'no', 'not', 'null', 'of', 'old', 'on', 'or', 'order', 'others', 'own', 'owner', 'p', 'perform', 'plpgsql', 'policy', 'preferences', 'private', 'privileges', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'r', 'raise', 'references', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'roles', 'row', 'row_security_active', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'sql', 'stable', 't', 'table', 'tables', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'truncate', 'uid', 'unique', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'where', 'whole', 'with', 'without', 'would']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', '_role', 'add', 'admin', 'admins', 'after', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'auth', 'authenticated', 'be', 'begin', 'boolean', 'by', 'can', 'cascade', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'created_at', 'current_user_has_soc_role', 'current_user_team_id', 'default', 'definer', 'delete', 'deletes', 'drop', 'each', 'else', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'foreign', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'in', 'index', 'insert', 'invoker', 'key', 'language', 'leave', 'left', 'limit', 'make', 'member', 'members', 'no', 'not', 'null', 'of', 'old', 'on', 'or', 'order', 'others', 'own', 'owner', 'p', 'perform', 'plpgsql', 'policy', 'preferences', 'private', 'privileges', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'r', 'raise', 'references', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'roles', 'row', 'row_security_active', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'sql', 'stable', 't', 'table', 'tables', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'truncate', 'uid', 'unique', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'where', 'whole', 'with', 'without', 'would']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', '_role', 'add', 'admin', 'admins', 'after', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'auth', 'authenticated', 'be', 'begin', 'boolean', 'by', 'can', 'cascade', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'created_at', 'current_user_has_soc_role', 'current_user_team_id', 'default', 'definer', 'delete', 'deletes', 'drop', 'each', 'else', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'foreign', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'in', 'index', 'insert', 'invoker', 'key', 'language', 'leave', 'left', 'limit', 'make', 'member', 'members', 'no', 'not', 'null', 'of', 'old', 'on', 'or', 'order', 'others', 'own', 'owner', 'p', 'perform', 'plpgsql', 'policy', 'preferences', 'private', 'privileges', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'r', 'raise', 'references', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'roles', 'row', 'row_security_active', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'sql', 'stable', 't', 'table', 'tables', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'truncate', 'uid', 'unique', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'where', 'whole', 'with', 'without', 'would']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', '_role', 'add', 'admin', 'admins', 'after', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'auth', 'authenticated', 'be', 'begin', 'boolean', 'by', 'can', 'cascade', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'created_at', 'current_user_has_soc_role', 'current_user_team_id', 'default', 'definer', 'delete', 'deletes', 'drop', 'each', 'else', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'foreign', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'in', 'index', 'insert', 'invoker', 'key', 'language', 'leave', 'left', 'limit', 'make', 'member', 'members', 'no', 'not', 'null', 'of', 'old', 'on', 'or', 'order', 'others', 'own', 'owner', 'p', 'perform', 'plpgsql', 'policy', 'preferences', 'private', 'privileges', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'r', 'raise', 'references', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'roles', 'row', 'row_security_active', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'sql', 'stable', 't', 'table', 'tables', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'truncate', 'uid', 'unique', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'where', 'whole', 'with', 'without', 'would']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['Members can leave; team admins can revoke roles of others', 'Team admins can revoke roles of others', 'Users can insert own preferences', 'Users can update own preferences', '_role', 'add', 'admin', 'admins', 'after', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'auth', 'authenticated', 'be', 'begin', 'boolean', 'by', 'can', 'cascade', 'case', 'check', 'commit', 'concurrently', 'constraint', 'create', 'created_at', 'current_user_has_soc_role', 'current_user_team_id', 'default', 'definer', 'delete', 'deletes', 'drop', 'each', 'else', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'for', 'foreign', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'in', 'index', 'insert', 'invoker', 'key', 'language', 'leave', 'left', 'limit', 'make', 'member', 'members', 'no', 'not', 'null', 'of', 'old', 'on', 'or', 'order', 'others', 'own', 'owner', 'p', 'perform', 'plpgsql', 'policy', 'preferences', 'private', 'privileges', 'project_features', 'project_features_project_id_fkey', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_fkey', 'projects', 'public', 'r', 'raise', 'references', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'roles', 'row', 'row_security_active', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 'sql', 'stable', 't', 'table', 'tables', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'truncate', 'uid', 'unique', 'update', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_fkey', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_user_id_project_id_key', 'users', 'using', 'uuid', 'valid', 'validate', 'when', 'where', 'whole', 'with', 'without', 'would']::text[])
      UNION ALL SELECT 'privilege function ' || p.oid::regprocedure::text || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('public.get_user_team_id(uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.has_soc_role(soc_role, uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('private.soc_user_roles_keep_an_owner()', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('private.soc_user_roles_keep_an_owner()', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('private.soc_user_roles_keep_an_owner()', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_proc p ON p.oid = to_regprocedure(w.object)
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege table ' || n.nspname || '.' || c.relname || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('public.TABLES', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.TABLES', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.TABLES', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.TABLES', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.TABLES', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.TABLES', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_class c ON c.oid = to_regclass(w.object)
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege table ' || n.nspname || '.' || c.relname || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('public', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_namespace n ON n.nspname = w.object
        JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p')
         AND c.relname = ANY (ARRAY['alembic_version', 'mezan_workflows', 'optilibria_runs', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'qmlab_experiments', 'simcore_simulations', 'soc_teams', 'soc_user_roles', 'talai_experiments', 'user_project_preferences'])
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege columns ' || n.nspname || '.' || c.relname || w.label,
             coalesce((SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND EXISTS (SELECT 1 FROM aclexplode(a.attacl) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege)), 'none')
        FROM (VALUES ('public.TABLES', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.TABLES', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'))
          AS w(object, label, grantee, privilege)
        JOIN pg_class c ON c.oid = to_regclass(w.object)
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege columns ' || n.nspname || '.' || c.relname || w.label,
             coalesce((SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND EXISTS (SELECT 1 FROM aclexplode(a.attacl) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege)), 'none')
        FROM (VALUES ('public', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'))
          AS w(object, label, grantee, privilege)
        JOIN pg_namespace n ON n.nspname = w.object
        JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p')
         AND c.relname = ANY (ARRAY['alembic_version', 'mezan_workflows', 'optilibria_runs', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'qmlab_experiments', 'simcore_simulations', 'soc_teams', 'soc_user_roles', 'talai_experiments', 'user_project_preferences'])
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
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0009 failed while recording it: ' || failure || '; all 9 of its steps stay applied, alembic_version still says 0008; recorded in schema_pkg.history; run this file again: it skips the steps and records the revision';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context

UPDATE schema_pkg.migration_lock
   SET holder_pid = NULL, holder_backend_start = NULL, holder_application = NULL,
       acquired_at = NULL
 WHERE holder_pid = pg_backend_pid();

