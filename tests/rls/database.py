"""The RLS database: a scratch database at head with the seeded world."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import URL

from schema_pkg.scratch import ScratchDatabases, migrate
from schema_pkg.settings import libpq_url
from schema_pkg.testserver import start_server
from tests.rls.world import seed_statements


def build_rls_database(scratch: ScratchDatabases) -> URL:
    url = scratch.create()
    migrate(url, "head")
    with psycopg.connect(libpq_url(url)) as conn:
        for statement, params in seed_statements():
            conn.execute(statement, params)
    return url


@contextmanager
def standalone_rls_database(prefix: str) -> Iterator[str]:
    """Outside pytest (make mutants, make fuzz): a server, the seeded database as a libpq
    URL, and everything dropped afterwards."""
    server = start_server()
    scratch = ScratchDatabases(server.url, prefix=prefix)
    try:
        yield libpq_url(build_rls_database(scratch))
    finally:
        scratch.drop_all()
        server.stop()
