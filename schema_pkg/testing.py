"""Act as a Supabase API caller inside a transaction, the way PostgREST does.

PostgREST runs each request in a transaction with ``SET LOCAL ROLE <role>``
and ``set_config('request.jwt.claims', '<json>', true)``.  These context
managers do the same on a psycopg 3 connection or a SQLAlchemy 2
``Connection``, and never commit:

* inside a transaction already open (the plugin's ``schema_pkg_connection``
  always has one), a block is a savepoint: its writes stay visible to the
  blocks after it until that transaction ends, so "alice inserts, then bob
  cannot see it" means what it says; the role and claims end with the block,
  and a block that fails is rolled back alone;
* with no transaction open (e.g. an autocommit connection), the block is its
  own transaction and is rolled back at its end.

Only ``request.jwt.claims`` is set, as PostgREST does today.  ``auth.uid()``
prefers the legacy ``request.jwt.claim.sub`` when it is set, so a stale legacy
setting on the connection would impersonate someone: the helpers refuse to
run (:class:`StaleLegacyClaimError`) rather than let it.

Example::

    from schema_pkg.testing import as_user

    with as_user(conn, alice_id) as db:
        rows = db.execute("select id from simcore_simulations").fetchall()

For seeding and assertions that state their intent, see :mod:`schema_pkg.rlskit`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg

API_ROLES = ("anon", "authenticated", "service_role")
LEGACY_SETTINGS = ("request.jwt.claim.sub", "request.jwt.claim.role")


class StaleLegacyClaimError(RuntimeError):
    """A legacy request.jwt.claim.* setting would override the claims we set."""


def execute(conn, statement: str, params: tuple = ()):
    """Run driver-level SQL (``%s`` placeholders) on psycopg or SQLAlchemy alike."""
    if isinstance(conn, psycopg.Connection):
        return conn.execute(statement, params)
    return conn.exec_driver_sql(statement, params)


def driver_connection(conn) -> psycopg.Connection:
    """The psycopg connection under a psycopg or SQLAlchemy connection."""
    return conn if isinstance(conn, psycopg.Connection) else conn.connection.driver_connection


def in_transaction(conn) -> bool:
    return driver_connection(conn).info.transaction_status != psycopg.pq.TransactionStatus.IDLE


@contextmanager
def rolled_back(conn) -> Iterator[None]:
    """A transaction of its own (none is open) that always rolls back."""
    if isinstance(conn, psycopg.Connection):
        with conn.transaction(force_rollback=True):
            yield
        return
    transaction = conn.begin()
    try:
        yield
    finally:
        if transaction.is_active:
            transaction.rollback()


@contextmanager
def kept_in_transaction(conn) -> Iterator[None]:
    """A savepoint in the open transaction: released when the block succeeds (its
    writes stay until that transaction ends), rolled back when it raises or fails."""
    execute(conn, "SAVEPOINT schema_pkg_block")
    try:
        yield
    except BaseException:
        execute(conn, "ROLLBACK TO SAVEPOINT schema_pkg_block")
        raise
    if driver_connection(conn).info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
        execute(conn, "ROLLBACK TO SAVEPOINT schema_pkg_block")
    execute(conn, "RELEASE SAVEPOINT schema_pkg_block")


@contextmanager
def settings_restored(conn, names: tuple[str, ...]) -> Iterator[None]:
    """Put the transaction-local settings ``names`` back as they were after the block."""
    reads = ", ".join(["current_setting(%s, true)"] * len(names))  # one round trip each way
    before = execute(conn, f"SELECT {reads}", names).fetchone()
    yield
    if driver_connection(conn).info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
        writes = ", ".join(["set_config(%s, %s, true)"] * len(names))
        pairs = zip(names, before, strict=True)
        execute(conn, f"SELECT {writes}", tuple(x for name, value in pairs for x in (name, value or "")))


@contextmanager
def api_block(conn) -> Iterator[None]:
    """See the module docstring: kept in an open transaction, else rolled back."""
    if not in_transaction(conn):
        with rolled_back(conn):
            yield
        return
    with settings_restored(conn, ("role", "request.jwt.claims")), kept_in_transaction(conn):
        yield


def refuse_stale_legacy_claims(legacy_values: tuple) -> None:
    """``legacy_values``: the current values of :data:`LEGACY_SETTINGS`, in order."""
    for name, value in zip(LEGACY_SETTINGS, legacy_values, strict=True):
        if value:
            raise StaleLegacyClaimError(
                f"{name} is set on this connection ({value!r}); auth.uid() would prefer it "
                f"over request.jwt.claims. Reset it (RESET \"{name}\") or use a fresh connection."
            )


@contextmanager
def as_role(conn, role: str, claims: dict[str, Any]) -> Iterator[Any]:
    """Run the block as ``role`` with ``claims``; never committed (see the module docstring).

    ``conn`` is a psycopg 3 connection or a SQLAlchemy 2 ``Connection``; the
    block gets the same object back.
    """
    if role not in API_ROLES:
        raise ValueError(f"unknown API role {role!r}; expected one of {API_ROLES}")
    with api_block(conn):
        # One round trip, as PostgREST's own: SET LOCAL ROLE (the role setting), the claims,
        # and the legacy settings to refuse; a refusal rolls the block back.
        legacy = ", ".join(["current_setting(%s, true)"] * len(LEGACY_SETTINGS))
        row = execute(conn, "SELECT set_config('role', %s, true), "
                            f"set_config('request.jwt.claims', %s, true), {legacy}",
                      (role, json.dumps(claims), *LEGACY_SETTINGS)).fetchone()
        refuse_stale_legacy_claims(row[2:])
        yield conn


def as_anon(conn) -> Any:
    """A caller with the anon key: no ``sub``."""
    return as_role(conn, "anon", {"role": "anon"})


def as_user(conn, user_id: UUID | str, **extra_claims: Any) -> Any:
    """A signed-in user: ``authenticated`` with ``sub`` = user_id plus any extra claims."""
    claims = {"sub": str(user_id), "role": "authenticated", **extra_claims}
    return as_role(conn, "authenticated", claims)


def as_service_role(conn) -> Any:
    """The service key: ``service_role``, which bypasses RLS."""
    return as_role(conn, "service_role", {"role": "service_role"})
