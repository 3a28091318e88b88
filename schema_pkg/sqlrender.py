r"""Render the SQL that DBAs review: one file per revision and direction, plus the full script.

Offline mode only; no database is needed.  Each file starts with the
revision's own description as SQL comments and how to run it; the guards it
carries come from env (schema_pkg.guards).  INVALID indexes left by a failed
CONCURRENTLY build are dropped by the guards' \gexec lines (docs/additions.md).
"""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

from alembic import command

from schema_pkg import exposure, guards, history, migrationlock
from schema_pkg.config import CHECKOUT_DIR, make_config, revisions_in_order
from schema_pkg.settings import Timeouts
from schema_pkg.stepguards import left_applied

FULL_SCRIPT = "full_upgrade.sql"


# Alembic creates its table with a plain CREATE TABLE; online `downgrade base`
# leaves it empty, so the 0001 file must tolerate it (its guard accepts empty).
# squawk's prefer-text-field would flag alembic's VARCHAR(32): not ours to change.
ALEMBIC_TABLE = "CREATE TABLE alembic_version ("
ALEMBIC_TABLE_ROBUST = ("CREATE TABLE IF NOT EXISTS alembic_version (\n"
                        "    -- squawk-ignore prefer-text-field")


def render(command_fn, spec: str, file_name: str, resumable: bool = False) -> str:
    buffer = io.StringIO()
    config = make_config(stdout=buffer)
    config.output_buffer = buffer
    config.attributes["file_name"] = file_name
    config.attributes["resumable"] = resumable
    config.attributes["command"] = command_fn.__name__  # upgrade files check the record
    command_fn(config, spec, sql=True)
    return buffer.getvalue().replace(ALEMBIC_TABLE, ALEMBIC_TABLE_ROBUST)


HOW_TO_RUN = """-- How to run: psql -X -f <this file>   (never with -1/--single-transaction: the file
-- manages its own transactions and refuses to run inside an outer one).  Needs psql 10
-- or later (\\if, \\gset) and PostgreSQL 11 or later (COMMIT inside DO).  It stops at the
-- first error (ON_ERROR_STOP), takes the migration lock that online runs take
-- (schema_pkg.migration_lock; it waits for a running deploy), refuses unless the
-- database is at {start}, and records each attempt and each step in schema_pkg.history
-- (started, then completed, or failed with the error; a run killed outright leaves it
-- 'started', which the next run marks failed).  A failed step shows the statement's own
-- error, then one schema_pkg line (what stays applied, what to do); psql exits 3.
-- Settings, each overridable with psql -v NAME=VALUE:
--   lock_timeout={lock_timeout}   the longest wait for a lock per statement (the API queues
--                        behind a waiting statement; CONCURRENTLY statements use 0)
--   statement_timeout={statement_timeout}   the longest any statement may run
--   concurrent_prewait={concurrent_prewait}   seconds to wait, before CONCURRENTLY builds, for open
--                        transactions that would stall them (then it refuses, naming them)
--   migration_lock_wait={migration_lock_wait}   seconds to wait for another run's migration lock
--   accept_record=off   an upgrade file first checks the deployment record (the fingerprints in
--                        schema_pkg.history against the packaged ones) and refuses a mismatch in
--                        one line naming the revision and object, nothing applied; on: run anyway
--                        (as schema-pkg upgrade --accept-record).  Rows recorded without a
--                        fingerprint or in another fingerprint format are noted, never refused.
"""

IF_IT_STOPS = ("If it stops: {left}.  Run it again: the rerun says first what an earlier "
               "attempt left, skips each step that attempt completed and resumes at the "
               "first unfinished one.")

CONCURRENT_NOTE = """-- A CONCURRENTLY build that fails leaves an INVALID index (a unique one already rejects
-- duplicate writes); the rerun drops it before building again.
"""

FULL_SCRIPT_RESUMES = """-- If it stops: each revision completed before stays applied and recorded.  Run it
-- again: it skips every revision the database already has and resumes at the first
-- one it lacks, inside it at its first unfinished step (see each revision's own file
-- for what a stopped revision can leave).
"""


def how_to_run(start: str) -> str:
    defaults = Timeouts()
    return HOW_TO_RUN.format(start=start, lock_timeout=defaults.lock_timeout,
                             statement_timeout=defaults.statement_timeout,
                             concurrent_prewait=f"{defaults.concurrent_prewait:g}",
                             migration_lock_wait=f"{defaults.migration_lock_wait:g}")


def comment_lines(text: str, indent: str = "") -> str:
    return "".join(f"-- {line}\n" for line in textwrap.wrap(
        text, width=86, break_on_hyphens=False, subsequent_indent=indent))


def access_notes(revision: str, direction: str) -> str:
    """What running the file needs and, for a downgrade, what it gives back."""
    own = history.packaged_statements()[(revision, direction)]
    text = "-- Needs:\n" + "".join(comment_lines(f"  * {need}", "    ")
                                   for need in exposure.needs(own))
    if direction == "downgrade":
        back = exposure.gives_back(revision, own)
        text += ("-- Gives back (what the upgrade had closed):\n"
                 + "".join(comment_lines(f"  * {item}", "    ") for item in back)
                 if back else "-- Gives back no privilege or policy: it only removes.\n")
    return text


def if_it_stops(revision: str, direction: str) -> str:
    own = history.packaged_statements()[(revision, direction)]
    text = comment_lines(IF_IT_STOPS.format(left=left_applied(own)))
    return text + (CONCURRENT_NOTE if guards.runs_concurrently(own) else "")


DATA_LOSS_NOTE = """-- Drops tables that may hold data ({tables}); refuses while any holds rows unless
-- the session first runs: SET schema_pkg.allow_data_loss = on   (with psql -f:
-- PGOPTIONS='-c schema_pkg.allow_data_loss=on' psql -X -f <this file>).
"""


# Where each revision's step starts in the full script: its BEGIN (and, for the first,
# alembic's CREATE TABLE alembic_version) before alembic's "Running upgrade" comment.
STEP_START = re.compile(r"^BEGIN;\n\n(?:CREATE TABLE IF NOT EXISTS alembic_version \([^;]*\);\n\n)?"
                        r"-- Running upgrade \S* -> (?P<revision>\S+)\n", re.MULTILINE)


def resumable(script: str) -> str:
    """The full script with each revision's step inside a psql \\if that skips it when
    the database already has it, so a rerun after a failure resumes where it stopped."""
    order = [s.revision for s in revisions_in_order()]
    starts = list(STEP_START.finditer(script))
    end = script.index(migrationlock.RELEASE)
    out = [script[: starts[0].start()]]
    for i, match in enumerate(starts):
        stop = starts[i + 1].start() if i + 1 < len(starts) else end
        revision = match["revision"]
        out.append(guards.applied_already(revision, order[order.index(revision) + 1:]) + "\n\n")
        out.append(script[match.start(): stop].rstrip() + "\n\\endif\n\n")
    out.append(script[end:])
    return "".join(out)


def lock_summary(revision: str, direction: str) -> list[str]:
    """This step's section of docs/locks.md (make lock-report), as short comment
    lines; nothing where the report is absent (an installed wheel ships no docs/)."""
    report = CHECKOUT_DIR / "docs" / "locks.md"
    if not report.is_file():
        return []
    lines, inside = [], False
    for line in report.read_text().splitlines():
        if line.startswith("#"):
            inside = line.startswith(f"### {revision} {direction}:")
        elif not inside or not line or line.startswith(("| table |", "|---")):
            continue
        elif line.startswith("| "):
            table, mode, held, blocks, _ = (cell.strip() for cell in line.strip("| ").split(" | "))
            lines.append(f"--   {table}: {mode} until {held}, blocks {blocks}")
        else:
            lines.append(f"--   {line.removeprefix('- ')}")
    if not lines:
        return []
    return ["-- Locks observed (docs/locks.md; worst-case API stalls are listed there):",
            *lines, "--"]


def header(script, direction: str) -> str:
    lines = [f"-- schema_pkg revision {script.revision} ({direction})", "--"]
    lines += [f"-- {line}".rstrip() for line in (script.longdoc or script.doc or "").splitlines()]
    lines.append("--")
    lines += lock_summary(script.revision, direction)
    start = script.down_revision or "base" if direction == "upgrade" else script.revision
    text = ("\n".join(lines) + "\n" + how_to_run(start) + if_it_stops(script.revision, direction)
            + access_notes(script.revision, direction))
    drops = guards.dropped_tables(script)
    if direction == "downgrade" and drops:
        text += DATA_LOSS_NOTE.format(tables=", ".join(drops))
    return text + "-- Generated by `make sql` (schema-pkg sql); do not edit by hand.\n\n"


def file_stem(script) -> str:
    return Path(script.path).stem


def render_all(out_dir: Path) -> list[Path]:
    """Write every file into out_dir and return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for script in revisions_in_order():
        down = script.down_revision or "base"
        for direction, fn, spec in (
            ("upgrade", command.upgrade, f"{down}:{script.revision}" if script.down_revision
             else script.revision),
            ("downgrade", command.downgrade, f"{script.revision}:{down}"),
        ):
            path = out_dir / f"{file_stem(script)}.{direction}.sql"
            path.write_text(header(script, direction) + render(fn, spec, path.name))
            written.append(path)
    full = out_dir / FULL_SCRIPT
    full.write_text(
        "-- schema_pkg: the whole schema, base to head, as one script for review or psql -f.\n"
        + how_to_run("base or any revision") + FULL_SCRIPT_RESUMES
        + "-- Generated by `make sql` (schema-pkg sql); do not edit by hand.\n\n"
        + resumable(render(command.upgrade, "head", FULL_SCRIPT, resumable=True))
    )
    written.append(full)
    return written
