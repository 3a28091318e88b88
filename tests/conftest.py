"""Shared fixtures.  The server, scratch databases and the migrated database come
from schema_pkg's own pytest plugin (schema_pkg/pytest_plugin.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from schema_pkg.config import BASELINE_REVISION, CHECKOUT_DIR
from tests import spec
from tests.rls import pgprove


@pytest.fixture(scope="session")
def document() -> spec.DocSchema:
    return spec.parse()


@pytest.fixture(scope="session")
def beyond() -> spec.Beyond:
    return spec.parse_beyond()


@pytest.fixture(scope="session")
def head_engine(schema_pkg_database):
    engine = create_engine(schema_pkg_database, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def head(head_engine):
    """A SQLAlchemy connection to the database at head; everything is rolled back."""
    with head_engine.connect() as conn:
        yield conn
        conn.rollback()


@pytest.fixture
def scratch_url(schema_pkg_scratch):
    """An empty scratch database, dropped afterwards."""
    url = schema_pkg_scratch.create()
    yield url
    schema_pkg_scratch.drop(url)


@pytest.fixture
def baseline_url(schema_pkg_database_at):
    """A fresh database at the baseline (0005), cloned from its template."""
    return schema_pkg_database_at(BASELINE_REVISION)


@pytest.fixture
def head_url(schema_pkg_database_at):
    """A fresh database at head, cloned from its template (for tests that change it)."""
    return schema_pkg_database_at("head")



@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    """The package built as a wheel from this checkout (once per session)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(CHECKOUT_DIR)],
        check=True, capture_output=True, timeout=300,
    )
    return next(out.glob("schema_pkg-*.whl"))


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
