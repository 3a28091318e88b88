"""pytest plugin (entry point ``pytest11``): migrated databases, the identity helpers, the RLS kit.

Fixtures (install with ``pip install 'schema_pkg[testing]'``):

* ``schema_pkg_server``: a PostgreSQL server, session-wide (DATABASE_URL /
  PG*, the local default 127.0.0.1:5432, local binaries, Docker; see
  :mod:`schema_pkg.testserver`).  No server, or one that does not answer,
  ends the session with one line;
* ``schema_pkg_scratch``: :class:`schema_pkg.scratch.ScratchDatabases` on it:
  scratch databases and roles, templates per revision, dropped at the end;
  leftovers of dead runs are dropped at start;
* ``schema_pkg_database``: the URL of a database at head (a template clone);
* ``schema_pkg_database_at``: ``schema_pkg_database_at("0005")`` gives a
  fresh database at that revision, dropped after the test;
* ``schema_pkg_connection``: a psycopg connection to ``schema_pkg_database``
  inside a transaction that is always rolled back (commit is refused);
* ``as_anon``, ``as_user``, ``as_service_role``: :mod:`schema_pkg.testing`'s
  context managers bound to that connection, e.g.
  ``with as_user(alice_id) as db: db.execute(...)``; writes made in a block
  stay visible to later blocks of the same test;
* ``rls``: :class:`schema_pkg.rlskit.RlsKit` on that connection: seed as
  someone, then assert what each actor sees or changes.
"""

from __future__ import annotations

import functools

import psycopg
import pytest

from schema_pkg import testing
from schema_pkg.scratch import ScratchDatabases, shared_run_id
from schema_pkg.settings import libpq_url, redact
from schema_pkg.testserver import NoServerError, answers, installed, start_server

SERVER_USED = pytest.StashKey[str]()
SUMMARY = pytest.StashKey[list[str]]()
WORKER_SUMMARY = "schema_pkg_summary"  # the key in pytest-xdist's workeroutput


def stop_session(message: str) -> None:
    pytest.exit(f"schema_pkg: {message}", returncode=4)


def summary_line(config: pytest.Config, line: str) -> None:
    """A line printed at the end of the run (the server used, a measured figure).

    Under pytest-xdist the fixtures that measure run in worker processes, whose
    terminal summary nobody sees: each worker hands its lines to the controller
    (:func:`pytest_sessionfinish`, :func:`pytest_testnodedown`), which prints them."""
    lines = config.stash.setdefault(SUMMARY, [])
    if line not in lines:  # every worker reports the same server
        lines.append(line)


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)  # set on xdist workers only
    if workeroutput is not None:
        workeroutput[WORKER_SUMMARY] = session.config.stash.get(SUMMARY, [])


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: the controller hears a worker end
def pytest_testnodedown(node, error):
    for line in getattr(node, "workeroutput", {}).get(WORKER_SUMMARY, []):
        summary_line(node.config, line)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say which server the run used (make test-matrix relies on it to show the versions)
    and the figures fixtures measured."""
    for line in config.stash.get(SUMMARY, []):
        terminalreporter.write_line(line)


def describe_server(server) -> str:
    with psycopg.connect(libpq_url(server.url)) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return f"tests ran on PostgreSQL {version} at {redact(server.url)} (from {server.provider})"


@pytest.fixture(scope="session")
def schema_pkg_server(request):
    try:
        server = start_server()
    except NoServerError as exc:
        stop_session(str(exc))
    except Exception as exc:  # a provider that fails to start, e.g. a bad DATABASE_URL
        stop_session(f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}")
    refused = answers(server.url)
    if refused is not None:
        server.stop()
        stop_session(f"the test server {redact(server.url)} (from {server.provider}) "
                     f"does not answer: {refused}")
    request.config.stash[SERVER_USED] = describe_server(server)
    summary_line(request.config, f"schema_pkg: {request.config.stash[SERVER_USED]}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def schema_pkg_scratch(schema_pkg_server, request):
    if not installed("pytest_postgresql"):
        stop_session("pytest-postgresql is missing: pip install 'schema_pkg[testing]'")
    try:
        run = getattr(request.config, "workerinput", {}).get("testrunuid")  # pytest-xdist's run
        scratch = ScratchDatabases(schema_pkg_server.url, shared_by=shared_run_id(run) if run else None)
        scratch.drop_dead_runs()
    except psycopg.Error as exc:
        stop_session(f"cannot manage scratch databases on {redact(schema_pkg_server.url)}: "
                     f"{str(exc).strip().splitlines()[0]}")
    # Built first, under the server-wide template lock: once revision 0001 has run on a
    # server its API roles exist, so tests that migrate empty databases in parallel
    # (pytest-xdist workers) never race on creating and granting them.
    scratch.template("head")
    yield scratch
    scratch.close()


@pytest.fixture(scope="session")
def schema_pkg_database(schema_pkg_scratch):
    return schema_pkg_scratch.clone("head")


@pytest.fixture
def schema_pkg_database_at(schema_pkg_scratch):
    made = []

    def at(revision: str = "head"):
        made.append(schema_pkg_scratch.clone(revision))
        return made[-1]

    yield at
    for url in made:
        schema_pkg_scratch.drop(url)


@pytest.fixture
def schema_pkg_connection(schema_pkg_database):
    with psycopg.connect(libpq_url(schema_pkg_database)) as conn:
        with conn.transaction(force_rollback=True):
            yield conn


@pytest.fixture
def as_anon(schema_pkg_connection):
    return functools.partial(testing.as_anon, schema_pkg_connection)


@pytest.fixture
def as_user(schema_pkg_connection):
    return functools.partial(testing.as_user, schema_pkg_connection)


@pytest.fixture
def as_service_role(schema_pkg_connection):
    return functools.partial(testing.as_service_role, schema_pkg_connection)


@pytest.fixture
def rls(schema_pkg_connection):
    from schema_pkg.rlskit import RlsKit

    return RlsKit(schema_pkg_connection)
