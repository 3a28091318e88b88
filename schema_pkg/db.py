"""One short-lived connection to a database, without a pool."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import NullPool

from schema_pkg.settings import Timeouts


@contextmanager
def connection(url: URL, **engine_options) -> Iterator[Connection]:
    """Connect to ``url`` (engine options such as isolation_level pass through) and
    dispose of the engine afterwards, so no idle connection is left behind.  A server
    that never answers is given up on after SCHEMA_PKG_CONNECT_TIMEOUT seconds."""
    connect_args = {"connect_timeout": Timeouts.from_env().connect_timeout,
                    **engine_options.pop("connect_args", {})}
    engine = create_engine(url, poolclass=NullPool, connect_args=connect_args, **engine_options)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
