-- schema_pkg revision 0010 (upgrade)
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
--   Reversible: yes
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
    (8, '0008', '{"index public.mezan_workflows_user_id_created_at_idx":"afaba366410c75a4d76137826b6259b1","index public.optilibria_runs_user_id_created_at_idx":"ceac7ab2b4569b62311ebe9d09435898","index public.project_features_project_id_idx":"7a96b0ccd598de669602c72f069f1739","index public.project_tech_stack_project_id_idx":"36adf61151972bc1c6d73a7a4ba4f112","index public.projects_is_public_idx":"b3e9073a0f7ed7131b682a7e3636be62","index public.projects_owner_id_idx":"42b180529b6db126b480988ba1111723","index public.qmlab_experiments_user_id_created_at_idx":"e08defcd34692e6aa03d950498a20830","index public.simcore_simulations_user_id_created_at_idx":"406da319b237328bad062a29800e62f5","index public.soc_user_roles_team_id_idx":"c70ffecb6cbed19f3ac9f7b74d249494","index public.soc_user_roles_user_id_role_idx":"5118a3cd10d00ce73027011e6e8e9f75","index public.talai_experiments_user_id_created_at_idx":"1b08a111cbdff7990928ff31b1c32c51","index public.user_project_preferences_project_id_idx":"28386a89036ca6ae680f91cd2448e74d","index public.user_project_preferences_user_id_project_id_idx":"77fcf4f51a42bb3828d5bc57c48b1f63","table public.mezan_workflows":"56c210dbc582b8a11c784188a8f5d7f2","table public.optilibria_runs":"6f91be7ee86339c3a3ea3bc33bf0e9da","table public.project_features":"960242fceb8a24aada5da6f6e6e40430","table public.project_tech_stack":"1bb512f1ab8df3d38ac3cec64cb4f26b","table public.projects":"7367e2505c29ab91621be6fa18856fd0","table public.qmlab_experiments":"81155654a0cea88ca0a133d9526f7f8b","table public.simcore_simulations":"0656b27fb69c4c8f42364566abc50565","table public.soc_user_roles":"c5d7e1acb3d4bcbf5e1ae9c8a1e9b179","table public.talai_experiments":"d085b0b48f2da28776af41ade96b555b","table public.user_project_preferences":"04680fbecaf673f1c7924ec76de4d540"}'::jsonb),
    (9, '0009', '{"function private.has_soc_team_role(_team_id uuid, _roles soc_role[])":"a69ff51ab657d1a5f35d2da0653d6478","function private.soc_user_roles_keep_an_owner()":"9f7b52096467aed7c8b69bf910300775","function public.current_user_has_soc_role(_role soc_role)":"5ede3733220287d520dc29effc32e991","function public.current_user_team_id()":"d6fe46c3ffc5a15d2fed219458511faf","function public.get_user_team_id(_user_id uuid)":"0f9ebb41aece7151cab267f772ab9269","function public.has_soc_role(_role soc_role, _user_id uuid)":"96f1121e43d033d3ea3b6b7bf3aefb1a","index public.user_project_preferences_user_id_project_id_key":"25ad05455476e479f7a8b452cbbe3d4d","policy public.soc_user_roles.Members can leave; team admins can revoke roles of others":"f6e66ca77da00ba8ea302db780a2b6fb","policy public.user_project_preferences.Users can insert own preferences":"2bcf26aef87900e4f6b4ba30e9d25fbc","policy public.user_project_preferences.Users can update own preferences":"f7747e38c8b2c3a15068de1b975e89ce","privilege columns public.alembic_version anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.alembic_version authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.mezan_workflows anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.mezan_workflows authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.optilibria_runs anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.optilibria_runs authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.profiles anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.profiles authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.project_features anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.project_features authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.project_tech_stack anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.project_tech_stack authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.projects anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.projects authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.qmlab_experiments anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.qmlab_experiments authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.simcore_simulations anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.simcore_simulations authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.soc_teams anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.soc_teams authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.soc_user_roles anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.soc_user_roles authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.talai_experiments anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.talai_experiments authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.user_project_preferences anon REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege columns public.user_project_preferences authenticated REFERENCES":"334c4a4c42fdb79d7ebc3e73b517e6f8","privilege function current_user_has_soc_role(soc_role) anon EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function current_user_has_soc_role(soc_role) authenticated EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function current_user_has_soc_role(soc_role) public EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function current_user_has_soc_role(soc_role) service_role EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function current_user_team_id() anon EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function current_user_team_id() authenticated EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function current_user_team_id() public EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function current_user_team_id() service_role EXECUTE":"fc00fa278c75792efc28397308b9ad6e","privilege function get_user_team_id(uuid) authenticated EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function has_soc_role(soc_role,uuid) authenticated EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function private.soc_user_roles_keep_an_owner() anon EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function private.soc_user_roles_keep_an_owner() authenticated EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege function private.soc_user_roles_keep_an_owner() public EXECUTE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.alembic_version authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.mezan_workflows anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.mezan_workflows anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.mezan_workflows anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.mezan_workflows authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.mezan_workflows authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.mezan_workflows authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.optilibria_runs anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.optilibria_runs anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.optilibria_runs anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.optilibria_runs authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.optilibria_runs authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.optilibria_runs authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.profiles anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.profiles anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.profiles anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.profiles authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.profiles authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.profiles authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_features anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_features anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_features anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_features authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_features authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_features authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_tech_stack anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_tech_stack anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_tech_stack anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_tech_stack authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_tech_stack authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.project_tech_stack authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.projects anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.projects anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.projects anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.projects authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.projects authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.projects authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.qmlab_experiments anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.qmlab_experiments anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.qmlab_experiments anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.qmlab_experiments authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.qmlab_experiments authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.qmlab_experiments authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.simcore_simulations anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.simcore_simulations anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.simcore_simulations anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.simcore_simulations authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.simcore_simulations authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.simcore_simulations authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_teams anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_teams anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_teams anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_teams authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_teams authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_teams authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_user_roles anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_user_roles anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_user_roles anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_user_roles authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_user_roles authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.soc_user_roles authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.talai_experiments anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.talai_experiments anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.talai_experiments anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.talai_experiments authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.talai_experiments authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.talai_experiments authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.user_project_preferences anon REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.user_project_preferences anon TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.user_project_preferences anon TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.user_project_preferences authenticated REFERENCES":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.user_project_preferences authenticated TRIGGER":"e5671794bf87ebab2a0d5e0ded530e68","privilege table public.user_project_preferences authenticated TRUNCATE":"e5671794bf87ebab2a0d5e0ded530e68","table public.project_features":"6929b35e5d7f795098b5c9e0ebb02651","table public.project_tech_stack":"eac21fa545341448d48a67979d87f751","table public.projects":"7367e2505c29ab91621be6fa18856fd0","table public.soc_teams":"ceffc2d855e2d907223dd74122f4c41b","table public.soc_user_roles":"c5d7e1acb3d4bcbf5e1ae9c8a1e9b179","table public.user_project_preferences":"6f175ab195cadb522064116ff54e46b1","type public.soc_role":"3999282b791d53021846ef2e9fa33737"}'::jsonb)),
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

-- Running upgrade 0009 -> 0010

DO $$
DECLARE
  found text := 'base';
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
  IF NOT found = ANY (ARRAY['0009']) THEN
    RAISE EXCEPTION 'schema_pkg: % expects the database at % but it is at %; nothing was changed', 'upgrade 0010', '0009', found;
  END IF;
END $$;

SELECT set_config('schema_pkg.started_at', clock_timestamp()::text, false);

DO $unfinished$
DECLARE
  earlier record;
  state text;
BEGIN
  SELECT h.mode, h.started_at, h.error INTO earlier FROM schema_pkg.history AS h
   WHERE h.revision = '0010' AND direction = 'upgrade' AND h.step IS NULL AND h.status IN ('started', 'failed')
     AND NOT EXISTS (SELECT 1 FROM schema_pkg.history AS later WHERE later.id > h.id AND later.step IS NULL AND later.status = 'completed')
   ORDER BY h.id DESC LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  UPDATE schema_pkg.history
     SET status = 'failed', error = coalesce(error, 'the run stopped or its session ended'),
         duration = coalesce(duration, clock_timestamp() - started_at)
   WHERE revision = '0010' AND direction = 'upgrade' AND status = 'started';
  RAISE NOTICE 'schema_pkg: an earlier run of % (%, started %) did not complete: %; %',
    'upgrade 0010', earlier.mode, to_char(earlier.started_at, 'YYYY-MM-DD HH24:MI:SS'),
    coalesce(earlier.error, 'the run stopped or its session ended'),
    'its one transaction rolled back, so nothing of it was applied' || coalesce('; now ' || state, '');
END
$unfinished$;

DO $start$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO schema_pkg.history (revision, direction, checksum, started_at, mode, status, package_version, file_name, applied_by, application_name, session_user_name, client_addr, server_version_num)
  VALUES ('0010', 'upgrade', 'cc4f8164e783cc0756385131b870e43ea935b1d78214594ca2045236eee5dc32', current_setting('schema_pkg.started_at')::timestamptz, 'sql', 'started', '0.1.0', '0010_explicit_api_grants_and_pinned_definers.upgrade.sql', current_user, current_setting('application_name'), session_user, inet_client_addr()::text, current_setting('server_version_num')::bigint)
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
\endif
\if :ERROR
\else
-- Nothing for the API roles or PUBLIC but what follows ------------------------

REVOKE ALL ON TABLE
  public.profiles, public.projects, public.project_features, public.project_tech_stack,
  public.user_project_preferences, public.simcore_simulations, public.mezan_workflows,
  public.talai_experiments, public.optilibria_runs, public.qmlab_experiments,
  public.soc_teams, public.soc_user_roles, public.alembic_version
FROM PUBLIC, anon, authenticated, service_role;
\endif
\if :ERROR
\else
REVOKE ALL ON FUNCTION
  public.get_user_team_id(uuid), public.has_soc_role(public.soc_role, uuid),
  public.current_user_team_id(), public.current_user_has_soc_role(public.soc_role),
  private.is_soc_team_member(uuid), private.has_soc_team_role(uuid, public.soc_role[]),
  private.soc_user_roles_keep_an_owner()
FROM PUBLIC, anon, authenticated, service_role;
\endif
\if :ERROR
\else
REVOKE ALL ON SCHEMA private FROM PUBLIC, anon, authenticated, service_role;
\endif
\if :ERROR
\else
-- anon: the public projects and what belongs to them --------------------------

GRANT SELECT ON public.projects, public.project_features, public.project_tech_stack TO anon;
\endif
\if :ERROR
\else
-- authenticated: each command a signed-in user has a case for -----------------

GRANT SELECT, INSERT, UPDATE, DELETE ON
  public.simcore_simulations, public.mezan_workflows, public.talai_experiments,
  public.optilibria_runs, public.qmlab_experiments,
  public.projects, public.project_features, public.project_tech_stack,
  public.user_project_preferences
TO authenticated;
\endif
\if :ERROR
\else
GRANT SELECT, INSERT, UPDATE ON public.profiles TO authenticated;
\endif
\if :ERROR
\else
GRANT SELECT, UPDATE ON public.soc_teams TO authenticated;
\endif
\if :ERROR
\else
-- Roles: created_at (which orders current_user_team_id()) is the server's; an
-- admin changes a member's role, never whose or which team's row it is.
GRANT SELECT, DELETE ON public.soc_user_roles TO authenticated;
\endif
\if :ERROR
\else
GRANT INSERT (id, user_id, team_id, role) ON public.soc_user_roles TO authenticated;
\endif
\if :ERROR
\else
GRANT UPDATE (role) ON public.soc_user_roles TO authenticated;
\endif
\if :ERROR
\else
-- service_role: every row of every table, nothing RLS would not see ------------

GRANT SELECT, INSERT, UPDATE, DELETE ON
  public.profiles, public.projects, public.project_features, public.project_tech_stack,
  public.user_project_preferences, public.simcore_simulations, public.mezan_workflows,
  public.talai_experiments, public.optilibria_runs, public.qmlab_experiments,
  public.soc_teams, public.soc_user_roles
TO service_role;
\endif
\if :ERROR
\else
-- Functions ------------------------------------------------------------------

GRANT EXECUTE ON FUNCTION public.get_user_team_id(uuid) TO service_role;
\endif
\if :ERROR
\else
GRANT EXECUTE ON FUNCTION public.has_soc_role(public.soc_role, uuid) TO service_role;
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
-- The policies on soc_teams and soc_user_roles (TO authenticated) call these.  A
-- policy refers to a function by reference: EXECUTE is checked, schema USAGE is not.
GRANT EXECUTE ON FUNCTION private.is_soc_team_member(uuid) TO authenticated;
\endif
\if :ERROR
\else
GRANT EXECUTE ON FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) TO authenticated;
\endif
\if :ERROR
\else
-- Vanilla only: stop exposing future objects in public, as Supabase now does ---

DO $defaults$
DECLARE
  setter text;
  kind text;
BEGIN
  IF (SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'auth')
     IS DISTINCT FROM 'Created by the schema_pkg auth bootstrap; dropped by its downgrade.' THEN
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
\endif
\if :ERROR
\else
-- SECURITY DEFINER functions: pg_catalog first, pg_temp explicitly last ---------

ALTER FUNCTION public.get_user_team_id(uuid) SET search_path = pg_catalog, public, pg_temp;
\endif
\if :ERROR
\else
ALTER FUNCTION public.has_soc_role(public.soc_role, uuid) SET search_path = pg_catalog, public, pg_temp;
\endif
\if :ERROR
\else
ALTER FUNCTION private.is_soc_team_member(uuid) SET search_path = pg_catalog, pg_temp;
\endif
\if :ERROR
\else
ALTER FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) SET search_path = pg_catalog, pg_temp;
\endif
\if :ERROR
\else
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
\endif
\if :ERROR
\else
REVOKE ALL ON FUNCTION private.soc_user_roles_keep_an_owner() FROM PUBLIC, anon, authenticated, service_role;
\endif

\if :ERROR
\else
UPDATE alembic_version SET version_num='0010' WHERE alembic_version.version_num = '0009';
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
  IF NOT found = ANY (ARRAY['0010']) THEN
    RAISE EXCEPTION 'schema_pkg: after %, alembic_version should hold exactly % but holds %', 'upgrade 0010', '0010', found;
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
         AND c.relname = ANY (ARRAY['alembic_version', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'authenticated', 'be', 'begin', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'definer', 'delete', 'deletes', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'insert', 'is_soc_team_member', 'language', 'left', 'make', 'member', 'mezan_workflows', 'name', 'not', 'null', 'old', 'on', 'optilibria_runs', 'or', 'owner', 'pg_catalog', 'pg_temp', 'plpgsql', 'private', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'public', 'qmlab_experiments', 'r', 'raise', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'simcore_simulations', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 't', 'table', 'talai_experiments', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'update', 'user_id', 'user_project_preferences', 'using', 'uuid', 'where', 'whole', 'without', 'would']::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ('public', 'private')
         AND c.relname = ANY (ARRAY['alembic_version', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'authenticated', 'be', 'begin', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'definer', 'delete', 'deletes', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'insert', 'is_soc_team_member', 'language', 'left', 'make', 'member', 'mezan_workflows', 'name', 'not', 'null', 'old', 'on', 'optilibria_runs', 'or', 'owner', 'pg_catalog', 'pg_temp', 'plpgsql', 'private', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'public', 'qmlab_experiments', 'r', 'raise', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'simcore_simulations', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 't', 'table', 'talai_experiments', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'update', 'user_id', 'user_project_preferences', 'using', 'uuid', 'where', 'whole', 'without', 'would']::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'private') AND p.polname = ANY (ARRAY['alembic_version', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'authenticated', 'be', 'begin', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'definer', 'delete', 'deletes', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'insert', 'is_soc_team_member', 'language', 'left', 'make', 'member', 'mezan_workflows', 'name', 'not', 'null', 'old', 'on', 'optilibria_runs', 'or', 'owner', 'pg_catalog', 'pg_temp', 'plpgsql', 'private', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'public', 'qmlab_experiments', 'r', 'raise', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'simcore_simulations', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 't', 'table', 'talai_experiments', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'update', 'user_id', 'user_project_preferences', 'using', 'uuid', 'where', 'whole', 'without', 'would']::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ('public', 'private')
         AND t.typname = ANY (ARRAY['alembic_version', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'authenticated', 'be', 'begin', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'definer', 'delete', 'deletes', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'insert', 'is_soc_team_member', 'language', 'left', 'make', 'member', 'mezan_workflows', 'name', 'not', 'null', 'old', 'on', 'optilibria_runs', 'or', 'owner', 'pg_catalog', 'pg_temp', 'plpgsql', 'private', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'public', 'qmlab_experiments', 'r', 'raise', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'simcore_simulations', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 't', 'table', 'talai_experiments', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'update', 'user_id', 'user_project_preferences', 'using', 'uuid', 'where', 'whole', 'without', 'would']::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ('public', 'private') AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY['alembic_version', 'all', 'alter', 'an', 'and', 'anon', 'another', 'as', 'authenticated', 'be', 'begin', 'create', 'current_user_has_soc_role', 'current_user_team_id', 'definer', 'delete', 'deletes', 'end', 'errcode', 'exception', 'execute', 'exists', 'first', 'found', 'from', 'function', 'get_user_team_id', 'grant', 'has_soc_role', 'has_soc_team_role', 'hint', 'id', 'if', 'insert', 'is_soc_team_member', 'language', 'left', 'make', 'member', 'mezan_workflows', 'name', 'not', 'null', 'old', 'on', 'optilibria_runs', 'or', 'owner', 'pg_catalog', 'pg_temp', 'plpgsql', 'private', 'profiles', 'project_features', 'project_tech_stack', 'projects', 'public', 'qmlab_experiments', 'r', 'raise', 'replace', 'restrict_violation', 'return', 'returns', 'revoke', 'role', 'schema', 'search_path', 'security', 'select', 'service', 'service_role', 'set', 'simcore_simulations', 'soc_role', 'soc_teams', 'soc_user_roles', 'soc_user_roles_keep_an_owner', 't', 'table', 'talai_experiments', 'team', 'team_id', 'teams', 'the', 'then', 'to', 'trigger', 'update', 'user_id', 'user_project_preferences', 'using', 'uuid', 'where', 'whole', 'without', 'would']::text[])
      UNION ALL SELECT 'privilege function ' || p.oid::regprocedure::text || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('private.has_soc_team_role(uuid, public.soc_role[])', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('private.has_soc_team_role(uuid, public.soc_role[])', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('private.has_soc_team_role(uuid, public.soc_role[])', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('private.has_soc_team_role(uuid, public.soc_role[])', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'),
               ('private.is_soc_team_member(uuid)', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('private.is_soc_team_member(uuid)', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('private.is_soc_team_member(uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('private.is_soc_team_member(uuid)', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'),
               ('private.soc_user_roles_keep_an_owner()', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('private.soc_user_roles_keep_an_owner()', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('private.soc_user_roles_keep_an_owner()', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('private.soc_user_roles_keep_an_owner()', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.current_user_has_soc_role(public.soc_role)', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.current_user_team_id()', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'),
               ('public.get_user_team_id(uuid)', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('public.get_user_team_id(uuid)', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('public.get_user_team_id(uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.get_user_team_id(uuid)', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'),
               ('public.has_soc_role(public.soc_role, uuid)', ' public EXECUTE', 0::oid, 'EXECUTE'),
               ('public.has_soc_role(public.soc_role, uuid)', ' anon EXECUTE', to_regrole('anon')::oid, 'EXECUTE'),
               ('public.has_soc_role(public.soc_role, uuid)', ' authenticated EXECUTE', to_regrole('authenticated')::oid, 'EXECUTE'),
               ('public.has_soc_role(public.soc_role, uuid)', ' service_role EXECUTE', to_regrole('service_role')::oid, 'EXECUTE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_proc p ON p.oid = to_regprocedure(w.object)
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege schema ' || n.nspname || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('private', ' public CREATE', 0::oid, 'CREATE'),
               ('private', ' public USAGE', 0::oid, 'USAGE'),
               ('private', ' anon CREATE', to_regrole('anon')::oid, 'CREATE'),
               ('private', ' anon USAGE', to_regrole('anon')::oid, 'USAGE'),
               ('private', ' authenticated CREATE', to_regrole('authenticated')::oid, 'CREATE'),
               ('private', ' authenticated USAGE', to_regrole('authenticated')::oid, 'USAGE'),
               ('private', ' service_role CREATE', to_regrole('service_role')::oid, 'CREATE'),
               ('private', ' service_role USAGE', to_regrole('service_role')::oid, 'USAGE'))
          AS w(object, label, grantee, privilege)
        JOIN pg_namespace n ON n.nspname = w.object
       WHERE w.grantee IS NOT NULL
      UNION ALL SELECT 'privilege table ' || n.nspname || '.' || c.relname || w.label,
             CASE WHEN EXISTS (SELECT 1 FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) e
                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege) THEN 'granted' ELSE 'absent' END
        FROM (VALUES ('public.alembic_version', ' public DELETE', 0::oid, 'DELETE'),
               ('public.alembic_version', ' public INSERT', 0::oid, 'INSERT'),
               ('public.alembic_version', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.alembic_version', ' public SELECT', 0::oid, 'SELECT'),
               ('public.alembic_version', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.alembic_version', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.alembic_version', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.alembic_version', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.alembic_version', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.alembic_version', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.alembic_version', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.alembic_version', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.alembic_version', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.alembic_version', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.alembic_version', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.alembic_version', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.alembic_version', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.alembic_version', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.alembic_version', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.alembic_version', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.alembic_version', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.alembic_version', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.alembic_version', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.alembic_version', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.alembic_version', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.alembic_version', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.alembic_version', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.alembic_version', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.mezan_workflows', ' public DELETE', 0::oid, 'DELETE'),
               ('public.mezan_workflows', ' public INSERT', 0::oid, 'INSERT'),
               ('public.mezan_workflows', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.mezan_workflows', ' public SELECT', 0::oid, 'SELECT'),
               ('public.mezan_workflows', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.mezan_workflows', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.mezan_workflows', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.mezan_workflows', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.mezan_workflows', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.mezan_workflows', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.mezan_workflows', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.mezan_workflows', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.mezan_workflows', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.mezan_workflows', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.mezan_workflows', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.mezan_workflows', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.mezan_workflows', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.mezan_workflows', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.mezan_workflows', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.mezan_workflows', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.mezan_workflows', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.mezan_workflows', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.mezan_workflows', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.mezan_workflows', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.mezan_workflows', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.mezan_workflows', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.mezan_workflows', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.mezan_workflows', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.optilibria_runs', ' public DELETE', 0::oid, 'DELETE'),
               ('public.optilibria_runs', ' public INSERT', 0::oid, 'INSERT'),
               ('public.optilibria_runs', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.optilibria_runs', ' public SELECT', 0::oid, 'SELECT'),
               ('public.optilibria_runs', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.optilibria_runs', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.optilibria_runs', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.optilibria_runs', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.optilibria_runs', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.optilibria_runs', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.optilibria_runs', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.optilibria_runs', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.optilibria_runs', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.optilibria_runs', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.optilibria_runs', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.optilibria_runs', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.optilibria_runs', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.optilibria_runs', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.optilibria_runs', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.optilibria_runs', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.optilibria_runs', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.optilibria_runs', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.optilibria_runs', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.optilibria_runs', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.optilibria_runs', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.optilibria_runs', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.optilibria_runs', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.optilibria_runs', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.profiles', ' public DELETE', 0::oid, 'DELETE'),
               ('public.profiles', ' public INSERT', 0::oid, 'INSERT'),
               ('public.profiles', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.profiles', ' public SELECT', 0::oid, 'SELECT'),
               ('public.profiles', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.profiles', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.profiles', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.profiles', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.profiles', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.profiles', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.profiles', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.profiles', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.profiles', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.profiles', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.profiles', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.profiles', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.profiles', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.profiles', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.profiles', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.profiles', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.profiles', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.profiles', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.profiles', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.profiles', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.profiles', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.profiles', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.profiles', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.profiles', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.project_features', ' public DELETE', 0::oid, 'DELETE'),
               ('public.project_features', ' public INSERT', 0::oid, 'INSERT'),
               ('public.project_features', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.project_features', ' public SELECT', 0::oid, 'SELECT'),
               ('public.project_features', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.project_features', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.project_features', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.project_features', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.project_features', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.project_features', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.project_features', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.project_features', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.project_features', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.project_features', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.project_features', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.project_features', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.project_features', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.project_features', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.project_features', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.project_features', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.project_features', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.project_features', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.project_features', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.project_features', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.project_features', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.project_features', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.project_features', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.project_features', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.project_tech_stack', ' public DELETE', 0::oid, 'DELETE'),
               ('public.project_tech_stack', ' public INSERT', 0::oid, 'INSERT'),
               ('public.project_tech_stack', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.project_tech_stack', ' public SELECT', 0::oid, 'SELECT'),
               ('public.project_tech_stack', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.project_tech_stack', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.project_tech_stack', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.project_tech_stack', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.project_tech_stack', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.project_tech_stack', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.project_tech_stack', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.project_tech_stack', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.project_tech_stack', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.project_tech_stack', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.project_tech_stack', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.project_tech_stack', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.project_tech_stack', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.project_tech_stack', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.project_tech_stack', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.project_tech_stack', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.project_tech_stack', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.project_tech_stack', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.project_tech_stack', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.project_tech_stack', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.project_tech_stack', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.project_tech_stack', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.project_tech_stack', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.project_tech_stack', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.projects', ' public DELETE', 0::oid, 'DELETE'),
               ('public.projects', ' public INSERT', 0::oid, 'INSERT'),
               ('public.projects', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.projects', ' public SELECT', 0::oid, 'SELECT'),
               ('public.projects', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.projects', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.projects', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.projects', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.projects', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.projects', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.projects', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.projects', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.projects', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.projects', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.projects', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.projects', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.projects', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.projects', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.projects', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.projects', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.projects', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.projects', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.projects', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.projects', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.projects', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.projects', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.projects', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.projects', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' public DELETE', 0::oid, 'DELETE'),
               ('public.qmlab_experiments', ' public INSERT', 0::oid, 'INSERT'),
               ('public.qmlab_experiments', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.qmlab_experiments', ' public SELECT', 0::oid, 'SELECT'),
               ('public.qmlab_experiments', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.qmlab_experiments', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.qmlab_experiments', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.qmlab_experiments', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.qmlab_experiments', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.qmlab_experiments', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.qmlab_experiments', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.qmlab_experiments', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.qmlab_experiments', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.qmlab_experiments', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.qmlab_experiments', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.qmlab_experiments', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.qmlab_experiments', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.qmlab_experiments', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.qmlab_experiments', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.qmlab_experiments', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.qmlab_experiments', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.qmlab_experiments', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.qmlab_experiments', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.qmlab_experiments', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.qmlab_experiments', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.simcore_simulations', ' public DELETE', 0::oid, 'DELETE'),
               ('public.simcore_simulations', ' public INSERT', 0::oid, 'INSERT'),
               ('public.simcore_simulations', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.simcore_simulations', ' public SELECT', 0::oid, 'SELECT'),
               ('public.simcore_simulations', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.simcore_simulations', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.simcore_simulations', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.simcore_simulations', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.simcore_simulations', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.simcore_simulations', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.simcore_simulations', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.simcore_simulations', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.simcore_simulations', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.simcore_simulations', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.simcore_simulations', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.simcore_simulations', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.simcore_simulations', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.simcore_simulations', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.simcore_simulations', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.simcore_simulations', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.simcore_simulations', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.simcore_simulations', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.simcore_simulations', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.simcore_simulations', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.simcore_simulations', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.simcore_simulations', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.simcore_simulations', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.simcore_simulations', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.soc_teams', ' public DELETE', 0::oid, 'DELETE'),
               ('public.soc_teams', ' public INSERT', 0::oid, 'INSERT'),
               ('public.soc_teams', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.soc_teams', ' public SELECT', 0::oid, 'SELECT'),
               ('public.soc_teams', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.soc_teams', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.soc_teams', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.soc_teams', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.soc_teams', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.soc_teams', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.soc_teams', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.soc_teams', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.soc_teams', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.soc_teams', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.soc_teams', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.soc_teams', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.soc_teams', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.soc_teams', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.soc_teams', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.soc_teams', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.soc_teams', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.soc_teams', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.soc_teams', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.soc_teams', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.soc_teams', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.soc_teams', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.soc_teams', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.soc_teams', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.soc_user_roles', ' public DELETE', 0::oid, 'DELETE'),
               ('public.soc_user_roles', ' public INSERT', 0::oid, 'INSERT'),
               ('public.soc_user_roles', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.soc_user_roles', ' public SELECT', 0::oid, 'SELECT'),
               ('public.soc_user_roles', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.soc_user_roles', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.soc_user_roles', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.soc_user_roles', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.soc_user_roles', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.soc_user_roles', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.soc_user_roles', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.soc_user_roles', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.soc_user_roles', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
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
               ('public.talai_experiments', ' public DELETE', 0::oid, 'DELETE'),
               ('public.talai_experiments', ' public INSERT', 0::oid, 'INSERT'),
               ('public.talai_experiments', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.talai_experiments', ' public SELECT', 0::oid, 'SELECT'),
               ('public.talai_experiments', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.talai_experiments', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.talai_experiments', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.talai_experiments', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.talai_experiments', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.talai_experiments', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.talai_experiments', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.talai_experiments', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.talai_experiments', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.talai_experiments', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.talai_experiments', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.talai_experiments', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.talai_experiments', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.talai_experiments', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.talai_experiments', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.talai_experiments', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
               ('public.talai_experiments', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.talai_experiments', ' service_role DELETE', to_regrole('service_role')::oid, 'DELETE'),
               ('public.talai_experiments', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.talai_experiments', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.talai_experiments', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.talai_experiments', ' service_role TRIGGER', to_regrole('service_role')::oid, 'TRIGGER'),
               ('public.talai_experiments', ' service_role TRUNCATE', to_regrole('service_role')::oid, 'TRUNCATE'),
               ('public.talai_experiments', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.user_project_preferences', ' public DELETE', 0::oid, 'DELETE'),
               ('public.user_project_preferences', ' public INSERT', 0::oid, 'INSERT'),
               ('public.user_project_preferences', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.user_project_preferences', ' public SELECT', 0::oid, 'SELECT'),
               ('public.user_project_preferences', ' public TRIGGER', 0::oid, 'TRIGGER'),
               ('public.user_project_preferences', ' public TRUNCATE', 0::oid, 'TRUNCATE'),
               ('public.user_project_preferences', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.user_project_preferences', ' anon DELETE', to_regrole('anon')::oid, 'DELETE'),
               ('public.user_project_preferences', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.user_project_preferences', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.user_project_preferences', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.user_project_preferences', ' anon TRIGGER', to_regrole('anon')::oid, 'TRIGGER'),
               ('public.user_project_preferences', ' anon TRUNCATE', to_regrole('anon')::oid, 'TRUNCATE'),
               ('public.user_project_preferences', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.user_project_preferences', ' authenticated DELETE', to_regrole('authenticated')::oid, 'DELETE'),
               ('public.user_project_preferences', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.user_project_preferences', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.user_project_preferences', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.user_project_preferences', ' authenticated TRIGGER', to_regrole('authenticated')::oid, 'TRIGGER'),
               ('public.user_project_preferences', ' authenticated TRUNCATE', to_regrole('authenticated')::oid, 'TRUNCATE'),
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
        FROM (VALUES ('public.alembic_version', ' public INSERT', 0::oid, 'INSERT'),
               ('public.alembic_version', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.alembic_version', ' public SELECT', 0::oid, 'SELECT'),
               ('public.alembic_version', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.alembic_version', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.alembic_version', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.alembic_version', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.alembic_version', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.alembic_version', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.alembic_version', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.alembic_version', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.alembic_version', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.alembic_version', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.alembic_version', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.alembic_version', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.alembic_version', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.mezan_workflows', ' public INSERT', 0::oid, 'INSERT'),
               ('public.mezan_workflows', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.mezan_workflows', ' public SELECT', 0::oid, 'SELECT'),
               ('public.mezan_workflows', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.mezan_workflows', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.mezan_workflows', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.mezan_workflows', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.mezan_workflows', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.mezan_workflows', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.mezan_workflows', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.mezan_workflows', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.mezan_workflows', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.mezan_workflows', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.mezan_workflows', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.mezan_workflows', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.mezan_workflows', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.optilibria_runs', ' public INSERT', 0::oid, 'INSERT'),
               ('public.optilibria_runs', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.optilibria_runs', ' public SELECT', 0::oid, 'SELECT'),
               ('public.optilibria_runs', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.optilibria_runs', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.optilibria_runs', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.optilibria_runs', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.optilibria_runs', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.optilibria_runs', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.optilibria_runs', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.optilibria_runs', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.optilibria_runs', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.optilibria_runs', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.optilibria_runs', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.optilibria_runs', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.optilibria_runs', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.profiles', ' public INSERT', 0::oid, 'INSERT'),
               ('public.profiles', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.profiles', ' public SELECT', 0::oid, 'SELECT'),
               ('public.profiles', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.profiles', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.profiles', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.profiles', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.profiles', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.profiles', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.profiles', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.profiles', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.profiles', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.profiles', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.profiles', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.profiles', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.profiles', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.project_features', ' public INSERT', 0::oid, 'INSERT'),
               ('public.project_features', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.project_features', ' public SELECT', 0::oid, 'SELECT'),
               ('public.project_features', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.project_features', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.project_features', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.project_features', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.project_features', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.project_features', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.project_features', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.project_features', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.project_features', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.project_features', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.project_features', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.project_features', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.project_features', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.project_tech_stack', ' public INSERT', 0::oid, 'INSERT'),
               ('public.project_tech_stack', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.project_tech_stack', ' public SELECT', 0::oid, 'SELECT'),
               ('public.project_tech_stack', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.project_tech_stack', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.project_tech_stack', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.project_tech_stack', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.project_tech_stack', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.project_tech_stack', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.project_tech_stack', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.project_tech_stack', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.project_tech_stack', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.project_tech_stack', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.project_tech_stack', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.project_tech_stack', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.project_tech_stack', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.projects', ' public INSERT', 0::oid, 'INSERT'),
               ('public.projects', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.projects', ' public SELECT', 0::oid, 'SELECT'),
               ('public.projects', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.projects', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.projects', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.projects', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.projects', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.projects', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.projects', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.projects', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.projects', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.projects', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.projects', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.projects', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.projects', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' public INSERT', 0::oid, 'INSERT'),
               ('public.qmlab_experiments', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.qmlab_experiments', ' public SELECT', 0::oid, 'SELECT'),
               ('public.qmlab_experiments', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.qmlab_experiments', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.qmlab_experiments', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.qmlab_experiments', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.qmlab_experiments', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.qmlab_experiments', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.qmlab_experiments', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.qmlab_experiments', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.qmlab_experiments', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.qmlab_experiments', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.qmlab_experiments', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.simcore_simulations', ' public INSERT', 0::oid, 'INSERT'),
               ('public.simcore_simulations', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.simcore_simulations', ' public SELECT', 0::oid, 'SELECT'),
               ('public.simcore_simulations', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.simcore_simulations', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.simcore_simulations', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.simcore_simulations', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.simcore_simulations', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.simcore_simulations', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.simcore_simulations', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.simcore_simulations', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.simcore_simulations', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.simcore_simulations', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.simcore_simulations', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.simcore_simulations', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.simcore_simulations', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.soc_teams', ' public INSERT', 0::oid, 'INSERT'),
               ('public.soc_teams', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.soc_teams', ' public SELECT', 0::oid, 'SELECT'),
               ('public.soc_teams', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.soc_teams', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.soc_teams', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.soc_teams', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.soc_teams', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.soc_teams', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.soc_teams', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.soc_teams', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.soc_teams', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.soc_teams', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.soc_teams', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.soc_teams', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.soc_teams', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.soc_user_roles', ' public INSERT', 0::oid, 'INSERT'),
               ('public.soc_user_roles', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.soc_user_roles', ' public SELECT', 0::oid, 'SELECT'),
               ('public.soc_user_roles', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.soc_user_roles', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.soc_user_roles', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.soc_user_roles', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.soc_user_roles', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.soc_user_roles', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.soc_user_roles', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.soc_user_roles', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.soc_user_roles', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.soc_user_roles', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.soc_user_roles', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.soc_user_roles', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.soc_user_roles', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.talai_experiments', ' public INSERT', 0::oid, 'INSERT'),
               ('public.talai_experiments', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.talai_experiments', ' public SELECT', 0::oid, 'SELECT'),
               ('public.talai_experiments', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.talai_experiments', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.talai_experiments', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.talai_experiments', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.talai_experiments', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.talai_experiments', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.talai_experiments', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.talai_experiments', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.talai_experiments', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.talai_experiments', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.talai_experiments', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.talai_experiments', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.talai_experiments', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'),
               ('public.user_project_preferences', ' public INSERT', 0::oid, 'INSERT'),
               ('public.user_project_preferences', ' public REFERENCES', 0::oid, 'REFERENCES'),
               ('public.user_project_preferences', ' public SELECT', 0::oid, 'SELECT'),
               ('public.user_project_preferences', ' public UPDATE', 0::oid, 'UPDATE'),
               ('public.user_project_preferences', ' anon INSERT', to_regrole('anon')::oid, 'INSERT'),
               ('public.user_project_preferences', ' anon REFERENCES', to_regrole('anon')::oid, 'REFERENCES'),
               ('public.user_project_preferences', ' anon SELECT', to_regrole('anon')::oid, 'SELECT'),
               ('public.user_project_preferences', ' anon UPDATE', to_regrole('anon')::oid, 'UPDATE'),
               ('public.user_project_preferences', ' authenticated INSERT', to_regrole('authenticated')::oid, 'INSERT'),
               ('public.user_project_preferences', ' authenticated REFERENCES', to_regrole('authenticated')::oid, 'REFERENCES'),
               ('public.user_project_preferences', ' authenticated SELECT', to_regrole('authenticated')::oid, 'SELECT'),
               ('public.user_project_preferences', ' authenticated UPDATE', to_regrole('authenticated')::oid, 'UPDATE'),
               ('public.user_project_preferences', ' service_role INSERT', to_regrole('service_role')::oid, 'INSERT'),
               ('public.user_project_preferences', ' service_role REFERENCES', to_regrole('service_role')::oid, 'REFERENCES'),
               ('public.user_project_preferences', ' service_role SELECT', to_regrole('service_role')::oid, 'SELECT'),
               ('public.user_project_preferences', ' service_role UPDATE', to_regrole('service_role')::oid, 'UPDATE'))
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
  RAISE EXCEPTION '%', 'schema_pkg: upgrade 0010 failed: ' || failure || '; its one transaction rolled back, so nothing of it was applied and the database is still at 0009; recorded in schema_pkg.history; run this file again once the cause is fixed';
END
$failed$;
\endif
\set VERBOSITY :schema_pkg_verbosity
\set SHOW_CONTEXT :schema_pkg_show_context

UPDATE schema_pkg.migration_lock
   SET holder_pid = NULL, holder_backend_start = NULL, holder_application = NULL,
       acquired_at = NULL
 WHERE holder_pid = pg_backend_pid();

