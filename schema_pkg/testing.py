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

Only ``request.jwt.claims`` is set, as PostgREST does today.  ``auth.uid()``,
``auth.role()`` and ``auth.jwt()`` prefer the legacy ``request.jwt.claim.sub``,
``request.jwt.claim.role`` and ``request.jwt.claim`` when they are set, so a
stale legacy setting on the connection would impersonate someone: the helpers
refuse to run (:class:`StaleLegacyClaimError`) rather than let it.  The
settings checked are those three and any other the database's auth functions read.

A COMMIT or ROLLBACK inside a block (``db.commit()``, ``db.rollback()`` or the
SQL text through ``execute``) would end the role and the claims, and the rest
of the block would run as the connection's role: it raises
:class:`BlockTransactionError` at that point instead.

Example::

    from schema_pkg.testing import as_user

    with as_user(conn, alice_id) as db:
        rows = db.execute("select id from simcore_simulations").fetchall()

For seeding and assertions that state their intent, see :mod:`schema_pkg.rlskit`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg

API_ROLES = ("anon", "authenticated", "service_role")
# What Supabase's auth.uid(), auth.role() and auth.jwt() read before request.jwt.claims.
LEGACY_SETTINGS = ("request.jwt.claim.sub", "request.jwt.claim.role", "request.jwt.claim")
LEGACY_SETTINGS_READ = r"""
SELECT DISTINCT m[1] FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
CROSS JOIN LATERAL regexp_matches(p.prosrc, 'current_setting\(''(request\.jwt\.claim(?:\.[a-z_]+)?)''', 'g') m
WHERE n.nspname = 'auth'
"""
ENDS_TRANSACTION = re.compile(r"^\s*(COMMIT|END|ABORT|ROLLBACK(?!\s+TO\b))\b", re.IGNORECASE)


class StaleLegacyClaimError(RuntimeError):
    """A legacy request.jwt.claim.* setting would override the claims we set."""


class BlockTransactionError(RuntimeError):
    """A COMMIT or ROLLBACK inside an as_* block, which would end its role and claims."""


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


def legacy_settings(conn) -> tuple[str, ...]:
    """The legacy claim settings the database's auth functions read (and ours, always)."""
    read = {row[0] for row in execute(conn, LEGACY_SETTINGS_READ).fetchall()}
    return tuple(sorted(read | set(LEGACY_SETTINGS)))


# Acting as an API caller in one round trip, as PostgREST's own: SET LOCAL ROLE (the role
# setting), the claims, and every legacy claim setting (read by the auth functions, or ours)
# that holds a value, as [name, value] pairs.
SET_ROLE_AND_CLAIMS = "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
HOLDING_A_VALUE = """
       (SELECT array_agg(ARRAY[name, current_setting(name, true)] ORDER BY name)
          FROM ({names}) AS legacy(name)
         WHERE coalesce(current_setting(name, true), '') <> '')"""
ACT_AS = SET_ROLE_AND_CLAIMS + HOLDING_A_VALUE.format(
    names=f"{LEGACY_SETTINGS_READ} UNION SELECT unnest(%s::text[])")
# The same with the names already read (legacy_settings()): no catalog read per block, for a
# caller that acts many times on a database whose auth functions it does not change.
ACT_AS_NAMED = SET_ROLE_AND_CLAIMS + HOLDING_A_VALUE.format(names="SELECT unnest(%s::text[])")


def refuse_stale_legacy_claims(stale) -> None:
    """``stale``: [name, value] of each legacy claim setting holding a value (ACT_AS)."""
    for name, value in stale or []:
        if value:
            raise StaleLegacyClaimError(
                f"{name} is set on this connection ({value!r}); auth.uid(), auth.role() or auth.jwt() "
                f"would prefer it over request.jwt.claims. Reset it (RESET \"{name}\") or use a fresh "
                "connection."
            )


def refusal(what: str):
    def refuse(*args, **kwargs):
        raise BlockTransactionError(
            f"{what} inside an as_* block: it would end the block's role and claims and run the rest "
            "as the connection's role; end the block first (its writes are kept until the outer "
            "transaction ends, or rolled back when there is none)")
    return refuse


def guarded(method):
    """``method`` (execute), refusing COMMIT/ROLLBACK/END/ABORT as SQL text."""
    def call(statement, *args, **kwargs):
        text = statement if isinstance(statement, str) else getattr(statement, "text", "")
        if isinstance(text, str) and (found := ENDS_TRANSACTION.match(text)):
            refusal(found.group(1).upper())()
        return method(statement, *args, **kwargs)
    return call


@contextmanager
def transaction_end_refused(conn) -> Iterator[None]:
    """While the block runs, ``commit()``, ``rollback()`` and COMMIT/ROLLBACK as SQL text
    raise :class:`BlockTransactionError` instead of ending the transaction."""
    names = ("commit", "rollback", "execute", "exec_driver_sql")
    before = {name: conn.__dict__[name] for name in names if name in conn.__dict__}  # a nested block
    conn.commit, conn.rollback = refusal("commit()"), refusal("rollback()")
    conn.execute = guarded(type(conn).execute.__get__(conn))
    if not isinstance(conn, psycopg.Connection):
        conn.exec_driver_sql = guarded(type(conn).exec_driver_sql.__get__(conn))
    try:
        yield
    finally:
        for name in names:
            conn.__dict__.pop(name, None)
        conn.__dict__.update(before)


def act_as(role: str, claims: dict[str, Any], legacy: tuple[str, ...] | None = None) -> tuple[str, tuple]:
    """The one statement (:data:`ACT_AS`) and its parameters that make a transaction act as
    ``role`` with ``claims``; its third column goes to :func:`refuse_stale_legacy_claims`.
    ``legacy``: the names :func:`legacy_settings` read, to check without reading them again."""
    if role not in API_ROLES:
        raise ValueError(f"unknown API role {role!r}; expected one of {API_ROLES}")
    if legacy is not None:
        return ACT_AS_NAMED, (role, json.dumps(claims), list(legacy))
    return ACT_AS, (role, json.dumps(claims), list(LEGACY_SETTINGS))


def claims_of(role: str, user_id: UUID | str | None = None, **extra_claims: Any) -> dict[str, Any]:
    """The JWT claims PostgREST sets for ``role``: a signed-in user's carry ``sub``."""
    return {"sub": str(user_id), "role": role, **extra_claims} if user_id is not None else {"role": role}


@contextmanager
def as_role(conn, role: str, claims: dict[str, Any]) -> Iterator[Any]:
    """Run the block as ``role`` with ``claims``; never committed (see the module docstring).

    ``conn`` is a psycopg 3 connection or a SQLAlchemy 2 ``Connection``; the
    block gets the same object back.
    """
    statement, params = act_as(role, claims)
    with api_block(conn):
        row = execute(conn, statement, params).fetchone()
        refuse_stale_legacy_claims(row[2])  # a refusal rolls the block back
        with transaction_end_refused(conn):
            yield conn


def as_anon(conn) -> Any:
    """A caller with the anon key: no ``sub``."""
    return as_role(conn, "anon", claims_of("anon"))


def as_user(conn, user_id: UUID | str, **extra_claims: Any) -> Any:
    """A signed-in user: ``authenticated`` with ``sub`` = user_id plus any extra claims."""
    return as_role(conn, "authenticated", claims_of("authenticated", user_id, **extra_claims))


def as_service_role(conn) -> Any:
    """The service key: ``service_role``, which bypasses RLS."""
    return as_role(conn, "service_role", claims_of("service_role"))
