"""The RLS database: a scratch database at head with the seeded world, committed once."""

from __future__ import annotations

import os

import psycopg
import pytest

from schema_pkg.pytest_plugin import summary_line
from schema_pkg.settings import libpq_url
from tests.rls import pgprove
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


@pytest.fixture(scope="session")
def pgtap_server(schema_pkg_server):
    """The test server, when pg_prove and pgTAP are there to run the exported files.  Elsewhere
    the tests skip, naming what is missing; in CI (CI=true), where .ci/run installs them, they fail."""
    reason = pgprove.missing(schema_pkg_server.url)
    if reason and os.environ.get("CI"):
        pytest.fail(f"CI must have pgTAP and pg_prove: {reason}")
    if reason:
        pytest.skip(reason)
    return schema_pkg_server
