"""Close what an attacker found at head: table privileges, the membership leak, pinned projects.

* Table privileges.  0001's default privileges grant ALL, as Supabase's do,
  and RLS governs none of TRUNCATE, TRIGGER, REFERENCES or (17+) MAINTAIN:
  anon could TRUNCATE any table, and authenticated could attach a trigger that
  later ran as whoever wrote to the table.  PostgREST needs none of them, so
  they are revoked from anon and authenticated on every table in public and in
  the migrating role's default privileges there.  service_role keeps its own.
* Membership lookups.  get_user_team_id(uuid) and has_soc_role(soc_role, uuid)
  are SECURITY DEFINER and take any user id, so any signed-in user could map
  every team's owners.  EXECUTE is revoked from authenticated (service_role
  keeps it; the bodies stay verbatim), and apps get caller-only functions:
  current_user_team_id() and current_user_has_soc_role(soc_role), SECURITY
  INVOKER, answering from the rows RLS already shows the caller.
* Preferences.  Inserting or moving a preference needs a project the caller
  can see, so nobody can pin (or probe for) another user's private project.
* Children of projects.  The three documented foreign keys to projects.id
  become ON DELETE CASCADE (same names and columns), so an owner can delete a
  project that has features, tech stack, or other users' preferences.  Each is
  re-added NOT VALID and validated in its own transaction.
* Upserts.  A UNIQUE index on preferences (user_id, project_id), built
  CONCURRENTLY, lets PostgREST upsert with on_conflict=user_id,project_id.  It
  replaces 0008's plain index on the same columns.  Existing duplicates stop
  the revision before anything is applied; nothing is deleted.
* Leaving a team.  A member may delete their own role row; a trigger keeps at
  least one owner in every team that still exists (the service and the table
  owner are exempt, so a whole team can still be deleted).

The foreign key and index segments commit on their own (autocommit).  Every
segment is safe to re-run if a later one fails: the rerun repeats it.

Revision ID: 0009
Revises: 0008
"""

from alembic import context, op
from sqlalchemy import text

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UPGRADE = """
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

-- Table privileges: nothing RLS cannot govern -------------------------------

REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA public FROM anon, authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  REVOKE TRUNCATE, TRIGGER, REFERENCES ON TABLES FROM anon, authenticated;

DO $maintain$
BEGIN
  -- MAINTAIN exists from PostgreSQL 17 on; EXECUTE keeps older parsers out of it.
  IF current_setting('server_version_num')::int >= 170000 THEN
    EXECUTE 'REVOKE MAINTAIN ON ALL TABLES IN SCHEMA public FROM anon, authenticated';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE MAINTAIN ON TABLES FROM anon, authenticated';
  END IF;
END
$maintain$;

-- Membership lookups: only the service asks about other users ---------------

REVOKE EXECUTE ON FUNCTION get_user_team_id(uuid) FROM authenticated;
REVOKE EXECUTE ON FUNCTION has_soc_role(soc_role, uuid) FROM authenticated;

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

REVOKE EXECUTE ON FUNCTION public.current_user_team_id() FROM PUBLIC, anon;
REVOKE EXECUTE ON FUNCTION public.current_user_has_soc_role(public.soc_role) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.current_user_team_id() TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.current_user_has_soc_role(public.soc_role) TO authenticated, service_role;

-- Preferences: only for projects the caller can see --------------------------
-- The EXISTS runs under the caller's own RLS on projects, as 0006 does for features.

ALTER POLICY "Users can insert own preferences" ON user_project_preferences
WITH CHECK ((select auth.uid()) = user_id AND EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id));

ALTER POLICY "Users can update own preferences" ON user_project_preferences
USING ((select auth.uid()) = user_id)
WITH CHECK ((select auth.uid()) = user_id AND EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id));

-- Leaving a team: your own role row, unless you are its last owner -----------

-- One DELETE policy, not two permissive ones: 0006's revoke rule, or your own row.
DROP POLICY IF EXISTS "Team admins can revoke roles of others" ON soc_user_roles;
DROP POLICY IF EXISTS "Members can leave; team admins can revoke roles of others" ON soc_user_roles;
CREATE POLICY "Members can leave; team admins can revoke roles of others"
ON soc_user_roles FOR DELETE TO authenticated
USING (
  user_id = (select auth.uid())
  OR private.has_soc_team_role(team_id, CASE WHEN role = 'owner' THEN '{owner}'::soc_role[] ELSE '{admin,owner}'::soc_role[] END)
);

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

REVOKE EXECUTE ON FUNCTION private.soc_user_roles_keep_an_owner() FROM PUBLIC, anon, authenticated;

-- AFTER the statement's rows are gone, so one DELETE of several owners is
-- counted whole.  WHEN is evaluated as the caller: only callers under RLS are
-- held to it, so service_role (BYPASSRLS) and the tables' owner can still
-- delete a whole team with its roles.
CREATE OR REPLACE TRIGGER soc_user_roles_keep_an_owner
AFTER DELETE OR UPDATE ON soc_user_roles
FOR EACH ROW WHEN (OLD.role = 'owner' AND row_security_active('public.soc_user_roles'))
EXECUTE FUNCTION private.soc_user_roles_keep_an_owner()
"""

DOWNGRADE = """
-- Leaving a team -------------------------------------------------------------

DROP TRIGGER soc_user_roles_keep_an_owner ON soc_user_roles;
DROP FUNCTION private.soc_user_roles_keep_an_owner();
DROP POLICY "Members can leave; team admins can revoke roles of others" ON soc_user_roles;
CREATE POLICY "Team admins can revoke roles of others"
ON soc_user_roles FOR DELETE TO authenticated
USING (
  user_id <> (select auth.uid())
  AND private.has_soc_team_role(team_id, CASE WHEN role = 'owner' THEN '{owner}'::soc_role[] ELSE '{admin,owner}'::soc_role[] END)
);

-- Preferences: 0006's policies ------------------------------------------------

ALTER POLICY "Users can insert own preferences" ON user_project_preferences
WITH CHECK ((select auth.uid()) = user_id);

ALTER POLICY "Users can update own preferences" ON user_project_preferences
USING ((select auth.uid()) = user_id)
WITH CHECK ((select auth.uid()) = user_id);

-- Membership lookups: 0007's grants ------------------------------------------

DROP FUNCTION public.current_user_has_soc_role(public.soc_role);
DROP FUNCTION public.current_user_team_id();
GRANT EXECUTE ON FUNCTION get_user_team_id(uuid) TO authenticated;
GRANT EXECUTE ON FUNCTION has_soc_role(soc_role, uuid) TO authenticated;

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
$restore$
"""

# The three documented foreign keys to projects.id, with 0003's names.
PROJECT_FOREIGN_KEYS = ("project_features", "project_tech_stack", "user_project_preferences")

READD_FOREIGN_KEY = """-- The constraint is re-added by this same statement, with its new action.
ALTER TABLE {table}
  -- squawk-ignore ban-drop-constraint
  DROP CONSTRAINT IF EXISTS {table}_project_id_fkey,
  ADD CONSTRAINT {table}_project_id_fkey
    FOREIGN KEY (project_id) REFERENCES projects (id){action} NOT VALID"""

VALIDATE_FOREIGN_KEY = "ALTER TABLE {table} VALIDATE CONSTRAINT {table}_project_id_fkey"

UNIQUE_INDEX = "user_project_preferences_user_id_project_id_key"
PLAIN_INDEX = "user_project_preferences_user_id_project_id_idx"  # 0008's, made redundant
COLUMNS = "user_project_preferences (user_id, project_id)"


def readd_foreign_keys(action: str) -> None:
    """Re-add each FK NOT VALID (a short lock), then validate it in its own transaction."""
    for table in PROJECT_FOREIGN_KEYS:
        op.execute(READD_FOREIGN_KEY.format(table=table, action=action))
        op.execute(VALIDATE_FOREIGN_KEY.format(table=table))


def drop_if_invalid(name: str) -> None:
    """A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind: drop it."""
    invalid = op.get_bind().execute(
        text("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(:name)"),
        {"name": f"public.{name}"},
    ).scalar()
    if invalid:
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def build_unique_index() -> None:
    """An INVALID unique index would still reject duplicate writes: never leave one."""
    create = f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {UNIQUE_INDEX} ON {COLUMNS}"
    if context.is_offline_mode():
        op.execute(create)
        return
    drop_if_invalid(UNIQUE_INDEX)
    try:
        op.execute(create)
    except Exception:
        # Should this drop fail too, the next run's drop_if_invalid removes the leftover.
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {UNIQUE_INDEX}")
        raise


def upgrade() -> None:
    op.execute(UPGRADE)
    with op.get_context().autocommit_block():
        readd_foreign_keys(" ON DELETE CASCADE")
        build_unique_index()
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {PLAIN_INDEX}")


def downgrade() -> None:
    with op.get_context().autocommit_block():
        if not context.is_offline_mode():
            drop_if_invalid(PLAIN_INDEX)
        op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {PLAIN_INDEX} ON {COLUMNS}")
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {UNIQUE_INDEX}")
        readd_foreign_keys("")
    op.execute(DOWNGRADE)
