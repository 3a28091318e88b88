"""The command line starts fast: each command imports only what it uses."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.clirun import CHECKOUT

pytestmark = [pytest.mark.same_on_every_version]

HEAVY = ("alembic", "sqlalchemy", "psycopg")


def modules_after(*argv: str) -> set[str]:
    """The modules a fresh process has imported once ``schema-pkg ARGV`` has run."""
    code = ("import json, sys\n"
            "from schema_pkg import entry\n"
            "try:\n"
            f"    entry.main({list(argv)!r})\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=CHECKOUT)
    return set(json.loads(result.stderr.splitlines()[-1]))


@pytest.mark.parametrize("argv", [("--version",), ("--help",), ("upgrade", "--help")])
def test_version_and_help_import_no_database_library(argv):
    loaded = modules_after(*argv)
    assert not {name for name in loaded if name.split(".")[0] in HEAVY}


@pytest.mark.slow  # a process of its own
def test_rendering_sql_loads_neither_the_driver_nor_the_orm_models(tmp_path):
    loaded = modules_after("-q", "sql", "--out", str(tmp_path))
    assert "alembic" in loaded and (tmp_path / "full_upgrade.sql").is_file()
    assert not {"psycopg", "schema_pkg.models", "sqlalchemy.orm"} & loaded
