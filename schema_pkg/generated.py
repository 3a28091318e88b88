"""Generated files: what every generator of a committed file shares (make regen, lock-report,
mutants, manifest).

* A report compared exactly on one PostgreSQL version (docs/locks.md,
  docs/rls-mutants.md) is rewritten only on that version: elsewhere
  :func:`pinned_elsewhere` says why it is left alone.
* Files are written only when their text changed, and the caller learns whether it did.
* :func:`one_line_errors` turns any failure into one line on stderr and exit 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def pinned_elsewhere(report: Path, major: int, pinned_on: Callable[[str], int]) -> str | None:
    """None when ``report`` may be regenerated on PostgreSQL ``major``; else why not, in one line."""
    if not report.is_file():
        return None
    pinned = pinned_on(report.read_text())
    if pinned == major:
        return None
    return (f"{report.name} left as it is: it is compared exactly on PostgreSQL {pinned}, where it was "
            f"generated, and this server is {major}; regenerate it on {pinned} (or pass --repin to move "
            f"it to {major})")


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it; True when the file changed."""
    if path.is_file() and path.read_text() == text:
        return False
    path.write_text(text)
    return True


def first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def one_line_errors(name: str, run: Callable[[], int]) -> int:
    """Run a generator's main body; any failure is one line on stderr and exit 1."""
    try:
        return run()
    except KeyboardInterrupt:
        print(f"{name}: interrupted; committed files not rewritten are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # a command-line tool: one line, never a traceback
        print(f"{name}: error: {first_line(exc)}", file=sys.stderr)
        return 1
