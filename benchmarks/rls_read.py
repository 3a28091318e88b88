"""RLS read cost: the verbatim policies through PostgREST's mechanism vs the no-RLS limit.

Fills simcore_simulations with R rows for each of U users (interleaved, as
real inserts arrive), then times, as server-side execution time
(EXPLAIN ANALYZE, TIMING OFF):

* "count my rows", "my latest 20" and "all my rows" as `authenticated` with
  request.jwt.claims, through the document's policy;
* the same reads as the table owner with an explicit WHERE user_id = ...,
  which is the limit RLS could reach;
* at the baseline revision (no indexes) and at head;
* at head, the same reads with the policy rewritten to (select auth.uid())
  = user_id inside a rolled-back transaction, to show what the fast form
  would save (the shipped policies stay verbatim).

Default sizes finish in about two minutes: 100k rows over 100 users, then
1M over 1,000.  --full runs 1M over 1,000 and 10M over 10,000.
Prints figures; asserts nothing.  Never run in CI.
"""

from __future__ import annotations

import argparse
import json
import random
import time

import psycopg
from psycopg import sql

from benchmarks.common import machine, median_ms, scratch_databases
from schema_pkg.scratch import migrate
from schema_pkg.settings import libpq_url
from schema_pkg.testing import as_user

TABLE = "simcore_simulations"
QUERIES = {
    "count my rows": ("SELECT count(*) FROM {t}", "SELECT count(*) FROM {t} WHERE user_id = {u}"),
    "my latest 20": ("SELECT * FROM {t} ORDER BY created_at DESC LIMIT 20",
                     "SELECT * FROM {t} WHERE user_id = {u} ORDER BY created_at DESC LIMIT 20"),
    "all my rows": ("SELECT * FROM {t}", "SELECT * FROM {t} WHERE user_id = {u}"),
}
FAST_FORM = ('ALTER POLICY "Users can view own data" ON simcore_simulations '
             "USING ((select auth.uid()) = user_id)")


def user_id(conn, n: int):
    return conn.execute("SELECT md5('bench-user-' || %s)::uuid", [n]).fetchone()[0]


def fill(conn, users: int, rows_per_user: int) -> None:
    total = users * rows_per_user
    started = time.perf_counter()
    conn.execute(
        f"INSERT INTO {TABLE} (user_id, name, simulation_type, created_at) "
        "SELECT md5('bench-user-' || (g %% %(users)s))::uuid, 'run', 'md', "
        "       now() - make_interval(secs => g) "
        "FROM generate_series(0, %(total)s - 1) g",
        {"users": users, "total": total})
    conn.commit()
    print(f"  filled {total:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


def analyze(url) -> None:
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute(f"VACUUM ANALYZE {TABLE}")


def execution_seconds(conn, query: str) -> float:
    plan = conn.execute(sql.SQL("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ") + sql.SQL(query)
                        ).fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return plan[0]["Execution Time"] / 1000


def time_query(conn, users: int, repeats: int, rls_query: str, limit_query: str
               ) -> tuple[float, float]:
    """Medians over random users; each user's pages are read once before timing,
    so neither side pays for the other's cache misses."""
    rls, limit = [], []
    for _ in range(repeats):
        uid = user_id(conn, random.randrange(users))
        literal = sql.Literal(uid).as_string(conn)
        for timings in (None, (rls, limit)):  # a warm-up pass, then the timed pass
            with as_user(conn, uid) as db:
                rls_seconds = execution_seconds(db, rls_query.format(t=TABLE))
            with conn.transaction(force_rollback=True):
                limit_seconds = execution_seconds(conn, limit_query.format(t=TABLE, u=literal))
            if timings:
                timings[0].append(rls_seconds)
                timings[1].append(limit_seconds)
    return median_ms(rls), median_ms(limit)


def measure(url, users: int, repeats: int, label: str, policy_change: str | None = None) -> dict:
    """Median timings; ``policy_change`` is applied in a transaction rolled back afterwards."""
    results = {}
    with psycopg.connect(libpq_url(url), autocommit=True) as conn, \
            conn.transaction(force_rollback=True):
        if policy_change:
            conn.execute(policy_change)
        for name, (rls_query, limit_query) in QUERIES.items():
            rls, limit = time_query(conn, users, repeats, rls_query, limit_query)
            results[name] = (rls, limit)
            print(f"  {label:24} {name:14} RLS {rls:9.3f} ms   limit {limit:9.3f} ms   "
                  f"ratio {rls / limit:6.2f}x", flush=True)
    return results


def run_size(users: int, rows_per_user: int, repeats: int, baseline_repeats: int) -> dict:
    scratch = scratch_databases()
    url = scratch.create()
    try:
        print(f"\n{users * rows_per_user:,} rows over {users:,} users", flush=True)
        migrate(url, "0005")
        with psycopg.connect(libpq_url(url)) as conn:
            fill(conn, users, rows_per_user)
        analyze(url)
        baseline = measure(url, users, baseline_repeats, "baseline (0005)")
        started = time.perf_counter()
        migrate(url, "head")
        print(f"  upgrade to head (CREATE INDEX CONCURRENTLY) {time.perf_counter() - started:.1f} s")
        analyze(url)
        head = measure(url, users, repeats, "head, verbatim policy")
        fast = measure(url, users, repeats, "head, (select auth.uid())", policy_change=FAST_FORM)
        return {"baseline": baseline, "head": head, "fast": fast}
    finally:
        scratch.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="1M and 10M rows (slow)")
    parser.add_argument("--repeats", type=int, default=25)
    parser.add_argument("--baseline-repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [(1_000, 1_000), (10_000, 1_000)] if args.full else [(100, 1_000), (1_000, 1_000)]
    print(f"rls_read on {machine()}; medians of server-side execution time")
    small, large = (run_size(u, r, args.repeats, args.baseline_repeats) for u, r in sizes)
    print("\ngrowth from the smaller to the larger table, head, verbatim policy:")
    for name in QUERIES:
        print(f"  {name:14} {large['head'][name][0] / small['head'][name][0]:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
