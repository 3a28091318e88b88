"""The RLS database: a scratch database at head with the seeded world."""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import URL

from schema_pkg.scratch import ScratchDatabases
from schema_pkg.settings import libpq_url
from tests.rls.world import seed_statements


def build_rls_database(scratch: ScratchDatabases) -> URL:
    """A clone of the head template with the world seeded and committed."""
    url = scratch.clone("head")
    with psycopg.connect(libpq_url(url)) as conn:
        for statement, params in seed_statements():
            conn.execute(statement, params)
    return url
