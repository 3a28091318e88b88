"""The RLS database: a scratch database at head with the seeded world, committed once."""

from __future__ import annotations

import psycopg
import pytest

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


FIGURES = pytest.StashKey[list[str]]()


def record_figure(config: pytest.Config, line: str) -> None:
    """A measured figure (mutation score, steps run, time) printed at the end of the run."""
    config.stash.setdefault(FIGURES, []).append(line)


def pytest_terminal_summary(terminalreporter, config):
    for line in config.stash.get(FIGURES, []):
        terminalreporter.write_line(line)
