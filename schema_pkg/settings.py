"""Where to migrate: one place that turns user input into a database URL.

Order of precedence: ``--url``, then ``DATABASE_URL``, then the libpq ``PG*``
variables, then the documented local default.  Every URL is rewritten to the
psycopg 3 driver (``postgresql+psycopg://``); the forms Supabase shows
(``postgres://`` and ``postgresql://``) work as given.  URLs are handed to
SQLAlchemy as objects, never through alembic's ConfigParser, so a ``%`` in a
password is harmless.  Use :func:`redact` for anything printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

LOCAL_DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/alawein"
DRIVER = "postgresql+psycopg"
POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2"}


class TargetError(ValueError):
    """The target database was named in a way we cannot use."""


@dataclass(frozen=True)
class Target:
    """A resolved database URL and where it came from."""

    url: URL
    source: str  # "--url", "DATABASE_URL", "PG* variables" or "local default"

    @property
    def is_local_default(self) -> bool:
        return self.source == "local default"

    def __str__(self) -> str:
        return f"{redact(self.url)} (from {self.source})"


def redact(url: URL | str) -> str:
    """The URL as text with any password replaced by ``***``."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):
            return "<unparseable URL>"
    return url.render_as_string(hide_password=True)


def libpq_url(url: URL) -> str:
    """A SQLAlchemy URL as a libpq connection string for psycopg (password included).  The
    query is percent-encoded as libpq decodes it: SQLAlchemy writes a space as ``+``, which
    libpq keeps (``options=-c role=x`` would reach the server as ``-c+role=x``)."""
    text = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    return f"{text}?{urlencode(url.query, doseq=True, quote_via=quote)}" if url.query else text


def normalize_url(raw: str) -> URL:
    """Parse ``raw`` and point it at the psycopg 3 driver, or raise TargetError."""
    text = raw.strip()
    if "://" not in text:
        raise TargetError(f"malformed database URL {redact(text)!r}: expected postgresql://...")
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise TargetError(f"malformed database URL {redact(text)!r}: {exc}") from None
    if url.drivername not in POSTGRES_SCHEMES:
        raise TargetError(
            f"not a PostgreSQL URL ({url.drivername}://): schema_pkg needs postgresql://"
        )
    if not url.database:
        raise TargetError(f"database URL {redact(url)!r} names no database")
    return url.set(drivername=DRIVER)


def url_from_pg_env(environ: Mapping[str, str]) -> URL | None:
    """A URL from the libpq variables, or None when none of them is set."""
    names = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE")
    if not any(environ.get(name) for name in names):
        return None
    user = environ.get("PGUSER") or "postgres"
    port = environ.get("PGPORT")
    return URL.create(
        DRIVER,
        username=user,
        password=environ.get("PGPASSWORD") or None,
        host=environ.get("PGHOST") or "127.0.0.1",
        port=int(port) if port else None,
        database=environ.get("PGDATABASE") or user,
    )


def resolve_target(cli_url: str | None = None, environ: Mapping[str, str] | None = None) -> Target:
    """Pick the database to work on, following the documented order."""
    environ = os.environ if environ is None else environ
    if cli_url:
        return Target(normalize_url(cli_url), "--url")
    if environ.get("DATABASE_URL"):
        return Target(normalize_url(environ["DATABASE_URL"]), "DATABASE_URL")
    from_pg = url_from_pg_env(environ)
    if from_pg is not None:
        return Target(from_pg, "PG* variables")
    return Target(normalize_url(LOCAL_DEFAULT_URL), "local default")


DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*")
MILLISECONDS_PER = {None: 1, "ms": 1, "s": 1000, "min": 60_000}


def milliseconds(value: str) -> int:
    """A PostgreSQL duration setting ("200ms", "1s", "5min", or bare milliseconds) in ms."""
    match = DURATION.fullmatch(value)
    if not match:
        raise ValueError(f"not a duration: {value!r} (use e.g. 200ms, 1s, 5min)")
    return round(float(match[1]) * MILLISECONDS_PER[match[2]])


@dataclass(frozen=True)
class Timeouts:
    """Session settings for migration statements (see README, "Deploying").

    ``lock_timeout`` is the longest single try; tries start shorter (see
    ``schema_pkg.deploy.lock_schedule``) and stop when their waits add up to
    ``lock_wait_budget`` seconds, or after ``lock_retries`` retries when set.
    """

    lock_timeout: str = "1s"
    statement_timeout: str = "5min"
    lock_retries: int | None = None
    lock_wait_budget: float = 180.0
    concurrent_prewait: float = 120.0
    connect_timeout: int = 10
    migration_lock_wait: float = 600.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Timeouts:
        environ = os.environ if environ is None else environ

        def get(name: str, default, convert=str):
            raw = environ.get(f"SCHEMA_PKG_{name}")
            return default if raw in (None, "") else convert(raw)

        try:
            timeouts = cls(
                lock_timeout=get("LOCK_TIMEOUT", cls.lock_timeout),
                statement_timeout=get("STATEMENT_TIMEOUT", cls.statement_timeout),
                lock_retries=get("LOCK_RETRIES", cls.lock_retries, int),
                lock_wait_budget=get("LOCK_WAIT_BUDGET", cls.lock_wait_budget, float),
                concurrent_prewait=get("CONCURRENT_PREWAIT", cls.concurrent_prewait, float),
                connect_timeout=get("CONNECT_TIMEOUT", cls.connect_timeout, int),
                migration_lock_wait=get("MIGRATION_LOCK_WAIT", cls.migration_lock_wait, float),
            )
            milliseconds(timeouts.lock_timeout)
            milliseconds(timeouts.statement_timeout)
            return timeouts
        except ValueError as exc:
            raise TargetError(f"bad SCHEMA_PKG_* setting: {exc}") from None
