"""Revisions that commit step by step (0008, 0009), as the tests read them: how many
steps a revision has, which the deployment record holds completed, and the words a run
uses for the steps it leaves applied."""

from __future__ import annotations

import psycopg

from schema_pkg.guards import committed_parts
from schema_pkg.history import packaged_statements
from schema_pkg.settings import libpq_url


def step_count(revision: str) -> int:
    """How many steps the revision's upgrade has (its parts that commit on their own)."""
    return len(committed_parts(packaged_statements()[(revision, "upgrade")]))


def completed_steps(url, revision: str) -> list[int]:
    """The steps of the revision the deployment record holds completed (by any run)."""
    with psycopg.connect(libpq_url(url)) as conn:
        return [step for (step,) in conn.execute(
            "SELECT DISTINCT step FROM schema_pkg.history WHERE revision = %s AND step IS NOT NULL "
            "AND status = 'completed' ORDER BY step", [revision])]


def applied_line(revision: str, completed: int) -> str:
    """What a failed online run says of ``revision`` when its steps 1 to ``completed`` stay
    applied (its other steps did not run or rolled back)."""
    count = step_count(revision)
    applied = f"steps 1-{completed}" if completed > 1 else "step 1"
    return (f"upgrade {revision} has {applied} of {count} applied (recorded in schema_pkg.history; "
            "a rerun skips them)")
