"""RLS for the 6 tables the document leaves open (ours, not the document's).

With Supabase's default grants, profiles, user_project_preferences,
project_features, project_tech_stack, soc_teams and soc_user_roles would be
readable and writable by anyone holding the anon key.  This revision enables
RLS on them with policies a careful platform would choose (reasons in
docs/additions.md):

* profiles: a user reads, creates and updates only their own profile;
* user_project_preferences: owned by user_id;
* project_features, project_tech_stack: readable when the parent project is
  readable (the projects policies decide), writable by the parent's owner;
* soc_teams, soc_user_roles: visible to team members; teams are edited by
  their admins and owners, created and deleted by the service; roles are
  managed by team admins and owners (only owners grant or change 'owner'),
  and nobody can grant or change their own role;
* alembic_version: RLS with no policy and no API grants, so the anon key can
  neither read nor rewrite the schema's recorded revision.

These policies are written in the fast form: (select auth.uid()) is evaluated
once per statement, and TO names the roles each applies to.  Team checks go
through SECURITY DEFINER helpers in schema private (not exposed by the API)
with an empty search_path, so policies on soc_teams and soc_user_roles never
recurse (42P17).  The helpers see through RLS only because their owner owns
the tables: never FORCE ROW LEVEL SECURITY on them.  EXECUTE is revoked from
PUBLIC and anon (Supabase's default privileges would grant it to anon).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UPGRADE = """
-- Team helpers ---------------------------------------------------------------

CREATE SCHEMA private;
GRANT USAGE ON SCHEMA private TO authenticated, service_role;

-- Is the caller a member of the team, in any role?
CREATE FUNCTION private.is_soc_team_member(_team_id uuid)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1 FROM public.soc_user_roles r
    WHERE r.team_id = _team_id AND r.user_id = auth.uid()
  );
$$;

-- Does the caller hold one of these roles in the team?
CREATE FUNCTION private.has_soc_team_role(_team_id uuid, _roles public.soc_role[])
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1 FROM public.soc_user_roles r
    WHERE r.team_id = _team_id AND r.user_id = auth.uid() AND r.role = ANY (_roles)
  );
$$;

REVOKE EXECUTE ON FUNCTION private.is_soc_team_member(uuid) FROM PUBLIC, anon;
REVOKE EXECUTE ON FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION private.is_soc_team_member(uuid) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION private.has_soc_team_role(uuid, public.soc_role[]) TO authenticated, service_role;

-- profiles: a user's own profile only ----------------------------------------

ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Users can view own profile"
ON profiles FOR SELECT TO authenticated
USING ((select auth.uid()) = id);

CREATE POLICY "Users can create own profile"
ON profiles FOR INSERT TO authenticated
WITH CHECK ((select auth.uid()) = id);

CREATE POLICY "Users can update own profile"
ON profiles FOR UPDATE TO authenticated
USING ((select auth.uid()) = id)
WITH CHECK ((select auth.uid()) = id);

-- user_project_preferences: owned by user_id ---------------------------------

ALTER TABLE user_project_preferences ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Users can view own preferences"
ON user_project_preferences FOR SELECT TO authenticated
USING ((select auth.uid()) = user_id);

CREATE POLICY "Users can insert own preferences"
ON user_project_preferences FOR INSERT TO authenticated
WITH CHECK ((select auth.uid()) = user_id);

CREATE POLICY "Users can update own preferences"
ON user_project_preferences FOR UPDATE TO authenticated
USING ((select auth.uid()) = user_id)
WITH CHECK ((select auth.uid()) = user_id);

CREATE POLICY "Users can delete own preferences"
ON user_project_preferences FOR DELETE TO authenticated
USING ((select auth.uid()) = user_id);

-- soc_teams: members see, admins and owners edit; the service creates and deletes

ALTER TABLE soc_teams ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Team members can view their teams"
ON soc_teams FOR SELECT TO authenticated
USING (private.is_soc_team_member(id));

CREATE POLICY "Team admins can update their teams"
ON soc_teams FOR UPDATE TO authenticated
USING (private.has_soc_team_role(id, '{admin,owner}'))
WITH CHECK (private.has_soc_team_role(id, '{admin,owner}'));


-- soc_user_roles: members see; admins manage; only owners touch 'owner'; never your own role

ALTER TABLE soc_user_roles ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Team members can view team roles"
ON soc_user_roles FOR SELECT TO authenticated
USING (private.is_soc_team_member(team_id));

CREATE POLICY "Team admins can grant roles to others"
ON soc_user_roles FOR INSERT TO authenticated
WITH CHECK (
  user_id <> (select auth.uid())
  AND private.has_soc_team_role(team_id, CASE WHEN role = 'owner' THEN '{owner}'::soc_role[] ELSE '{admin,owner}'::soc_role[] END)
);

CREATE POLICY "Team admins can change roles of others"
ON soc_user_roles FOR UPDATE TO authenticated
USING (
  user_id <> (select auth.uid())
  AND private.has_soc_team_role(team_id, CASE WHEN role = 'owner' THEN '{owner}'::soc_role[] ELSE '{admin,owner}'::soc_role[] END)
)
WITH CHECK (
  user_id <> (select auth.uid())
  AND private.has_soc_team_role(team_id, CASE WHEN role = 'owner' THEN '{owner}'::soc_role[] ELSE '{admin,owner}'::soc_role[] END)
);

CREATE POLICY "Team admins can revoke roles of others"
ON soc_user_roles FOR DELETE TO authenticated
USING (
  user_id <> (select auth.uid())
  AND private.has_soc_team_role(team_id, CASE WHEN role = 'owner' THEN '{owner}'::soc_role[] ELSE '{admin,owner}'::soc_role[] END)
);

-- alembic_version: not for the API -------------------------------------------

ALTER TABLE alembic_version ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON alembic_version FROM anon, authenticated
"""

# project_features and project_tech_stack follow their parent project; one
# template, with the table and the noun in its policy names as the variables.
PROJECT_CHILD_PATTERN = """
-- {table}: follow the parent project

ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;

CREATE POLICY "{Noun} visible with the project"
ON {table} FOR SELECT TO anon, authenticated
USING (EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id));

CREATE POLICY "Project owners can add {noun}"
ON {table} FOR INSERT TO authenticated
WITH CHECK (EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id AND p.owner_id = (select auth.uid())));

CREATE POLICY "Project owners can update {noun}"
ON {table} FOR UPDATE TO authenticated
USING (EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id AND p.owner_id = (select auth.uid())))
WITH CHECK (EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id AND p.owner_id = (select auth.uid())));

CREATE POLICY "Project owners can delete {noun}"
ON {table} FOR DELETE TO authenticated
USING (EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id AND p.owner_id = (select auth.uid())))"""

PROJECT_CHILDREN = {"project_features": "features", "project_tech_stack": "tech stack"}

POLICIES = {
    "profiles": ("Users can view own profile", "Users can create own profile",
                 "Users can update own profile"),
    "user_project_preferences": ("Users can view own preferences", "Users can insert own preferences",
                                 "Users can update own preferences", "Users can delete own preferences"),
    **{table: (f"{noun.capitalize()} visible with the project", f"Project owners can add {noun}",
               f"Project owners can update {noun}", f"Project owners can delete {noun}")
       for table, noun in PROJECT_CHILDREN.items()},
    "soc_teams": ("Team members can view their teams", "Team admins can update their teams"),
    "soc_user_roles": ("Team members can view team roles", "Team admins can grant roles to others",
                       "Team admins can change roles of others", "Team admins can revoke roles of others"),
}


def upgrade() -> None:
    op.execute(UPGRADE)
    for table, noun in PROJECT_CHILDREN.items():
        op.execute(PROJECT_CHILD_PATTERN.replace("{table}", table).replace("{noun}", noun)
                   .replace("{Noun}", noun.capitalize()))


def downgrade() -> None:
    # The API grants on alembic_version stay revoked: it never should have had them.
    op.execute("ALTER TABLE alembic_version DISABLE ROW LEVEL SECURITY")
    for table, names in reversed(POLICIES.items()):
        drops = "".join(f'DROP POLICY "{name}" ON {table};\n' for name in names)
        op.execute(drops + f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION private.has_soc_team_role(uuid, public.soc_role[]);\n"
               "DROP FUNCTION private.is_soc_team_member(uuid);\n"
               "DROP SCHEMA private")
