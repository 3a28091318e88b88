"""pytest plugin (entry point ``pytest11``): a migrated database and the identity helpers.

Fixtures:

* ``schema_pkg_server``: a PostgreSQL server (DATABASE_URL / PG*, local
  binaries, Docker; see :mod:`schema_pkg.testserver`), session-wide;
* ``schema_pkg_scratch``: creates scratch databases on it, dropped at the end;
* ``schema_pkg_database``: the URL of a scratch database migrated to head;
* ``schema_pkg_connection``: a psycopg connection to it whose work is always
  rolled back;
* ``as_anon``, ``as_user``, ``as_service_role``: :mod:`schema_pkg.testing`'s
  context managers bound to that connection, e.g.
  ``with as_user(alice_id) as db: db.execute(...)``.
"""

from __future__ import annotations

import functools

import psycopg
import pytest

from schema_pkg import testing
from schema_pkg.scratch import ScratchDatabases, migrate
from schema_pkg.settings import libpq_url
from schema_pkg.testserver import NoServerError, start_server


@pytest.fixture(scope="session")
def schema_pkg_server():
    try:
        server = start_server()
    except NoServerError as exc:
        pytest.exit(str(exc), returncode=4)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def schema_pkg_scratch(schema_pkg_server):
    scratch = ScratchDatabases(schema_pkg_server.url)
    yield scratch
    scratch.drop_all()


@pytest.fixture(scope="session")
def schema_pkg_database(schema_pkg_scratch):
    url = schema_pkg_scratch.create()
    migrate(url, "head")
    return url


@pytest.fixture
def schema_pkg_connection(schema_pkg_database):
    with psycopg.connect(libpq_url(schema_pkg_database)) as conn:
        yield conn
        conn.rollback()


@pytest.fixture
def as_anon(schema_pkg_connection):
    return functools.partial(testing.as_anon, schema_pkg_connection)


@pytest.fixture
def as_user(schema_pkg_connection):
    return functools.partial(testing.as_user, schema_pkg_connection)


@pytest.fixture
def as_service_role(schema_pkg_connection):
    return functools.partial(testing.as_service_role, schema_pkg_connection)
