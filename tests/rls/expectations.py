"""THE expectations table: table x scenario x actor -> outcome.

The RLS suite (tests/rls/test_rls_matrix.py) and the report
(docs/rls-matrix.md, ``make rls-report``) are both generated from this one
table.  A scenario is one SQL statement run by each listed actor inside a
rolled-back transaction, as PostgREST would run it.  In the SQL, ``{table}``,
``{required_columns}`` and ``{required_values}`` are filled per table and
``%(name)s`` takes a user, project, team or row of tests/rls/world.py
(``%(me)s`` is the acting user).  Actors left out of a scenario do not apply
to it.  A key ending in ``()`` is a function in public, called as an RPC.

Since revision 0009 the table also holds, for every table, the privileges RLS
cannot govern (TRUNCATE, CREATE TRIGGER), UPDATEs without a WHERE clause that
move rows to another user (a WHERE or RETURNING that reads columns would also
apply the SELECT policy to the new row and hide a missing WITH CHECK), upserts
(``INSERT ... ON CONFLICT ... DO UPDATE``) and the foreign-key existence probe.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.rls.outcomes import (
    FILTERED,
    NO_GRANT,
    RLS_DENIED,
    RLS_EXISTING_ROW_DENIED,
    Outcome,
    changes,
    fails,
    sees,
)
from tests.rls.world import ACTORS, ROWS, USER_OWNED_TABLES


@dataclass(frozen=True)
class Scenario:
    command: str  # select, insert, update, delete, truncate, trigger, rpc
    name: str  # what it targets, e.g. "alices_row"
    sql: str
    outcomes: dict[str, Outcome]


def scenario(command: str, name: str, sql: str, **outcomes: Outcome) -> Scenario:
    return Scenario(command, name, sql, outcomes)


# The document's user-owned pattern, on each of its five tables.  alice owns alice_row.
USER_OWNED = [
    scenario("select", "all_rows", "SELECT id FROM {table}",
             anon=sees(), owner=sees("alice_row"), other_user=sees("bob_row"),
             service_role=sees("alice_row", "bob_row")),
    scenario("select", "alices_row", "SELECT id FROM {table} WHERE id = %(alice_row)s",
             anon=sees(), owner=sees("alice_row"), other_user=sees(), service_role=sees("alice_row")),
    scenario("insert", "row_for_alice",
             "INSERT INTO {table} (user_id, {required_columns}) VALUES (%(alice)s, {required_values})",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_DENIED, service_role=changes(1)),
    scenario("update", "alices_row", "UPDATE {table} SET updated_at = now() WHERE id = %(alice_row)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, service_role=changes(1)),
    scenario("update", "alices_row_to_bob", "UPDATE {table} SET user_id = %(bob)s WHERE id = %(alice_row)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=FILTERED, service_role=changes(1)),
    scenario("update", "all_rows", "UPDATE {table} SET updated_at = now()",
             anon=FILTERED, owner=changes(1), other_user=changes(1), service_role=changes(2)),
    scenario("update", "all_rows_to_carol", "UPDATE {table} SET user_id = %(carol)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=RLS_DENIED, service_role=changes(2)),
    scenario("insert", "upsert_alices_row",
             "INSERT INTO {table} (id, user_id, {required_columns}) "
             "VALUES (%(alice_row)s, %(me)s, {required_values}) "
             "ON CONFLICT (id) DO UPDATE SET updated_at = now()",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_EXISTING_ROW_DENIED),
    scenario("delete", "alices_row", "DELETE FROM {table} WHERE id = %(alice_row)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, service_role=changes(1)),
    scenario("delete", "all_rows", "DELETE FROM {table}",
             anon=FILTERED, owner=changes(1), other_user=changes(1), service_role=changes(2)),
    # RETURNING reads columns, so the SELECT policy applies to the rows as well.
    scenario("update", "all_rows_returning", "UPDATE {table} SET updated_at = now() RETURNING id",
             anon=FILTERED, owner=changes(1), other_user=changes(1), service_role=changes(2)),
    scenario("delete", "all_rows_returning", "DELETE FROM {table} RETURNING id",
             anon=FILTERED, owner=changes(1), other_user=changes(1), service_role=changes(2)),
]

SLUG_TAKEN = fails("23505", 'duplicate key value violates unique constraint "projects_slug_key"')

# The document's public pattern.  alice owns alice_public, alice_private and
# alice_unlisted (is_public NULL); bob owns bob_private.
PROJECTS = [
    scenario("select", "all_projects", "SELECT id FROM projects",
             anon=sees("alice_public"),
             owner=sees("alice_public", "alice_private", "alice_unlisted"),
             other_user=sees("alice_public", "bob_private"),
             service_role=sees("alice_public", "alice_private", "alice_unlisted", "bob_private")),
    scenario("select", "alice_private", "SELECT id FROM projects WHERE id = %(alice_private)s",
             anon=sees(), owner=sees("alice_private"), other_user=sees(),
             service_role=sees("alice_private")),
    scenario("select", "alice_unlisted", "SELECT id FROM projects WHERE id = %(alice_unlisted)s",
             anon=sees(), owner=sees("alice_unlisted"), other_user=sees(),
             service_role=sees("alice_unlisted")),
    scenario("insert", "project_owned_by_alice",
             "INSERT INTO projects (name, slug, category, owner_id) "
             "VALUES ('New', 'new', 'portfolio', %(alice)s)",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_DENIED, service_role=changes(1)),
    scenario("insert", "ownerless_project",
             "INSERT INTO projects (name, slug, category) VALUES ('New', 'new', 'portfolio')",
             anon=RLS_DENIED, owner=RLS_DENIED, other_user=RLS_DENIED, service_role=changes(1)),
    scenario("update", "alice_public", "UPDATE projects SET tagline = 'x' WHERE id = %(alice_public)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, service_role=changes(1)),
    scenario("update", "alice_private", "UPDATE projects SET tagline = 'x' WHERE id = %(alice_private)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, service_role=changes(1)),
    scenario("update", "alice_public_to_bob",
             "UPDATE projects SET owner_id = %(bob)s WHERE id = %(alice_public)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=FILTERED, service_role=changes(1)),
    scenario("update", "all_projects_to_carol", "UPDATE projects SET owner_id = %(carol)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=RLS_DENIED, service_role=changes(4)),
    scenario("insert", "upsert_alice_public_by_slug",
             "INSERT INTO projects (name, slug, category, owner_id) "
             "VALUES ('New', 'alice_public', 'portfolio', %(me)s) "
             "ON CONFLICT (slug) DO UPDATE SET tagline = 'x'",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_EXISTING_ROW_DENIED),
    # Deliberate (docs/additions.md): a unique slug tells that a private slug is taken.
    scenario("insert", "with_alice_private_slug",
             "INSERT INTO projects (name, slug, category, owner_id) "
             "VALUES ('New', 'alice_private', 'portfolio', %(me)s)",
             owner=SLUG_TAKEN, other_user=SLUG_TAKEN, new_user=SLUG_TAKEN),
    scenario("delete", "alice_unlisted", "DELETE FROM projects WHERE id = %(alice_unlisted)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, service_role=changes(1)),
    scenario("update", "all_projects", "UPDATE projects SET tagline = 'x'",
             anon=FILTERED, owner=changes(3), other_user=changes(1), service_role=changes(4)),
    scenario("insert", "project_owned_by_alice_returning",
             "INSERT INTO projects (name, slug, category, owner_id) "
             "VALUES ('New', 'new', 'portfolio', %(alice)s) RETURNING id",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_DENIED, service_role=changes(1)),
    # alice_public has features, tech stack and both users' preferences: they cascade (0009).
    scenario("delete", "alice_public_with_children", "DELETE FROM projects WHERE id = %(alice_public)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, service_role=changes(1)),
]

# Ours (revision 0006): children follow the parent project.
PROJECT_CHILDREN = [
    scenario("select", "all_rows", "SELECT id FROM {table}",
             anon=sees("on_alice_public"), owner=sees("on_alice_public", "on_alice_private"),
             other_user=sees("on_alice_public", "on_bob_private"),
             service_role=sees("on_alice_public", "on_alice_private", "on_bob_private")),
    scenario("select", "on_alice_private", "SELECT id FROM {table} WHERE id = %(on_alice_private)s",
             anon=sees(), owner=sees("on_alice_private"), other_user=sees(),
             service_role=sees("on_alice_private")),
    scenario("insert", "on_alice_private",
             "INSERT INTO {table} (project_id, {required_columns}) VALUES (%(alice_private)s, {required_values})",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_DENIED, service_role=changes(1)),
    scenario("insert", "on_alice_public",
             "INSERT INTO {table} (project_id, {required_columns}) VALUES (%(alice_public)s, {required_values})",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_DENIED, service_role=changes(1)),
    scenario("update", "on_alice_public",
             "UPDATE {table} SET created_at = now() WHERE id = %(on_alice_public)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, service_role=changes(1)),
    scenario("update", "on_alice_public_to_bobs_project",
             "UPDATE {table} SET project_id = %(bob_private)s WHERE id = %(on_alice_public)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=FILTERED, service_role=changes(1)),
    scenario("update", "all_rows_to_bobs_project", "UPDATE {table} SET project_id = %(bob_private)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=changes(1), service_role=changes(3)),
    scenario("insert", "upsert_on_alice_public",
             "INSERT INTO {table} (id, project_id, {required_columns}) "
             "VALUES (%(on_alice_public)s, %(alice_public)s, {required_values}) "
             "ON CONFLICT (id) DO UPDATE SET created_at = now()",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_DENIED, service_role=changes(1)),
    # Probing for a project id: a missing one is rejected like alice's private one.
    scenario("insert", "on_missing_project",
             "INSERT INTO {table} (project_id, {required_columns}) VALUES (%(carol)s, {required_values})",
             anon=RLS_DENIED, owner=RLS_DENIED, other_user=RLS_DENIED),
    scenario("delete", "on_alice_private", "DELETE FROM {table} WHERE id = %(on_alice_private)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, service_role=changes(1)),
    scenario("update", "all_rows", "UPDATE {table} SET created_at = now()",
             anon=FILTERED, owner=changes(2), other_user=changes(1), service_role=changes(3)),
    scenario("update", "all_rows_returning", "UPDATE {table} SET created_at = now() RETURNING id",
             anon=FILTERED, owner=changes(2), other_user=changes(1), service_role=changes(3)),
    scenario("delete", "all_rows", "DELETE FROM {table}",
             anon=FILTERED, owner=changes(2), other_user=changes(1), service_role=changes(3)),
]

UPSERT_PREFS = ("INSERT INTO user_project_preferences (user_id, project_id, theme_variant) "
                "VALUES ({user}, %(alice_public)s, 'dark') "
                "ON CONFLICT (user_id, project_id) DO UPDATE SET {update}")

PREFERENCES = [
    scenario("select", "all_rows", "SELECT id FROM user_project_preferences",
             anon=sees(), owner=sees("alice_prefs"), other_user=sees("bob_prefs"),
             service_role=sees("alice_prefs", "bob_prefs")),
    scenario("select", "alice_prefs", "SELECT id FROM user_project_preferences WHERE id = %(alice_prefs)s",
             anon=sees(), owner=sees("alice_prefs"), other_user=sees(), service_role=sees("alice_prefs")),
    scenario("insert", "prefs_for_alice",
             "INSERT INTO user_project_preferences (user_id, project_id) VALUES (%(alice)s, %(alice_private)s)",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_DENIED, service_role=changes(1)),
    scenario("update", "alice_prefs",
             "UPDATE user_project_preferences SET theme_variant = 'dark' WHERE id = %(alice_prefs)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, service_role=changes(1)),
    scenario("update", "alice_prefs_to_carol",
             "UPDATE user_project_preferences SET user_id = %(carol)s WHERE id = %(alice_prefs)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=FILTERED, service_role=changes(1)),
    scenario("update", "all_rows_to_carol", "UPDATE user_project_preferences SET user_id = %(carol)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=RLS_DENIED,
             service_role=fails("23505", "duplicate key value violates unique constraint "
                                "\"user_project_preferences_user_id_project_id_key\"")),
    scenario("update", "all_rows_to_bobs_private_project",
             "UPDATE user_project_preferences SET project_id = %(bob_private)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=changes(1), service_role=changes(2)),
    # Pinning someone's private project, and probing whether a project id exists (0009).
    scenario("insert", "mine_on_alice_private",
             "INSERT INTO user_project_preferences (user_id, project_id) VALUES (%(me)s, %(alice_private)s)",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_DENIED, new_user=RLS_DENIED),
    scenario("insert", "mine_on_missing_project",
             "INSERT INTO user_project_preferences (user_id, project_id) VALUES (%(me)s, %(carol)s)",
             anon=RLS_DENIED, owner=RLS_DENIED, other_user=RLS_DENIED, new_user=RLS_DENIED),
    # PostgREST's upsert: on_conflict=user_id,project_id.
    scenario("insert", "upsert_mine_on_alice_public",
             UPSERT_PREFS.format(user="%(me)s", update="theme_variant = excluded.theme_variant"),
             anon=RLS_DENIED, owner=changes(1), other_user=changes(1), new_user=changes(1)),
    scenario("insert", "upsert_alices_on_alice_public",
             UPSERT_PREFS.format(user="%(alice)s", update="theme_variant = excluded.theme_variant"),
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_DENIED, new_user=RLS_DENIED,
             service_role=changes(1)),
    scenario("insert", "upsert_mine_moving_it_to_carol",
             UPSERT_PREFS.format(user="%(me)s", update="user_id = %(carol)s"),
             anon=RLS_DENIED, owner=RLS_DENIED, other_user=RLS_DENIED),
    scenario("delete", "alice_prefs", "DELETE FROM user_project_preferences WHERE id = %(alice_prefs)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, service_role=changes(1)),
    scenario("update", "all_rows", "UPDATE user_project_preferences SET theme_variant = 'dark'",
             anon=FILTERED, owner=changes(1), other_user=changes(1), service_role=changes(2)),
    scenario("update", "all_rows_returning",
             "UPDATE user_project_preferences SET theme_variant = 'dark' RETURNING id",
             anon=FILTERED, owner=changes(1), other_user=changes(1), service_role=changes(2)),
    scenario("delete", "all_rows", "DELETE FROM user_project_preferences",
             anon=FILTERED, owner=changes(1), other_user=changes(1), service_role=changes(2)),
]

# carol (new_user) has signed up but has no profile yet.
PROFILES = [
    scenario("select", "all_profiles", "SELECT id FROM profiles",
             anon=sees(), owner=sees("alice_profile"), other_user=sees("bob_profile"), new_user=sees(),
             service_role=sees("alice_profile", "bob_profile")),
    scenario("select", "alice_profile", "SELECT id FROM profiles WHERE id = %(alice_profile)s",
             anon=sees(), owner=sees("alice_profile"), other_user=sees(), new_user=sees(),
             service_role=sees("alice_profile")),
    scenario("insert", "profile_for_carol", "INSERT INTO profiles (id) VALUES (%(carol)s)",
             anon=RLS_DENIED, owner=RLS_DENIED, other_user=RLS_DENIED, new_user=changes(1),
             service_role=changes(1)),
    scenario("update", "alice_profile",
             "UPDATE profiles SET full_name = 'A' WHERE id = %(alice_profile)s",
             anon=FILTERED, owner=changes(1), other_user=FILTERED, new_user=FILTERED,
             service_role=changes(1)),
    scenario("update", "alice_profile_to_carol",
             "UPDATE profiles SET id = %(carol)s WHERE id = %(alice_profile)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=FILTERED, new_user=FILTERED,
             service_role=changes(1)),
    scenario("update", "all_profiles_to_carol", "UPDATE profiles SET id = %(carol)s",
             anon=FILTERED, owner=RLS_DENIED, other_user=RLS_DENIED, new_user=FILTERED,
             service_role=fails("23505", 'duplicate key value violates unique constraint "profiles_pkey"')),
    scenario("insert", "upsert_alice_profile",
             "INSERT INTO profiles (id, full_name) VALUES (%(alice)s, 'A') "
             "ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name",
             anon=RLS_DENIED, owner=changes(1), other_user=RLS_DENIED, new_user=RLS_DENIED,
             service_role=changes(1)),
    scenario("delete", "alice_profile", "DELETE FROM profiles WHERE id = %(alice_profile)s",
             anon=FILTERED, owner=FILTERED, other_user=FILTERED, new_user=FILTERED,
             service_role=changes(1)),
    scenario("update", "all_profiles", "UPDATE profiles SET full_name = 'A'",
             anon=FILTERED, owner=changes(1), other_user=changes(1), new_user=FILTERED,
             service_role=changes(2)),
    scenario("insert", "profile_for_carol_returning", "INSERT INTO profiles (id) VALUES (%(carol)s) RETURNING id",
             anon=RLS_DENIED, owner=RLS_DENIED, other_user=RLS_DENIED, new_user=changes(1),
             service_role=changes(1)),
    scenario("delete", "all_profiles", "DELETE FROM profiles",
             anon=FILTERED, owner=FILTERED, other_user=FILTERED, new_user=FILTERED,
             service_role=changes(2)),
]


def team(members: Outcome, outsiders: Outcome, **overrides: Outcome) -> dict[str, Outcome]:
    """Outcomes for the SOC actors: every member role gets ``members``, anon and
    other_user get ``outsiders``, service_role bypasses RLS; overrides win."""
    base = {role: members for role in ("team_owner", "team_admin", "team_analyst", "team_viewer")}
    base.update(anon=outsiders, other_user=outsiders)
    return {**base, **overrides}


# Team red: olivia owner, adam admin, ana analyst, victor viewer.  bella owns blue; grey is empty.
SOC_TEAMS = [
    Scenario("select", "all_teams", "SELECT id FROM soc_teams",
             team(sees("red"), sees(), service_role=sees("red", "blue", "grey"))),
    Scenario("insert", "new_team", "INSERT INTO soc_teams (name) VALUES ('new')",
             team(RLS_DENIED, RLS_DENIED, service_role=changes(1))),
    Scenario("update", "red", "UPDATE soc_teams SET description = 'x' WHERE id = %(red)s",
             team(FILTERED, FILTERED, team_owner=changes(1), team_admin=changes(1),
                  service_role=changes(1))),
    Scenario("update", "blue", "UPDATE soc_teams SET description = 'x' WHERE id = %(blue)s",
             team(FILTERED, FILTERED, service_role=changes(1))),
    Scenario("update", "all_teams", "UPDATE soc_teams SET description = 'x'",
             team(FILTERED, FILTERED, team_owner=changes(1), team_admin=changes(1),
                  service_role=changes(3))),
    Scenario("delete", "grey", "DELETE FROM soc_teams WHERE id = %(grey)s",
             team(FILTERED, FILTERED, service_role=changes(1))),
    # Found by the state machine: an upsert checks INSERT's policy even when it updates, and
    # soc_teams has none for users, so an admin cannot upsert the team they may update.
    Scenario("insert", "upsert_red",
             "INSERT INTO soc_teams (id, name) VALUES (%(red)s, 'red') "
             "ON CONFLICT (id) DO UPDATE SET description = 'x'",
             team(RLS_DENIED, RLS_DENIED, service_role=changes(1))),
    Scenario("update", "all_teams_returning", "UPDATE soc_teams SET description = 'x' RETURNING id",
             team(FILTERED, FILTERED, team_owner=changes(1), team_admin=changes(1),
                  service_role=changes(3))),
    Scenario("delete", "all_teams", "DELETE FROM soc_teams", team(FILTERED, FILTERED)),
    # Only the WITH CHECK stops an admin giving the team an id they hold no role in.
    Scenario("update", "all_teams_to_new_id", "UPDATE soc_teams SET id = gen_random_uuid()",
             team(FILTERED, FILTERED, team_owner=RLS_DENIED, team_admin=RLS_DENIED)),
]

GRANT = "INSERT INTO soc_user_roles (user_id, team_id, role) VALUES ({user}, {team}, '{role}')"
SET_ROLE = "UPDATE soc_user_roles SET role = '{role}' WHERE {where}"
MEMBERS = ("team_owner", "team_admin", "team_analyst", "team_viewer", "other_user")

LAST_OWNER = fails("23001", f"team {ROWS['soc_teams']['red']} would be left without an owner")

SOC_USER_ROLES = [
    Scenario("select", "all_roles", "SELECT id FROM soc_user_roles",
             team(sees("red_owner", "red_admin", "red_analyst", "red_viewer"), sees(),
                  service_role=sees(*("red_owner", "red_admin", "red_analyst", "red_viewer",
                                      "blue_owner")))),
    Scenario("insert", "viewer_in_red_for_bob",
             GRANT.format(user="%(bob)s", team="%(red)s", role="viewer"),
             team(RLS_DENIED, RLS_DENIED, team_owner=changes(1), team_admin=changes(1),
                  service_role=changes(1))),
    Scenario("insert", "owner_in_red_for_bob",
             GRANT.format(user="%(bob)s", team="%(red)s", role="owner"),
             team(RLS_DENIED, RLS_DENIED, team_owner=changes(1), service_role=changes(1))),
    Scenario("insert", "admin_in_red_for_themselves",
             GRANT.format(user="%(me)s", team="%(red)s", role="admin"),
             {actor: RLS_DENIED for actor in MEMBERS}),
    Scenario("insert", "admin_in_blue_for_bob",
             GRANT.format(user="%(bob)s", team="%(blue)s", role="admin"),
             team(RLS_DENIED, RLS_DENIED, service_role=changes(1))),
    Scenario("update", "red_viewer_to_analyst",
             SET_ROLE.format(role="analyst", where="id = %(red_viewer)s"),
             team(FILTERED, FILTERED, team_owner=changes(1), team_admin=changes(1),
                  service_role=changes(1))),
    Scenario("update", "red_viewer_to_owner",
             SET_ROLE.format(role="owner", where="id = %(red_viewer)s"),
             team(FILTERED, FILTERED, team_owner=changes(1), team_admin=RLS_DENIED,
                  service_role=changes(1))),
    Scenario("update", "own_role_to_owner",
             SET_ROLE.format(role="owner", where="user_id = %(me)s"),
             {actor: FILTERED for actor in MEMBERS}),
    Scenario("update", "red_owner_to_viewer",
             SET_ROLE.format(role="viewer", where="id = %(red_owner)s"),
             team(FILTERED, FILTERED, service_role=changes(1))),
    # Since 0010 a signed-in user may update only a role's role column (column privileges):
    # moving a row to another user or team, or backdating it, is refused before any policy.
    Scenario("update", "all_roles_to_me", "UPDATE soc_user_roles SET user_id = %(me)s",
             team(NO_GRANT, NO_GRANT)),
    Scenario("update", "all_roles_to_blue", "UPDATE soc_user_roles SET team_id = %(blue)s",
             team(NO_GRANT, NO_GRANT, service_role=changes(5))),
    Scenario("update", "red_viewer_backdated",
             "UPDATE soc_user_roles SET created_at = '1970-01-01' WHERE id = %(red_viewer)s",
             team(NO_GRANT, NO_GRANT, service_role=changes(1))),
    # Steering someone's current_user_team_id(): the oldest role decides, so created_at is the server's.
    Scenario("insert", "backdated_viewer_in_red_for_bob",
             "INSERT INTO soc_user_roles (user_id, team_id, role, created_at) "
             "VALUES (%(bob)s, %(red)s, 'viewer', '1970-01-01')",
             team(NO_GRANT, NO_GRANT, service_role=changes(1))),
    Scenario("insert", "upsert_red_viewer_as_analyst",
             "INSERT INTO soc_user_roles (id, user_id, team_id, role) "
             "VALUES (%(red_viewer)s, %(victor)s, %(red)s, 'viewer') "
             "ON CONFLICT (id) DO UPDATE SET role = 'analyst'",
             team(RLS_DENIED, RLS_DENIED, team_owner=changes(1), team_admin=changes(1),
                  service_role=changes(1))),
    Scenario("delete", "red_viewer", "DELETE FROM soc_user_roles WHERE id = %(red_viewer)s",
             team(FILTERED, FILTERED, team_owner=changes(1), team_admin=changes(1),
                  team_viewer=changes(1), service_role=changes(1))),
    Scenario("delete", "red_owner", "DELETE FROM soc_user_roles WHERE id = %(red_owner)s",
             team(FILTERED, FILTERED, team_owner=LAST_OWNER, service_role=changes(1))),
    # Leaving a team (0009): your own row, unless you are its last owner.
    Scenario("delete", "own_role", "DELETE FROM soc_user_roles WHERE user_id = %(me)s",
             team(changes(1), FILTERED, team_owner=LAST_OWNER)),
    Scenario("delete", "every_role_in_red", "DELETE FROM soc_user_roles WHERE team_id = %(red)s",
             team(changes(1), FILTERED, team_owner=LAST_OWNER, team_admin=changes(3),
                  service_role=changes(4))),
    # Without WHERE: the owner reaches the three other red rows, the admin the analyst and viewer.
    Scenario("update", "all_roles_to_analyst", "UPDATE soc_user_roles SET role = 'analyst'",
             team(FILTERED, FILTERED, team_owner=changes(3), team_admin=changes(2),
                  service_role=changes(5))),
    Scenario("update", "all_roles_to_owner", "UPDATE soc_user_roles SET role = 'owner'",
             team(FILTERED, FILTERED, team_owner=changes(3), team_admin=RLS_DENIED,
                  service_role=changes(5))),
    Scenario("update", "all_roles_returning", "UPDATE soc_user_roles SET role = 'analyst' RETURNING id",
             team(FILTERED, FILTERED, team_owner=changes(3), team_admin=changes(2),
                  service_role=changes(5))),
    # Without WHERE: everyone's own row too (leaving); the owner would leave red ownerless.
    Scenario("delete", "all_roles", "DELETE FROM soc_user_roles",
             team(changes(1), FILTERED, team_owner=LAST_OWNER, team_admin=changes(3),
                  service_role=changes(5))),
]

# Not for the API at all: no grants, so the denial is a privilege error, not a policy.
# Since 0010 not for the service either: the API has no business with the schema's revision.
ALEMBIC_VERSION = [
    scenario("select", "revision", "SELECT version_num FROM alembic_version",
             anon=NO_GRANT, owner=NO_GRANT, other_user=NO_GRANT, service_role=NO_GRANT),
    scenario("update", "revision", "UPDATE alembic_version SET version_num = 'x'",
             anon=NO_GRANT, owner=NO_GRANT, other_user=NO_GRANT, service_role=NO_GRANT),
    scenario("insert", "revision", "INSERT INTO alembic_version VALUES ('x')",
             anon=NO_GRANT, owner=NO_GRANT, other_user=NO_GRANT, service_role=NO_GRANT),
    scenario("delete", "revision", "DELETE FROM alembic_version",
             anon=NO_GRANT, owner=NO_GRANT, other_user=NO_GRANT, service_role=NO_GRANT),
]

# RPC: PostgREST's POST /rpc/<function> is ``SELECT <function>(...)`` as the caller.
# The result is shown as a label (a team), true/false or NULL.  Since 0009 the documented
# functions answer for any user, so only the service may call them; signed-in users ask
# about themselves through the caller-only functions.
SIGNED_IN = ("owner", "other_user", "new_user", "team_owner", "team_admin", "team_analyst",
             "team_viewer")
RED_MEMBERS = ("team_owner", "team_admin", "team_analyst", "team_viewer")


def rpc(name: str, sql: str, signed_in: Outcome, **overrides: Outcome) -> Scenario:
    """Every actor: anon has no EXECUTE, signed-in users get ``signed_in`` unless overridden."""
    outcomes = {"anon": NO_GRANT, **{actor: signed_in for actor in SIGNED_IN}}
    return Scenario("rpc", name, sql, {**outcomes, **overrides})


GET_USER_TEAM_ID = [
    rpc("team_of_victor", "SELECT get_user_team_id(%(victor)s)", NO_GRANT, service_role=sees("red")),
    rpc("team_of_bob", "SELECT get_user_team_id(%(bob)s)", NO_GRANT, service_role=sees("NULL")),
]

HAS_SOC_ROLE = [
    rpc("owner_role_of_bella", "SELECT has_soc_role('owner', %(bella)s)", NO_GRANT,
        service_role=sees("true")),
    rpc("viewer_role_of_bella", "SELECT has_soc_role('viewer', %(bella)s)", NO_GRANT,
        service_role=sees("false")),
]

CURRENT_USER_TEAM_ID = [
    rpc("my_team", "SELECT current_user_team_id()", sees("NULL"),
        **{actor: sees("red") for actor in RED_MEMBERS}, service_role=sees("NULL")),
]

CURRENT_USER_HAS_SOC_ROLE = [
    rpc("am_i_owner", "SELECT current_user_has_soc_role('owner')", sees("false"),
        team_owner=sees("true"), service_role=sees("false")),
    rpc("am_i_viewer", "SELECT current_user_has_soc_role('viewer')", sees("false"),
        team_viewer=sees("true"), service_role=sees("false")),
]

# Privileges RLS cannot govern: no API role holds them on any table (anon and
# authenticated since 0009, service_role since 0010).  The trigger calls a function of
# the caller's own pg_temp, as the attack did.  (MAINTAIN, 17+ only, is in
# tests/test_table_privileges.py.)
UNGOVERNED = [
    scenario("truncate", "whole_table", "TRUNCATE {table}",
             anon=NO_GRANT, owner=NO_GRANT, service_role=NO_GRANT),
    scenario("trigger", "pg_temp_function",
             "DO $$ BEGIN "
             "CREATE FUNCTION pg_temp.spy() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'; "
             "CREATE TRIGGER spy AFTER INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION pg_temp.spy(); "
             "END $$",
             anon=NO_GRANT, owner=NO_GRANT, service_role=NO_GRANT),
]

WRITTEN: dict[str, list[Scenario]] = {
    **{table: USER_OWNED + UNGOVERNED for table in USER_OWNED_TABLES},
    "projects": PROJECTS + UNGOVERNED,
    "project_features": PROJECT_CHILDREN + UNGOVERNED,
    "project_tech_stack": PROJECT_CHILDREN + UNGOVERNED,
    "user_project_preferences": PREFERENCES + UNGOVERNED,
    "profiles": PROFILES + UNGOVERNED,
    "soc_teams": SOC_TEAMS + UNGOVERNED,
    "soc_user_roles": SOC_USER_ROLES + UNGOVERNED,
    "alembic_version": ALEMBIC_VERSION + UNGOVERNED,
    "get_user_team_id()": GET_USER_TEAM_ID,
    "has_soc_role()": HAS_SOC_ROLE,
    "current_user_team_id()": CURRENT_USER_TEAM_ID,
    "current_user_has_soc_role()": CURRENT_USER_HAS_SOC_ROLE,
}

# Least privilege (revision 0010, docs/additions.md): an API role holds a command on a
# table only where some case above allows one of its actors that command.  Every other
# case of that role and command is refused for want of the privilege, before any policy
# is asked; this rule writes those outcomes, and revision 0010's literal GRANT list must
# match the privileges it implies (tests/test_api_grants.py).
ROW_COMMANDS = ("select", "insert", "update", "delete")


def allowed_commands(expectations: dict[str, list[Scenario]]) -> set[tuple[str, str, str]]:
    """(role, table or function, command) for every command some case allows."""
    return {(ACTORS[actor].role, table, scenario.command)
            for table, scenarios in expectations.items() for scenario in scenarios
            for actor, outcome in scenario.outcomes.items() if outcome.allowed}


def least_privilege(expectations: dict[str, list[Scenario]]) -> dict[str, list[Scenario]]:
    allowed = allowed_commands(expectations)

    def outcome(table: str, scenario: Scenario, actor: str, written: Outcome) -> Outcome:
        granted = (ACTORS[actor].role, table, scenario.command) in allowed
        return written if granted or scenario.command not in ROW_COMMANDS else NO_GRANT

    return {table: [Scenario(s.command, s.name, s.sql,
                             {actor: outcome(table, s, actor, o) for actor, o in s.outcomes.items()})
                    for s in scenarios]
            for table, scenarios in expectations.items()}


EXPECTATIONS = least_privilege(WRITTEN)

# Where a role may write only some columns of a table (0010): the others are set by the
# server.  soc_user_roles.created_at orders current_user_team_id(), so no admin may set it,
# and an admin changes a member's role but never whose or which team's row it is.
COLUMN_GRANTS: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("authenticated", "soc_user_roles"): {"INSERT": ("id", "user_id", "team_id", "role"),
                                          "UPDATE": ("role",)},
}
PRIVILEGE_OF = {"select": "SELECT", "insert": "INSERT", "update": "UPDATE", "delete": "DELETE",
                "rpc": "EXECUTE"}


def required_privileges() -> dict[tuple[str, str], dict[str, tuple[str, ...] | None]]:
    """(role, table or ``function()``) -> privilege -> the columns it is limited to, or None
    for all of them: exactly what the expectations need, and what revision 0010 grants."""
    required: dict[tuple[str, str], dict[str, tuple[str, ...] | None]] = {}
    for role, table, command in allowed_commands(EXPECTATIONS):
        if command in PRIVILEGE_OF:
            columns = COLUMN_GRANTS.get((role, table), {})
            required.setdefault((role, table), {})[PRIVILEGE_OF[command]] = columns.get(PRIVILEGE_OF[command])
    return required
