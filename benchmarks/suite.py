"""Suite time: wall-clock of the RLS part (migrations included) and of the whole suite.
Prints figures; asserts nothing; never in CI."""

from __future__ import annotations

import subprocess
import sys
import time

from benchmarks.common import machine


def timed(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", *args],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    print(f"suite on {machine()}")
    print(f"  RLS suite (tests/rls, migrations included)  {timed('tests/rls'):6.1f} s")
    print(f"  whole suite                                 {timed():6.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
