"""An application project built from the wheel with the [testing] extra, in a fresh venv,
runs its own RLS tests through the plugin; the vacuous "bob sees nothing" fails clearly."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest

from schema_pkg.scratch import LIVE_RUN, run_of
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


def dead_scratch_names(server_url) -> set[str]:
    """Scratch databases and roles of runs that have ended (no session holds their lock);
    live runs, such as this suite's other pytest-xdist worker, come and go meanwhile."""
    with psycopg.connect(libpq_url(server_url)) as conn:
        names = [row[0] for row in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'schema\\_pkg\\_test\\_%' UNION ALL "
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'schema\\_pkg\\_test\\_%'")]
        return {name for name in names if not conn.execute(LIVE_RUN, [run_of(name)]).fetchone()[0]}


@pytest.fixture(scope="module")
def app_venv(wheel, tmp_path_factory):
    venv = tmp_path_factory.mktemp("app") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", f"schema_pkg[testing] @ {wheel.as_uri()}"],
                   check=True, capture_output=True, timeout=600)
    return venv


def test_app_project_runs_its_rls_tests_through_the_plugin(app_venv, tmp_path, schema_pkg_server):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app_rls.py").write_text(APP_TESTS)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "DATABASE_URL": libpq_url(schema_pkg_server.url)}
    result = subprocess.run([str(app_venv / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider",
                             "tests"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = result.stdout
    assert "1 failed, 2 passed" in out, out + result.stderr
    assert "FAILED tests/test_app_rls.py::test_bob_sees_nothing_on_an_empty_table" in out
    assert ("vacuous test: 'bob sees nothing in simcore_simulations' proves nothing because "
            "simcore_simulations is empty") in out
    assert "schema_pkg: tests ran on PostgreSQL" in out
    assert dead_scratch_names(schema_pkg_server.url) == set(), "the app's run left databases or roles behind"
