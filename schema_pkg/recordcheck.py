"""Does the deployment record match the package?  One query, online and in the files.

For every revision applied (base up to the one alembic_version holds), the latest
completed upgrade row of ``schema_pkg.history`` is compared with the package's
expected fingerprint of the current format (versions/manifest.json):

* a row of the current format whose map differs is a **problem**, naming the
  revision and each object that differs;
* a row without a fingerprint (recorded before fingerprints existed, or stamped by
  adopt) or of another format (computed by other fingerprint code) is a **note**:
  accepted, never compared, never refused.

:func:`findings_sql` is that query; :func:`check` wraps it in the DO block that
``schema-pkg upgrade`` runs before it changes anything and that every upgrade
file runs before its first revision: it prints the notes and refuses on a problem
in one line, nothing applied, unless ``schema_pkg.accept_record`` is on
(``schema-pkg upgrade --accept-record``; ``psql -v accept_record=on``).
``schema-pkg verify`` reads the same query.
"""

from __future__ import annotations

import json

from schema_pkg import guards
from schema_pkg.fingerprint import FORMAT, LEGACY_FORMAT, expected

ACCEPT_SETTING = guards.ACCEPT_RECORD_SETTING
ACCEPT_ENV = "SCHEMA_PKG_ACCEPT_RECORD"
OVERRIDE = f"schema-pkg upgrade --accept-record, or psql -v {guards.ACCEPT_RECORD[0]}=on"


def package_rows(revisions: list[str]) -> str:
    """VALUES rows (position, revision, expected map or NULL), base first."""
    rows = []
    for position, revision in enumerate(revisions, 1):
        wanted = expected(revision, "upgrade")
        literal = ("NULL" if wanted is None else
                   guards.quote(json.dumps(wanted, sort_keys=True, separators=(",", ":"))))
        rows.append(f"({position}, {guards.quote(revision)}, {literal}::jsonb)")
    return ",\n    ".join(rows) or "(0, NULL::text, NULL::jsonb)"


def findings_sql(revisions: list[str], current: str) -> str:
    """Rows (problem, line), base first, for the revisions of ``revisions`` (in order)
    up to ``current`` (an SQL expression: the revision alembic_version holds)."""
    return f"""WITH package (position, revision, want) AS (VALUES
    {package_rows(revisions)}),
  latest AS (
    SELECT DISTINCT ON (h.revision) h.revision, to_jsonb(h) AS row
      FROM schema_pkg.history AS h
     WHERE h.direction = 'upgrade' AND coalesce(to_jsonb(h) ->> 'status', 'completed') = 'completed'
       AND to_jsonb(h) ->> 'step' IS NULL  -- the revision's own row, not one of its steps
     ORDER BY h.revision, h.id DESC),
  applied AS (
    SELECT p.position, p.revision, p.want, l.row ->> 'mode' AS mode,
           nullif(l.row -> 'fingerprint', 'null'::jsonb) AS got,
           coalesce((l.row ->> 'fingerprint_format')::int, {LEGACY_FORMAT}) AS recorded_format
      FROM package AS p JOIN latest AS l ON l.revision = p.revision
     WHERE p.want IS NOT NULL
       AND p.position <= (SELECT q.position FROM package AS q WHERE q.revision = {current}))
SELECT got IS NOT NULL AND recorded_format = {FORMAT} AS problem,
       CASE WHEN got IS NULL THEN format('revision %s: recorded without a fingerprint (%s, '
                 'before fingerprints existed or stamped); not checked', revision, mode)
            WHEN recorded_format <> {FORMAT} THEN format('revision %s: recorded in fingerprint '
                 'format %s%s, this package computes format {FORMAT}; accepted, not compared',
                 revision, recorded_format, CASE WHEN recorded_format = {LEGACY_FORMAT}
                 THEN ' (before formats were numbered)' ELSE '' END)
            ELSE format('revision %s ran with a different effect than the packaged one on: %s',
                 revision, (SELECT string_agg(k, '; ' ORDER BY k COLLATE "C")
                              FROM (SELECT jsonb_object_keys(got)
                                    UNION SELECT jsonb_object_keys(want)) AS keys (k)
                             WHERE got -> k IS DISTINCT FROM want -> k))
       END AS line
  FROM applied
 WHERE got IS NULL OR recorded_format <> {FORMAT} OR got <> want
 ORDER BY position"""


def check(revisions: list[str]) -> str:
    """The DO block run before an upgrade: notes as NOTICEs; on a problem one line and
    nothing changed, unless schema_pkg.accept_record is on."""
    return f"""DO $record$
DECLARE
  found text := 'base';
  finding record;
  problems text[] := '{{}}';
BEGIN
  IF to_regclass('schema_pkg.history') IS NULL THEN
    RETURN;
  END IF;
{guards.READ_FOUND}  FOR finding IN {findings_sql(revisions, "found")}
  LOOP
    IF finding.problem THEN
      problems := problems || finding.line;
    ELSE
      RAISE NOTICE 'schema_pkg: note: %', finding.line;
    END IF;
  END LOOP;
  IF cardinality(problems) = 0 THEN
    RETURN;
  END IF;
  IF coalesce(current_setting('{ACCEPT_SETTING}', true), '') = 'on' THEN
    RAISE NOTICE 'schema_pkg: the deployment record does not match the package (accepted: '
      '{ACCEPT_SETTING} is on): %', array_to_string(problems, ' | ');
    RETURN;
  END IF;
  RAISE EXCEPTION '%', format('schema_pkg: the deployment record does not match the package: '
    '%s%s; nothing was changed; see schema-pkg verify, or run anyway with {OVERRIDE}',
    problems[1], CASE WHEN cardinality(problems) > 1
                      THEN format(' (and %s more)', cardinality(problems) - 1) ELSE '' END);
END
$record$"""


def all_revisions() -> list[str]:
    from schema_pkg.config import revisions_in_order

    return [script.revision for script in revisions_in_order()]


def findings(conn, revision: str | None) -> tuple[list[str], list[str]]:
    """(problems, notes) of a database at ``revision`` (verify's reading of the record)."""
    from sqlalchemy import text

    if revision is None or conn.execute(text(
            "SELECT to_regclass('schema_pkg.history')")).scalar() is None:
        return [], []
    rows = conn.execute(text(findings_sql(all_revisions(), guards.quote(revision)))).all()
    return [line for problem, line in rows if problem], [line for problem, line in rows if not problem]


def refuse_mismatched_record(conn, note=lambda line: None) -> None:
    """Before an online upgrade: :func:`check` on the run's connection (the setting on
    when SCHEMA_PKG_ACCEPT_RECORD=1, i.e. ``schema-pkg upgrade --accept-record``); its
    notes (and an accepted mismatch) go to ``note``, as the files print them."""
    import os

    from alembic.util import CommandError
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from schema_pkg.deploy import first_line

    accept = "on" if os.environ.get(ACCEPT_ENV) == "1" else "off"
    driver = conn.connection.driver_connection

    def notice(diagnostic) -> None:
        line = diagnostic.message_primary or ""
        if line.startswith("schema_pkg: "):
            note(line.removeprefix("schema_pkg: "))

    driver.add_notice_handler(notice)
    try:
        conn.execute(text(f"SELECT set_config('{ACCEPT_SETTING}', '{accept}', false)"))
        conn.execute(text(check(all_revisions())))
        conn.commit()
    except DBAPIError as exc:
        conn.rollback()
        raise CommandError(first_line(exc).removeprefix("schema_pkg: ")) from None
    finally:
        driver.remove_notice_handler(notice)
