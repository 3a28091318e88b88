"""Act as a Supabase API caller inside a transaction, the way PostgREST does.

PostgREST runs each request in a transaction with ``SET LOCAL ROLE <role>``
and ``set_config('request.jwt.claims', '<json>', true)``.  These context
managers do the same on a psycopg 3 connection or a SQLAlchemy 2
``Connection`` and always roll back: in a transaction already open they use
a savepoint, so seeding done before stays visible and the role and claims end
with the block.  Only
``request.jwt.claims`` is set, as PostgREST does today.  ``auth.uid()``
prefers the legacy ``request.jwt.claim.sub`` when it is set, so a stale legacy
setting on the connection would impersonate someone: the helpers refuse to
run (:class:`StaleLegacyClaimError`) rather than let it.

Example::

    from schema_pkg.testing import as_user

    with as_user(conn, alice_id) as db:
        rows = db.execute("select id from simcore_simulations").fetchall()
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


@contextmanager
def rolled_back(conn) -> Iterator[None]:
    """A transaction, or a savepoint inside an open one, that always rolls back."""
    if isinstance(conn, psycopg.Connection):
        with conn.transaction(force_rollback=True):
            yield
        return
    transaction = conn.begin_nested() if conn.in_transaction() else conn.begin()
    try:
        yield
    finally:
        if transaction.is_active:
            transaction.rollback()


def refuse_stale_legacy_claims(conn) -> None:
    for name in LEGACY_SETTINGS:
        value = execute(conn, "SELECT current_setting(%s, true)", (name,)).fetchone()[0]
        if value:
            raise StaleLegacyClaimError(
                f"{name} is set on this connection ({value!r}); auth.uid() would prefer it "
                f"over request.jwt.claims. Reset it (RESET \"{name}\") or use a fresh connection."
            )


@contextmanager
def as_role(conn, role: str, claims: dict[str, Any]) -> Iterator[Any]:
    """Run the block as ``role`` with ``claims``; always rolled back.

    ``conn`` is a psycopg 3 connection or a SQLAlchemy 2 ``Connection``; the
    block gets the same object back.
    """
    if role not in API_ROLES:
        raise ValueError(f"unknown API role {role!r}; expected one of {API_ROLES}")
    with rolled_back(conn):
        execute(conn, f"SET LOCAL ROLE {role}")  # role is one of API_ROLES
        refuse_stale_legacy_claims(conn)
        execute(conn, "SELECT set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
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
