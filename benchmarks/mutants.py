"""Mutation figures from the last `make mutants-python` run: per module, the mutants
killed, explained (a survivor named in docs/deploy-mutants.md, where the reason is
written), survived (not explained), without a covering test and not run yet; and
the cost of each mutant run (wall seconds from its start to its result, as mutmut
recorded it), median, 90th percentile and total.  Reads mutants/*.meta; runs nothing;
asserts nothing; never in CI.

    python -m benchmarks.mutants [--modules guards stepguards history]
    python -m benchmarks.mutants --unfinished [--modules ...]

``--unfinished`` prints instead the names of the mutants not run yet, without a test
or surviving unexplained, one a line: ``mutmut run`` with names reruns just those (with a pattern,
``schema_pkg.guards*``, it reruns every matching mutant, finished or not).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
META = CHECKOUT / "mutants" / "schema_pkg"
NOTES = CHECKOUT / "docs" / "deploy-mutants.md"
# mutmut's exit codes (mutmut.stats.status_by_exit_code), in the groups this report uses.
KILLED = {1, 3, 36, -24, 24, 152, 255}  # a failing test, pytest's internal error, or a timeout
SURVIVED = {0}
NO_TESTS = {5, 33}
TARGET_MEDIAN = 5.0  # seconds per mutant (issue 17)


def explained_names() -> set[str]:
    """Mutant names written in the notes: ``x_fn__mutmut_N`` or ``xǁClassǁmethod__mutmut_N``,
    alone (any module's) or after their module (``history.x_fn__mutmut_N``: that module's)."""
    return set(re.findall(r"`((?:\w+\.)?[\wǁ]+__mutmut_\d+)`", NOTES.read_text()))


def is_explained(name: str, explained: set[str]) -> bool:
    """``name`` as mutmut writes it (``schema_pkg.history.x_fn__mutmut_N``)."""
    module, short = name.split(".")[-2:]
    return short in explained or f"{module}.{short}" in explained


def module_figures(meta: Path, explained: set[str]) -> tuple[dict[str, int], list[float]]:
    data = json.loads(meta.read_text())
    counts = dict.fromkeys(("mutants", "killed", "explained", "survived", "no test", "not run"), 0)
    for name, code in data["exit_code_by_key"].items():
        counts["mutants"] += 1
        if code in KILLED:
            counts["killed"] += 1
        elif code in SURVIVED:
            counts["explained" if is_explained(name, explained) else "survived"] += 1
        elif code in NO_TESTS:
            counts["no test"] += 1
        else:  # not run yet (None), or a status this report does not group
            counts["not run"] += 1
    return counts, list(data["durations_by_key"].values())


def unfinished(meta: Path, explained: set[str]) -> list[str]:
    """The mutants of one module not run yet, without a test, or surviving unexplained."""
    return [name for name, code in json.loads(meta.read_text())["exit_code_by_key"].items()
            if code is None or code in NO_TESTS
            or (code in SURVIVED and not is_explained(name, explained))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", nargs="*", help="module names (default: every mutated module)")
    parser.add_argument("--unfinished", action="store_true",
                        help="print the names of the mutants not run yet, without a test "
                             "or surviving unexplained")
    args = parser.parse_args()
    metas = sorted(META.glob("*.py.meta"))
    if args.modules:
        metas = [m for m in metas if m.name.removesuffix(".py.meta") in args.modules]
    if not metas:
        raise SystemExit("no mutmut results under mutants/: run make mutants-python first")
    explained = explained_names()
    if args.unfinished:
        print("\n".join(name for meta in metas for name in unfinished(meta, explained)))
        return
    header = ("mutants", "killed", "explained", "survived", "no test", "not run")
    print(f"{'module':16}" + "".join(f"{h:>10}" for h in header) + f"{'median s':>10}{'runs':>6}")
    every = []
    for meta in metas:
        counts, durations = module_figures(meta, explained)
        every += durations
        median = f"{statistics.median(durations):.2f}" if durations else "-"
        print(f"{meta.name.removesuffix('.meta'):16}" + "".join(f"{counts[h]:>10}" for h in header)
              + f"{median:>10}{len(durations):>6}")
    if every:
        every.sort()
        p90 = every[int(0.9 * (len(every) - 1))]
        print(f"cost per mutant run: median {statistics.median(every):.2f} s "
              f"(target <= {TARGET_MEDIAN:g} s), "
              f"90th percentile {p90:.2f} s, max {every[-1]:.1f} s, total {sum(every) / 60:.1f} min "
              f"over {len(every)} runs")


if __name__ == "__main__":
    main()
