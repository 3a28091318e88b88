"""README "Changing the schema", followed on a scratch copy of the repository: a user-owned
table with RLS, added with the README's commands and snippets, leaves the tests it affects green.

The copy runs `make revision … AUTO=1` and `make regen SKIP=lock-report,mutants` (the two
slow generators; the suite's own run covers them), then the affected tests: the RLS matrix
and its coverage checks, the state machine's catalog check, conformance, the manifest, the
SQL files, alembic check and the new revision's round trip.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from schema_pkg.config import CHECKOUT_DIR, script_directory
from schema_pkg.settings import libpq_url
from tests.clirun import environment, in_copy

pytestmark = [pytest.mark.slow, pytest.mark.same_on_every_version]  # the maintainer's workflow
README = (CHECKOUT_DIR / "README.md").read_text()
NEXT = f"{int(script_directory().get_current_head()) + 1:04d}"


# The README's table, renamed so the walkthrough never meets a real table of that name.
RENAMED = (("notes", "walkthrough_notes"), ("class Note(", "class WalkthroughNote("))


def snippet(name: str, renamed=RENAMED) -> str:
    """The code block after ``<!-- walkthrough:NAME -->`` in README.md."""
    text = re.search(rf"<!-- walkthrough:{name} -->\n```\w+\n(.*?)^```", README, re.M | re.S).group(1)
    for old, new in renamed:
        text = text.replace(old, new)
    return text


def edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path.name} no longer holds {old!r}: update README's walkthrough"
    path.write_text(text.replace(old, new, 1))


def make(copy, *args: str, server_url) -> subprocess.CompletedProcess:
    """A README make target in the copy, on this checkout's virtualenv and the copy's code."""
    env = environment(fast=False, PYTHONPATH=str(copy), DATABASE_URL=libpq_url(server_url))
    env.pop("CI", None)  # a maintainer's own machine: under CI, a regen that changes files fails
    return subprocess.run(["make", "-s", f"VENV={sys.prefix}", *args], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=900)


def test_a_user_owned_table_with_rls_added_as_the_readme_says_passes_the_affected_tests(
        repo_copy, schema_pkg_server):
    copy = repo_copy
    with open(copy / "schema_pkg" / "models.py", "a") as models:   # 1. the model
        models.write("\n\n" + snippet("model"))
    made = make(copy, "revision", "MSG=Walkthrough notes", "AUTO=1", server_url=schema_pkg_server.url)  # 2.
    assert made.returncode == 0, made.stderr
    revision = copy / "versions" / f"{NEXT}_walkthrough_notes.py"
    text = revision.read_text()
    assert "# TODO walkthrough_notes: ALTER TABLE walkthrough_notes ENABLE ROW LEVEL SECURITY" in text
    text = "\n".join(line for line in text.splitlines() if not line.startswith("# TODO")) + "\n"
    text = text.replace('\n"""\n\nDOWNGRADE = """', "\n\n" + snippet("rls") + '"""\n\nDOWNGRADE = """', 1)
    revision.write_text(text.replace("What this revision changes and why", "Notes users keep for themselves"))
    edit(copy / "tests" / "rls" / "world.py", "USER_OWNED_TABLES: dict[str, UserOwned] = {\n",   # 3.
         "USER_OWNED_TABLES: dict[str, UserOwned] = {\n" + snippet("world"))
    edit(copy / "tests" / "rls" / "model.py", "USER_OWNED = (", 'USER_OWNED = ("walkthrough_notes", ')  # 4.
    edit(copy / "docs" / "additions.md", "\n\n## Revision 0009",  # 5.
         f"\n| {NEXT} walkthrough notes | Table `walkthrough_notes`, user-owned, four policies | Notes |"
         "\n\n## Revision 0009")
    made = make(copy, "regen", "SKIP=lock-report,mutants", server_url=schema_pkg_server.url)  # 6.
    assert made.returncode == 0, made.stdout + made.stderr
    assert "sql/: 3 file(s) changed" in made.stdout
    assert re.search(rf"unreleased: [0-9, ]*{NEXT}\)", made.stdout)
    tests = ["tests/rls/test_rls_matrix.py",
             "tests/rls/test_state_machine.py::test_every_api_table_of_the_catalog_is_in_the_model",
             "tests/test_conformance.py", "tests/test_manifest.py",
             "tests/test_sql_for_review.py::test_committed_sql_is_current",
             "tests/test_alembic_standard.py::test_model_definitions_match_ddl",
             f"tests/test_migration_health.py::test_each_revision_downgrade_removes_exactly_what_it_created[{NEXT}]"]
    result = in_copy(copy, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests,
                     server_url=schema_pkg_server.url)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    cases = in_copy(copy, "-c", "from tests.rls.cases import cases; "
                                "print(sum(c.table == 'walkthrough_notes' for c in cases()))")
    assert int(cases.stdout) > 40, "the new table's expectation rows ran"
