"""Suite time, phase by phase: `make test`, `make test-fast`, the matrix on each other
PostgreSQL version (`.ci/matrix 17`, `.ci/matrix 18`: their server's start included) and
`matrix`, both at once as .ci/run runs them (MATRIX_CONCURRENT=1).
Each phase runs --runs times; prints every run, the median and the load average, so a
figure measured on a busy machine says so.  Asserts nothing; never in CI.

    python -m benchmarks.suite [--runs 3] [--phases test test-fast 17 18 matrix test@2]

(`test@2`: `make test JOBS=2`, against the default of two workers per core.)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks.common import machine

CHECKOUT = Path(__file__).resolve().parent.parent
TARGETS = {"test": 100.0, "test-fast": 20.0}  # seconds, the goals on this machine alone


def command(phase: str) -> list[str]:
    if phase.startswith("test@"):  # test@2: make test on that many workers
        return ["make", "-s", "test", f"JOBS={phase.removeprefix('test@')}"]
    if phase in TARGETS:
        return ["make", "-s", phase]
    if phase == "matrix":  # what .ci/run runs: 17 and 18 at once
        return ["env", "MATRIX_CONCURRENT=1", str(CHECKOUT / ".ci" / "matrix"), "17", "18"]
    return [str(CHECKOUT / ".ci" / "matrix"), phase]


def label(phase: str) -> str:
    if phase in TARGETS:
        return f"make {phase}"
    if phase.startswith("test@"):
        return f"make test JOBS={phase.removeprefix('test@')}"
    return "matrix, 17 and 18 at once" if phase == "matrix" else f"matrix on PostgreSQL {phase}"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(phase: str) -> tuple[float, float, bool]:
    """Wall-clock seconds, the suite's own CPU seconds (pytest and its subprocesses; not the
    server's, and steadier than the wall clock when other work shares the machine), success."""
    cpu, started = children_cpu(), time.perf_counter()
    result = subprocess.run(command(phase), cwd=CHECKOUT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    return time.perf_counter() - started, children_cpu() - cpu, result.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--phases", nargs="+", default=["test", "test-fast", "17", "18", "matrix"])
    args = parser.parse_args()
    print(f"suite on {machine()}; server: {os.environ.get('DATABASE_URL', 'the local default')}")
    for phase in args.phases:
        runs, cpus, loads, passed = [], [], [], True
        for _ in range(args.runs):
            seconds, cpu, ok = timed(phase)
            runs.append(seconds)
            cpus.append(cpu)
            loads.append(os.getloadavg()[0])
            passed &= ok
        name = label(phase)
        target = f"   (target <= {TARGETS[phase]:.0f} s)" if phase in TARGETS else ""
        each = ", ".join(f"{s:.1f}" for s in runs)
        print(f"  {name:26} median {statistics.median(runs):6.1f} s{target}   runs: {each} s; "
              f"CPU: {', '.join(f'{c:.0f}' for c in cpus)} s; "
              f"load average after each: {', '.join(f'{load:.1f}' for load in loads)}"
              f"{'' if passed else '   FAILED'}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
