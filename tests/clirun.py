"""Run schema-pkg (or bare alembic) as a deploy job would, in-process or in a subprocess.

``schema_pkg(...)`` runs the CLI in this process by default (its ``main``, with the
environment, working directory, stdout and stderr it would have as a process), which
saves a Python start-up and the imports per call; the result is the same
``CompletedProcess`` (returncode, stdout, stderr).  A real process is used where the
process boundary is what a test tests: ``wait=False`` (signals, pipes: a ``Popen``),
``process=True`` (exit codes of the console script), and bare ``alembic`` always.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import URL

CHECKOUT = Path(__file__).resolve().parent.parent
FAST = {"SCHEMA_PKG_CONNECT_TIMEOUT": "3", "SCHEMA_PKG_LOCK_TIMEOUT": "5s"}


def url_text(url: URL | str) -> str:
    return url if isinstance(url, str) else url.render_as_string(hide_password=False)


def environment(*, fast: bool = True, **extra: str) -> dict[str, str]:
    """This process's environment without a target database; ``fast``: short timeouts
    (which the SQL files would print, so never for rendering them)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PG")}
    if fast:
        env.update(FAST)
    env.update(extra)
    return env


def schema_pkg(*args: str, env: dict | None = None, wait: bool = True, timeout: float = 120,
               process: bool = False, **extra_env: str):
    environ = env or environment(**extra_env)
    if wait and not process:
        return in_process(list(args), environ)
    command = [sys.executable, "-m", "schema_pkg", *args]
    if not wait:
        return subprocess.Popen(command, env=environ, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=CHECKOUT)
    return subprocess.run(command, env=environ, capture_output=True, text=True, timeout=timeout,
                          cwd=CHECKOUT)


def in_process(argv: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess:
    """``python -m schema_pkg ARGV`` run by this process: same entry point, environment and
    working directory; stdout and stderr captured; the exit code returned, never raised."""
    from schema_pkg import entry

    out, err = io.StringIO(), io.StringIO()
    with process_environment(environ), contextlib.chdir(CHECKOUT), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = entry.main(argv)
        except SystemExit as exc:  # argparse: --help, --version, bad arguments
            code = exit_code(exc)
    return subprocess.CompletedProcess(["schema-pkg", *argv], code, out.getvalue(), err.getvalue())


def exit_code(exc: SystemExit) -> int:
    """The status a process would exit with after ``SystemExit`` (its code; a message: 1)."""
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    print(exc.code, file=sys.stderr)
    return 1


@contextlib.contextmanager
def process_environment(environ: dict[str, str]):
    """``os.environ`` replaced by ``environ`` for the block (a process's own environment)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def bare_alembic(*args: str, **extra_env: str):
    alembic = Path(sys.executable).with_name("alembic")
    return subprocess.run([str(alembic), *args], env=environment(**extra_env),
                          capture_output=True, text=True, timeout=120, cwd=CHECKOUT)


def assert_one_line_error(result, code: int, fragment: str) -> None:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0], lines[0]


def in_copy(copy: Path, *args: str, server_url: URL | None = None, timeout: float = 600):
    """``python ARGS`` in a scratch copy of the checkout, importing the copy's schema_pkg and
    tests (not this checkout's), with the tests' server as DATABASE_URL when given."""
    env = environment(fast=False, PYTHONPATH=str(copy))
    if server_url is not None:
        from schema_pkg.settings import libpq_url

        env["DATABASE_URL"] = libpq_url(server_url)
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=copy)
