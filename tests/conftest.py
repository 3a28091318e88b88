"""Shared fixtures.  The server, scratch databases and the migrated database come
from schema_pkg's own pytest plugin (schema_pkg/pytest_plugin.py)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from schema_pkg.config import BASELINE_REVISION, CHECKOUT_DIR
from tests import spec, under_mutmut
from tests.rls import pgprove

# make test-fast, the edit-run loop.  A test is marked `fast` unless it is marked `slow` or
# uses a fixture built per test (function scope: a fresh database, a process) other than the
# cheap ones below, or one of the costly once-per-run fixtures below.  So the unit tests, the
# RLS matrix, conformance and the plan checks (on databases built once per run or module)
# are in it, and a new test joins the loop, or stays out of it, by what it uses.
CHEAP_PER_TEST = {
    "tmp_path", "monkeypatch", "capsys", "capfd", "caplog", "recwarn",  # pytest's own
    # a rolled-back transaction on the database at head
    "schema_pkg_connection", "as_anon", "as_user", "as_service_role", "rls", "head",
}
COSTLY_ONCE = {"wheel", "app_venv", "mutation_results", "sample", "pgtap_head", "pgtap_server", "outputs"}


def is_fast(item: pytest.Item) -> bool:
    if item.get_closest_marker("slow") is not None:
        return False
    parameters = set(getattr(getattr(item, "callspec", None), "params", {}))
    definitions = item._fixtureinfo.name2fixturedefs
    for name in set(item.fixturenames) - parameters - CHEAP_PER_TEST:
        if name in COSTLY_ONCE:
            return False
        if name in definitions and definitions[name][-1].scope == "function":
            return False
    return True


def cost(item: pytest.Item) -> int:
    """2: it waits for a costly once-per-run fixture (the mutant runs, the app project...);
    1: it is marked slow; 0: anything else."""
    if COSTLY_ONCE & set(item.fixturenames):
        return 2
    return 1 if item.get_closest_marker("slow") is not None else 0


def costliest_files_first(items: list[pytest.Item]) -> None:
    """Order the files by the cost of their costliest test, keeping the order within each
    cost and within each file.  pytest-xdist hands each worker the next file in collection
    order, so the long files start first and the run does not end with one worker alone on
    a long file while the others have finished."""
    costs: dict[Path, int] = {}
    for item in items:
        costs[item.path] = max(costs.get(item.path, 0), cost(item))
    items.sort(key=lambda item: -costs[item.path])


def pytest_collection_modifyitems(config, items):
    for item in items:
        if is_fast(item):
            item.add_marker(pytest.mark.fast)
    if under_mutmut.active():
        items[:] = under_mutmut.module_by_module(items, under_mutmut.recorded_durations(CHECKOUT_DIR))
    else:
        costliest_files_first(items)


def pytest_sessionstart(session):
    if under_mutmut.active():
        under_mutmut.clear_caches()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if under_mutmut.collecting_stats():
        under_mutmut.clear_caches()


def pytest_collectreport(report):
    if under_mutmut.active() and report.failed:
        under_mutmut.failed_to_collect.append(report.nodeid)


@pytest.hookimpl(wrapper=True)
def pytest_cmdline_main(config):
    """Under mutmut, a collection error ends pytest as the tests failing (docs in
    tests/under_mutmut.py); pytest's usage error for a named test of a module that
    failed to collect included."""
    if not under_mutmut.active():
        return (yield)
    under_mutmut.failed_to_collect.clear()
    try:
        status = yield
    except pytest.UsageError:
        if not under_mutmut.failed_to_collect:
            raise
        status = pytest.ExitCode.USAGE_ERROR
    return under_mutmut.exit_status(status, under_mutmut.failed_to_collect)


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
    """The package built as a wheel from this checkout (once per run, shared by xdist workers)."""
    with shared_by_workers(tmp_path_factory, "wheel") as out:
        if not list(out.glob("schema_pkg-*.whl")):
            subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                 "-w", str(out), str(CHECKOUT_DIR)],
                check=True, capture_output=True, timeout=300,
            )
        return next(out.glob("schema_pkg-*.whl"))


@contextlib.contextmanager
def shared_by_workers(tmp_path_factory, name: str):
    """A folder for something built once per run: under pytest-xdist it lies in the run's
    temporary folder that every worker shares, and workers take turns (a file lock), so the
    first builds it and the others find it built."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        yield tmp_path_factory.mktemp(name)
        return
    folder = tmp_path_factory.getbasetemp().parent / name  # <basetemp>/popen-gwN's parent
    folder.mkdir(exist_ok=True)
    with open(folder.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder


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


COPY_IGNORES = (".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", "mutants", "build", "dist",
                "*.egg-info")


@pytest.fixture
def repo_copy(tmp_path):
    """A scratch copy of this checkout, to change as a maintainer would (run its code with
    :func:`tests.clirun.in_copy`)."""
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(CHECKOUT_DIR, copy, ignore=shutil.ignore_patterns(*COPY_IGNORES))
    return copy
