"""An application project built from the wheel with the [testing] extra, in a fresh venv,
runs its own RLS tests through the plugin; the vacuous "bob sees nothing" fails clearly."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest

from schema_pkg.settings import libpq_url

pytestmark = [pytest.mark.slow, pytest.mark.same_on_every_version]

APP_TESTS = '''
from importlib.resources import files


def test_bob_cannot_see_alices_run(rls):
    alice, bob = rls.user("alice"), rls.user("bob")
    run = rls.seed(alice, "simcore_simulations", user_id=alice.id, name="run", simulation_type="md")
    rls.assert_sees_nothing(bob, "simcore_simulations", about=[run])
    rls.assert_sees_exactly(alice, "simcore_simulations", [run])


def test_bob_sees_nothing_on_an_empty_table(rls):
    rls.assert_sees_nothing(rls.user("bob"), "simcore_simulations")


def test_the_schema_document_ships_with_the_package():
    assert "simcore_simulations" in (files("schema_pkg") / "docs" / "platform-schema.md").read_text()
'''


# The app's run writes its scratch prefix here, so the test looks at that run's names only
# (another run on the same server, e.g. a concurrent `make test`, has its own prefix).
APP_CONFTEST = '''
import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def record_the_run_prefix(schema_pkg_scratch):
    with open(os.environ["APP_RUN_PREFIX_FILE"], "w") as out:
        out.write(schema_pkg_scratch.prefix)
'''


def names_of_run(server_url, prefix: str) -> set[str]:
    """The databases and roles a run named with ``prefix`` left on the server."""
    pattern = prefix.replace("_", "\\_") + "\\_%"
    with psycopg.connect(libpq_url(server_url)) as conn:
        return {row[0] for row in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %(p)s UNION ALL "
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %(p)s", {"p": pattern})}


@pytest.fixture(scope="module")
def app_venv(wheel, tmp_path_factory):
    """A fresh venv holding the wheel with its [testing] extra, resolved by pip as a user's
    install would be.  The venv gets no pip of its own: this suite's pip installs into it
    (``pip --python``), which saves bootstrapping a second pip (4 s of CPU)."""
    venv = tmp_path_factory.mktemp("app") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                    "-q", f"schema_pkg[testing] @ {wheel.as_uri()}"],
                   check=True, capture_output=True, timeout=600)
    return venv


def test_app_project_runs_its_rls_tests_through_the_plugin(app_venv, tmp_path, schema_pkg_server,
                                                            schema_pkg_scratch):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app_rls.py").write_text(APP_TESTS)
    (tmp_path / "tests" / "conftest.py").write_text(APP_CONFTEST)
    prefix_file = tmp_path / "run-prefix"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "APP_RUN_PREFIX_FILE": str(prefix_file),
           "DATABASE_URL": libpq_url(schema_pkg_server.url)}
    result = subprocess.run([str(app_venv / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider",
                             "tests"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = result.stdout
    assert "1 failed, 2 passed" in out, out + result.stderr
    assert "FAILED tests/test_app_rls.py::test_bob_sees_nothing_on_an_empty_table" in out
    assert ("vacuous test: 'bob sees nothing in simcore_simulations' proves nothing because "
            "simcore_simulations is empty") in out
    assert "schema_pkg: tests ran on PostgreSQL" in out
    prefix = prefix_file.read_text()
    assert prefix.startswith("schema_pkg_test_") and prefix != schema_pkg_scratch.prefix
    assert names_of_run(schema_pkg_server.url, prefix) == set(), "the app run left databases or roles"
