"""Turn the expectations table into cases, and run one case the way PostgREST would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

import psycopg

from schema_pkg.testing import as_anon, as_service_role, as_user
from tests.rls.expectations import EXPECTATIONS, Scenario
from tests.rls.outcomes import (
    NO_GRANT,
    RLS_DENIED,
    RLS_EXISTING_ROW_DENIED,
    Outcome,
    changes,
    fails,
    sees,
)
from tests.rls.world import (
    ACTORS,
    REQUIRED_COLUMNS,
    Actor,
    label_of,
    label_of_value,
    parameters,
    required,
)


@dataclass(frozen=True)
class Case:
    table: str
    scenario: Scenario
    actor: Actor

    @property
    def expected(self) -> Outcome:
        return self.scenario.outcomes[self.actor.name]

    @property
    def id(self) -> str:
        verdict = "can" if self.expected.allowed else "cannot"
        return f"{self.actor.name}-{verdict}-{self.scenario.command}-{self.table}-{self.scenario.name}"

    def sql(self) -> str:
        text = self.scenario.sql.replace("{table}", self.table)
        if self.table in REQUIRED_COLUMNS:
            columns, values = required(self.table)
            text = text.replace("{required_columns}", columns).replace("{required_values}", values)
        return text


def cases() -> Iterator[Case]:
    for table, scenarios in EXPECTATIONS.items():
        for scenario in scenarios:
            for actor_name in scenario.outcomes:
                yield Case(table, scenario, ACTORS[actor_name])


def acting_as(conn: psycopg.Connection, actor: Actor) -> AbstractContextManager:
    if actor.role == "anon":
        return as_anon(conn)
    if actor.role == "service_role":
        return as_service_role(conn)
    return as_user(conn, actor.user_id)


def classify_error(error: psycopg.Error) -> Outcome:
    message = str(error).splitlines()[0]
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        if "row-level security policy (USING expression)" in message:
            return RLS_EXISTING_ROW_DENIED
        if "row-level security" in message:
            return RLS_DENIED
        if "permission denied" in message:
            return NO_GRANT
    return fails(error.sqlstate, message)


def observe(conn: psycopg.Connection, case: Case) -> Outcome:
    """Run the case's statement as its actor in a rolled-back transaction (a savepoint
    rolled back, when a transaction is open, e.g. the one holding a mutant)."""
    with conn.transaction(force_rollback=True), acting_as(conn, case.actor):
        try:
            cursor = conn.execute(case.sql(), parameters(case.table, case.actor))
        except psycopg.Error as error:
            return classify_error(error)
        if case.scenario.command == "select":
            return sees(*(label_of(case.table, row[0]) for row in cursor.fetchall()))
        if case.scenario.command == "rpc":
            return sees(*(label_of_value(row[0]) for row in cursor.fetchall()))
        return changes(cursor.rowcount)
