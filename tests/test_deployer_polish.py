"""The deployer as a new user meets it, through real subprocesses: Ctrl-C, pipes, exit codes."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from schema_pkg.cli import revision_in_progress
from schema_pkg.config import revisions_in_order
from schema_pkg.deploy import cut_at_word
from schema_pkg.settings import libpq_url, redact
from schema_pkg.verify import recorded_revision
from tests.clirun import CHECKOUT, assert_one_line_error, environment, schema_pkg, url_text
from tests.steps import applied_line, completed_steps, step_count
from tests.test_deploy_safety import wait_for_lock_wait

pytestmark = [pytest.mark.slow, pytest.mark.same_on_every_version]


def interrupt(url, when, **env: str) -> tuple[int, str]:
    """Start `schema-pkg upgrade head`, wait for ``when(run)``, send SIGINT; (code, stderr)."""
    run = subprocess.Popen([sys.executable, "-m", "schema_pkg", "--url", url_text(url), "upgrade",
                            "head"], env=environment(**env), stderr=subprocess.PIPE, text=True,
                           cwd=CHECKOUT)
    when(run)
    state = signal_state(run.pid)
    run.send_signal(signal.SIGINT)
    code, stderr = run.wait(timeout=60), run.stderr.read()
    if code != 130:  # once, under load, the Ctrl-C went unnoticed: say how the process held SIGINT
        stderr += f"\n(test: the process's signal masks when SIGINT was sent: {state})"
    return code, stderr


def signal_state(pid: int) -> str:
    """The blocked, ignored and caught signal masks of process ``pid`` (SIGINT is 0x2)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return ", ".join(line.strip() for line in status
                             if line.startswith(("SigBlk", "SigIgn", "SigCgt", "State")))
    except OSError as exc:
        return f"unreadable ({exc})"


def assert_interrupted_at(code: int, stderr: str, revision: str, applied: str = "") -> None:
    """Exit 130 and one line naming the revision (and ``applied``: what stays applied of
    the revision the run was in)."""
    assert code == 130, stderr
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("schema-pkg: interrupted")]
    assert lines == [f"schema-pkg: interrupted; database left at {revision}{applied}"], stderr


def has_loaded_the_driver(run: subprocess.Popen) -> None:
    """Wait until ``run`` has mapped psycopg's C library: the command is importing what it
    uses, past the interpreter's own start-up (a Ctrl-C inside that is Python's, not ours:
    under load a fixed sleep sometimes landed there)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and run.poll() is None:
        with open(f"/proc/{run.pid}/maps") as maps:
            if "psycopg" in maps.read():  # psycopg_binary or psycopg_c
                return
        time.sleep(0.005)
    raise AssertionError("schema-pkg never loaded psycopg")


def test_ctrl_c_while_starting_names_the_revision(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0005")  # the run's template, cloned
    code, stderr = interrupt(scratch_url, has_loaded_the_driver)
    assert_interrupted_at(code, stderr, "0005")


@pytest.mark.parametrize("command, target, recorded, in_progress", [
    ("upgrade", "head", None, "first"), ("upgrade", "head", [], "first"),
    ("upgrade", "head", ["first"], "second"), ("upgrade", "second", ["first"], "second"),
    ("upgrade", "head", ["head"], None), ("upgrade", "first", ["first"], None),
    ("downgrade", "base", ["head"], "head"), ("downgrade", "first", ["second"], "second"),
    ("downgrade", "second", ["second"], None), ("downgrade", "base", [], None),
    ("upgrade", "head", ["first", "second"], None), ("upgrade", "head", ["ffff"], None),
    ("current", "head", ["first"], None),
])
def test_after_a_ctrl_c_the_revision_in_progress_is_the_next_on_the_way_to_the_target(
        command, target, recorded, in_progress):
    """Upgrades stop in the revision after the recorded one, downgrades in the recorded
    one, if the way to the target goes through it; several heads or a revision the
    package lacks name none."""
    order = [script.revision for script in revisions_in_order()]
    named = {"first": order[0], "second": order[1], "head": order[-1], "ffff": "ffff", "base": "base"}
    recorded = None if recorded is None else [named[r] for r in recorded]
    expected = None if in_progress is None else (named[in_progress], command)
    assert revision_in_progress(command, named[target], recorded) == expected


class Holder:
    """A session that runs ``statement`` in a transaction and keeps it open until
    :meth:`release`, or until ``release_when(conn)`` (polled on a second connection to the
    server) turns true; ``seconds`` bounds the hold in case neither happens."""

    def __init__(self, url, statement: str, seconds: float = 30, release_when=None):
        self.url, self.statement, self.seconds, self.release_when = url, statement, seconds, release_when
        self.ready, self.done = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def run(self) -> None:
        deadline = time.monotonic() + self.seconds
        with psycopg.connect(libpq_url(self.url)) as conn, \
                psycopg.connect(libpq_url(self.url), autocommit=True) as watch:
            conn.execute(self.statement)
            self.ready.set()
            while not self.done.wait(0.02) and time.monotonic() < deadline:
                if self.release_when is not None and self.release_when(watch):
                    break
            conn.rollback()

    def release(self) -> None:
        """End the transaction now (if it is still open) and wait for the session to end."""
        self.done.set()
        self.thread.join()


def hold(url, statement: str, seconds: float = 30, release_when=None) -> Holder:
    return Holder(url, statement, seconds, release_when)


def test_ctrl_c_while_a_revision_waits_for_a_lock_names_the_revision(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0005")  # the run's template, cloned
    holder = hold(scratch_url, "LOCK TABLE profiles IN ACCESS EXCLUSIVE MODE")
    code, stderr = interrupt(scratch_url, lambda run: wait_for_lock_wait(scratch_url),
                             SCHEMA_PKG_LOCK_TIMEOUT="60s")
    holder.release()
    assert_interrupted_at(code, stderr, "0005")
    assert recorded_revision(scratch_url) == "0005"


def test_ctrl_c_during_a_concurrent_index_build_names_the_revision_and_the_steps_left_applied(
        schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    # SHARE UPDATE EXCLUSIVE holds no snapshot (the pre-wait lets it be) but
    # stalls the build on its last table, where the Ctrl-C arrives.
    holder = hold(scratch_url, "LOCK TABLE soc_user_roles IN SHARE UPDATE EXCLUSIVE MODE")
    code, stderr = interrupt(scratch_url, lambda run: wait_for_lock_wait(scratch_url))
    holder.release()
    done = completed_steps(scratch_url, "0008")
    assert done and done == list(range(1, len(done) + 1)) and len(done) < step_count("0008"), done
    assert_interrupted_at(code, stderr, "0007", "; " + applied_line("0008", len(done)))
    assert schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "head").returncode == 0


def test_a_closed_pipe_ends_quietly():
    render = subprocess.Popen([sys.executable, "-m", "schema_pkg", "upgrade", "head", "--sql"],
                              env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=CHECKOUT)
    render.stdout.readline()
    render.stdout.close()  # what `| head -1` does
    assert render.wait(timeout=60) == 141
    assert render.stderr.read() == b""


@pytest.mark.parametrize("args, fragment", [
    (("downgrade", "0007", "--sql"), "needs a range"),
    (("upgrade", "0001:0003"), "is for --sql only"),
    (("upgrade", "0007:0006", "--sql"), "does not upgrade"),
    (("downgrade", "0006:0007", "--sql"), "does not downgrade"),
    (("downgrade", "0007:nope", "--sql"), "unknown revision 'nope'"),
    (("upgrade", "nope"), "unknown revision 'nope'"),
])
def test_bad_revisions_and_ranges_exit_2(args, fragment):
    assert_one_line_error(schema_pkg("-q", *args), 2, fragment)


def test_downgrade_to_head_from_below_head_exits_2(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0005")  # the run's template, cloned
    result = schema_pkg("-q", "--url", url_text(scratch_url), "downgrade", "head")
    assert_one_line_error(result, 2, "not a valid downgrade target")


@pytest.mark.parametrize("args, announced", [
    (("downgrade", "0004"), "downgrading {} (from --url) to 0004"),
    (("current",), "current revision of {}"),
    (("advise",), "advising on {}"),
    (("history", "--applied"), "deployment record of {}"),
])
def test_every_command_names_its_target(schema_pkg_database_at, args, announced):
    scratch_url = schema_pkg_database_at("0005")  # the run's template, cloned
    result = schema_pkg("--url", url_text(scratch_url), *args)
    assert announced.format(redact(scratch_url)) in result.stderr, result.stderr


def test_version_is_printed():
    result = schema_pkg("--version", process=True)  # argparse exits the process itself
    assert result.returncode == 0 and result.stdout.startswith("schema-pkg ")


@pytest.mark.parametrize("title, cut", [
    ("Indexes for policies", "Indexes for policies"),  # exactly the width: whole
    ("Indexes for data: policy columns", "Indexes for data…"),  # no punctuation before the …
    ("Indexes for tables and columns", "Indexes for tables…"),  # a word ending at the cut stays
    ("Build a GIN INDEX, then the rest", "Build a GIN INDEX…"),  # with every letter
])
def test_a_title_keeps_the_whole_words_that_fit_its_width_then_an_ellipsis(title, cut):
    assert cut_at_word(title, 20) == cut


@pytest.mark.parametrize("title", [
    "Indexes for how the data is read: policy columns, foreign keys, \"my latest N\".",
    "RLS for the 6 tables the document leaves open (ours, not the document's).",
    "short title",
])
def test_titles_are_cut_at_a_word(title):
    cut = cut_at_word(title, 40)
    assert len(cut) <= 40
    if cut != title:
        kept = cut.rstrip("…")
        assert title.startswith(kept) and title[len(kept)] in " ,;:-"
