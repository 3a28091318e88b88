-- schema_pkg revision 0008 (upgrade)
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
--   CONCURRENTLY builds: simcore_simulations_user_id_created_at_idx, mezan_workflows_user_id_created_at_idx, talai_experiments_user_id_created_at_idx, optilibria_runs_user_id_created_at_idx, qmlab_experiments_user_id_created_at_idx, projects_owner_id_idx, projects_is_public_idx, project_features_project_id_idx, project_tech_stack_project_id_idx, user_project_preferences_user_id_project_id_idx, user_project_preferences_project_id_idx, soc_user_roles_user_id_role_idx, soc_user_roles_team_id_idx
--   Reversible: yes
--
-- How to run: psql -X -f <this file>   (never with -1/--single-transaction: the file
-- manages its own transactions and refuses to run inside an outer one).  Needs psql 10
-- or later (\if, \gset) and PostgreSQL 11 or later (COMMIT inside DO).  It stops at the
-- first error (ON_ERROR_STOP), takes the migration lock that online runs take
-- (schema_pkg.migration_lock; it waits for a running deploy), refuses unless the
-- database is at 0007, and records each attempt and each step in schema_pkg.history
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
-- If it stops: its 13 steps commit one by one (1. CREATE INDEX CONCURRENTLY IF NOT
-- EXISTS simcore_simulations_user_id_created_at_idx ON sim…; 2. CREATE INDEX
-- CONCURRENTLY IF NOT EXISTS mezan_workflows_user_id_created_at_idx ON mezan_w…; 3.
-- CREATE INDEX CONCURRENTLY IF NOT EXISTS talai_experiments_user_id_created_at_idx ON
-- talai…; 4. CREATE INDEX CONCURRENTLY IF NOT EXISTS
-- optilibria_runs_user_id_created_at_idx ON optilib…; 5. CREATE INDEX CONCURRENTLY IF
-- NOT EXISTS qmlab_experiments_user_id_created_at_idx ON qmlab…; 6. CREATE INDEX
-- CONCURRENTLY IF NOT EXISTS projects_owner_id_idx ON projects (owner_id); 7. CREATE
-- INDEX CONCURRENTLY IF NOT EXISTS projects_is_public_idx ON projects (is_public) WH…;
-- 8. CREATE INDEX CONCURRENTLY IF NOT EXISTS project_features_project_id_idx ON
-- project_featur…; 9. CREATE INDEX CONCURRENTLY IF NOT EXISTS
-- project_tech_stack_project_id_idx ON project_tech…; 10. CREATE INDEX CONCURRENTLY IF
-- NOT EXISTS user_project_preferences_user_id_project_id_idx O…; 11. CREATE INDEX
-- CONCURRENTLY IF NOT EXISTS user_project_preferences_project_id_idx ON user_p…; 12.
-- CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_user_id_role_idx ON
-- soc_user_roles…; 13. CREATE INDEX CONCURRENTLY IF NOT EXISTS
-- soc_user_roles_team_id_idx ON soc_user_roles (tea…), then one transaction records the
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
  IF NOT found = ANY (ARRAY['0007']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'this file', '0007', found;
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
    (7, '0007', '{"function public.get_user_team_id(_user_id uuid)":"0f9ebb41aece7151cab267f772ab9269","function public.has_soc_role(_role soc_role, _user_id uuid)":"96f1121e43d033d3ea3b6b7bf3aefb1a","privilege function get_user_team_id(uuid) anon EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function get_user_team_id(uuid) authenticated EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function get_user_team_id(uuid) public EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function get_user_team_id(uuid) service_role EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function has_soc_role(soc_role,uuid) anon EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function has_soc_role(soc_role,uuid) authenticated EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function has_soc_role(soc_role,uuid) public EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function has_soc_role(soc_role,uuid) service_role EXECUTE":"fc00fa278c75792efc28397308b9ad6e","type public.soc_role":"3999282b791d53021846ef2e9fa33737"}'::jsonb)),
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

-- Running upgrade 0007 -> 0008

DO $$
DECLARE
  found text := 'base';
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
  IF NOT found = ANY (ARRAY['0007']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'upgrade 0008', '0007', found;
  END IF;
END $$;

SELECT set_config('schema_pkg.started_at', clock_timestamp()::text, false);

DO $unfinished$
DECLARE
  earlier record;
  state text;
BEGIN
  SELECT h.mode, h.started_at, h.error INTO earlier FROM schema_pkg.history AS h
   WHERE h.revision = '0008' AND direction = 'upgrade' AND h.step IS NULL AND h.status IN ('started', 'failed')
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
         AND c.relname = ANY (ARRAY['begin', 'commit', 'concurrently', 'create', 'created_at', 'desc', 'exists', 'if', 'index', 'is_public', 'mezan_workflows', 'mezan_workflows_user_id_created_at_idx', 'not', 'on', 'optilibria_runs', 'optilibria_runs_user_id_created_at_idx', 'owner_id', 'project_features', 'project_features_project_id_idx', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_idx', 'projects', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments', 'qmlab_experiments_user_id_created_at_idx', 'role', 'simcore_simulations', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments', 'talai_experiments_user_id_created_at_idx', 'team_id', 'true', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'where']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['begin', 'commit', 'concurrently', 'create', 'created_at', 'desc', 'exists', 'if', 'index', 'is_public', 'mezan_workflows', 'mezan_workflows_user_id_created_at_idx', 'not', 'on', 'optilibria_runs', 'optilibria_runs_user_id_created_at_idx', 'owner_id', 'project_features', 'project_features_project_id_idx', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_idx', 'projects', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments', 'qmlab_experiments_user_id_created_at_idx', 'role', 'simcore_simulations', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments', 'talai_experiments_user_id_created_at_idx', 'team_id', 'true', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'where']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['begin', 'commit', 'concurrently', 'create', 'created_at', 'desc', 'exists', 'if', 'index', 'is_public', 'mezan_workflows', 'mezan_workflows_user_id_created_at_idx', 'not', 'on', 'optilibria_runs', 'optilibria_runs_user_id_created_at_idx', 'owner_id', 'project_features', 'project_features_project_id_idx', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_idx', 'projects', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments', 'qmlab_experiments_user_id_created_at_idx', 'role', 'simcore_simulations', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments', 'talai_experiments_user_id_created_at_idx', 'team_id', 'true', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'where']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['begin', 'commit', 'concurrently', 'create', 'created_at', 'desc', 'exists', 'if', 'index', 'is_public', 'mezan_workflows', 'mezan_workflows_user_id_created_at_idx', 'not', 'on', 'optilibria_runs', 'optilibria_runs_user_id_created_at_idx', 'owner_id', 'project_features', 'project_features_project_id_idx', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_idx', 'projects', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments', 'qmlab_experiments_user_id_created_at_idx', 'role', 'simcore_simulations', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments', 'talai_experiments_user_id_created_at_idx', 'team_id', 'true', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'where']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['begin', 'commit', 'concurrently', 'create', 'created_at', 'desc', 'exists', 'if', 'index', 'is_public', 'mezan_workflows', 'mezan_workflows_user_id_created_at_idx', 'not', 'on', 'optilibria_runs', 'optilibria_runs_user_id_created_at_idx', 'owner_id', 'project_features', 'project_features_project_id_idx', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_idx', 'projects', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments', 'qmlab_experiments_user_id_created_at_idx', 'role', 'simcore_simulations', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments', 'talai_experiments_user_id_created_at_idx', 'team_id', 'true', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'where']::text[])
    ) AS object) AS live,
                  '{"index public.mezan_workflows_user_id_created_at_idx": "afaba366410c75a4d76137826b6259b1", "index public.optilibria_runs_user_id_created_at_idx": "ceac7ab2b4569b62311ebe9d09435898", "index public.project_features_project_id_idx": "7a96b0ccd598de669602c72f069f1739", "index public.project_tech_stack_project_id_idx": "36adf61151972bc1c6d73a7a4ba4f112", "index public.projects_is_public_idx": "b3e9073a0f7ed7131b682a7e3636be62", "index public.projects_owner_id_idx": "42b180529b6db126b480988ba1111723", "index public.qmlab_experiments_user_id_created_at_idx": "e08defcd34692e6aa03d950498a20830", "index public.simcore_simulations_user_id_created_at_idx": "406da319b237328bad062a29800e62f5", "index public.soc_user_roles_team_id_idx": "c70ffecb6cbed19f3ac9f7b74d249494", "index public.soc_user_roles_user_id_role_idx": "5118a3cd10d00ce73027011e6e8e9f75", "index public.talai_experiments_user_id_created_at_idx": "1b08a111cbdff7990928ff31b1c32c51", "index public.user_project_preferences_project_id_idx": "28386a89036ca6ae680f91cd2448e74d", "index public.user_project_preferences_user_id_project_id_idx": "77fcf4f51a42bb3828d5bc57c48b1f63", "table public.mezan_workflows": "56c210dbc582b8a11c784188a8f5d7f2", "table public.optilibria_runs": "6f91be7ee86339c3a3ea3bc33bf0e9da", "table public.project_features": "960242fceb8a24aada5da6f6e6e40430", "table public.project_tech_stack": "1bb512f1ab8df3d38ac3cec64cb4f26b", "table public.projects": "7367e2505c29ab91621be6fa18856fd0", "table public.qmlab_experiments": "81155654a0cea88ca0a133d9526f7f8b", "table public.simcore_simulations": "0656b27fb69c4c8f42364566abc50565", "table public.soc_user_roles": "c5d7e1acb3d4bcbf5e1ae9c8a1e9b179", "table public.talai_experiments": "d085b0b48f2da28776af41ade96b555b", "table public.user_project_preferences": "04680fbecaf673f1c7924ec76de4d540"}'::jsonb AS want),
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
   WHERE revision = '0008' AND direction = 'upgrade' AND status = 'started';
  RAISE NOTICE 'schema_pkg: an earlier run of % (%, started %) did not complete: %; %',
    'upgrade 0008', earlier.mode, to_char(earlier.started_at, 'YYYY-MM-DD HH24:MI:SS'),
    coalesce(earlier.error, 'the run stopped or its session ended'),
    coalesce('steps ' || (SELECT string_agg(step::text, ', ' ORDER BY step) FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c) || ' of 13 completed and stay applied; this run skips them and resumes at the first unfinished one', 'none of its 13 steps completed; this run starts at step 1') || coalesce('; now ' || state, '');
END
$unfinished$;

DO $start$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', current_setting('schema_pkg.started_at')::timestamptz, 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint)
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
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 1) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 2) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 3) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 4) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 5) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 6) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 7) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 8) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 9) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 10) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 11) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 12) AND EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 13) THEN
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
        current_setting('schema_pkg.concurrent_prewait'), stalling, coalesce('steps ' || (SELECT string_agg(step::text, ', ' ORDER BY step) FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c) || ' of 13 stay applied from an earlier run; nothing more of 0008 was applied', 'nothing of 0008 was applied'));
      UPDATE schema_pkg.history SET status = 'failed', error = reason, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
      COMMIT;
      RAISE EXCEPTION 'schema_pkg: %', reason;
    END IF;
    PERFORM pg_sleep(0.25);
  END LOOP;
END
$prewait$;


-- Step 1 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS simcore_simulations_user_id_created_at_idx ON sim…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 1) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 1 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS simcore_simulations_user_id_created_at_idx ON sim…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 1, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS simcore_simulations_user_id_created_at_idx ON sim…')
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
-- Drop an INVALID simcore_simulations_user_id_created_at_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'simcore_simulations_user_id_created_at_idx' AND i.indrelid = to_regclass('simcore_simulations')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS simcore_simulations_user_id_created_at_idx ON simcore_simulations (user_id, created_at DESC);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 1 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS simcore_simulations_user_id_created_at_idx ON sim…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 1 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS simcore_simulations_user_id_created_at_idx ON sim…): ' || failure || '; no step of it was applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 1';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 2 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS mezan_workflows_user_id_created_at_idx ON mezan_w…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 2) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 2 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS mezan_workflows_user_id_created_at_idx ON mezan_w…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 2, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS mezan_workflows_user_id_created_at_idx ON mezan_w…')
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
-- Drop an INVALID mezan_workflows_user_id_created_at_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'mezan_workflows_user_id_created_at_idx' AND i.indrelid = to_regclass('mezan_workflows')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS mezan_workflows_user_id_created_at_idx ON mezan_workflows (user_id, created_at DESC);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 2 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS mezan_workflows_user_id_created_at_idx ON mezan_w…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 2 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS mezan_workflows_user_id_created_at_idx ON mezan_w…): ' || failure || '; step 1 stays applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 2';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 3 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS talai_experiments_user_id_created_at_idx ON talai…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 3) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 3 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS talai_experiments_user_id_created_at_idx ON talai…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 3, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS talai_experiments_user_id_created_at_idx ON talai…')
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
-- Drop an INVALID talai_experiments_user_id_created_at_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'talai_experiments_user_id_created_at_idx' AND i.indrelid = to_regclass('talai_experiments')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS talai_experiments_user_id_created_at_idx ON talai_experiments (user_id, created_at DESC);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 3 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS talai_experiments_user_id_created_at_idx ON talai…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 3 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS talai_experiments_user_id_created_at_idx ON talai…): ' || failure || '; steps 1-2 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 3';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 4 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS optilibria_runs_user_id_created_at_idx ON optilib…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 4) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 4 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS optilibria_runs_user_id_created_at_idx ON optilib…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 4, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS optilibria_runs_user_id_created_at_idx ON optilib…')
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
-- Drop an INVALID optilibria_runs_user_id_created_at_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'optilibria_runs_user_id_created_at_idx' AND i.indrelid = to_regclass('optilibria_runs')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS optilibria_runs_user_id_created_at_idx ON optilibria_runs (user_id, created_at DESC);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 4 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS optilibria_runs_user_id_created_at_idx ON optilib…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 4 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS optilibria_runs_user_id_created_at_idx ON optilib…): ' || failure || '; steps 1-3 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 4';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 5 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS qmlab_experiments_user_id_created_at_idx ON qmlab…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 5) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 5 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS qmlab_experiments_user_id_created_at_idx ON qmlab…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 5, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS qmlab_experiments_user_id_created_at_idx ON qmlab…')
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
-- Drop an INVALID qmlab_experiments_user_id_created_at_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'qmlab_experiments_user_id_created_at_idx' AND i.indrelid = to_regclass('qmlab_experiments')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS qmlab_experiments_user_id_created_at_idx ON qmlab_experiments (user_id, created_at DESC);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 5 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS qmlab_experiments_user_id_created_at_idx ON qmlab…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 5 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS qmlab_experiments_user_id_created_at_idx ON qmlab…): ' || failure || '; steps 1-4 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 5';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 6 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_owner_id_idx ON projects (owner_id)
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 6) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 6 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_owner_id_idx ON projects (owner_id)) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 6, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_owner_id_idx ON projects (owner_id)')
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
-- Drop an INVALID projects_owner_id_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'projects_owner_id_idx' AND i.indrelid = to_regclass('projects')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_owner_id_idx ON projects (owner_id);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 6 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_owner_id_idx ON projects (owner_id)) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 6 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_owner_id_idx ON projects (owner_id)): ' || failure || '; steps 1-5 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 6';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 7 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_is_public_idx ON projects (is_public) WH…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 7) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 7 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_is_public_idx ON projects (is_public) WH…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 7, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_is_public_idx ON projects (is_public) WH…')
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
-- Drop an INVALID projects_is_public_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'projects_is_public_idx' AND i.indrelid = to_regclass('projects')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_is_public_idx ON projects (is_public) WHERE is_public = true;
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 7 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_is_public_idx ON projects (is_public) WH…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 7 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_is_public_idx ON projects (is_public) WH…): ' || failure || '; steps 1-6 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 7';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 8 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS project_features_project_id_idx ON project_featur…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 8) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 8 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS project_features_project_id_idx ON project_featur…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 8, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS project_features_project_id_idx ON project_featur…')
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
-- Drop an INVALID project_features_project_id_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'project_features_project_id_idx' AND i.indrelid = to_regclass('project_features')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS project_features_project_id_idx ON project_features (project_id);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 8 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS project_features_project_id_idx ON project_featur…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 8 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS project_features_project_id_idx ON project_featur…): ' || failure || '; steps 1-7 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 8';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 9 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS project_tech_stack_project_id_idx ON project_tech…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 9) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 9 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS project_tech_stack_project_id_idx ON project_tech…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 9, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS project_tech_stack_project_id_idx ON project_tech…')
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
-- Drop an INVALID project_tech_stack_project_id_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'project_tech_stack_project_id_idx' AND i.indrelid = to_regclass('project_tech_stack')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS project_tech_stack_project_id_idx ON project_tech_stack (project_id);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 9 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS project_tech_stack_project_id_idx ON project_tech…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 9 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS project_tech_stack_project_id_idx ON project_tech…): ' || failure || '; steps 1-8 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 9';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 10 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx O…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 10) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 10 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx O…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 10, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx O…')
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 10 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx O…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 10 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_user_id_project_id_idx O…): ' || failure || '; steps 1-9 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 10';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 11 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_project_id_idx ON user_p…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 11) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 11 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_project_id_idx ON user_p…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 11, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_project_id_idx ON user_p…')
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
-- Drop an INVALID user_project_preferences_project_id_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'user_project_preferences_project_id_idx' AND i.indrelid = to_regclass('user_project_preferences')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_project_id_idx ON user_project_preferences (project_id);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 11 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_project_id_idx ON user_p…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 11 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS user_project_preferences_project_id_idx ON user_p…): ' || failure || '; steps 1-10 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 11';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 12 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_user_id_role_idx ON soc_user_roles…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 12) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 12 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_user_id_role_idx ON soc_user_roles…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 12, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_user_id_role_idx ON soc_user_roles…')
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
-- Drop an INVALID soc_user_roles_user_id_role_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'soc_user_roles_user_id_role_idx' AND i.indrelid = to_regclass('soc_user_roles')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_user_id_role_idx ON soc_user_roles (user_id, role);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 12 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_user_id_role_idx ON soc_user_roles…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 12 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_user_id_role_idx ON soc_user_roles…): ' || failure || '; steps 1-11 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 12';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context
UPDATE schema_pkg.history SET status = 'completed', duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.step_attempt')::bigint;
\endif


-- Step 13 of 13: CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_team_id_idx ON soc_user_roles (tea…
SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT s.step FROM schema_pkg.history AS s CROSS JOIN LATERAL (SELECT a.id, a.status FROM schema_pkg.history AS a WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt WHERE s.revision = '0008' AND s.direction = 'upgrade' AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed' AND attempt.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > attempt.id AND later.step IS NULL AND later.status = 'completed')) AS c WHERE c.step = 13) AS schema_pkg_done \gset
\if :schema_pkg_done
\echo 'schema_pkg: upgrade 0008 step 13 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_team_id_idx ON soc_user_roles (tea…) completed in an earlier run; skipped'
\else
DO $step$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num, step, step_name)
  VALUES ('0008', 'upgrade', 'ab70b5b249db10f6ff4012dd1e7ba2a3ec01ebcad83893d9e44c705a18930eed', clock_timestamp(), 'sql', 'started', '0.1.0', '0008_indexes_for_rls_and_foreign_keys.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint, 13, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_team_id_idx ON soc_user_roles (tea…')
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
-- Drop an INVALID soc_user_roles_team_id_idx left by a failed build, if any.
SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = 'soc_user_roles_team_id_idx' AND i.indrelid = to_regclass('soc_user_roles')
\gexec
\endif
\if :ERROR
\else
SET lock_timeout = 0;
\endif
\if :ERROR
\else
CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_team_id_idx ON soc_user_roles (team_id);
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
  UPDATE schema_pkg.history SET status = 'failed', error = 'step 13 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_team_id_idx ON soc_user_roles (tea…) failed: ' || failure, duration = clock_timestamp() - started_at WHERE id = current_setting('schema_pkg.attempt')::bigint;
  COMMIT;
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 stopped at step 13 of 13 (CREATE INDEX CONCURRENTLY IF NOT EXISTS soc_user_roles_team_id_idx ON soc_user_roles (tea…): ' || failure || '; steps 1-12 stay applied; a failed build leaves its index INVALID (a unique one rejects duplicate writes meanwhile), which the rerun drops before building it again; alembic_version still says 0007; recorded in schema_pkg.history; run this file again to resume at step 13';
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
UPDATE alembic_version SET version_num='0008' WHERE alembic_version.version_num = '0007';
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
    RAISE EXCEPTION 'schema_pkg: after %, alembic_version should hold exactly % but holds %', 'upgrade 0008', '0008', found;
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
     AND c.relname IN ('simcore_simulations_user_id_created_at_idx', 'mezan_workflows_user_id_created_at_idx', 'talai_experiments_user_id_created_at_idx', 'optilibria_runs_user_id_created_at_idx', 'qmlab_experiments_user_id_created_at_idx', 'projects_owner_id_idx', 'projects_is_public_idx', 'project_features_project_id_idx', 'project_tech_stack_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'user_project_preferences_project_id_idx', 'soc_user_roles_user_id_role_idx', 'soc_user_roles_team_id_idx');
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
         AND c.relname = ANY (ARRAY['begin', 'commit', 'concurrently', 'create', 'created_at', 'desc', 'exists', 'if', 'index', 'is_public', 'mezan_workflows', 'mezan_workflows_user_id_created_at_idx', 'not', 'on', 'optilibria_runs', 'optilibria_runs_user_id_created_at_idx', 'owner_id', 'project_features', 'project_features_project_id_idx', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_idx', 'projects', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments', 'qmlab_experiments_user_id_created_at_idx', 'role', 'simcore_simulations', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments', 'talai_experiments_user_id_created_at_idx', 'team_id', 'true', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'where']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['begin', 'commit', 'concurrently', 'create', 'created_at', 'desc', 'exists', 'if', 'index', 'is_public', 'mezan_workflows', 'mezan_workflows_user_id_created_at_idx', 'not', 'on', 'optilibria_runs', 'optilibria_runs_user_id_created_at_idx', 'owner_id', 'project_features', 'project_features_project_id_idx', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_idx', 'projects', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments', 'qmlab_experiments_user_id_created_at_idx', 'role', 'simcore_simulations', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments', 'talai_experiments_user_id_created_at_idx', 'team_id', 'true', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'where']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['begin', 'commit', 'concurrently', 'create', 'created_at', 'desc', 'exists', 'if', 'index', 'is_public', 'mezan_workflows', 'mezan_workflows_user_id_created_at_idx', 'not', 'on', 'optilibria_runs', 'optilibria_runs_user_id_created_at_idx', 'owner_id', 'project_features', 'project_features_project_id_idx', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_idx', 'projects', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments', 'qmlab_experiments_user_id_created_at_idx', 'role', 'simcore_simulations', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments', 'talai_experiments_user_id_created_at_idx', 'team_id', 'true', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'where']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['begin', 'commit', 'concurrently', 'create', 'created_at', 'desc', 'exists', 'if', 'index', 'is_public', 'mezan_workflows', 'mezan_workflows_user_id_created_at_idx', 'not', 'on', 'optilibria_runs', 'optilibria_runs_user_id_created_at_idx', 'owner_id', 'project_features', 'project_features_project_id_idx', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_idx', 'projects', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments', 'qmlab_experiments_user_id_created_at_idx', 'role', 'simcore_simulations', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments', 'talai_experiments_user_id_created_at_idx', 'team_id', 'true', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'where']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['begin', 'commit', 'concurrently', 'create', 'created_at', 'desc', 'exists', 'if', 'index', 'is_public', 'mezan_workflows', 'mezan_workflows_user_id_created_at_idx', 'not', 'on', 'optilibria_runs', 'optilibria_runs_user_id_created_at_idx', 'owner_id', 'project_features', 'project_features_project_id_idx', 'project_id', 'project_tech_stack', 'project_tech_stack_project_id_idx', 'projects', 'projects_is_public_idx', 'projects_owner_id_idx', 'qmlab_experiments', 'qmlab_experiments_user_id_created_at_idx', 'role', 'simcore_simulations', 'simcore_simulations_user_id_created_at_idx', 'soc_user_roles', 'soc_user_roles_team_id_idx', 'soc_user_roles_user_id_role_idx', 'talai_experiments', 'talai_experiments_user_id_created_at_idx', 'team_id', 'true', 'user_id', 'user_project_preferences', 'user_project_preferences_project_id_idx', 'user_project_preferences_user_id_project_id_idx', 'where']::text[])
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
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0008 failed while recording it: ' || failure || '; all 13 of its steps stay applied, alembic_version still says 0007; recorded in schema_pkg.history; run this file again: it skips the steps and records the revision';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context

UPDATE schema_pkg.migration_lock
   SET holder_pid = NULL, holder_backend_start = NULL, holder_application = NULL,
       acquired_at = NULL
 WHERE holder_pid = pg_backend_pid();

