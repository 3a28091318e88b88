"""docs/locks.md is what the revisions do now, observed on a scratch database."""

from __future__ import annotations

import pytest

from schema_pkg.config import CHECKOUT_DIR
from schema_pkg.lockreport import (
    BOOKKEEPING,
    SECTION,
    blocking_locks,
    blocking_locks_in,
    observe,
    observed_on,
    render,
    server_major,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def steps(schema_pkg_server):
    return observe(schema_pkg_server.url)


@pytest.fixture(scope="module")
def major(schema_pkg_server):
    return server_major(schema_pkg_server.url)


@pytest.fixture(scope="module")
def committed():
    return (CHECKOUT_DIR / "docs" / "locks.md").read_text()


def test_committed_lock_report_is_current_on_the_version_it_was_observed_on(steps, major, committed):
    if major != observed_on(committed):
        pytest.skip(f"docs/locks.md was observed on PostgreSQL {observed_on(committed)}, this is {major}: "
                    "test_the_locks_that_block_the_api_are_the_reported_ones_on_every_version compares")
    assert render(steps, major) == committed, "docs/locks.md is stale: run `make lock-report` and commit"


def test_the_locks_that_block_the_api_are_the_reported_ones_on_every_version(steps, committed):
    observed, reported = blocking_locks(steps), blocking_locks_in(committed)
    assert observed == reported, {"not in docs/locks.md": observed - reported,
                                  "reported, not observed": reported - observed}


def locks_of(steps, revision, direction):
    return next(s.locks for s in steps if (s.revision, s.direction) == (revision, direction))


def test_policies_on_existing_tables_are_observed_as_access_exclusive(steps):
    assert locks_of(steps, "0006", "upgrade")["public.profiles"] == (7, "transaction")


def test_concurrent_builds_are_observed_as_share_update_exclusive_per_statement(steps):
    assert locks_of(steps, "0008", "upgrade")["public.projects"] == (3, "statement")


def dropping_downgrades(steps) -> set[str]:
    """The downgrades that drop data: a table observed gone (the catalog before and after each
    step), or a column the revision declares it drops (tests/test_collateral_damage.py checks
    every drop is declared)."""
    return {step.revision for step in steps if step.direction == "downgrade"
            and (set(step.before.values()) - step.after - BOOKKEEPING or step.dropped_columns)}


def downgrades_reported_as_losing_data(report: str) -> set[str]:
    parts = SECTION.split(report)
    return {revision for revision, direction, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True)
            if direction == "downgrade" and "- Can lose data: yes" in body}


def test_the_downgrades_that_drop_tables_are_reported_as_losing_data(steps, major):
    report = render(steps, major)
    assert "- Can lose data: yes, drops public.mezan_workflows" in report  # 0003's tables
    assert {"0001", "0003"} <= dropping_downgrades(steps)  # auth.users; the documented tables
    assert downgrades_reported_as_losing_data(report) == dropping_downgrades(steps)


# 0001's downgrade drops only the stand-in auth schema it created itself (never
# Supabase's, which it leaves untouched), so its users table has no guard.
UNGUARDED_ON_PURPOSE = {"auth.users"}


def test_every_table_a_downgrade_drops_is_covered_by_the_data_loss_guard(steps):
    for step in steps:
        dropped = set(step.before.values()) - step.after - BOOKKEEPING - UNGUARDED_ON_PURPOSE
        assert dropped <= set(step.guarded), (step.revision, dropped - set(step.guarded))
