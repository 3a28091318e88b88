"""The wheel carries the env, the revisions, the SQL and the docs an app developer needs,
and uses its own copy."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from schema_pkg.config import CHECKOUT_DIR, resource_dir

pytestmark = [pytest.mark.slow, pytest.mark.same_on_every_version]
APP_DOCS = ("platform-schema.md", "rls-matrix.md", "additions.md")  # names an app developer looks up


def test_wheel_contains_env_revisions_and_sql(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"schema_pkg/migrations/env.py", "schema_pkg/migrations/script.py.mako",
                "schema_pkg/sql/full_upgrade.sql", "schema_pkg/findings.schema.json"}
    expected |= {f"schema_pkg/versions/{p.name}" for p in resource_dir("versions").glob("*.py")}
    expected |= {f"schema_pkg/sql/{p.name}" for p in (CHECKOUT_DIR / "sql").glob("*.sql")}
    expected |= {f"schema_pkg/docs/{name}" for name in APP_DOCS}
    assert expected <= names, sorted(expected - names)


def test_installed_package_uses_its_packaged_revisions(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from schema_pkg.config import resource_dir, script_directory; "
            "print(resource_dir('versions')); print(script_directory().get_current_head())")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)],
                            capture_output=True, text=True, check=True, cwd=tmp_path)
    packaged, head = result.stdout.split()
    assert packaged == str(tmp_path / "schema_pkg" / "versions")
    assert head == max(p.name[:4] for p in resource_dir("versions").glob("0*.py"))


def test_pytest_plugin_and_console_script_are_registered():
    from importlib.metadata import entry_points

    assert "schema_pkg.pytest_plugin" in {ep.value for ep in entry_points(group="pytest11")}
    assert "schema_pkg.entry:main" in {ep.value for ep in entry_points(group="console_scripts")
                                     if ep.name == "schema-pkg"}


def test_rls_export_from_an_installed_wheel_says_it_needs_a_checkout(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from schema_pkg.cli import main; "
            "sys.exit(main(['rls', 'export', '--pgtap', sys.argv[2]]))")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "site"), str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "schema-pkg: error: rls export needs a checkout of schema_pkg: the expectations table "
        "(tests/rls/expectations.py) is not part of the installed package"]
    assert not (tmp_path / "out").exists()
