"""Steps: the parts of a revision that commit on their own, each with its history row.

A revision in one transaction is one step, and the revision's row in
``schema_pkg.history`` is that step's row.  A revision whose parts commit on their
own (:func:`schema_pkg.guards.parts_of`: each statement of an alembic autocommit
block, each transaction around them; 0008 and 0009) also gets one row per part,
``step`` 1..n with its ``step_name``: 'started' (committed) before the part runs,
then 'completed', or 'failed' with the error.  A rerun, online or by file, skips a
step that an unfinished attempt completed with the same statements (checksum) while
the database has not moved since (no revision completed after that attempt began),
and resumes at the first unfinished one.

The SQL here is one text for both paths: the online run executes it, the files
carry it (:mod:`schema_pkg.psqlsteps` adds only psql's own lines around it).
"""

from __future__ import annotations

from schema_pkg import guards

SCHEMA = "schema_pkg"
STEP_SETTING = "schema_pkg.step_attempt"

# The step columns, in a statement of their own (a record from before steps has
# NULLs there: every such row is a revision's row).
STEP_COLUMNS = {"step": "integer", "step_name": "text"}
ADD_STEP_COLUMNS = f"""DO $step_columns$
BEGIN
  IF (SELECT count(*) FROM pg_attribute WHERE attrelid = '{SCHEMA}.history'::regclass
        AND NOT attisdropped AND attname IN ({", ".join(guards.quote(c) for c in STEP_COLUMNS)}))
     < {len(STEP_COLUMNS)} THEN
    ALTER TABLE {SCHEMA}.history
      {("," + chr(10) + "      ").join(f"ADD COLUMN IF NOT EXISTS {name} {kind}"
                                       for name, kind in STEP_COLUMNS.items())};
  END IF;
END
$step_columns$"""


def since_last_move(alias: str) -> str:
    """SQL: no revision completed (up, down or adopted) after row ``alias``, so the
    database has not moved since it was written."""
    return (f"NOT EXISTS (SELECT 1 FROM {SCHEMA}.history AS later WHERE later.id > {alias}.id "
            "AND later.step IS NULL AND later.status = 'completed')")


def completed_steps(revision: str, direction: str, digest: str) -> str:
    """SQL: the steps of this revision and direction that an unfinished attempt (its own
    row, the latest before the step's, not completed) completed with the same statements
    (checksum), when the database has not moved since that attempt started."""
    return (f"SELECT DISTINCT s.step FROM {SCHEMA}.history AS s "
            f"CROSS JOIN LATERAL (SELECT a.id, a.status FROM {SCHEMA}.history AS a "
            "WHERE a.revision = s.revision AND a.direction = s.direction AND a.step IS NULL "
            "AND a.id < s.id ORDER BY a.id DESC LIMIT 1) AS attempt "
            f"WHERE s.revision = {guards.quote(revision)} AND s.direction = {guards.quote(direction)} "
            f"AND s.step IS NOT NULL AND s.status = 'completed' AND s.checksum = {guards.quote(digest)} "
            f"AND attempt.status <> 'completed' AND {since_last_move('attempt')}")


def completed_list(revision: str, direction: str, digest: str) -> str:
    """SQL (text): the numbers of :func:`completed_steps`, '1, 2, 3'; NULL when none."""
    return (f"(SELECT string_agg(step::text, ', ' ORDER BY step) FROM "
            f"({completed_steps(revision, direction, digest)}) AS c)")


def done(revision: str, direction: str, digest: str, step: int) -> str:
    """SQL (a boolean): step ``step`` completed since the database last moved."""
    return (f"EXISTS (SELECT 1 FROM ({completed_steps(revision, direction, digest)}) AS c "
            f"WHERE c.step = {step})")


def insert_keeping_id(values: dict[str, str], setting: str, tag: str) -> str:
    """A DO block inserting a history row of ``values`` (column -> SQL expression) and
    keeping its id in the session setting ``setting``, for the UPDATE that ends it."""
    return f"""DO ${tag}$
DECLARE
  attempt bigint;
BEGIN
  INSERT INTO {SCHEMA}.history ({', '.join(values)})
  VALUES ({', '.join(values.values())})
  RETURNING id INTO attempt;
  PERFORM set_config('{setting}', attempt::text, false);
END
${tag}$"""


def start(values: dict[str, str], step: int, name: str) -> str:
    """The step's row, 'started' now; its id kept in the session for :data:`COMPLETE`.
    ``values``: the revision's row values (:func:`schema_pkg.history.row_values`)."""
    values = {**values, "started_at": "clock_timestamp()", "status": "'started'",
              "step": str(step), "step_name": guards.quote(name)}
    return insert_keeping_id(values, STEP_SETTING, "step")


def end_row(setting: str, status: str, error: str | None = None) -> str:
    """SQL: the history row whose id the session keeps in ``setting`` (see
    :func:`insert_keeping_id`) ends with ``status`` (and ``error``, an SQL expression)."""
    error_set = f", error = {error}" if error is not None else ""
    return (f"UPDATE {SCHEMA}.history SET status = '{status}'{error_set}, "
            f"duration = clock_timestamp() - started_at "
            f"WHERE id = current_setting('{setting}')::bigint")


COMPLETE = end_row(STEP_SETTING, "completed")


def listed(numbers: list[int]) -> str:
    """'step 2', 'steps 1-4' (from the first, none missing) or 'steps 1, 3, 4'."""
    if len(numbers) == 1:
        return f"step {numbers[0]}"
    if numbers == list(range(1, len(numbers) + 1)):
        return f"steps 1-{numbers[-1]}"
    return "steps " + ", ".join(map(str, numbers))


def skipped(doing: str, step: int, count: int, name: str) -> str:
    return f"schema_pkg: {doing} step {step} of {count} ({name}) completed in an earlier run; skipped"


def applied_by_earlier_runs(revision: str, direction: str, digest: str, count: int) -> str:
    """SQL (text): what a run that stops before its first step leaves applied of the
    revision: nothing, or the steps an earlier run completed, which stay."""
    return (f"coalesce('steps ' || {completed_list(revision, direction, digest)} || ' of {count} "
            f"stay applied from an earlier run; nothing more of {revision} was applied', "
            f"'nothing of {revision} was applied')")


def what_is_applied(revision: str, direction: str, digest: str, count: int) -> str:
    """PL/pgSQL expression: which of the ``count`` steps are applied now."""
    if count == 1:
        return guards.quote("its one transaction rolled back, so nothing of it was applied")
    return (f"coalesce('steps ' || {completed_list(revision, direction, digest)} "
            f"|| ' of {count} completed and stay applied; this run skips them and resumes at the "
            f"first unfinished one', 'none of its {count} steps completed; this run starts at step 1')")
