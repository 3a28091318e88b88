"""A hypothesis state machine: PostgREST-shaped requests against the database and the model.

Actors: anon; signed-in users with and without a team (olivia, adam, ana and
victor hold each ``soc_role`` in team red, bella owns blue); service_role.
Operations on every API table of the catalog (:func:`api_tables`: every table in
public that anon or authenticated may use; never a hand list), as PostgREST
sends them: SELECT with and
without a filter, INSERT, UPDATE and DELETE with and without a filter (and
with RETURNING), upsert, and RPC calls.  After every step, each actor's
visible rows (one batched query per actor) must equal the model's
(tests/rls/model.py), and every statement's outcome must equal the model's:
a write the model forbids is rejected or changes nothing, and nothing the
model allows is refused.

Each example starts from the seeded world and rolls back at teardown.  Call
``RLSMachine.use(conn)`` (a psycopg connection, not autocommit) before running:
it reads the tables from the catalog and refuses any the model does not know.
"""

from __future__ import annotations

import json
import uuid

import psycopg
import psycopg.sql
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.rls.cases import classify_error
from tests.rls.model import KEYS, TABLES, Model, Row, Who, readable_tables
from tests.rls.outcomes import Outcome, changes, sees
from tests.rls.world import (
    CHILDREN,
    PROJECTS,
    REQUIRED_COLUMNS,
    ROWS,
    TEAM_ROLES,
    USER_OWNED_TABLES,
    USERS,
)

ACTORS = {"anon": Who("anon"), "service_role": Who("service_role"),
          **{name: Who("authenticated", str(user_id)) for name, user_id in USERS.items()}}
ROLES = ("owner", "admin", "analyst", "viewer")
MISSING = str(uuid.UUID(int=0))  # a project or team that does not exist
BENIGN = {**{table: f"{spec.touch} = now()" for table, spec in USER_OWNED_TABLES.items()},
          "projects": "tagline = 'x'", "project_features": "created_at = now()",
          "project_tech_stack": "created_at = now()", "user_project_preferences": "theme_variant = 'dark'",
          "profiles": "full_name = 'x'", "soc_teams": "description = 'x'",
          "soc_user_roles": "created_at = now()"}
EXTRA_COLUMNS = {**REQUIRED_COLUMNS, "soc_teams": {"name": "'t'"},
                 "projects": {"name": "'p'", "slug": "%(slug)s", "category": "'portfolio'"}}


def seeded_rows() -> dict[str, dict[str, Row]]:
    """The model's starting state, from the world the database was seeded with."""
    text = {label: str(value) for label, value in {**USERS, **ROWS["projects"], **ROWS["soc_teams"]}.items()}
    rows: dict[str, dict[str, Row]] = {table: {} for table in TABLES}

    def add(table, label, **values):
        row_id = str(ROWS[table][label])
        rows[table][row_id] = {"id": row_id, **values}

    for table in USER_OWNED_TABLES:
        for owner in ("alice", "bob"):
            add(table, f"{owner}_row", user_id=text[owner])
    for label, (owner, public) in PROJECTS.items():
        add("projects", label, owner_id=text[owner], is_public=None if public == "NULL" else public)
    for table in ("project_features", "project_tech_stack"):
        for label, project in CHILDREN.items():
            add(table, label, project_id=text[project])
    for owner in ("alice", "bob"):
        add("user_project_preferences", f"{owner}_prefs", user_id=text[owner],
            project_id=text["alice_public"])
        add("profiles", f"{owner}_profile")
    for team in ROWS["soc_teams"]:
        add("soc_teams", team)
    for label, (user, team, role) in TEAM_ROLES.items():
        add("soc_user_roles", label, user_id=text[user], team_id=text[team], role=role)
    return rows


API_TABLES_SQL = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      AND (has_table_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
           OR has_table_privilege('authenticated', c.oid, 'SELECT, INSERT, UPDATE, DELETE'))
    ORDER BY 1"""


def api_tables(conn: psycopg.Connection) -> list[str]:
    """The tables the API roles can use, from the catalog; those the model knows in its order
    (so the derandomized CI run draws the same steps), any other after them."""
    tables = [row[0] for row in conn.execute(API_TABLES_SQL).fetchall()]
    known = {table: index for index, table in enumerate(TABLES)}
    return sorted(tables, key=lambda table: known.get(table, len(known)))


def missing_from_the_model(tables: list[str]) -> list[str]:
    return [table for table in tables if table not in TABLES]


def visible_rows_query(tables) -> str:
    """One query for everything an actor sees: (table, id, the columns that decide access)."""
    parts = []
    for table in tables:
        columns = [f"coalesce({column}::text, 'NULL')" for column in KEYS[table]] or ["''"]
        parts.append(f"SELECT '{table}', id::text, concat_ws('|', {', '.join(columns)}) FROM {table}")
    return "\nUNION ALL ".join(parts)


class Database:
    """Runs one statement as an actor inside the example's transaction, keeping its effects."""

    ACT = "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)"
    KEEP = ("RESET ROLE", "SELECT set_config('request.jwt.claims', '', true)", "RELEASE SAVEPOINT step")
    UNDO = ("ROLLBACK TO SAVEPOINT step", "RELEASE SAVEPOINT step")

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def queue(self, who: Who, sql: str, params: dict | None, end: tuple[str, ...],
              prepare: bool | None = None) -> psycopg.Cursor:
        """In a pipeline: a savepoint, SET LOCAL ROLE and the claims as PostgREST sets them, the
        statement (``prepare``: as psycopg's ``execute``), then ``end`` (keep its effects, or undo
        them); returns the statement's cursor."""
        claims = {"role": who.role, **({"sub": who.uid} if who.uid else {})}
        self.conn.execute("SAVEPOINT step")
        self.conn.execute(self.ACT, (who.role, json.dumps(claims)))
        cursor = self.conn.execute(sql, params, prepare=prepare)
        for statement in end:
            self.conn.execute(statement)
        return cursor

    def run(self, who: Who, sql: str, params: dict | None = None, keep: bool = True):
        """One round trip (two when the statement fails: the savepoint is then rolled back)."""
        try:
            with self.conn.pipeline():
                cursor = self.queue(who, sql, params, self.KEEP if keep else self.UNDO)
        except psycopg.Error as error:
            self.conn.execute("; ".join(self.UNDO))
            outcome = classify_error(error)
            return Outcome("error", reason=outcome.reason) if outcome.kind == "error" else outcome
        result = cursor.fetchall() if cursor.description and "RETURNING" not in sql else cursor.rowcount
        return changes(result) if isinstance(result, int) else result

    def visible(self, actors: dict[str, Who], tables: list[str]) -> dict[str, set[tuple[str, str, str]]]:
        """For each actor, the rows of every table of ``tables`` its role may read (the others
        answer "permission denied"): every actor's read in one round trip, each undone.

        Each read is a prepared statement, planned once per connection, not once per step
        (half the server's time here).  Its text names the role: a plan under RLS holds for
        the role it was made for, so one statement per role keeps its plan.  auth.uid() is
        still read at each execution, from the claims the step set."""
        with self.conn.pipeline():
            cursors = {name: self.queue(who, f"/* read as {who.role} */ " + visible_rows_query(tuple(
                table for table in readable_tables(who) if table in tables)), None, self.UNDO, prepare=True)
                for name, who in actors.items()}
        return {name: set(map(tuple, cursor.fetchall())) for name, cursor in cursors.items()}


# Every function in public, called as PostgREST's /rpc would: the SQL and the model's answers.
RPC = {
    "get_user_team_id": ("SELECT get_user_team_id(%(user)s)::text",
                         lambda model, who, p: model.get_user_team_id(who, p["user"])),
    "has_soc_role": ("SELECT has_soc_role(%(role)s, %(user)s)",
                     lambda model, who, p: model.has_soc_role(who, p["role"], p["user"])),
    "current_user_team_id": ("SELECT current_user_team_id()::text",
                             lambda model, who, p: model.current_user_team_id(who)),
    "current_user_has_soc_role": ("SELECT current_user_has_soc_role(%(role)s)",
                                  lambda model, who, p: model.current_user_has_soc_role(who, p["role"])),
}

STEPS = {"run": 0}  # steps that actually ran, across examples


def an_api_table() -> st.SearchStrategy[str]:
    """The API tables of the catalog (drawn lazily: RLSMachine.use reads them first)."""
    return st.deferred(lambda: st.sampled_from(RLSMachine.tables))


class RLSMachine(RuleBasedStateMachine):
    conn: psycopg.Connection | None = None
    tables: list[str] = []

    @classmethod
    def use(cls, conn: psycopg.Connection | None) -> None:
        """Run on ``conn``, with the catalog's API tables; each must be in the model."""
        cls.conn = conn
        if conn is None:
            return
        cls.tables = api_tables(conn)
        conn.rollback()
        unknown = missing_from_the_model(cls.tables)
        if unknown:
            raise AssertionError(f"API table(s) {', '.join(unknown)} of the catalog are not in the model: "
                                 "write their rules in tests/rls/model.py, from the documents")

    def __init__(self):
        super().__init__()
        self.db = Database(self.conn)
        self.model = Model(seeded_rows())
        self.serial = 0

    def teardown(self):
        self.conn.rollback()

    # --- drawing values -----------------------------------------------------

    def fresh_id(self) -> str:
        self.serial += 1
        return str(uuid.uuid5(uuid.NAMESPACE_OID, f"machine:{self.serial}"))

    def draw_row(self, data, table: str, row_id: str) -> Row:
        users = sorted(str(u) for u in USERS.values())
        projects = sorted(self.model.rows["projects"]) + [MISSING]
        teams = sorted(self.model.rows["soc_teams"]) + [MISSING]
        pick = {"user_id": users, "owner_id": [*users, None], "is_public": ["true", "false", None],
                "project_id": projects, "team_id": teams, "role": list(ROLES)}
        return {"id": row_id, **{column: data.draw(st.sampled_from(pick[column]), label=column)
                                 for column in KEYS[table]}}

    def draw_target(self, data, table: str) -> str | None:
        ids = sorted(self.model.rows[table])
        return data.draw(st.one_of(st.none(), st.sampled_from(ids)) if ids else st.none(), label="target")

    def expect(self, observed: Outcome, expected: Outcome, what: str) -> None:
        STEPS["run"] += 1
        assert observed == expected, f"{what}: expected {expected.describe()}, observed {observed.describe()}"

    # --- SQL ------------------------------------------------------------------

    def insert_sql(self, table: str, row: Row) -> tuple[str, dict, list[str]]:
        extra = EXTRA_COLUMNS.get(table, {})
        columns = ["id", *KEYS[table], *extra]
        values = [f"%({c})s" for c in ("id", *KEYS[table])] + list(extra.values())
        params = {**row, "slug": f"slug-{row['id']}"}
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})", params, columns

    # --- rules ------------------------------------------------------------------

    @initialize()
    def start(self):
        self.conn.rollback()

    @rule(actor=st.sampled_from(sorted(ACTORS)), table=an_api_table(), data=st.data())
    def select(self, actor, table, data):
        target = self.draw_target(data, table)
        who = ACTORS[actor]
        sql = f"SELECT id::text FROM {table}" + ("" if target is None else " WHERE id = %(target)s")
        rows = self.db.run(who, sql, {"target": target})
        observed = rows if isinstance(rows, Outcome) else sees(*(r[0] for r in rows))
        ids = self.model.select(who, table, target)
        self.expect(observed, ids if isinstance(ids, Outcome) else sees(*ids), f"{actor}: {sql}")

    @rule(actor=st.sampled_from(sorted(ACTORS)), table=an_api_table(), returning=st.booleans(),
          data=st.data())
    def insert(self, actor, table, returning, data):
        if table == "profiles":  # a profile's id is its user's
            row_id = str(USERS[data.draw(st.sampled_from(sorted(USERS)), label="user")])
        else:
            row_id = self.fresh_id()
        row = self.draw_row(data, table, row_id)
        sql, params, columns = self.insert_sql(table, row)
        sql += " RETURNING id" if returning else ""
        observed = self.db.run(ACTORS[actor], sql, params)
        expected = self.model.insert(ACTORS[actor], table, row, returning, columns)
        self.expect(observed, expected, f"{actor}: {sql} {row}")

    @rule(actor=st.sampled_from(sorted(ACTORS)), table=an_api_table(), returning=st.booleans(),
          data=st.data())
    def update(self, actor, table, returning, data):
        target = self.draw_target(data, table)
        column = data.draw(st.sampled_from([None, *KEYS[table]]), label="column")
        new_values = {} if column is None else {column: self.draw_row(data, table, "")[column]}
        setting = BENIGN[table] if column is None else f"{column} = %(value)s"
        sql = (f"UPDATE {table} SET {setting}" + ("" if target is None else " WHERE id = %(target)s")
               + (" RETURNING id" if returning else ""))
        params = {"target": target, "value": new_values.get(column)}
        observed = self.db.run(ACTORS[actor], sql, params)
        written = [column] if column else [BENIGN[table].split(" = ")[0]]
        expected = self.model.update(ACTORS[actor], table, target, new_values, returning, written)
        self.expect(observed, expected, f"{actor}: {sql} {params}")

    @rule(actor=st.sampled_from(sorted(ACTORS)), table=an_api_table(), returning=st.booleans(),
          data=st.data())
    def delete(self, actor, table, returning, data):
        target = self.draw_target(data, table)
        sql = (f"DELETE FROM {table}" + ("" if target is None else " WHERE id = %(target)s")
               + (" RETURNING id" if returning else ""))
        observed = self.db.run(ACTORS[actor], sql, {"target": target})
        expected = self.model.delete(ACTORS[actor], table, target, returning)
        self.expect(observed, expected, f"{actor}: {sql} {target}")

    @rule(actor=st.sampled_from(sorted(ACTORS)), table=an_api_table(), data=st.data())
    def upsert(self, actor, table, data):
        existing = sorted(self.model.rows[table])
        row_id = data.draw(st.sampled_from(existing), label="id") if existing else self.fresh_id()
        row = self.draw_row(data, table, row_id)
        sql, params, columns = self.insert_sql(table, row)
        assignments = [f"{c} = EXCLUDED.{c}" for c in KEYS[table]] or ["id = EXCLUDED.id"]
        sql += f" ON CONFLICT (id) DO UPDATE SET {', '.join(assignments)}"
        observed = self.db.run(ACTORS[actor], sql, params)
        self.expect(observed, self.model.upsert(ACTORS[actor], table, row, columns), f"{actor}: {sql} {row}")

    @rule(actor=st.sampled_from(sorted(ACTORS)), user=st.sampled_from(sorted(USERS)),
          role=st.sampled_from(ROLES), function=st.sampled_from(sorted(RPC)))
    def rpc(self, actor, user, role, function):
        who, params = ACTORS[actor], {"user": str(USERS[user]), "role": role}
        sql, answers = RPC[function]
        expected = answers(self.model, who, params)
        observed = self.db.run(who, sql, params, keep=False)
        if isinstance(observed, list):  # an answer: one of those the model allows
            STEPS["run"] += 1
            answer = observed[0][0]
            assert isinstance(expected, set) and answer in expected, f"{actor}: {sql}: {answer}, {expected}"
        else:
            self.expect(observed, expected, f"{actor}: {sql}")

    # --- the invariant ----------------------------------------------------------

    @invariant()
    def every_actor_sees_what_the_model_allows(self):
        seen = self.db.visible(ACTORS, self.tables)
        for name, who in ACTORS.items():
            observed, expected = seen[name], self.model.visible(who, self.tables)
            assert observed == expected, (
                f"{name} sees differently; only in the database: {sorted(observed - expected)}; "
                f"only in the model: {sorted(expected - observed)}")

