"""The RLS database: a scratch database at head with the seeded world, committed once."""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.settings import libpq_url
from tests.rls.world import seed_statements


@pytest.fixture(scope="session")
def rls_database(schema_pkg_scratch):
    url = schema_pkg_scratch.clone("head")
    with psycopg.connect(libpq_url(url)) as conn:
        for statement, params in seed_statements():
            conn.execute(statement, params)
    return url


@pytest.fixture(scope="session")
def rls_conn(rls_database):
    """One autocommit connection; every case runs in its own rolled-back transaction."""
    with psycopg.connect(libpq_url(rls_database), autocommit=True) as conn:
        yield conn
