"""Drift checks against a shadow database: ``verify`` and ``adopt``.

The shadow is a scratch database on the same server, migrated to the
revision in question with the packaged migrations, then compared with the live
database section by section (schemas public and private; Supabase's own auth
schema is not ours to judge).  Grants and owners are reported, never drift.
"""

from __future__ import annotations

import os
import secrets
import sys
from contextlib import contextmanager
from dataclasses import replace

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import URL

from schema_pkg.catalog import snapshot, without_alembic_version
from schema_pkg.config import BASELINE_REVISION, make_config, revisions_in_order
from schema_pkg.db import connection
from schema_pkg.deploy import recorded_revisions
from schema_pkg.diff import Difference, compare, drift
from schema_pkg.history import record_stamp, tampered
from schema_pkg.scratch import migrate
from schema_pkg.settings import Target

SCHEMAS = ("public", "private")


def recorded_revision(url: URL) -> str | None:
    """The revision in alembic_version, or None when the database is not managed."""
    with connection(url) as conn:
        revisions = recorded_revisions(conn)
    return revisions[0] if revisions else None


def read_schemas(url: URL) -> dict[str, dict]:
    with connection(url) as conn:
        return {schema: without_alembic_version(snapshot(conn, schema)) for schema in SCHEMAS}


def run_autocommit(url: URL, statement: str) -> None:
    with connection(url, isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(statement))


@contextmanager
def shadow_at(target: Target, revision: str | None):
    """A scratch database on the target's server, migrated to ``revision``; dropped after."""
    name = f"schema_pkg_shadow_{os.getpid()}_{secrets.token_hex(3)}"
    run_autocommit(target.url, f'CREATE DATABASE "{name}"')
    url = target.url.set(database=name)
    try:
        if revision:
            migrate(url, revision)
        yield url
    finally:
        run_autocommit(target.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def differences_from_shadow(target: Target, revision: str | None) -> list[Difference]:
    with shadow_at(target, revision) as shadow:
        expected = read_schemas(shadow)
    actual = read_schemas(target.url)
    found = []
    for schema in SCHEMAS:
        for difference in compare(expected[schema], actual[schema],
                                  left_name=f"shadow@{revision or 'base'}", right_name="live"):
            found.append(replace(difference, key=f"{schema}.{difference.key}"))
    return found


def report(differences: list[Difference], out=None) -> None:
    out = out or sys.stdout  # looked up per call: a caller may have redirected it
    for difference in differences:
        prefix = "note" if difference.informational else "DRIFT"
        print(f"{prefix}: {difference}", file=out)


def applied_chain(revision: str | None) -> list[str]:
    """The revisions from base up to ``revision``."""
    order = [script.revision for script in revisions_in_order()]
    return order[: order.index(revision) + 1] if revision in order else []


def changed_since_applied(target: Target, revision: str | None) -> list[str]:
    """Applied revisions whose recorded checksum is not the packaged one."""
    with connection(target.url) as conn:
        return tampered(conn, applied_chain(revision))


def verify(target: Target, quiet: bool = False) -> int:
    """0 when the live database matches a shadow at its recorded revision and every
    applied revision ran with the packaged statements, else 1."""
    revision = recorded_revision(target.url)
    changed = changed_since_applied(target, revision)
    for name in changed:
        print(f"CHANGED: revision {name} differs from the one that ran (its checksum in "
              "schema_pkg.history is not the packaged one): history was edited after it ran")
    differences = differences_from_shadow(target, revision)
    report(differences if not quiet else drift(differences))
    problems = drift(differences)
    where = f"revision {revision}" if revision else "base (no alembic_version)"
    if changed:
        print(f"schema-pkg verify: revision(s) {', '.join(changed)} changed since applied at {where}",
              file=sys.stderr)
        return 1
    if problems:
        print(f"schema-pkg verify: {len(problems)} difference(s) from a fresh database at {where}",
              file=sys.stderr)
        return 1
    print(f"schema-pkg verify: no drift at {where}", file=sys.stderr)
    return 0


def adopt(target: Target, quiet: bool = False) -> int:
    """Stamp the baseline on a database built outside alembic, only if it matches exactly."""
    revision = recorded_revision(target.url)
    if revision is not None:
        print(f"schema-pkg adopt: database is already managed (at revision {revision}); "
              "use upgrade", file=sys.stderr)
        return 1
    differences = differences_from_shadow(target, BASELINE_REVISION)
    problems = drift(differences)
    if problems:
        report(problems)
        print(f"schema-pkg adopt: refused: {len(problems)} difference(s) from the baseline "
              f"({BASELINE_REVISION}); nothing was stamped", file=sys.stderr)
        return 1
    command.stamp(make_config(target, command="stamp", quiet=quiet), BASELINE_REVISION)
    with connection(target.url) as conn:
        record_stamp(conn, applied_chain(BASELINE_REVISION))
        conn.commit()
    print(f"schema-pkg adopt: matches the baseline; stamped {BASELINE_REVISION}. "
          "Run `schema-pkg upgrade head` for the later revisions.", file=sys.stderr)
    return 0
