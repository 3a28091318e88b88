"""The SQL guards around every revision, as text: one source for both paths.

The online runner executes these statements on its connection; the offline
renderer writes the very same text into the files DBAs run with psql.  So
what the tests exercise online is what a DBA runs by hand.

* :data:`PSQL_PREAMBLE` and :data:`REFUSE_OUTER_TRANSACTION` open every file
  (offline only: psql has no ON_ERROR_STOP by default, and ``psql -1`` wraps
  the file's own BEGIN/COMMIT in an outer transaction that the file's first
  COMMIT ends, so the run would not be atomic).
* :func:`expect_revision` refuses a step when alembic_version is not where the
  step starts, and checks afterwards that recording moved it to exactly the
  new revision (one row, so the UPDATE touched exactly one row).
* :func:`refuse_data_loss` stops a downgrade that would drop tables holding
  rows unless ``schema_pkg.allow_data_loss`` is on.
* :func:`drop_invalid_index` and :data:`NO_INVALID_INDEXES` deal with the
  INVALID index a failed ``CREATE INDEX CONCURRENTLY`` leaves behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schema_pkg.sqlsplit import has_statement, split_statements

# Unqualified names in the revisions mean public: a schema named after the
# connecting user ("$user", first in the default search_path) must not catch them.
SEARCH_PATH = "public, pg_temp"
ALLOW_DATA_LOSS_SETTING = "schema_pkg.allow_data_loss"
STARTED_AT_SETTING = "schema_pkg.started_at"
OUR_SCHEMAS = ("public", "private")

PSQL_PREAMBLE = "\\set ON_ERROR_STOP on"

# Must be the first statement: only before the file's own first BEGIN does
# "inside a transaction block" mean psql -1 (an outer transaction started
# earlier, so the transaction's start differs from this statement's).
REFUSE_OUTER_TRANSACTION = """DO $$
BEGIN
  IF now() <> statement_timestamp() THEN
    RAISE EXCEPTION 'schema_pkg: this file runs its own transactions and CONCURRENTLY '
      'statements; run it with psql -f, without -1/--single-transaction; nothing was changed';
  END IF;
END $$"""

# psql-only: with AUTOCOMMIT off (a psqlrc), psql opens a transaction before the first
# statement, which the refusal above would blame on -1.  Says what it is instead.
REFUSE_AUTOCOMMIT_OFF = """\\if :AUTOCOMMIT
\\else
DO $$
BEGIN
  RAISE EXCEPTION 'schema_pkg: psql has AUTOCOMMIT off (a psqlrc?), but this file runs its own '
    'transactions and CONCURRENTLY statements; run it with psql -X -f, or \\set AUTOCOMMIT on; '
    'nothing was changed';
END $$;
\\endif
"""


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# PL/pgSQL: the recorded revision(s) into ``found`` ('base' without table or row).
READ_FOUND = """  IF to_regclass('public.alembic_version') IS NOT NULL THEN
    SELECT coalesce(string_agg(version_num, ', '), 'base') INTO found FROM public.alembic_version;
  END IF;
"""


def expect_revision(expected: str | None, doing: str, *, after: bool = False) -> str:
    """A DO block that raises unless alembic_version holds exactly ``expected``
    (None: base, i.e. no table or no row)."""
    message = ("schema_pkg: after %, alembic_version should hold exactly % but holds %"
               if after else
               "schema_pkg: % expects the database at % but it is at %; nothing was changed")
    return expect_one_of([expected or "base"], doing, message)


def expect_one_of(revisions: list[str], doing: str, message: str | None = None) -> str:
    """A DO block that raises unless alembic_version holds one of ``revisions``."""
    want = quote(" or ".join(revisions))
    message = message or ("schema_pkg: % expects the database at % but it is at %; "
                          "nothing was changed")
    return f"""DO $$
DECLARE
  found text := 'base';
BEGIN
{READ_FOUND}  IF NOT found = ANY (ARRAY[{", ".join(quote(r) for r in revisions)}]) THEN
    RAISE EXCEPTION '{message}', {quote(doing)}, {want}, found;
  END IF;
END $$"""


def applied_already(revision: str, later: list[str]) -> str:
    """psql-only (a resumable script's wrapper): sets the psql variable
    schema_pkg_applied to whether the database is at ``revision`` or a later one."""
    return f"""DO $applied$
DECLARE
  found text := 'base';
BEGIN
{READ_FOUND}  PERFORM set_config('schema_pkg.applied',
    CASE WHEN found = ANY (ARRAY[{", ".join(quote(r) for r in [revision, *later])}])
         THEN 'true' ELSE 'false' END, false);
END
$applied$;
SELECT current_setting('schema_pkg.applied') AS schema_pkg_applied \\gset
\\if :schema_pkg_applied
\\echo 'schema_pkg: {revision} is already applied; skipped'
\\else"""


START_CLOCK = f"SELECT set_config('{STARTED_AT_SETTING}', clock_timestamp()::text, false)"


def dropped_tables(script) -> tuple[str, ...]:
    """The tables the downgrade of ``script`` (an alembic Script) declares it drops."""
    return tuple(getattr(script.module, "DOWNGRADE_DROPS_TABLES", ()))


def dropped_columns(script) -> tuple[str, ...]:
    """The columns (``schema.table.column``) its downgrade declares it drops."""
    return tuple(getattr(script.module, "DOWNGRADE_DROPS_COLUMNS", ()))


DROP_TABLE = re.compile(r"^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?([\w.\"]+)",
                        re.IGNORECASE | re.MULTILINE)
DROP_COLUMN = re.compile(r"^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?([\w.\"]+)"
                         r"[^;]*?\bDROP\s+COLUMN\s+(?:IF\s+EXISTS\s+)?([\w\"]+)",
                         re.IGNORECASE | re.MULTILINE | re.DOTALL)
DROP_SCHEMA_CASCADE = re.compile(r"^\s*DROP\s+SCHEMA\s+(?:IF\s+EXISTS\s+)?([\w\"]+)\s+CASCADE",
                                 re.IGNORECASE | re.MULTILINE)


def qualified(name: str) -> str:
    name = name.replace('"', "")
    return name if "." in name else f"public.{name}"


def undeclared_drops(statements: str, tables, columns) -> list[str]:
    """Tables and columns the statements drop that the revision does not declare (so the
    data-loss guard would not cover them)."""
    text = without_comments(statements)
    found = [qualified(t) for t in DROP_TABLE.findall(text)]
    found += [f"{qualified(t)}.{c.strip(chr(34))}" for t, c in DROP_COLUMN.findall(text)]
    return [name for name in found if name not in set(tables) | set(columns)]


def refuse_if_full(doing: str) -> str:
    """PL/pgSQL: raise naming ``full_tables`` (text[]) when it is not empty."""
    return f"""  IF cardinality(full_tables) > 0 THEN
    RAISE EXCEPTION 'schema_pkg: % would drop tables holding data: %; '
      'SET {ALLOW_DATA_LOSS_SETTING} = on (or pass --allow-data-loss) to proceed; nothing was changed',
      {quote(doing)}, array_to_string(full_tables, ', ');
  END IF;
"""


def refuse_data_loss(doing: str, tables, columns=()) -> str:
    """A DO block that locks the tables (SHARE: no row can be written until the step's
    transaction ends), then raises when any holds rows (or, for a dropped column, a
    non-NULL value), unless ``SET schema_pkg.allow_data_loss = on`` was run first."""
    listed = ", ".join(quote(name) for name in tables) or "NULL"
    cols = ", ".join(quote(name) for name in columns) or "NULL"
    return f"""DO $$
DECLARE
  t text;
  n bigint;
  held boolean;
  full_tables text[] := '{{}}';
BEGIN
  IF coalesce(current_setting('{ALLOW_DATA_LOSS_SETTING}', true), '') = 'on' THEN
    RETURN;
  END IF;
  FOREACH t IN ARRAY ARRAY[{listed}]::text[] LOOP
    IF t IS NOT NULL AND to_regclass(t) IS NOT NULL THEN
      EXECUTE format('LOCK TABLE %s IN SHARE MODE', t);
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', t) INTO held;
      IF held THEN
        EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 1000) AS r', t) INTO n;
        full_tables := full_tables || format('%s (%s%s rows)', t, n,
                                             CASE WHEN n = 1000 THEN '+' ELSE '' END);
      END IF;
    END IF;
  END LOOP;
  FOREACH t IN ARRAY ARRAY[{cols}]::text[] LOOP
    IF t IS NOT NULL AND to_regclass(regexp_replace(t, '\\.[^.]+$', '')) IS NOT NULL THEN
      EXECUTE format('LOCK TABLE %s IN SHARE MODE', regexp_replace(t, '\\.[^.]+$', ''));
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I IS NOT NULL)',
                     regexp_replace(t, '\\.[^.]+$', ''), regexp_replace(t, '^.*\\.', ''))
        INTO held;
      IF held THEN
        full_tables := full_tables || format('column %s (holds values)', t);
      END IF;
    END IF;
  END LOOP;
{refuse_if_full(doing)}END $$"""


def schemas_dropped_with_cascade(statements: str) -> list[str]:
    return [name.strip('"') for name in DROP_SCHEMA_CASCADE.findall(without_comments(statements))]


# The schema an object of pg_depend belongs to (NULL when the class is not listed:
# such a dependent counts as not ours).
OBJECT_SCHEMA = """CASE d.classid
      WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.objid)
      WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.objid)
      WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.objid)
      WHEN 'pg_constraint'::regclass THEN (SELECT connamespace FROM pg_constraint WHERE oid = d.objid)
      WHEN 'pg_policy'::regclass THEN (SELECT c.relnamespace FROM pg_policy p
                                       JOIN pg_class c ON c.oid = p.polrelid WHERE p.oid = d.objid)
      WHEN 'pg_rewrite'::regclass THEN (SELECT c.relnamespace FROM pg_rewrite r
                                        JOIN pg_class c ON c.oid = r.ev_class WHERE r.oid = d.objid)
      WHEN 'pg_attrdef'::regclass THEN (SELECT c.relnamespace FROM pg_attrdef a
                                        JOIN pg_class c ON c.oid = a.adrelid WHERE a.oid = d.objid)
      WHEN 'pg_trigger'::regclass THEN (SELECT c.relnamespace FROM pg_trigger t
                                        JOIN pg_class c ON c.oid = t.tgrelid WHERE t.oid = d.objid)
    END"""


# The table an object of pg_depend belongs to, if any.
OBJECT_TABLE = """CASE d.classid
      WHEN 'pg_class'::regclass THEN d.objid
      WHEN 'pg_constraint'::regclass THEN (SELECT conrelid FROM pg_constraint WHERE oid = d.objid)
      WHEN 'pg_policy'::regclass THEN (SELECT polrelid FROM pg_policy WHERE oid = d.objid)
      WHEN 'pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_rewrite WHERE oid = d.objid)
      WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef WHERE oid = d.objid)
      WHEN 'pg_trigger'::regclass THEN (SELECT tgrelid FROM pg_trigger WHERE oid = d.objid)
    END"""


def refuse_schema_drop(doing: str, schema: str, marker: str | None,
                       dropped_before=()) -> str:
    """Before ``DROP SCHEMA <schema> CASCADE`` (when the schema is ours: it carries
    ``marker`` as its comment): refuse when anything outside the schema depends on it
    (CASCADE would drop it), or, unless data loss is allowed, when its tables hold rows.
    ``dropped_before``: our tables that earlier steps of the same run drop first (their
    policies and constraints are ours, not collateral)."""
    ours = (f"obj_description(to_regnamespace({quote(schema)}), 'pg_namespace') = {quote(marker)}"
            if marker else "true")
    ours_first = ", ".join(f"to_regclass({quote(t)})" for t in dropped_before) or "NULL"
    return f"""DO $schema_drop$
DECLARE
  dependents text;
  t regclass;
  held boolean;
  full_tables text[] := '{{}}';
BEGIN
  IF to_regnamespace({quote(schema)}) IS NULL OR NOT coalesce({ours}, false) THEN
    RETURN;  -- not ours: the revision leaves it untouched
  END IF;
  SELECT string_agg(DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid), '; ')
    INTO dependents
    FROM pg_depend d
   WHERE d.deptype IN ('n', 'a')
     AND (d.refclassid, d.refobjid) IN (
           SELECT 'pg_namespace'::regclass, to_regnamespace({quote(schema)})::oid
           UNION ALL
           SELECT m.classid, m.objid FROM pg_depend m
            WHERE m.refclassid = 'pg_namespace'::regclass
              AND m.refobjid = to_regnamespace({quote(schema)}) AND m.deptype = 'n')
     AND {OBJECT_SCHEMA} IS DISTINCT FROM to_regnamespace({quote(schema)})::oid
     AND coalesce({OBJECT_TABLE} <> ALL (ARRAY[{ours_first}]::regclass[]::oid[]), true);
  IF dependents IS NOT NULL THEN
    RAISE EXCEPTION 'schema_pkg: % would drop schema % with CASCADE, and objects that are not '
      'ours depend on it: %; drop or change them first; nothing was changed',
      {quote(doing)}, {quote(schema)}, dependents;
  END IF;
  IF coalesce(current_setting('{ALLOW_DATA_LOSS_SETTING}', true), '') = 'on' THEN
    RETURN;
  END IF;
  FOR t IN SELECT c.oid::regclass FROM pg_class c
            WHERE c.relnamespace = to_regnamespace({quote(schema)}) AND c.relkind IN ('r', 'p')
  LOOP
    EXECUTE format('LOCK TABLE %s IN SHARE MODE', t);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', t) INTO held;
    IF held THEN
      full_tables := full_tables || t::text;
    END IF;
  END LOOP;
{refuse_if_full(doing)}END
$schema_drop$"""


def downgrade_guards(script, statements: str, dropped_before=()) -> list[str]:
    """The data-loss and collateral-damage guards a downgrade of ``script`` runs first
    (``dropped_before``: tables that earlier steps of the run drop first)."""
    doing = f"downgrade {script.revision}"
    out = []
    if dropped_tables(script) or dropped_columns(script):
        out.append(refuse_data_loss(doing, dropped_tables(script), dropped_columns(script)))
    for schema in schemas_dropped_with_cascade(statements):
        out.append(refuse_schema_drop(doing, schema, getattr(script.module, "MARKER", None),
                                      dropped_before))
    return out


CONCURRENT_INDEX = re.compile(
    r"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"(?P<name>[\w\"]+)\s+ON\s+(?:ONLY\s+)?(?P<table>[\w.\"]+)",
    re.IGNORECASE | re.MULTILINE,
)
CONCURRENT_STATEMENT = re.compile(r"^\s*(CREATE|DROP|REINDEX)\b[^;]*\bCONCURRENTLY\b",
                                  re.IGNORECASE | re.MULTILINE)
COMMENT = re.compile(r"--[^\n]*")


def without_comments(statements: str) -> str:
    """The statements with their ``--`` comments removed (none of ours holds ``--``
    inside a string)."""
    return COMMENT.sub("", statements)


def built_concurrently(statements: str) -> list[str]:
    """The indexes the statements build CONCURRENTLY, by name (comments never count)."""
    return [match["name"].strip('"')
            for match in CONCURRENT_INDEX.finditer(without_comments(statements))]


def runs_concurrently(statements: str) -> bool:
    """Whether any statement (never a comment) is a CONCURRENTLY one."""
    return CONCURRENT_STATEMENT.search(without_comments(statements)) is not None


def drop_invalid_index(name: str, table: str) -> str:
    """A query yielding ``DROP INDEX CONCURRENTLY ...`` for an INVALID index of that
    name on that table (psql runs its rows with \\gexec; online we run them)."""
    return (
        "SELECT format('DROP INDEX CONCURRENTLY %s', i.indexrelid::regclass) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        f"WHERE NOT i.indisvalid AND c.relname = {quote(name.strip(chr(34)))} "
        f"AND i.indrelid = to_regclass({quote(table)})"
    )


# psql-only: a CONCURRENTLY statement waits for older transactions, and
# lock_timeout would cut that wait; the file's own lock_timeout comes back after.
NO_LOCK_TIMEOUT = "SET lock_timeout = 0;"
FILE_LOCK_TIMEOUT = "SET lock_timeout = :'lock_timeout';"


def for_psql(statements: str) -> str:
    """The rendered statements as a file runs them: before each CREATE INDEX
    CONCURRENTLY a \\gexec that drops an INVALID index of the same name (never a
    valid one), and every CONCURRENTLY statement with lock_timeout 0."""
    out = []
    inside = False
    for line in statements.splitlines():
        match = CONCURRENT_INDEX.match(line)
        if match:
            out.append(f"-- Drop an INVALID {match['name']} left by a failed build, if any.")
            out.append(drop_invalid_index(match["name"], match["table"]))
            out.append("\\gexec\n")
        if CONCURRENT_STATEMENT.match(line):
            out.append(NO_LOCK_TIMEOUT)
            inside = True
        out.append(line)
        if inside and line.rstrip().endswith(";"):
            out.append(FILE_LOCK_TIMEOUT)
            inside = False
    return "\n".join(out)


def no_invalid_indexes(names: list[str]) -> str:
    """A DO block that raises when an index the step built (by name, in our schemas)
    is INVALID; anybody else's INVALID index is not ours to judge (advise lists them)."""
    listed = ", ".join(quote(name) for name in names)
    return f"""DO $$
DECLARE
  bad text;
BEGIN
  SELECT string_agg(i.indexrelid::regclass::text, ', ') INTO bad
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE NOT i.indisvalid AND n.nspname IN ({", ".join(quote(s) for s in OUR_SCHEMAS)})
     AND c.relname IN ({listed});
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'schema_pkg: INVALID indexes remain: %; rerun this step', bad;
  END IF;
END $$"""


# psql-only lines: defaults for the variables a file reads (psql -v NAME=VALUE
# overrides each), then the session settings made from them.
PSQL_VARIABLES = ("lock_timeout", "statement_timeout", "concurrent_prewait",
                  "migration_lock_wait")


# psql -v accept_record=on: run an upgrade file even when the deployment record does not
# match the package (schema_pkg.recordcheck; online: schema-pkg upgrade --accept-record).
ACCEPT_RECORD = ("accept_record", "off")
ACCEPT_RECORD_SETTING = "schema_pkg.accept_record"


def psql_variables(timeouts) -> str:
    lines = ["-- Defaults; override any with psql -v NAME=VALUE (seconds for the waits)."]
    values = [(name, getattr(timeouts, name)) for name in PSQL_VARIABLES] + [ACCEPT_RECORD]
    for name, value in values:
        value = f"{value:g}" if isinstance(value, float) else value
        lines += [f"\\if :{{?{name}}}", "\\else", f"  \\set {name} {value}", "\\endif"]
    return "\n".join(lines)


def psql_session_settings() -> str:
    return "\n".join(["SET lock_timeout = :'lock_timeout';",
                      "SET statement_timeout = :'statement_timeout';",
                      "SET schema_pkg.concurrent_prewait = :'concurrent_prewait';",
                      "SET schema_pkg.migration_lock_wait = :'migration_lock_wait';",
                      f"SET {ACCEPT_RECORD_SETTING} = :'accept_record';",
                      ""])


@dataclass(frozen=True)
class Part:
    """A part of a revision's statements that commits on its own: a transaction (the
    statements outside alembic's autocommit blocks, which the rendered text brackets
    with COMMIT; ... BEGIN;) or one statement inside an autocommit block."""

    transaction: bool
    text: str

    @property
    def name(self) -> str:
        statements = [p for p in split_statements(self.text) if has_statement(p)]
        first = without_comments(statements[0]).strip()
        if not self.transaction:
            return brief(first)
        return (f"a transaction of {len(statements)} statement(s) starting "
                f"{brief(first.splitlines()[0], 50)}")


def parts_of(statements: str) -> list[Part]:
    """The parts of a revision's rendered statements that commit on their own, in order
    (a transaction without statements is no part)."""
    parts: list[Part] = []
    block: list[str] = []
    autocommit = False

    def close_transaction() -> None:
        if any(has_statement(piece) for piece in block):
            parts.append(Part(True, "".join(block)))
        block.clear()

    for piece in split_statements(statements):
        word = without_comments(piece).strip().upper()
        if word == "COMMIT;":
            close_transaction()
            autocommit = True
        elif word == "BEGIN;":
            autocommit = False
        elif autocommit and has_statement(piece):
            parts.append(Part(False, piece))
        elif not autocommit:
            block.append(piece)
    close_transaction()
    return parts


def committed_parts(statements: str) -> list[str]:
    """The names of the parts that commit on their own, in order."""
    return [part.name for part in parts_of(statements)]


def brief(line: str, width: int = 90) -> str:
    text = " ".join(line.split()).rstrip(";")
    return text if len(text) <= width else text[: width - 1] + "…"
