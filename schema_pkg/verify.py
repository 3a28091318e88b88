"""Drift checks against a shadow database: ``verify`` and ``adopt``.

The shadow is a scratch database on the same server, migrated to the
revision in question with the packaged migrations, then compared with the live
database section by section (schemas public and private; Supabase's own auth
schema is not ours to judge).  Grants and owners are reported, never drift,
with one exception: from revision 0010 on, which makes the API roles'
privileges the same in every world, each privilege anon, authenticated,
service_role or PUBLIC holds on an object of ours (schemas public, private,
schema_pkg) and the shadow does not, or the other way round, is drift.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from contextlib import contextmanager
from dataclasses import replace

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import URL

from schema_pkg import fingerprint, reports
from schema_pkg.catalog import api_privileges, snapshot, without_alembic_version
from schema_pkg.config import BASELINE_REVISION, make_config, revisions_in_order
from schema_pkg.db import connection
from schema_pkg.deploy import recorded_revisions
from schema_pkg.diff import MISSING, Difference, compare, drift
from schema_pkg.history import record_stamp, tampered
from schema_pkg.origins import origin
from schema_pkg.scratch import migrate
from schema_pkg.settings import Target, redact

SCHEMAS = ("public", "private")
# From this revision on the API roles' privileges are explicit, the same whatever the
# database's default privileges were; before it they depended on the world.
EXPLICIT_PRIVILEGES_SINCE = "0010"


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


def privileges_are_explicit(revision: str | None) -> bool:
    return EXPLICIT_PRIVILEGES_SINCE in applied_chain(revision)


def read_privileges(url: URL) -> set[tuple[str, str, str]]:
    with connection(url) as conn:
        return api_privileges(conn)


def privilege_differences(expected: set, actual: set, revision: str) -> list[Difference]:
    """Each (object, role, privilege) held on one side only: drift from 0010 on.  A column's
    is left out when its table's differs the same way (a table grant covers its columns)."""
    names = (f"shadow@{revision}", "live")
    differing = expected ^ actual

    def covered(role: str, obj: str, privilege: str) -> bool:
        table = "table " + obj.removeprefix("column ").rpartition(".")[0]
        return obj.startswith("column ") and (role, table, privilege) in differing

    return [Difference("privileges", f"{obj} to {role}: {privilege}", None,
                       True if (role, obj, privilege) in expected else MISSING,
                       True if (role, obj, privilege) in actual else MISSING, *names)
            for role, obj, privilege in sorted(differing, key=lambda r: (r[1], r[0], r[2]))
            if not covered(role, obj, privilege)]


def differences_from_shadow(target: Target, revision: str | None) -> list[Difference]:
    explicit = privileges_are_explicit(revision)
    with shadow_at(target, revision) as shadow:
        expected = read_schemas(shadow)
        expected_privileges = read_privileges(shadow) if explicit else set()
    actual = read_schemas(target.url)
    found = []
    for schema in SCHEMAS:
        for difference in compare(expected[schema], actual[schema],
                                  left_name=f"shadow@{revision or 'base'}", right_name="live"):
            found.append(replace(difference, key=f"{schema}.{difference.key}"))
    if explicit:
        found += privilege_differences(expected_privileges, read_privileges(target.url), revision)
    return found


def report(differences: list[Difference], out=None) -> None:
    out = out or sys.stdout  # looked up per call: a caller may have redirected it
    for difference in differences:
        print(difference_line(difference), file=out)


def difference_line(difference: Difference) -> str:
    return f"{'note' if difference.informational else 'DRIFT'}: {difference}"


RULES = [
    reports.RuleInfo("revision_changed", "error", "history", "A revision was edited after it ran.",
                     "Its checksum in schema_pkg.history is not the packaged one: history is immutable, "
                     "fix forward with a new revision."),
    reports.RuleInfo("drift", "error", "drift", "The database differs from a fresh database at its revision.",
                     "Tables, columns, constraints, indexes, enums, RLS flags, policies and functions "
                     "of public and private are compared with a shadow migrated to the same revision, "
                     "and from revision 0010 on the privileges of anon, authenticated, service_role "
                     "and PUBLIC on public, private and schema_pkg; undo the manual change or make "
                     "it a revision."),
    reports.RuleInfo("effect_changed", "error", "history",
                     "A revision had another effect than the packaged one, or something it set "
                     "was changed by hand since.",
                     "Each step's fingerprint in schema_pkg.history (the objects it names, the "
                     "privileges it sets) is compared with the packaged one, and the live catalog "
                     "with what the last revision naming each object left: an edited SQL file or "
                     "a hand-made change; restore it, or fix forward with a new revision."),
    reports.RuleInfo("recorded_without_fingerprint", "note", "history",
                     "A revision was recorded before fingerprints existed (or stamped by adopt), "
                     "or in another fingerprint format than this package computes.",
                     "Its effect cannot be checked from the record; it is accepted "
                     "(docs/fingerprints.md)."),
    reports.RuleInfo("grant_or_owner_difference", "note", "drift",
                     "A grant or an owner differs from a fresh database (reported, never drift).",
                     "Hosted platforms grant and own objects their own way; review, then ignore or "
                     "make it a revision."),
]
INDEX_TABLE = re.compile(r" ON (?:\w+\.)?(\w+) ")


def privilege_subject(key: str) -> tuple[str, str]:
    """(kind, name) of 'table public.x to anon: INSERT' and the like (column, sequence,
    function, schema)."""
    kind, _, name = key.split(" to ")[0].partition(" ")
    parts = name.split("(")[0].split(".")
    if kind == "schema":
        return "schema", parts[0]
    return ("function" if kind == "function" else "table"), parts[1]


def subject(difference: Difference) -> tuple[str, str]:
    """What a difference is about, for its location: (kind, name)."""
    if difference.section == "privileges":
        return privilege_subject(difference.key)
    key = difference.key.split(".", 1)[1]  # without the schema
    section = difference.section
    if section in ("grants", "owners"):
        kind, _, name = key.partition(" ")
        return kind, name.split("(")[0]
    if section == "indexes":
        found = INDEX_TABLE.search(key)
        return "table", found.group(1) if found else key
    if section == "functions":
        return "function", key.split("(")[0]
    if section == "policies":
        return "policy", key.split(".", 1)[1]
    if section == "enums":
        return "type", key
    return "table", re.split(r"[. ]", key, maxsplit=1)[0]


def record_items(problems: list[str], notes: list[str]) -> list[reports.Item]:
    """Fingerprint problems and notes (fingerprint.record_problems) as report items."""
    items = []
    for level, rule, lines, prefix in (("error", "effect_changed", problems, "CHANGED"),
                                       ("note", "recorded_without_fingerprint", notes, "note")):
        for line in lines:
            revision = re.search(r"revision (\w+)", line)
            name = revision.group(1) if revision else None
            items.append(reports.Item(rule, level, "history", line.split(" (")[0], line,
                                      "restore it, or fix forward with a new revision",
                                      origin("revision", name or "", name), f"{prefix}: {line}",
                                      identity=line))
    return items


def drift_report(target: Target, revision: str | None, changed: list[str],
                 differences: list[Difference], record: list[reports.Item] = ()) -> reports.Report:
    items = [reports.Item("revision_changed", "error", "history", f"revision {name}",
                          f"revision {name} differs from the one that ran (its checksum in "
                          "schema_pkg.history is not the packaged one): history was edited after it ran",
                          "fix forward with a new revision", origin("revision", name, name),
                          f"CHANGED: revision {name} differs from the one that ran (its checksum in "
                          "schema_pkg.history is not the packaged one): history was edited after it ran")
             for name in changed]
    items += list(record)
    for difference in differences:
        rule, level = (("grant_or_owner_difference", "note") if difference.informational
                       else ("drift", "error"))
        items.append(reports.Item(rule, level, "drift", difference.key, str(difference),
                                  "make the database match its revision, or write a revision",
                                  origin(*subject(difference), revision), difference_line(difference),
                                  identity=" ".join(filter(None, (difference.section, difference.key,
                                                                  difference.attribute)))))
    return reports.Report("verify", RULES, items, redact(target.url), revision)


def applied_chain(revision: str | None) -> list[str]:
    """The revisions from base up to ``revision``."""
    order = [script.revision for script in revisions_in_order()]
    return order[: order.index(revision) + 1] if revision in order else []


def changed_since_applied(target: Target, revision: str | None) -> list[str]:
    """Applied revisions whose recorded checksum is not the packaged one."""
    with connection(target.url) as conn:
        return tampered(conn, applied_chain(revision))


def verify(target: Target, quiet: bool = False, output_format: str = "text") -> int:
    """0 when the live database matches a shadow at its recorded revision, every
    applied revision ran with the packaged statements and had the packaged effect,
    and nothing it set was changed by hand since; else 1."""
    revision = recorded_revision(target.url)
    changed = changed_since_applied(target, revision)
    with connection(target.url) as conn:
        effect_problems, notes = fingerprint.record_problems(conn, revision)
    differences = differences_from_shadow(target, revision)
    shown = drift(differences) if quiet and output_format == "text" else differences
    reports.emit(drift_report(target, revision, changed, shown, record_items(effect_problems, notes)),
                 output_format)
    problems = drift(differences)
    where = f"revision {revision}" if revision else "base (no alembic_version)"
    if changed:
        print(f"schema-pkg verify: revision(s) {', '.join(changed)} changed since applied at {where}",
              file=sys.stderr)
        return 1
    if effect_problems:
        more = f" (and {len(effect_problems) - 1} more)" if len(effect_problems) > 1 else ""
        print(f"schema-pkg verify: {effect_problems[0]}{more}", file=sys.stderr)
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
