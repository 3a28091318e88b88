"""The RLS database: a scratch database at head with the seeded world."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import URL

from schema_pkg.scratch import ScratchDatabases, standalone_scratch
from schema_pkg.settings import libpq_url
from tests.rls.world import seed_statements


def build_rls_database(scratch: ScratchDatabases) -> URL:
    """A clone of the head template with the world seeded and committed."""
    url = scratch.clone("head")
    with psycopg.connect(libpq_url(url)) as conn:
        for statement, params in seed_statements():
            conn.execute(statement, params)
    return url


@contextmanager
def standalone_rls_database() -> Iterator[str]:
    """Outside pytest (make mutants, make fuzz): a server, the seeded database as a libpq
    URL, and everything dropped afterwards."""
    with standalone_scratch() as scratch:
        yield libpq_url(build_rls_database(scratch))
