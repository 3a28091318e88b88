"""The order a mutant's tests run in under mutmut (``make mutants-python``).

mutmut hands pytest the tests that ran a mutated function as a set, so they arrive in
any order, and pytest runs them in that order: modules interleave, each module-scoped
fixture is built again every time its module comes back (and one that creates a named
role fails the second time).  Under mutmut the tests run module by module instead,
the cheapest modules first (by the per-test durations mutmut recorded when it
collected its stats), so a mutant that a fast unit test kills costs that test, not
the database tests behind it (mutmut runs with -x).  The set of tests never changes.
"""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path

STATS = "mutmut-stats.json"  # written by mutmut in the mutants/ copy it runs the tests in


def under_mutmut() -> bool:
    return "MUTANT_UNDER_TEST" in os.environ


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
