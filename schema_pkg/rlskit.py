"""The RLS test kit for applications: seed as someone, then assert what each actor may do.

Everything runs on one connection inside the test's transaction (the plugin's
``rls`` fixture), so rows seeded by one actor are there for the next and all
of it is rolled back at the end.  Each assertion states an intent and its
failure message names the actor, the table, the expected and actual rows,
and the SQLSTATE.

**The vacuous-test guard.** "bob sees nothing" passes on an empty table
whatever the policies say.  So :meth:`RlsKit.assert_sees_nothing` and
:meth:`RlsKit.assert_changes_nothing` first check, as the service role
(which bypasses RLS), that the rows they are about exist, and fail if they
do not.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from schema_pkg import testing
from schema_pkg.deploy import first_line

INSUFFICIENT_PRIVILEGE = "42501"  # both "permission denied" and "violates row-level security"


@dataclass(frozen=True)
class Actor:
    """Who makes a request: an API role and, when signed in, the user's id."""

    name: str
    role: str  # anon, authenticated or service_role
    id: uuid.UUID | None = None
    claims: dict[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return self.name


ANON = Actor("anon", "anon")
SERVICE_ROLE = Actor("service_role", "service_role")


class RlsAssertionError(AssertionError):
    pass


class RlsKit:
    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self.anon = ANON
        self.service_role = SERVICE_ROLE

    def user(self, name: str, **claims: Any) -> Actor:
        """A signed-in user with a fresh id; ``name`` is used in failure messages."""
        return Actor(name, "authenticated", uuid.uuid4(), claims)

    def acting_as(self, actor: Actor):
        """``with rls.acting_as(alice) as db: db.execute(...)``: PostgREST's role and claims."""
        if actor.role == "authenticated":
            return testing.as_user(self.conn, actor.id, **actor.claims)
        claims = {"role": actor.role, **actor.claims}
        return testing.as_role(self.conn, actor.role, claims)

    def seed(self, actor: Actor, table: str, **values: Any) -> uuid.UUID:
        """Insert one row as ``actor`` (a user, or ``rls.service_role``) and return its id.

        The row stays for the rest of the test; the test's transaction is rolled back."""
        statement = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, values)),
            sql.SQL(", ").join(sql.Placeholder() * len(values)))
        with self.acting_as(actor) as db:
            try:
                return db.execute(statement, list(values.values())).fetchone()[0]
            except psycopg.Error as error:
                raise RlsAssertionError(f"{actor} could not seed a row in {table}: "
                                        f"SQLSTATE {error.sqlstate}: {first_line(error)}") from None

    def visible_ids(self, actor: Actor, table: str) -> set:
        with self.acting_as(actor) as db:
            try:
                rows = db.execute(sql.SQL("SELECT id FROM {}").format(sql.Identifier(table))).fetchall()
            except psycopg.Error as error:
                raise RlsAssertionError(f"{actor} cannot read {table}: SQLSTATE {error.sqlstate}: "
                                        f"{first_line(error)}") from None
        return {row[0] for row in rows}

    def assert_sees_exactly(self, actor: Actor, table: str, ids: Iterable) -> None:
        """``actor`` sees these rows of ``table`` (by id) and no others."""
        expected, actual = set(ids), self.visible_ids(actor, table)
        if actual != expected:
            raise RlsAssertionError(
                f"{actor} should see exactly {describe(expected)} in {table} but sees {describe(actual)}"
                f" (unexpected: {describe(actual - expected)}; missing: {describe(expected - actual)})")

    def assert_sees_nothing(self, actor: Actor, table: str, about: Iterable | None = None) -> None:
        """``actor`` sees no row of ``table``; ``about`` (ids, default: every row) must exist."""
        self.guard_not_vacuous(f"{actor} sees nothing in {table}", table, about)
        actual = self.visible_ids(actor, table)
        if actual:
            raise RlsAssertionError(f"{actor} should see nothing in {table} but sees {describe(actual)}")

    def assert_changes_nothing(self, actor: Actor, statement: str, params: Any = None, *,
                               table: str, about: Iterable | None = None) -> None:
        """An UPDATE or DELETE by ``actor`` runs without error and changes no row, while
        the rows it targets exist (``about``: their ids; default: ``table`` is not empty)."""
        self.guard_not_vacuous(f"{actor} changes nothing in {table}", table, about)
        with self.acting_as(actor) as db:
            try:
                changed = db.execute(statement, params).rowcount
            except psycopg.Error as error:
                raise RlsAssertionError(
                    f"{actor} should change nothing in {table} but got SQLSTATE {error.sqlstate}: "
                    f"{first_line(error)} (an error, not a filtered statement)") from None
        if changed:
            raise RlsAssertionError(f"{actor} should change nothing in {table} but changed {changed} row(s)"
                                    f" with {statement!r}")

    def assert_denied(self, actor: Actor, statement: str, params: Any = None, *,
                      table: str, by: str = "rls") -> None:
        """The statement fails with SQLSTATE 42501, by an RLS policy (``by="rls"``) or a
        missing privilege (``by="privilege"``); both share the SQLSTATE."""
        reason = {"rls": "row-level security", "privilege": "permission denied"}[by]
        with self.acting_as(actor) as db:
            try:
                result = db.execute(statement, params)
            except psycopg.Error as error:
                if error.sqlstate == INSUFFICIENT_PRIVILEGE and reason in first_line(error):
                    return
                raise RlsAssertionError(
                    f"{actor} on {table}: expected SQLSTATE {INSUFFICIENT_PRIVILEGE} ({reason}) "
                    f"but got SQLSTATE {error.sqlstate}: {first_line(error)}") from None
        raise RlsAssertionError(f"{actor} on {table}: expected SQLSTATE {INSUFFICIENT_PRIVILEGE} ({reason}) "
                                f"but the statement succeeded ({result.rowcount} row(s))")

    def guard_not_vacuous(self, claim: str, table: str, about: Iterable | None) -> None:
        existing = self.visible_ids(SERVICE_ROLE, table)
        if about is None:
            if not existing:
                raise RlsAssertionError(
                    f"vacuous test: '{claim}' proves nothing because {table} is empty; "
                    f"seed the rows it is about first (rls.seed(...))")
            return
        missing = set(about) - existing
        if missing:
            raise RlsAssertionError(f"vacuous test: '{claim}' is about rows that do not exist in {table}: "
                                    f"{describe(missing)}; seed them first (rls.seed(...))")


def describe(ids: set) -> str:
    if not ids:
        return "no rows"
    return f"{len(ids)} row(s) [" + ", ".join(sorted(map(str, ids))) + "]"
