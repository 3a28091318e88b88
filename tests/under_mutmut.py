"""How the suite runs under mutmut (``make mutants-python``, docs/deploy-mutants.md).

mutmut runs each mutant's tests (those that called the mutated function when it
collected its stats) in a pytest session of a process forked from its own, which
has run the suite once already.  Two things make that session differ from a fresh
process, and this module undoes both:

* Caches.  The forked process inherits what the clean run cached (the packaged
  revisions' statements, the script directory, ...), so a mutant of a function
  whose result is cached would never run: :func:`clear_caches` empties every
  ``functools`` cache of schema_pkg at the start of the session, as a new process
  would start.
* Order.  The tests arrive as a set, in any order, and pytest runs them in that
  order: modules interleave, and each module-scoped fixture is built again every
  time its module comes back (one that creates a named role fails the second
  time).  :func:`module_by_module` runs them module by module instead, the
  cheapest modules first (by the per-test durations mutmut recorded), so a mutant
  that a fast unit test kills costs that test, not the database tests behind it
  (mutmut runs with -x).  The set of tests never changes.

And two things in mutmut's own passes:

* Attribution.  mutmut's stats pass records, test by test, which mutated functions
  ran; a function whose result is cached runs once (often while a module is
  collected, e.g. a parametrize over the packaged statements) and is then counted
  for one test, not for the tests that use its result, so its mutants ran only that
  test and survived.  During the stats pass each test starts with the caches empty
  (:func:`collecting_stats`), so every test that uses a cached result runs the
  function that makes it.
* Collection errors.  A mutant that makes collection fail (the packaged statements
  do not render) ends pytest with "interrupted" (2), or with a usage error (4)
  when a test of the failed module was named, which mutmut reports as neither
  killed nor survived: :func:`exit_status` makes it the tests failing (1).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

import pytest

STATS = "mutmut-stats.json"  # written by mutmut in the mutants/ copy it runs the tests in


def active() -> bool:
    return "MUTANT_UNDER_TEST" in os.environ


def collecting_stats() -> bool:
    """mutmut's stats pass, which records the mutated functions each test runs."""
    return os.environ.get("MUTANT_UNDER_TEST") == "stats"


failed_to_collect: list[str] = []  # this session's modules that failed to collect (conftest)


def exit_status(status: int, failed: list[str]) -> int:
    """pytest's exit status under mutmut: after a collection error, the tests failing."""
    return pytest.ExitCode.TESTS_FAILED if failed else status


def recorded_durations(root: Path) -> dict[str, float]:
    """Each test's duration (node id to seconds) from mutmut's stats, if collected yet."""
    try:
        return json.loads((root / STATS).read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return {}


def module_by_module(items: list, durations: dict[str, float]) -> list:
    """``items`` grouped by module (each module's tests in their own order), modules
    ordered by the median recorded duration of their tests; a test without a recorded
    duration (new since the stats) counts as free."""
    modules: dict[str, list] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)

    def cost(module_items: list) -> float:
        return statistics.median(durations.get(item.nodeid, 0.0) for item in module_items)

    return [item for module_items in sorted(modules.values(), key=cost) for item in module_items]


def clear_caches() -> list[str]:
    """Empty the ``functools`` caches of every loaded schema_pkg module; their names."""
    cleared = []
    for name, module in list(sys.modules.items()):
        if name != "schema_pkg" and not name.startswith("schema_pkg."):
            continue
        for attribute, value in vars(module).items():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
                cleared.append(f"{name}.{attribute}")
    return cleared
