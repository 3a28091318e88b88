"""`make fuzz`: a longer random search of the RLS state machine, with a printed seed.

    python -m tests.rls.fuzz [--seed N] [--examples N] [--steps N]

A failure is shrunk to a small reproducer; make it a row in
tests/rls/expectations.py, then fix the schema or the model.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import psycopg
from hypothesis import HealthCheck, seed, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.rls.database import standalone_rls_database
from tests.rls.machine import STEPS, RLSMachine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make fuzz")
    parser.add_argument("--seed", type=int, default=random.randrange(2**32))
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args(argv)
    print(f"seed {args.seed} (replay: make fuzz SEED={args.seed})", flush=True)
    started = time.perf_counter()
    try:
        with standalone_rls_database() as url, psycopg.connect(url) as conn:
            RLSMachine.use(conn)
            run_state_machine_as_test(
                seed(args.seed)(RLSMachine),
                settings=settings(max_examples=args.examples, stateful_step_count=args.steps,
                                  deadline=None, database=None,
                                  suppress_health_check=[HealthCheck.too_slow]))
    finally:
        print(f"{STEPS['run']} steps in {time.perf_counter() - started:.1f} s (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
