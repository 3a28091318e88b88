"""The fingerprint of a step: what the catalog looks like, where the step touched it.

After each step, online and in the files alike, the database computes one map
(object -> md5) over the objects the step's statements name, in schemas public
and private, and stores it in the step's schema_pkg.history row:

* ``table s.t``: columns (name, type, default, attnotnull), the RLS flags and
  constraints by definition, NOT NULL constraint rows left out (PostgreSQL 18
  adds them);
* ``index s.i``: its definition (and INVALID when it is);  ``type s.e``: an enum's labels in order;
  ``policy s.t.p``: command, permissive, roles, USING and WITH CHECK;
  ``function s.f(args)``: pg_get_functiondef;
* ``privilege <object> <grantee> <privilege>``: only the privileges the step's
  own GRANT/REVOKE statements set (``granted`` or ``absent`` in the object's ACL,
  whoever the grantor): privileges a step did not set differ by world (Supabase's
  default privileges, MAINTAIN on 17) and are not the step's to answer for;
  ``ON ALL TABLES IN SCHEMA`` counts only our tables (:func:`our_tables`);
* ``privilege columns s.t <grantee> <privilege>`` (format 2): the columns holding
  that privilege at column level, for each column list a GRANT/REVOKE names and
  each table-level REVOKE of a privilege columns can hold (it clears them too).

Owners and grantors are left out, so the map is the same wherever the schema is.
What it cannot see: objects a step changes without naming them in a plain
statement (inside DO blocks: 0001's bootstrap, 0009's MAINTAIN and downgrade
restores), objects outside public and private (auth), comments, ownership,
statistics and data.  Each row also records server_version_num.

**Format.**  Each row records the fingerprint :data:`FORMAT` it was computed in
(``fingerprint_format``; rows without one are format 1, written before formats
were numbered).  Any change to what the SQL below sees is a new format: only rows
of the current format are compared (:mod:`schema_pkg.recordcheck`); a row of any
other format is noted, never refused.  docs/fingerprints.md says what each format
covers and what none can see.

The packaged expected maps (:func:`expected`) are each revision's ``fingerprint`` in
versions/manifest.json, beside its checksums: one manifest, one integrity design
(:mod:`schema_pkg.manifest`).  ``make fingerprints`` (part of ``make regen``) writes
them; a released revision's fingerprint, once written, never changes.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache

from schema_pkg import guards

SCHEMAS = ("public", "private")
API_ROLES = ("anon", "authenticated", "service_role")
NAME = re.compile(r"[A-Za-z_][\w$]*")

# What the fingerprint SQL sees, numbered: 1 (unnumbered, before column privileges),
# 2 (column privileges).  Bump it with any change to fingerprint_sql or the rows it
# builds; `make regen` then adds the new format's maps to every manifest entry.
FORMAT = 2
LEGACY_FORMAT = 1  # a row with a fingerprint but no fingerprint_format

GRANT_OR_REVOKE = re.compile(
    r"^\s*(?P<verb>GRANT|REVOKE)\s+(?P<privs>[\w ,()]+?)\s+ON\s+(?P<objects>[^;]+?)\s+"
    r"(?:TO|FROM)\s+(?P<roles>[\w ,]+?)\s*;", re.IGNORECASE | re.MULTILINE)
CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.\"]+)",
                          re.IGNORECASE | re.MULTILINE)
DO_BLOCK = re.compile(r"^DO\s+(\$\w*\$).*?\1", re.MULTILINE | re.DOTALL)
ALL_PRIVILEGES = {"function": ["EXECUTE"], "schema": ["USAGE", "CREATE"],
                  "table": ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES",
                            "TRIGGER"]}
COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "REFERENCES")


def plain_statements(statements: str) -> str:
    """The statements without comments and DO blocks (whose effect no regex can see)."""
    return DO_BLOCK.sub("", guards.without_comments(statements))


@cache
def our_tables(revision: str) -> tuple[str, ...]:
    """The names of the tables the revisions up to ``revision`` create, and alembic's
    alembic_version: a GRANT/REVOKE ON ALL TABLES IN SCHEMA is fingerprinted on these only
    (an application's own tables in public are not ours to answer for)."""
    from schema_pkg.history import packaged_statements

    names = {"alembic_version"}
    for (each, _), text in packaged_statements().of("upgrade").items():
        names |= {name.split(".")[-1].strip('"') for name in CREATE_TABLE.findall(plain_statements(text))}
        if each == revision:
            break
    return tuple(sorted(names))


def split_list(objects: str) -> list[str]:
    """'f(uuid, text), g()' -> ['f(uuid, text)', 'g()']: commas outside parentheses."""
    items, depth, current = [], 0, ""
    for char in objects:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    return items + [current.strip()]


def objects_named(objects: str) -> list[tuple[str, str]]:
    """(kind, name) of each object an ON clause lists: FUNCTION f(..), g(..); SCHEMA s;
    ALL TABLES IN SCHEMA s; [TABLE] t, u."""
    target = " ".join(objects.split())
    upper = target.upper()
    if upper.startswith("ALL TABLES IN SCHEMA "):
        return [("tables", target.split()[-1])]
    for kind, keyword in (("function", "FUNCTION "), ("schema", "SCHEMA "), ("table", "TABLE ")):
        if upper.startswith(keyword):
            return [(kind, name) for name in split_list(target[len(keyword):])]
    return [("table", name) for name in split_list(target)]


def privileges_set(statements: str) -> list[tuple[str, str, str, str]]:
    """(kind, object, grantee, privilege) for each privilege a plain GRANT/REVOKE sets.
    A column list (``GRANT UPDATE (role) ON t``) sets kind ``columns`` of t; a
    table-level REVOKE sets the table's and, for privileges columns can hold, its
    columns' (kind ``columns``, or ``all columns`` for ALL TABLES IN SCHEMA)."""
    triples = []
    for match in GRANT_OR_REVOKE.finditer(plain_statements(statements)):
        roles = [r.strip() for r in match["roles"].split(",")]
        revoke = match["verb"].upper() == "REVOKE"
        for item in split_list(match["privs"]):
            privilege, _, columns = item.partition("(")
            privilege = " ".join(privilege.split()).upper()
            for kind, name in objects_named(match["objects"]):
                triples += [(set_kind, name, role, set_privilege) for role in roles
                            for set_kind, set_privilege
                            in privileges_granted(kind, privilege, bool(columns), revoke)]
    return sorted(set(triples))


def privileges_granted(kind: str, privilege: str, columns: bool,
                       revoke: bool) -> list[tuple[str, str]]:
    """What one privilege of a GRANT/REVOKE on one object sets, as (kind, privilege)."""
    if columns:
        return [("columns", privilege)] if kind == "table" else []
    granted = [privilege]
    if privilege in ("ALL", "ALL PRIVILEGES"):
        granted = ALL_PRIVILEGES["table" if kind == "tables" else kind]
    if revoke and kind in ("table", "tables"):
        column_kind = "columns" if kind == "table" else "all columns"
        return [(kind, p) for p in granted] + [(column_kind, p) for p in granted
                                               if p in COLUMN_PRIVILEGES]
    return [(kind, p) for p in granted]


def touched_names(statements: str) -> list[str]:
    """Every identifier the plain statements name (a superset of the objects they touch)."""
    text = plain_statements(statements)
    return sorted({word.lower() for word in NAME.findall(text)}
                  | {quoted for quoted in re.findall(r'"([^"]+)"', text)})


@lru_cache(maxsize=64)
def fingerprint_sql(statements: str, revision: str) -> str:
    """A query returning the map of a step of ``revision`` as jsonb (one text for both
    paths; built once per step and process)."""
    names = ", ".join(guards.quote(n) for n in touched_names(statements)) or "NULL"
    schemas = ", ".join(guards.quote(s) for s in SCHEMAS)
    privileges = "\n      UNION ALL ".join(privilege_rows(privileges_set(statements),
                                                         our_tables(revision)))
    privileges = f"\n      UNION ALL {privileges}" if privileges else ""
    return f"""SELECT coalesce(jsonb_object_agg(k, md5(v)), '{{}}'::jsonb) FROM (
      SELECT 'table ' || n.nspname || '.' || c.relname AS k,
             concat_ws(' | ', c.relrowsecurity, c.relforcerowsecurity,
               (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                  || ' ' || a.attnotnull || ' '
                                  || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ', '
                                  ORDER BY a.attnum)
                  FROM pg_attribute a LEFT JOIN pg_attrdef d
                    ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
               (SELECT string_agg(x.conname || ' ' || pg_get_constraintdef(x.oid), ', '
                                  ORDER BY x.conname)
                  FROM pg_constraint x WHERE x.conrelid = c.oid AND x.contype <> 'n')) AS v
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND n.nspname IN ({schemas})
         AND c.relname = ANY (ARRAY[{names}]::text[])
      UNION ALL
      SELECT 'index ' || n.nspname || '.' || c.relname,
             pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indexrelid = c.oid
       WHERE c.relkind = 'i' AND n.nspname IN ({schemas})
         AND c.relname = ANY (ARRAY[{names}]::text[])
      UNION ALL
      SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname,
             concat_ws(' | ', p.polcmd, p.polpermissive,
               (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ','
                                  ORDER BY 1) FROM unnest(p.polroles) AS r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ({schemas}) AND p.polname = ANY (ARRAY[{names}]::text[])
      UNION ALL
      SELECT 'type ' || n.nspname || '.' || t.typname,
             (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype = 'e' AND n.nspname IN ({schemas})
         AND t.typname = ANY (ARRAY[{names}]::text[])
      UNION ALL
      SELECT 'function ' || n.nspname || '.' || p.proname || '('
               || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname IN ({schemas}) AND p.prokind = 'f'
         AND p.proname = ANY (ARRAY[{names}]::text[]){privileges}
    ) AS object"""


# The privilege rows, one query branch per kind of object: the branch's VALUES list
# the (object, ' <grantee> <privilege>', grantee oid, privilege) its statements set, and
# the branch reads each object's ACL once per row.  (One UNION branch per privilege took
# 0010's 612 branches 0.4 s to plan and run after every upgrade to head.)
PRIVILEGE_OBJECTS = {  # kind -> how its rows find their objects (w.object)
    "function": "JOIN pg_proc p ON p.oid = to_regprocedure(w.object)",
    "schema": "JOIN pg_namespace n ON n.nspname = w.object",
    "table": ("JOIN pg_class c ON c.oid = to_regclass(w.object)\n"
              "        JOIN pg_namespace n ON n.oid = c.relnamespace"),
    "tables": ("JOIN pg_namespace n ON n.nspname = w.object\n"
               "        JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p')\n"
               "         AND c.relname = ANY (ARRAY[{ours}])"),
}
PRIVILEGE_OBJECTS["columns"] = PRIVILEGE_OBJECTS["table"]
PRIVILEGE_OBJECTS["all columns"] = PRIVILEGE_OBJECTS["tables"]
HELD = ("EXISTS (SELECT 1 FROM aclexplode({acl}) e\n"
        "                      WHERE e.grantee = w.grantee AND e.privilege_type = w.privilege)")


def granted_or_absent(acl: str) -> str:
    """Whether the row's grantee holds the row's privilege in ``acl``."""
    return f"CASE WHEN {HELD.format(acl=acl)} THEN 'granted' ELSE 'absent' END"


PRIVILEGE_VALUES = {  # kind -> (the row's key before the label, its value)
    "function": ("'privilege function ' || p.oid::regprocedure::text",
                 granted_or_absent("coalesce(p.proacl, acldefault('f', p.proowner))")),
    "schema": ("'privilege schema ' || n.nspname",
               granted_or_absent("coalesce(n.nspacl, acldefault('n', n.nspowner))")),
    "table": ("'privilege table ' || n.nspname || '.' || c.relname",
              granted_or_absent("coalesce(c.relacl, acldefault('r', c.relowner))")),
    "columns": ("'privilege columns ' || n.nspname || '.' || c.relname",
                "coalesce((SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a\n"
                "                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped\n"
                "                   AND " + HELD.format(acl="a.attacl") + "), 'none')"),
}
PRIVILEGE_VALUES["tables"] = PRIVILEGE_VALUES["table"]
PRIVILEGE_VALUES["all columns"] = PRIVILEGE_VALUES["columns"]


def privilege_rows(triples: list[tuple[str, str, str, str]], ours: tuple[str, ...]) -> list[str]:
    """One branch per kind of object: 'privilege <object> <role> <privilege>' -> granted or
    absent ('privilege columns <table> <role> <privilege>' -> the columns holding it, or
    none), for each (kind, object, role, privilege) of ``triples``."""
    branches = []
    for kind in PRIVILEGE_OBJECTS:
        rows = [privilege_value_row(k, name, role, privilege)
                for k, name, role, privilege in triples if k == kind]
        if not rows:
            continue
        key, value = PRIVILEGE_VALUES[kind]
        found = PRIVILEGE_OBJECTS[kind].format(ours=", ".join(guards.quote(t) for t in ours))
        values = ",\n               ".join(rows)
        branches.append(f"SELECT {key} || w.label,\n             {value}\n"
                        f"        FROM (VALUES {values})\n"
                        "          AS w(object, label, grantee, privilege)\n"
                        f"        {found}\n       WHERE w.grantee IS NOT NULL")
    return branches


def privilege_value_row(kind: str, name: str, role: str, privilege: str) -> str:
    """A VALUES row: (object, ' <grantee> <privilege>', grantee oid, privilege)."""
    public = role.upper() == "PUBLIC"
    grantee = "0::oid" if public else f"to_regrole({guards.quote(role)})::oid"
    label = guards.quote(f" {role.lower() if public else role} {privilege}")
    if kind == "function":
        name = name if "." in name else f"public.{name}"
    elif kind in ("table", "columns"):
        name = guards.qualified(name)
    return f"({guards.quote(name)}, {label}, {grantee}, {guards.quote(privilege)})"


def progress_sql(revision: str, direction: str, statements: str) -> str | None:
    """A query yielding one line: how many of the objects the step names are already
    as it leaves them, and which are not yet (None without a packaged map)."""
    wanted = expected(revision, direction)
    if wanted is None:
        return None
    return f"""WITH m AS (SELECT ({fingerprint_sql(statements, revision)}) AS live,
                  {guards.quote(json.dumps(wanted, sort_keys=True))}::jsonb AS want),
         k AS (SELECT jsonb_object_keys(live) AS k FROM m
               UNION SELECT jsonb_object_keys(want) FROM m)
    SELECT format('%s of the %s objects it names are already as it leaves them%s',
                  count(*) FILTER (WHERE m.live -> k.k IS NOT DISTINCT FROM m.want -> k.k),
                  count(*),
                  coalesce('; not yet: ' || string_agg(k.k, ', ' ORDER BY k.k)
                    FILTER (WHERE m.live -> k.k IS DISTINCT FROM m.want -> k.k), ''))
      FROM m, k"""


def record(statements: str, revision: str) -> str:
    """The update that stores the fingerprint in the attempt's history row."""
    from schema_pkg.history import ATTEMPT_SETTING, SCHEMA

    return (f"UPDATE {SCHEMA}.history SET fingerprint = ({fingerprint_sql(statements, revision)}), "
            f"fingerprint_format = {FORMAT} "
            f"WHERE id = current_setting('{ATTEMPT_SETTING}')::bigint")


# A manifest entry's maps by format: {"fingerprints": {"2": {"upgrade": {...}, ...}}};
# "fingerprint" holds format 1's, in the released entries written before formats were.
MANIFEST_KEY = "fingerprints"
LEGACY_MANIFEST_KEY = "fingerprint"


@lru_cache(maxsize=1)
def packaged() -> dict:
    """The expected maps of the current :data:`FORMAT` shipped with the revisions, read
    from each revision's entry in versions/manifest.json (one manifest for checksums
    and fingerprints): {"0007 upgrade": {object: md5}}."""
    from schema_pkg import manifest

    return {f"{revision} {direction}": fingerprint
            for revision, entry in manifest.load()["revisions"].items()
            for direction, fingerprint
            in entry.get(MANIFEST_KEY, {}).get(str(FORMAT), {}).items()}


def expected(revision: str, direction: str) -> dict | None:
    """The packaged map of a step, or None when the package has none for it."""
    return packaged().get(f"{revision} {direction}")


def differing(recorded: dict, wanted: dict) -> list[str]:
    """The objects whose fingerprint differs, is missing or is extra."""
    return sorted(key for key in recorded.keys() | wanted.keys()
                  if recorded.get(key) != wanted.get(key))


def object_name(key: str) -> str:
    """The name a key's object goes by in statements: 'policy public.t.p' -> 'p',
    'function public.f(uuid)' -> 'f', 'privilege table public.t anon SELECT' -> 't'."""
    kind, rest = key.split(" ", 1)
    if kind == "privilege":
        rest = rest.split(" ", 1)[1].rsplit(" ", 2)[0]
    rest = rest.split("(", 1)[0]
    if kind == "policy":
        return rest.split(".", 2)[2]
    return rest.rsplit(".", 1)[-1].lower()


def last_set(chain: list[str], statements: dict) -> dict[str, tuple[str, str | None]]:
    """For every object a packaged map knows: the last revision in ``chain`` whose
    statements name it, and what that revision left (None: no such object)."""
    owner: dict[str, tuple[str, str | None]] = {}
    for revision in chain:
        wanted = expected(revision, "upgrade") or {}
        names = set(touched_names(statements[(revision, "upgrade")]))
        for key in owner.keys() | wanted.keys():
            # a privilege belongs to the revision that set exactly it; any other
            # object to the last revision that names it (and may have dropped it)
            named = not key.startswith("privilege ") and object_name(key) in names
            if named or key in wanted:
                owner[key] = (revision, wanted.get(key))
    return owner


def live_differences(conn, chain: list[str], statements: dict) -> list[str]:
    """Objects whose state now differs from what the last applied revision that named
    them left (a hand-made change since), by the same fingerprint SQL."""
    from sqlalchemy import text

    owner = last_set(chain, statements)
    problems = []
    for revision in chain:
        mine = {key: value for key, (rev, value) in owner.items() if rev == revision}
        if not mine:
            continue
        live = conn.execute(text(fingerprint_sql(statements[(revision, "upgrade")],
                                                 revision))).scalar()
        problems += [f"{key} (last set by revision {revision}) "
                     + ("is gone" if live.get(key) is None else
                        "exists" if value is None else "differs")
                     for key, value in sorted(mine.items()) if live.get(key) != value]
    return problems


def recorded_maps(url, migrate, connection, text) -> dict:
    """Each step's fingerprint, as a run base -> head -> base records it."""
    migrate(url, "head")
    migrate(url, "base", downgrade=True)
    with connection(url) as conn:
        rows = conn.execute(text("SELECT revision, direction, fingerprint FROM "
                                 "schema_pkg.history WHERE status = 'completed' AND step IS NULL "
                                 "ORDER BY id"))
        return {f"{revision} {direction}": value for revision, direction, value in rows}


def record_problems(conn, revision: str | None) -> tuple[list[str], list[str]]:
    """What the deployment record says against the package at ``revision``: revisions
    whose recorded fingerprint of the current format is not the packaged one and objects
    changed by hand since the revision that last set them (problems); rows recorded
    before fingerprints existed or in another format (notes: schema_pkg.recordcheck)."""
    from schema_pkg.history import packaged_statements
    from schema_pkg.recordcheck import all_revisions, findings

    problems, notes = findings(conn, revision)
    order = all_revisions()
    chain = order[: order.index(revision) + 1] if revision in order else []
    if chain:
        problems += [f"hand-made change: {line}"
                     for line in live_differences(conn, chain, packaged_statements())]
    return problems, notes


def with_fingerprints(current: dict, maps: dict) -> dict:
    """The manifest with each revision's recorded maps as its fingerprints of the current
    :data:`FORMAT`: an unreleased entry is rewritten (older formats' maps dropped: no
    deployment compares them), a released entry only gains the current format's maps
    when it lacks them and never changes the maps it has, of any format."""
    from schema_pkg import manifest

    released = set(manifest.released(current))
    revisions = {}
    for revision, entry in current["revisions"].items():
        found = {d: maps[f"{revision} {d}"] for d in manifest.DIRECTIONS if f"{revision} {d}" in maps}
        formats = entry.get(MANIFEST_KEY, {})
        if found and revision not in released:
            entry = {key: value for key, value in entry.items() if key != LEGACY_MANIFEST_KEY}
            entry[MANIFEST_KEY] = {str(FORMAT): found}
        elif found and str(FORMAT) not in formats:
            entry = {**entry, MANIFEST_KEY: {**formats, str(FORMAT): found}}
        revisions[revision] = entry
    return {**current, "revisions": revisions}


def regenerate(scratch) -> tuple[str, bool]:
    """Migrate a scratch database base -> head -> base and write each step's recorded map
    into versions/manifest.json; (what happened, whether the file changed)."""
    from sqlalchemy import text

    from schema_pkg import manifest
    from schema_pkg.db import connection
    from schema_pkg.scratch import migrate

    url = scratch.create()
    try:
        maps = recorded_maps(url, migrate, connection, text)
    finally:
        scratch.drop(url)
    current = manifest.refreshed(manifest.load(), manifest.compute())
    changed = manifest.write(with_fingerprints(current, maps))
    packaged.cache_clear()
    return f"{manifest.FILE_NAME} fingerprints: {'rewritten' if changed else 'unchanged'}", changed


def main() -> int:
    """``make fingerprints``, on the server the tests would use (DATABASE_URL, PG*, the local
    default server, local binaries, Docker)."""
    from schema_pkg.generated import one_line_errors
    from schema_pkg.scratch import standalone_scratch

    def run() -> int:
        with standalone_scratch() as scratch:
            print(regenerate(scratch)[0])
        return 0

    return one_line_errors("fingerprints", run)


if __name__ == "__main__":
    raise SystemExit(main())
