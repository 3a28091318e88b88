"""psql's own lines around each step of a SQL file: resume, guard, record the failure.

psql has no "on error, run this": with ON_ERROR_STOP on it exits at once, and with it
off it runs on.  So inside a step ON_ERROR_STOP is off, each statement runs only
while no earlier one failed (``\\if :ERROR \\else ... \\endif``: after a failure
nothing else is sent, and :ERROR stays true), and after the step a failed one is
rolled back, recorded with psql's :LAST_ERROR_MESSAGE in the step's history row
(committed), and the file stops with ON_ERROR_STOP back on and one deliberate
error line saying what is applied and what to do (psql exits 3).  Inside a step
VERBOSITY is default and SHOW_CONTEXT never: the failing statement's error comes with
its DETAIL and HINT (which key is duplicated, say) but without CONTEXT lines.  psql
keeps no DETAIL in a variable, so the history row holds the error's primary message.

A step that completed in an earlier run (:func:`schema_pkg.steps.done`) is skipped
with one line on stdout.  Needs psql 10 or later (``\\if``, ``\\gset``).
"""

from __future__ import annotations

from schema_pkg import guards, history, steps
from schema_pkg.sqlsplit import has_statement, split_statements

FAILED = "schema_pkg_failed"
ERROR_SETTING = "schema_pkg.error"

OPEN = """\\set ON_ERROR_STOP off
\\set schema_pkg_verbosity :VERBOSITY
\\set schema_pkg_show_context :SHOW_CONTEXT
\\set VERBOSITY default
\\set SHOW_CONTEXT never"""


def echo(text: str) -> str:
    return "\\echo " + guards.quote(text.replace("\\", "/"))


def guarded(text: str) -> str:
    """Each statement of ``text`` sent only while no earlier one of the step failed."""
    out = []
    for piece in split_statements(text):
        body = piece.strip("\n")
        if has_statement(piece):
            out.append(f"\\if :ERROR\n\\else\n{body}\n\\endif")
        elif body.strip():
            out.append(body)
    return "\n".join(out)


def close(transaction: bool, failure: str) -> str:
    """The end of a guarded step: COMMIT (a transaction: after a failed statement the
    server rolls it back instead); after a failure, record and stop (``failure``: the DO
    block that records and raises)."""
    lines = [f"\\set {FAILED} :ERROR"]
    if transaction:
        lines += ["COMMIT;", "\\if :ERROR", f"\\set {FAILED} true", "\\endif"]
    lines += ["\\set ON_ERROR_STOP on", f"\\if :{FAILED}",
              f"SET {ERROR_SETTING} = :'LAST_ERROR_MESSAGE';", failure + ";", "\\endif",
              "\\set VERBOSITY :schema_pkg_verbosity", "\\set SHOW_CONTEXT :schema_pkg_show_context"]
    return "\n".join(lines)


def failure(revision_error: str, message: str, step_row: bool) -> str:
    """A DO block (the session's last transaction is over) that marks the attempt (and
    the step's row) failed with the error, commits, and raises ``message``.  Both
    texts are SQL expressions that may use ``failure`` (the error text)."""
    step = (f"  {steps.end_row(steps.STEP_SETTING, 'failed', 'failure')};\n" if step_row else "")
    return f"""DO $failed$
DECLARE
  failure text := current_setting('{ERROR_SETTING}');
BEGIN
{step}  {history.fail_attempt(revision_error)};
  COMMIT;
  RAISE EXCEPTION '%', {message};
END
$failed$"""


def left_by(part: guards.Part) -> str:
    """What the failed part itself can leave behind."""
    if part.transaction:
        return "its transaction rolled back"
    if guards.CONCURRENT_INDEX.match(guards.without_comments(part.text).strip()):
        return ("a failed build leaves its index INVALID (a unique one rejects duplicate "
                "writes meanwhile), which the rerun drops before building it again")
    if guards.runs_concurrently(part.text):
        return "a failed DROP INDEX CONCURRENTLY can leave its index INVALID, which the rerun drops"
    return "the failed statement changed nothing"


def step(doing: str, start: str, parts: list[guards.Part], number: int, done_sql: str,
         start_sql: str, statements: str) -> str:
    """Step ``number`` of a revision with parts that commit on their own: skipped when
    done, else its row started, its statements guarded, then completed or failed."""
    part, count = parts[number - 1], len(parts)
    name = part.name
    before = (f"steps 1-{number - 1} stay applied" if number > 2 else
              "step 1 stays applied" if number == 2 else "no step of it was applied")
    tail = (f"; {before}; {left_by(part)}; alembic_version still says {start}; recorded in "
            f"schema_pkg.history; run this file again to resume at step {number}")
    message = (guards.quote(f"schema_pkg: {doing} stopped at step {number} of {count} ({name}): ")
               + f" || failure || {guards.quote(tail)}")
    recorded = guards.quote(f"step {number} of {count} ({name}) failed: ") + " || failure"
    body = [f"-- Step {number} of {count}: {name}",
            f"SELECT {done_sql} AS schema_pkg_done \\gset",
            "\\if :schema_pkg_done",
            echo(steps.skipped(doing, number, count, name)),
            "\\else",
            start_sql + ";",
            OPEN]
    if part.transaction:
        body += ["BEGIN;", guarded(statements), guarded(steps.COMPLETE + ";")]
        body.append(close(True, failure(recorded, message, True)))
    else:
        body += [guarded(statements), close(False, failure(recorded, message, True)),
                 steps.COMPLETE + ";"]
    body.append("\\endif")
    return "\n".join(body) + "\n"


def closing_failure(doing: str, start: str, count: int) -> str:
    """The failure of the transaction that records the revision (alembic_version)."""
    if count == 1:
        tail = (f"; its one transaction rolled back, so nothing of it was applied and the "
                f"database is still at {start}; recorded in schema_pkg.history; run this file "
                "again once the cause is fixed")
        return failure("failure", f"{guards.quote(f'schema_pkg: {doing} failed: ')} || failure"
                                  f" || {guards.quote(tail)}", False)
    tail = (f"; all {count} of its steps stay applied, alembic_version still says {start}; "
            "recorded in schema_pkg.history; run this file again: it skips the steps and "
            "records the revision")
    return failure(f"{guards.quote('recording the revision failed: ')} || failure",
                   f"{guards.quote(f'schema_pkg: {doing} failed while recording it: ')} || failure"
                   f" || {guards.quote(tail)}", False)
