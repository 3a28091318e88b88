"""Migration speed: a whole-process `schema-pkg upgrade head` on an empty database, and a
base -> head -> base -> head round trip.  Prints medians; asserts nothing; never in CI."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from benchmarks.common import machine, median_ms, scratch_databases
from schema_pkg.scratch import migrate


def whole_process_upgrade(scratch) -> float:
    url = scratch.create()
    try:
        env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False)}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "schema_pkg", "-q", "upgrade", "head"],
                       env=env, check=True)
        return time.perf_counter() - started
    finally:
        scratch.drop(url)


def round_trip(scratch) -> float:
    url = scratch.create()
    try:
        started = time.perf_counter()
        migrate(url, "head")
        migrate(url, "base", downgrade=True)
        migrate(url, "head")
        return time.perf_counter() - started
    finally:
        scratch.drop(url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    scratch = scratch_databases()
    try:
        print(f"migrate on {machine()}; {args.runs} runs each")
        upgrades = [whole_process_upgrade(scratch) for _ in range(args.runs)]
        print(f"  whole-process upgrade head, empty database   median {median_ms(upgrades):7.0f} ms"
              f"   (target <= 1000 ms)")
        trips = [round_trip(scratch) for _ in range(args.runs)]
        print(f"  base -> head -> base -> head, one process     median {median_ms(trips):7.0f} ms"
              f"   (target <= 3000 ms)")
    finally:
        scratch.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
