"""make regen and the generators it calls: README figures current, version pins respected,
one-line errors, and a changed mutant report fails under CI."""

from __future__ import annotations

import contextlib
import subprocess
import sys

import pytest

from schema_pkg import generated
from schema_pkg.settings import libpq_url
from tests import regen
from tests.clirun import CHECKOUT, assert_one_line_error, environment
from tests.rls import mutation

CLIENT_SIDE = pytest.mark.same_on_every_version
A_PROCESS = pytest.mark.slow  # starts Python (about a second): make test, not make test-fast


def run(module: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], env=environment(fast=False, **env),
                          capture_output=True, text=True, timeout=120, cwd=CHECKOUT)


@CLIENT_SIDE
def test_readme_figures_are_current():
    readme = regen.README.read_text()
    assert regen.with_figures(readme, regen.figures()) == readme, "README.md figures: run `make regen`"


@CLIENT_SIDE
def test_readme_has_the_generated_figures():
    assert {m["name"] for m in regen.FIGURE.finditer(regen.README.read_text())} == set(regen.figures())


@CLIENT_SIDE
def test_an_unknown_figure_is_named():
    with pytest.raises(KeyError, match="figure named 'steps'"):
        regen.with_figures("<!-- figure:steps -->1<!-- /figure -->", {})


@CLIENT_SIDE
def test_a_report_pinned_to_another_version_is_left_alone_and_says_why(tmp_path):
    report = tmp_path / "locks.md"
    report.write_text("Observed on PostgreSQL 15.\n")
    pinned_on = lambda text: int(text.split()[3].rstrip("."))  # noqa: E731
    assert generated.pinned_elsewhere(report, 15, pinned_on) is None
    assert generated.pinned_elsewhere(tmp_path / "new.md", 17, pinned_on) is None
    reason = generated.pinned_elsewhere(report, 17, pinned_on)
    assert "compared exactly on PostgreSQL 15" in reason and "this server is 17" in reason


@A_PROCESS
def test_lock_report_alone_leaves_a_report_pinned_elsewhere(tmp_path, schema_pkg_server):
    report = tmp_path / "locks.md"
    report.write_text("# Locks\n\nObserved on PostgreSQL 9.\n")
    result = run("schema_pkg.lockreport", "--out", str(report), DATABASE_URL=libpq_url(schema_pkg_server.url))
    assert result.returncode == 0, result.stderr
    assert "locks.md left as it is: it is compared exactly on PostgreSQL 9" in result.stdout
    assert report.read_text() == "# Locks\n\nObserved on PostgreSQL 9.\n"


@CLIENT_SIDE
@A_PROCESS
@pytest.mark.parametrize("module", ["tests.regen", "schema_pkg.lockreport", "tests.rls.mutation"])
def test_a_server_that_does_not_answer_is_one_line(module):
    result = run(module, DATABASE_URL="postgresql://postgres@127.0.0.1:1/none")
    assert_one_line_error(result, 1, "error: OperationalError")


@CLIENT_SIDE
@A_PROCESS
def test_regen_names_an_unknown_step():
    assert_one_line_error(run("tests.regen", "--skip", "docs"), 2, "unknown step(s) docs")


@CLIENT_SIDE
@pytest.mark.parametrize("ci,changed,survived,code", [
    ("", True, False, 0), ("true", True, False, 1), ("true", False, False, 0), ("", False, True, 1)])
def test_make_mutants_fails_when_its_report_changed_under_ci_or_a_mutant_survived(
        monkeypatch, capsys, ci, changed, survived, code):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(mutation, "standalone_scratch", contextlib.nullcontext)
    monkeypatch.setattr(mutation, "regenerate", lambda scratch, repin: ("ran", changed, not survived))
    assert mutation.main([]) == code
    if ci and changed:
        assert "was stale (CI is set)" in capsys.readouterr().err
