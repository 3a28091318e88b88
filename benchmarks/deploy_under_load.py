"""Deploying under API load: `schema-pkg upgrade head` from the baseline while
authenticated requests read and write, once clean and once with a 20 s reader
holding a lock on profiles (which 0006 alters); and "by file": 0008 onward
applied with `psql -f sql/<file>` while a 20 s REPEATABLE READ reader of
profiles holds a snapshot, as pg_dump does.

Prints each revision's duration (with the retries) and the API latency
p50/p99/max per phase (before, during, after the upgrade).  Targets
(docs/performance.md): clean, API max <= 150 ms; with the blocker, no request
waits much longer than the longest lock try (1 s) and the upgrade completes
after the blocker ends; by file, the files complete after the reader ends and
no request waits much longer than the longest lock try.  Asserts nothing;
never in CI.  About two minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid

import psycopg

from benchmarks.common import machine, scratch_databases
from schema_pkg.scratch import migrate
from schema_pkg.settings import libpq_url

USERS = 10_000
SIMULATIONS = 1_000_000

LOAD = f"""
INSERT INTO profiles (id, email, full_name)
  SELECT md5('u' || i)::uuid, 'u' || i || '@example.com', 'User ' || i
  FROM generate_series(1, {USERS}) i;
INSERT INTO projects (id, name, slug, category, owner_id, is_public)
  SELECT md5('p' || i)::uuid, 'Project ' || i, 'project-' || i, 'portfolio',
         md5('u' || (i % {USERS} + 1))::uuid, i % 2 = 0
  FROM generate_series(1, 5000) i;
INSERT INTO project_features (project_id, name, order_index)
  SELECT md5('p' || (i % 5000 + 1))::uuid, 'Feature ' || i, i % 10 FROM generate_series(1, 20000) i;
INSERT INTO soc_teams (id, name) SELECT md5('t' || i)::uuid, 'Team ' || i FROM generate_series(1, 200) i;
INSERT INTO soc_user_roles (user_id, team_id, role)
  SELECT md5('u' || i)::uuid, md5('t' || (i % 200 + 1))::uuid, 'viewer' FROM generate_series(1, 2000) i;
INSERT INTO mezan_workflows (user_id, name)
  SELECT md5('u' || (i % {USERS} + 1))::uuid, 'Workflow ' || i FROM generate_series(1, 50000) i;
INSERT INTO simcore_simulations (id, user_id, name, simulation_type, config, created_at)
  SELECT md5('s' || i)::uuid, md5('u' || (i % {USERS} + 1))::uuid, 'Simulation ' || i, 'md',
         jsonb_build_object('steps', i % 1000), now() - make_interval(secs => i)
  FROM generate_series(1, {SIMULATIONS}) i;
"""

# One request as PostgREST runs it: a transaction, the role, the claims, one statement.
REQUESTS = [
    "SELECT full_name FROM profiles WHERE id = %(user)s",
    "UPDATE profiles SET updated_at = now() WHERE id = %(user)s",
    "SELECT name FROM simcore_simulations WHERE id = %(simulation)s",
    "INSERT INTO simcore_simulations (user_id, name, simulation_type) VALUES (%(user)s, 'new', 'md')",
    "SELECT name FROM projects WHERE slug = %(slug)s",
    "SELECT name FROM soc_teams WHERE id = %(team)s",
]


def request_parameters(rng: random.Random) -> dict:
    i = rng.randint(1, USERS)
    s = rng.randint(1, SIMULATIONS)
    return {"user": md5_uuid(f"u{i}"), "simulation": md5_uuid(f"s{s}"),
            "slug": f"project-{rng.randint(1, 5000)}", "team": md5_uuid(f"t{rng.randint(1, 200)}")}


def md5_uuid(text: str) -> str:
    """The uuid PostgreSQL's md5(text)::uuid gives."""
    return str(uuid.UUID(hashlib.md5(text.encode()).hexdigest()))


class ApiLoad:
    """Workers sending requests back to back; each latency is kept with its start time."""

    def __init__(self, url: str, workers: int = 4):
        self.url = url
        self.samples: list[tuple[float, float]] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.work, args=(n,), daemon=True)
                        for n in range(workers)]

    def work(self, n: int) -> None:
        rng = random.Random(n)
        with psycopg.connect(self.url, application_name="api") as conn:
            while not self.stop.is_set():
                params = request_parameters(rng)
                statement = rng.choice(REQUESTS)
                started = time.perf_counter()
                with conn.transaction():
                    conn.execute("SET LOCAL ROLE authenticated")
                    conn.execute("SELECT set_config('request.jwt.claims', %s, true)",
                                 [f'{{"sub": "{params["user"]}", "role": "authenticated"}}'])
                    conn.execute(statement, params)
                self.samples.append((started, time.perf_counter() - started))
                time.sleep(0.005)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def blocker(url: str, seconds: float, ready: threading.Event, *,
            name: str = "slow report", repeatable_read: bool = False) -> None:
    """A reader of profiles idle in its transaction for ``seconds``: it holds ACCESS SHARE,
    and with ``repeatable_read`` its snapshot too, as pg_dump does."""
    with psycopg.connect(url, application_name=name) as conn:
        if repeatable_read:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        conn.execute("SELECT count(*) FROM profiles")
        ready.set()
        time.sleep(seconds)
        conn.rollback()


def upgrade(url: str) -> tuple[float, float, list[str]]:
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "schema_pkg", "upgrade", "head"], env=env,
                            capture_output=True, text=True)
    ended = time.perf_counter()
    lines = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    if result.returncode:
        lines.append(f"  FAILED: {result.stderr.strip().splitlines()[-1]}")
    return started, ended, lines


def stats_ms(latencies: list[float]) -> str:
    if not latencies:
        return "no requests"
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"n={len(ordered):5}  p50 {statistics.median(ordered) * 1000:7.1f} ms  "
            f"p99 {p99 * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms")


def print_phases(load: ApiLoad, started: float, ended: float) -> None:
    """API latencies grouped by when each request started: before, during, after."""
    phases = {"before": [], "during": [], "after": []}
    for at, latency in load.samples:
        phase = "before" if at < started else "during" if at < ended else "after"
        phases[phase].append(latency)
    for phase, latencies in phases.items():
        print(f"  API {phase:6}  {stats_ms(latencies)}")


def run(scratch, template, with_blocker: bool) -> None:
    url = scratch.create(template=template)
    libpq = libpq_url(url)
    try:
        holder = None
        with ApiLoad(libpq) as load:
            time.sleep(3)
            if with_blocker:
                ready = threading.Event()
                holder = threading.Thread(target=blocker, args=(libpq, 20, ready), daemon=True)
                holder.start()
                ready.wait()
            started, ended, lines = upgrade(libpq)
            time.sleep(3)
        if holder:
            holder.join()
        print(f"\n{'with a 20 s reader on profiles' if with_blocker else 'clean'}: "
              f"upgrade 0005 -> head took {ended - started:.2f} s")
        for line in lines:
            print(line)
        print_phases(load, started, ended)
    finally:
        scratch.drop(url, wait=True)


def apply_files(url: str, first: str) -> tuple[float, float, list[str]]:
    """psql -f each upgrade file from ``first`` on, as a DBA runs them."""
    from schema_pkg.config import CHECKOUT_DIR, revisions_in_order

    order = [script.revision for script in revisions_in_order()]
    lines = []
    started = time.perf_counter()
    for revision in order[order.index(first):]:
        path = next((CHECKOUT_DIR / "sql").glob(f"{revision}_*.upgrade.sql"))
        began = time.perf_counter()
        result = subprocess.run(["psql", "-X", "-q", "-d", url, "-f", str(path)],
                                capture_output=True, text=True)
        waits = [line.split("NOTICE:  ", 1)[1][:110] for line in result.stderr.splitlines()
                 if "NOTICE:  schema_pkg:" in line]
        lines.append(f"  {path.name}: {time.perf_counter() - began:.2f} s, exit {result.returncode}"
                     + "".join(f"\n    {line}" for line in waits))
        if result.returncode:
            lines.append(f"  FAILED: {result.stderr.strip().splitlines()[-1]}")
            break
    return started, time.perf_counter(), lines


def run_by_file(scratch, template) -> None:
    url = scratch.create(template=template)
    libpq = libpq_url(url)
    try:
        migrate(url, "0007")
        with ApiLoad(libpq) as load:
            time.sleep(3)
            ready = threading.Event()
            reader = threading.Thread(target=blocker, args=(libpq, 20, ready), daemon=True,
                                      kwargs={"name": "pg_dump-like reader", "repeatable_read": True})
            reader.start()
            ready.wait()
            time.sleep(2)  # a dump well under way: the pre-wait sees it
            reader_started = time.perf_counter() - 2
            started, ended, lines = apply_files(libpq, "0008")
            time.sleep(3)
        reader.join()
        print(f"\nby file, with a 20 s REPEATABLE READ reader of profiles: 0008 onward took "
              f"{ended - started:.2f} s, ending {ended - reader_started:.1f} s after the reader began")
        for line in lines:
            print(line)
        print_phases(load, started, ended)
    finally:
        scratch.drop(url, wait=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["clean", "blocker", "by-file"], help="run one scenario")
    args = parser.parse_args()
    scratch = scratch_databases()
    template = scratch.create()
    try:
        loading = time.perf_counter()
        migrate(template, "0005")
        with psycopg.connect(libpq_url(template), autocommit=True) as conn:
            conn.execute(LOAD)
            conn.execute("VACUUM ANALYZE")
        print(f"machine: {machine()}; baseline (0005) with {SIMULATIONS:,} simulations, "
              f"{USERS:,} profiles loaded in {time.perf_counter() - loading:.1f} s")
        if args.only in (None, "clean"):
            run(scratch, template, with_blocker=False)
        if args.only in (None, "blocker"):
            run(scratch, template, with_blocker=True)
        if args.only in (None, "by-file"):
            run_by_file(scratch, template)
    finally:
        scratch.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
