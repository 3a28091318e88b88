"""One short-lived connection to a database, without a pool."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import NullPool


@contextmanager
def connection(url: URL, **engine_options) -> Iterator[Connection]:
    """Connect to ``url`` (engine options such as isolation_level pass through) and
    dispose of the engine afterwards, so no idle connection is left behind."""
    engine = create_engine(url, poolclass=NullPool, **engine_options)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
