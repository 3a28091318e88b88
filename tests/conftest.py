"""Shared fixtures.  The server, scratch databases and the migrated database come
from schema_pkg's own pytest plugin (schema_pkg/pytest_plugin.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from tests import spec


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
