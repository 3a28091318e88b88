"""The seeded world every RLS case runs against: users, their rows, and the actors.

Every id is a fixed UUID derived from a readable label, so a case can say
"alice_row" and a report can print it.  Rows are labelled per table
(``ROWS[table][label]``); users, projects and teams are global names too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

NAMESPACE = uuid.UUID("6f1c1f0e-3f0a-4d5e-9a51-0b5c3b7a2e10")


def fixed_id(label: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, label)


USERS = {name: fixed_id(f"user:{name}") for name in (
    "alice", "bob", "carol", "olivia", "adam", "ana", "victor", "bella")}


@dataclass(frozen=True)
class Actor:
    """Who runs a case: an API role and, when signed in, the user behind it."""

    name: str
    role: str
    user: str | None = None

    @property
    def user_id(self) -> uuid.UUID | None:
        return USERS[self.user] if self.user else None


ACTORS = {actor.name: actor for actor in (
    Actor("anon", "anon"),
    Actor("owner", "authenticated", "alice"),
    Actor("other_user", "authenticated", "bob"),
    Actor("new_user", "authenticated", "carol"),
    Actor("team_owner", "authenticated", "olivia"),
    Actor("team_admin", "authenticated", "adam"),
    Actor("team_analyst", "authenticated", "ana"),
    Actor("team_viewer", "authenticated", "victor"),
    Actor("service_role", "service_role"),
)}

@dataclass(frozen=True)
class UserOwned:
    """A table of the user-owned pattern: each row belongs to ``user_id``, whose owner alone
    selects, inserts, updates and deletes it (tests/rls/expectations.py, ``user_owned``)."""

    required: dict[str, str]  # the NOT NULL columns without defaults besides id and user_id -> a value
    touch: str = "updated_at"  # a timestamp column a harmless UPDATE sets to now()


# Every user-owned table, declared once: the seeded world, the expectation rows and the state
# machine's statements follow from this line.  (Its rules go in tests/rls/model.py too: the
# oracle is written from the documents, and a test fails while a table is missing there.)
USER_OWNED_TABLES: dict[str, UserOwned] = {
    "simcore_simulations": UserOwned({"name": "'run'", "simulation_type": "'md'"}),
    "mezan_workflows": UserOwned({"name": "'flow'"}),
    "talai_experiments": UserOwned({"name": "'exp'"}),
    "optilibria_runs": UserOwned({"problem_name": "'tsp'", "algorithm": "'sa'"}),
    "qmlab_experiments": UserOwned({"name": "'exp'", "quantum_system": "'h2'"}),
}

# The NOT NULL columns without defaults, besides id and the owning column, per seeded table.
REQUIRED_COLUMNS = {
    **{table: spec.required for table, spec in USER_OWNED_TABLES.items()},
    "project_features": {"name": "'dark mode'"},
    "project_tech_stack": {"technology": "'postgres'", "category": "'backend'"},
}

PROJECTS = {
    # label: (owner, is_public)
    "alice_public": ("alice", "true"),
    "alice_private": ("alice", "false"),
    "alice_unlisted": ("alice", "NULL"),
    "bob_private": ("bob", "false"),
}
TEAMS = ("red", "blue", "grey")
TEAM_ROLES = {
    # label: (user, team, role)
    "red_owner": ("olivia", "red", "owner"),
    "red_admin": ("adam", "red", "admin"),
    "red_analyst": ("ana", "red", "analyst"),
    "red_viewer": ("victor", "red", "viewer"),
    "blue_owner": ("bella", "blue", "owner"),
}
CHILDREN = {"on_alice_public": "alice_public", "on_alice_private": "alice_private",
            "on_bob_private": "bob_private"}

ROWS: dict[str, dict[str, uuid.UUID]] = {
    **{table: {"alice_row": fixed_id(f"{table}:alice"), "bob_row": fixed_id(f"{table}:bob")}
       for table in USER_OWNED_TABLES},
    "projects": {label: fixed_id(f"project:{label}") for label in PROJECTS},
    "project_features": {label: fixed_id(f"feature:{label}") for label in CHILDREN},
    "project_tech_stack": {label: fixed_id(f"tech:{label}") for label in CHILDREN},
    "user_project_preferences": {"alice_prefs": fixed_id("prefs:alice"),
                                 "bob_prefs": fixed_id("prefs:bob")},
    "profiles": {"alice_profile": USERS["alice"], "bob_profile": USERS["bob"]},
    "soc_teams": {team: fixed_id(f"team:{team}") for team in TEAMS},
    "soc_user_roles": {label: fixed_id(f"role:{label}") for label in TEAM_ROLES},
    "alembic_version": {},
}


def parameters(table: str, actor: Actor) -> dict[str, uuid.UUID | None]:
    """Named values a case's SQL may use: users, projects, teams, this table's rows, me."""
    names: dict[str, uuid.UUID | None] = dict(USERS)
    names.update(ROWS["projects"])
    names.update(ROWS["soc_teams"])
    names.update(ROWS.get(table, {}))
    names["me"] = actor.user_id
    return names


def label_of(table: str, row_id) -> str:
    for label, value in ROWS.get(table, {}).items():
        if value == row_id:
            return label
    return str(row_id)


def label_of_value(value) -> str:
    """An RPC's result as a readable label: a team or user name, true/false or NULL."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(value).lower()
    for names in (ROWS["soc_teams"], USERS):
        for label, known in names.items():
            if known == value:
                return label
    return str(value)


def required(table: str) -> tuple[str, str]:
    columns = REQUIRED_COLUMNS[table]
    return ", ".join(columns), ", ".join(columns.values())


def seed_statements() -> list[tuple[str, dict]]:
    """INSERTs (run as the table owner) that build the world."""
    statements = []
    for table in USER_OWNED_TABLES:
        columns, values = required(table)
        for owner in ("alice", "bob"):
            statements.append((f"INSERT INTO {table} (id, user_id, {columns}) "
                               f"VALUES (%(id)s, %(user)s, {values})",
                               {"id": ROWS[table][f"{owner}_row"], "user": USERS[owner]}))
    for label, (owner, public) in PROJECTS.items():
        statements.append(("INSERT INTO projects (id, name, slug, category, owner_id, is_public) "
                           f"VALUES (%(id)s, %(slug)s, %(slug)s, 'portfolio', %(owner)s, {public})",
                           {"id": ROWS["projects"][label], "slug": label, "owner": USERS[owner]}))
    for table in ("project_features", "project_tech_stack"):
        columns, values = required(table)
        for label, project in CHILDREN.items():
            statements.append((f"INSERT INTO {table} (id, project_id, {columns}) "
                               f"VALUES (%(id)s, %(project)s, {values})",
                               {"id": ROWS[table][label], "project": ROWS["projects"][project]}))
    for owner in ("alice", "bob"):
        statements.append(("INSERT INTO user_project_preferences (id, user_id, project_id) "
                           "VALUES (%(id)s, %(user)s, %(project)s)",
                           {"id": ROWS["user_project_preferences"][f"{owner}_prefs"],
                            "user": USERS[owner], "project": ROWS["projects"]["alice_public"]}))
        statements.append(("INSERT INTO profiles (id, email) VALUES (%(id)s, %(email)s)",
                           {"id": USERS[owner], "email": f"{owner}@example.com"}))
    for team in TEAMS:
        statements.append(("INSERT INTO soc_teams (id, name) VALUES (%(id)s, %(name)s)",
                           {"id": ROWS["soc_teams"][team], "name": team}))
    for label, (user, team, role) in TEAM_ROLES.items():
        statements.append(("INSERT INTO soc_user_roles (id, user_id, team_id, role) "
                           "VALUES (%(id)s, %(user)s, %(team)s, %(role)s)",
                           {"id": ROWS["soc_user_roles"][label], "user": USERS[user],
                            "team": ROWS["soc_teams"][team], "role": role}))
    return statements
