"""Migration speed: a whole-process `schema-pkg -q upgrade head` and a bare `alembic upgrade head`
on an empty database, against `psql -f` of the same SQL (sql/full_upgrade.sql), interleaved;
then a base -> head -> base -> head round trip in one process.  Every database is created
before its clock starts.  Prints medians and the ratios; asserts nothing; never in CI."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import machine, median_ms, scratch_databases
from schema_pkg.scratch import migrate

CHECKOUT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 3.0


def url_text(url) -> str:
    return url.render_as_string(hide_password=False)


def commands(url) -> dict[str, list[str]]:
    """The three ways to bring an empty database to head, each a whole process."""
    libpq = url_text(url).replace("postgresql+psycopg://", "postgresql://")
    alembic = str(Path(sys.executable).with_name("alembic"))
    return {
        "psql -f sql/full_upgrade.sql": [shutil.which("psql") or "psql", "-X", "-q", "-d", libpq,
                                         "-f", str(CHECKOUT / "sql" / "full_upgrade.sql")],
        "schema-pkg -q upgrade head": [str(Path(sys.executable).with_name("schema-pkg")), "-q",
                                       "--url", url_text(url), "upgrade", "head"],
        "alembic upgrade head": [alembic, "-x", f"url={url_text(url)}", "upgrade", "head"],
    }


def timed_run(scratch, name: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one whole-process run."""
    url = scratch.create()  # outside the clock
    try:
        command = commands(url)[name]
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PG")}
        cpu_before = children_cpu()
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, cwd=CHECKOUT, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return time.perf_counter() - started, children_cpu() - cpu_before
    finally:
        scratch.drop(url, wait=True)  # never still dropping while the next run is timed


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def round_trip(scratch) -> float:
    url = scratch.create()
    try:
        started = time.perf_counter()
        migrate(url, "head")
        migrate(url, "base", downgrade=True)
        migrate(url, "head")
        return time.perf_counter() - started
    finally:
        scratch.drop(url, wait=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    scratch = scratch_databases()
    try:
        names = list(commands(scratch.server_url))
        times: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(args.runs):  # interleaved, so a busy moment hits every contender alike
            for name in names:
                wall, used = timed_run(scratch, name)
                times[name].append(wall)
                cpu[name].append(used)
        print(f"migrate on {machine()} (load average {os.getloadavg()[0]:.1f}); empty database "
              f"to head, whole process, {args.runs} interleaved runs each, medians")
        baseline = median_ms(times[names[0]])
        for name in names:
            ratio = median_ms(times[name]) / baseline
            target = "" if name == names[0] else f"   (target <= {TARGET_RATIO:.1f}x)"
            print(f"  {name:32} {median_ms(times[name]):7.0f} ms   {ratio:4.2f}x psql{target}"
                  f"   client CPU {median_ms(cpu[name]):5.0f} ms")
        trips = [round_trip(scratch) for _ in range(args.runs)]
        print(f"  base -> head -> base -> head, one process  median {median_ms(trips):7.0f} ms"
              f"   (target <= 3000 ms)")
    finally:
        scratch.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
