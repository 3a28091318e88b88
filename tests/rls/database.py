"""The RLS database: a scratch database at head with the seeded world."""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import URL

from schema_pkg.scratch import ScratchDatabases, migrate
from schema_pkg.settings import libpq_url
from tests.rls.world import seed_statements


def build_rls_database(scratch: ScratchDatabases) -> URL:
    url = scratch.create()
    migrate(url, "head")
    with psycopg.connect(libpq_url(url)) as conn:
        for statement, params in seed_statements():
            conn.execute(statement, params)
    return url
