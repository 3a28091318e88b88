"""The oracle: a plain Python model of who may see and change what.

Written from docs/platform-schema.md (the user-owned pattern on the five
platform tables, the public pattern on projects, the foreign keys) and
docs/additions.md (the policies of revision 0006, EXECUTE of revision 0007,
and 0009: preferences need a visible project, project children cascade,
unique preferences per user and project, members may leave a team unless
they are its last owner, caller-only membership functions; 0010: each API
role holds only the privileges listed there), never from the
catalog.  The state machine (tests/rls/machine.py) runs the
same statements against the database and compares.

A row is a dict of text: its ``id`` and the columns that decide access
(``KEYS``).  Every rule reads the state as it was before the statement, as a
statement's own snapshot does; a statement either applies whole or changes
nothing.  How PostgreSQL combines policies (docs of CREATE POLICY):

* UPDATE and DELETE act only on rows the UPDATE/DELETE policy's USING admits;
  when the statement also reads columns (a WHERE or RETURNING), only on rows
  the SELECT policies admit too;
* an INSERT, or an UPDATE's new row, failing its check rejects the whole
  statement (42501); so does an UPDATE's new row that the SELECT policies
  would hide, when the statement reads columns;
* an upsert checks the proposed row against INSERT's check whichever path it
  takes (as observed: the state machine found the conflict path checked too);
  on conflict, the existing row must pass the UPDATE USING and SELECT
  policies (else 42501 "... (USING expression)") and the new row the UPDATE
  check and SELECT policies, or the statement is rejected;
* service_role bypasses RLS (and the last-owner rule); keys apply to all;
* privileges come first: a statement needing a privilege its role lacks
  (SELECT too when it reads columns) is refused whole (42501), before any policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.rls.outcomes import NO_GRANT, RLS_DENIED, RLS_EXISTING_ROW_DENIED, Outcome, changes

USER_OWNED = ("simcore_simulations", "mezan_workflows", "talai_experiments", "optilibria_runs",
              "qmlab_experiments")
CHILDREN = ("project_features", "project_tech_stack")
TABLES = (*USER_OWNED, "projects", *CHILDREN, "user_project_preferences", "profiles", "soc_teams",
          "soc_user_roles")
KEYS: dict[str, tuple[str, ...]] = {
    **{table: ("user_id",) for table in USER_OWNED},
    "projects": ("owner_id", "is_public"),
    **{table: ("project_id",) for table in CHILDREN},
    "user_project_preferences": ("user_id", "project_id"),
    "profiles": (),
    "soc_teams": (),
    "soc_user_roles": ("user_id", "team_id", "role"),
}
# Foreign keys (the document's "Foreign Keys" table): the children of projects cascade (0009),
# roles keep their team (ON DELETE NO ACTION).
PARENTS = {**{table: ("project_id", "projects") for table in (*CHILDREN, "user_project_preferences")},
           "soc_user_roles": ("team_id", "soc_teams")}
CASCADES = {"projects"}
UNIQUE = {"user_project_preferences": ("user_id", "project_id")}
# Revision 0010's grants (docs/additions.md): the commands each API role may run at all.
ROW_COMMANDS = frozenset({"select", "insert", "update", "delete"})
GRANTED: dict[str, dict[str, frozenset[str]]] = {
    "anon": {table: frozenset({"select"}) for table in ("projects", *CHILDREN)},
    "authenticated": {**{table: ROW_COMMANDS for table in (*USER_OWNED, "projects", *CHILDREN,
                                                          "user_project_preferences", "soc_user_roles")},
                      "profiles": frozenset({"select", "insert", "update"}),
                      "soc_teams": frozenset({"select", "update"})},
    "service_role": {table: ROW_COMMANDS for table in TABLES},
}
# Where a role may write only some columns: soc_user_roles.created_at is the server's, and
# an admin changes a member's role, never whose or which team's row it is.
WRITABLE: dict[tuple[str, str], dict[str, frozenset[str]]] = {
    ("authenticated", "soc_user_roles"): {"insert": frozenset({"id", "user_id", "team_id", "role"}),
                                          "update": frozenset({"role"})},
}
FK_VIOLATION = Outcome("error", reason="23503")
UNIQUE_VIOLATION = Outcome("error", reason="23505")
LAST_OWNER = Outcome("error", reason="23001")

Row = dict[str, str | None]


@dataclass(frozen=True)
class Who:
    role: str  # anon, authenticated, service_role
    uid: str | None = None


def granted(who: Who, table: str, command: str, columns=()) -> bool:
    """Does the role hold ``command`` on the table (on each of ``columns`` for a write)?"""
    if command not in GRANTED[who.role].get(table, ()):
        return False
    writable = WRITABLE.get((who.role, table), {}).get(command)
    return writable is None or set(columns) <= writable


def readable_tables(who: Who) -> tuple[str, ...]:
    return tuple(table for table in TABLES if granted(who, table, "select"))


class Model:
    def __init__(self, rows: dict[str, dict[str, Row]]):
        self.rows = rows  # table -> id -> row

    # --- the policies -------------------------------------------------------

    def roles_of(self, uid: str | None, team: str | None) -> set[str]:
        return {r["role"] for r in self.rows["soc_user_roles"].values()
                if uid is not None and r["user_id"] == uid and r["team_id"] == team}

    def project_visible(self, who: Who, project_id: str | None) -> bool:
        project = self.rows["projects"].get(project_id)
        return project is not None and (project["is_public"] == "true" or mine(who, project["owner_id"]))

    def project_owned(self, who: Who, project_id: str | None) -> bool:
        project = self.rows["projects"].get(project_id)
        return project is not None and mine(who, project["owner_id"])

    def can_see(self, who: Who, table: str, row: Row) -> bool:
        if who.role == "service_role":
            return True
        if table in USER_OWNED:
            return mine(who, row["user_id"])
        if table == "projects":
            return row["is_public"] == "true" or mine(who, row["owner_id"])
        if table in CHILDREN:
            return self.project_visible(who, row["project_id"])
        signed_in = who.role == "authenticated"
        if table == "user_project_preferences":
            return signed_in and mine(who, row["user_id"])
        if table == "profiles":
            return signed_in and mine(who, row["id"])
        team = row["id"] if table == "soc_teams" else row["team_id"]
        return signed_in and bool(self.roles_of(who.uid, team))

    def can_write(self, who: Who, table: str, row: Row, command: str) -> bool:
        """The policy of ``command`` for this row: "insert" (its check), "update" (USING, the
        old row), "update_check" (the new row) or "delete" (USING)."""
        if who.role == "service_role":
            return True
        if table in USER_OWNED:
            return mine(who, row["user_id"])
        if table == "projects":
            return mine(who, row["owner_id"])
        signed_in = who.role == "authenticated"
        if table in CHILDREN:
            return signed_in and self.project_owned(who, row["project_id"])
        if table == "user_project_preferences":
            pins_visible = command not in ("insert", "update_check") or self.project_visible(
                who, row["project_id"])
            return signed_in and mine(who, row["user_id"]) and pins_visible
        if table == "profiles":
            return signed_in and command != "delete" and mine(who, row["id"])
        if table == "soc_teams":
            return signed_in and command in ("update", "update_check") and bool(
                self.roles_of(who.uid, row["id"]) & {"admin", "owner"})
        managers = {"owner"} if row["role"] == "owner" else {"admin", "owner"}
        manages = bool(self.roles_of(who.uid, row["team_id"]) & managers)
        if command == "delete":  # leaving a team: your own row (0009)
            return signed_in and (mine(who, row["user_id"]) or manages)
        return signed_in and not mine(who, row["user_id"]) and manages

    # --- constraints --------------------------------------------------------

    def broken_constraint(self, table: str, rows: list[Row],
                          replaced: set[str] = frozenset()) -> Outcome | None:
        """Keys first (checked row by row), then foreign keys (at the end of the statement)."""
        others = [row for row_id, row in self.rows[table].items() if row_id not in replaced]
        for key in (("id",), UNIQUE.get(table)):
            if key:
                values = [tuple(row[c] for c in key) for row in rows]
                if len(set(values)) < len(values) or set(values) & {tuple(r[c] for c in key) for r in others}:
                    return UNIQUE_VIOLATION
        if table in PARENTS:
            column, parent = PARENTS[table]
            if any(row[column] not in self.rows[parent] for row in rows):
                return FK_VIOLATION
        return None

    def blocks_delete(self, table: str, ids: set[str]) -> bool:
        """A row still referenced through a foreign key that does not cascade."""
        return table not in CASCADES and any(
            parent == table and any(row[column] in ids for row in self.rows[child].values())
            for child, (column, parent) in PARENTS.items())

    def cascade(self, table: str, ids: set[str]) -> None:
        for child, (column, parent) in PARENTS.items():
            if parent == table and table in CASCADES:
                self.rows[child] = {k: r for k, r in self.rows[child].items() if r[column] not in ids}

    def ownerless(self, who: Who, table: str, old: list[Row], remaining: dict[str, Row]) -> bool:
        """0009's trigger: a caller under RLS may not leave an existing team without an owner."""
        if table != "soc_user_roles" or who.role == "service_role":
            return False
        return any(row["role"] == "owner" and row["team_id"] in self.rows["soc_teams"]
                   and not any(r["team_id"] == row["team_id"] and r["role"] == "owner"
                               for r in remaining.values())
                   for row in old)

    # --- statements ---------------------------------------------------------

    def select(self, who: Who, table: str, target: str | None = None) -> set[str] | Outcome:
        if not granted(who, table, "select"):
            return NO_GRANT
        return {row_id for row_id, row in self.rows[table].items()
                if (target is None or row_id == target) and self.can_see(who, table, row)}

    def visible(self, who: Who) -> set[tuple[str, str, str]]:
        return {(table, row_id, key_text(table, row)) for table in readable_tables(who)
                for row_id, row in self.rows[table].items() if self.can_see(who, table, row)}

    def insert(self, who: Who, table: str, row: Row, returning: bool = False, columns=()) -> Outcome:
        if not granted(who, table, "insert", columns) or (returning and not granted(who, table, "select")):
            return NO_GRANT
        if not self.can_write(who, table, row, "insert") or (returning and not self.can_see(who, table, row)):
            return RLS_DENIED
        broken = self.broken_constraint(table, [row])
        if broken:
            return broken
        self.rows[table][row["id"]] = row
        return changes(1)

    def update(self, who: Who, table: str, target: str | None, new_values: Row,
               returning: bool = False, columns=()) -> Outcome:
        reads = target is not None or returning
        if not granted(who, table, "update", columns) or (reads and not granted(who, table, "select")):
            return NO_GRANT
        old = [row for row_id, row in self.rows[table].items()
               if (target is None or row_id == target) and self.can_write(who, table, row, "update")
               and (not reads or self.can_see(who, table, row))]
        new = [{**row, **new_values} for row in old]
        if not all(self.can_write(who, table, row, "update_check")
                   and (not reads or self.can_see(who, table, row)) for row in new):
            return RLS_DENIED
        return self.replace(who, table, old, new)

    def replace(self, who: Who, table: str, old: list[Row], new: list[Row]) -> Outcome:
        """Write the new versions of rows the policies let through, unless a key or the
        last-owner rule stops the statement."""
        broken = self.broken_constraint(table, new, replaced={row["id"] for row in old})
        if broken:
            return broken
        remaining = {row_id: row for row_id, row in self.rows[table].items()
                     if row_id not in {row["id"] for row in old}}
        remaining.update({row["id"]: row for row in new})
        if self.ownerless(who, table, old, remaining):
            return LAST_OWNER
        self.rows[table] = remaining
        return changes(len(new))

    def delete(self, who: Who, table: str, target: str | None, returning: bool = False) -> Outcome:
        reads = target is not None or returning
        if not granted(who, table, "delete") or (reads and not granted(who, table, "select")):
            return NO_GRANT
        doomed = {row_id for row_id, row in self.rows[table].items()
                  if (target is None or row_id == target) and self.can_write(who, table, row, "delete")
                  and (not reads or self.can_see(who, table, row))}
        if self.blocks_delete(table, doomed):
            return FK_VIOLATION
        outcome = self.replace(who, table, [self.rows[table][row_id] for row_id in doomed], [])
        if outcome.kind != "error":
            self.cascade(table, doomed)
            return changes(len(doomed))
        return outcome

    def upsert(self, who: Who, table: str, row: Row, columns=()) -> Outcome:
        """INSERT ... ON CONFLICT (id) DO UPDATE SET <the KEYS columns> = EXCLUDED.<column>."""
        if not (granted(who, table, "insert", columns)
                and granted(who, table, "update", KEYS[table] or ("id",))):
            return NO_GRANT
        existing = self.rows[table].get(row["id"])
        if existing is None:
            return self.insert(who, table, row, columns=columns)
        new = {**existing, **{column: row[column] for column in KEYS[table]}}
        # PostgreSQL's order: the new row's INSERT check, then the existing row against the
        # UPDATE and SELECT policies' USING, then the updated row's checks.
        if not self.can_write(who, table, row, "insert"):
            return RLS_DENIED
        if not (self.can_write(who, table, existing, "update") and self.can_see(who, table, existing)):
            return RLS_EXISTING_ROW_DENIED
        if not (self.can_write(who, table, new, "update_check") and self.can_see(who, table, new)):
            return RLS_DENIED
        return self.replace(who, table, [existing], [new])

    # --- RPC: since 0009 the documented functions are the service's; users ask about themselves

    def get_user_team_id(self, who: Who, user: str) -> Outcome | set[str | None]:
        """The possible answers: the documented function is LIMIT 1 without ORDER BY."""
        if who.role != "service_role":
            return NO_GRANT
        return self.teams_of(user)

    def has_soc_role(self, who: Who, role: str, user: str) -> Outcome | set[bool]:
        if who.role != "service_role":
            return NO_GRANT
        return {self.holds(user, role)}

    def current_user_team_id(self, who: Who) -> Outcome | set[str | None]:
        """One of the caller's teams (the oldest role first), or NULL."""
        if who.role == "anon":
            return NO_GRANT
        return self.teams_of(who.uid)

    def current_user_has_soc_role(self, who: Who, role: str) -> Outcome | set[bool]:
        if who.role == "anon":
            return NO_GRANT
        return {self.holds(who.uid, role)}

    def teams_of(self, user: str | None) -> set[str | None]:
        return {r["team_id"] for r in self.rows["soc_user_roles"].values() if r["user_id"] == user} or {None}

    def holds(self, user: str | None, role: str) -> bool:
        return any(r["user_id"] == user and r["role"] == role for r in self.rows["soc_user_roles"].values())


def mine(who: Who, user: str | None) -> bool:
    return who.uid is not None and user == who.uid


def key_text(table: str, row: Row) -> str:
    return "|".join("NULL" if row[column] is None else row[column] for column in KEYS[table])
