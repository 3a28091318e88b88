"""The RLS database: a scratch database at head with the seeded world, committed once."""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.pytest_plugin import summary_line
from schema_pkg.settings import libpq_url
from tests.rls.database import build_rls_database


@pytest.fixture(scope="session")
def rls_database(schema_pkg_scratch):
    return build_rls_database(schema_pkg_scratch)


@pytest.fixture(scope="session")
def rls_conn(rls_database):
    """One autocommit connection; every case runs in its own rolled-back transaction."""
    with psycopg.connect(libpq_url(rls_database), autocommit=True) as conn:
        yield conn


def record_figure(config: pytest.Config, line: str) -> None:
    """A measured figure (mutation score, steps run, time) printed at the end of the run,
    by the controller too when pytest-xdist runs the fixture in a worker."""
    summary_line(config, line)
