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
  default privileges, MAINTAIN on 17) and are not the step's to answer for.

Owners and grantors are left out, so the map is the same wherever the schema is.
What it cannot see: objects a step changes without naming them in a plain
statement (inside DO blocks: 0001's bootstrap, 0009's MAINTAIN and downgrade
restores), objects outside public and private (auth), comments, ownership,
statistics and data.  Each row also records server_version_num.

The packaged expected maps (:func:`expected`) are each revision's ``fingerprint`` in
versions/manifest.json, beside its checksums: one manifest, one integrity design
(:mod:`schema_pkg.manifest`).  ``make fingerprints`` (part of ``make regen``) writes
them; a released revision's fingerprint, once written, never changes.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from schema_pkg import guards

SCHEMAS = ("public", "private")
API_ROLES = ("anon", "authenticated", "service_role")
NAME = re.compile(r"[A-Za-z_][\w$]*")

GRANT_OR_REVOKE = re.compile(
    r"^\s*(?:GRANT|REVOKE)\s+(?P<privs>[\w ,]+?)\s+ON\s+(?P<objects>[^;]+?)\s+"
    r"(?:TO|FROM)\s+(?P<roles>[\w ,]+?)\s*;", re.IGNORECASE | re.MULTILINE)
DO_BLOCK = re.compile(r"^DO\s+(\$\w*\$).*?\1", re.MULTILINE | re.DOTALL)
ALL_PRIVILEGES = {"function": ["EXECUTE"], "schema": ["USAGE", "CREATE"],
                  "table": ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES",
                            "TRIGGER"]}


def plain_statements(statements: str) -> str:
    """The statements without comments and DO blocks (whose effect no regex can see)."""
    return DO_BLOCK.sub("", guards.without_comments(statements))


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
    """(kind, object, grantee, privilege) for each privilege a plain GRANT/REVOKE sets
    (column privileges are not among them: see the README's fingerprint notes)."""
    triples = []
    for match in GRANT_OR_REVOKE.finditer(plain_statements(statements)):
        privileges = [p.strip().upper() for p in match["privs"].split(",")]
        roles = [r.strip() for r in match["roles"].split(",")]
        for kind, name in objects_named(match["objects"]):
            granted = privileges
            if privileges in (["ALL"], ["ALL PRIVILEGES"]):
                granted = ALL_PRIVILEGES["table" if kind == "tables" else kind]
            triples += [(kind, name, role, privilege) for role in roles for privilege in granted]
    return sorted(set(triples))


def touched_names(statements: str) -> list[str]:
    """Every identifier the plain statements name (a superset of the objects they touch)."""
    text = plain_statements(statements)
    return sorted({word.lower() for word in NAME.findall(text)}
                  | {quoted for quoted in re.findall(r'"([^"]+)"', text)})


def fingerprint_sql(statements: str) -> str:
    """A query returning the step's map as jsonb (one text for both paths)."""
    names = ", ".join(guards.quote(n) for n in touched_names(statements)) or "NULL"
    schemas = ", ".join(guards.quote(s) for s in SCHEMAS)
    privileges = "\n      UNION ALL ".join(privilege_rows(*triple)
                                          for triple in privileges_set(statements))
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


def privilege_rows(kind: str, name: str, role: str, privilege: str) -> str:
    """One row per object: 'privilege <object> <role> <privilege>' -> granted or absent."""
    grantee = "0" if role.upper() == "PUBLIC" else f"to_regrole({guards.quote(role)})"
    label = guards.quote(f" {role.lower() if role.upper() == 'PUBLIC' else role} {privilege}")
    holds = (f"CASE WHEN EXISTS (SELECT 1 FROM aclexplode({{acl}}) e WHERE e.grantee = "
             f"{grantee} AND e.privilege_type = {guards.quote(privilege)}) "
             "THEN 'granted' ELSE 'absent' END")
    if kind == "function":
        qualified = name if "." in name else f"public.{name}"
        return (f"SELECT 'privilege function ' || p.oid::regprocedure::text || {label}, "
                + holds.format(acl="coalesce(p.proacl, acldefault('f', p.proowner))")
                + f" FROM pg_proc p WHERE p.oid = to_regprocedure({guards.quote(qualified)})"
                f" AND {grantee} IS NOT NULL")
    if kind == "schema":
        return (f"SELECT 'privilege schema ' || n.nspname || {label}, "
                + holds.format(acl="coalesce(n.nspacl, acldefault('n', n.nspowner))")
                + f" FROM pg_namespace n WHERE n.nspname = {guards.quote(name)}"
                f" AND {grantee} IS NOT NULL")
    where = (f"n.nspname = {guards.quote(name)} AND c.relkind IN ('r', 'p')" if kind == "tables"
             else f"c.oid = to_regclass({guards.quote(guards.qualified(name))})")
    return (f"SELECT 'privilege table ' || n.nspname || '.' || c.relname || {label}, "
            + holds.format(acl="coalesce(c.relacl, acldefault('r', c.relowner))")
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            f" WHERE {where} AND {grantee} IS NOT NULL")


def progress_sql(revision: str, direction: str, statements: str) -> str | None:
    """A query yielding one line: how many of the objects the step names are already
    as it leaves them, and which are not yet (None without a packaged map)."""
    wanted = expected(revision, direction)
    if wanted is None:
        return None
    return f"""WITH m AS (SELECT ({fingerprint_sql(statements)}) AS live,
                  {guards.quote(json.dumps(wanted, sort_keys=True))}::jsonb AS want),
         k AS (SELECT jsonb_object_keys(live) AS k FROM m
               UNION SELECT jsonb_object_keys(want) FROM m)
    SELECT format('%s of the %s objects it names are already as it leaves them%s',
                  count(*) FILTER (WHERE m.live -> k.k IS NOT DISTINCT FROM m.want -> k.k),
                  count(*),
                  coalesce('; not yet: ' || string_agg(k.k, ', ' ORDER BY k.k)
                    FILTER (WHERE m.live -> k.k IS DISTINCT FROM m.want -> k.k), ''))
      FROM m, k"""


def record(statements: str) -> str:
    """The update that stores the fingerprint in the attempt's history row."""
    from schema_pkg.history import ATTEMPT_SETTING, SCHEMA

    return (f"UPDATE {SCHEMA}.history SET fingerprint = ({fingerprint_sql(statements)}) "
            f"WHERE id = current_setting('{ATTEMPT_SETTING}')::bigint")


@lru_cache(maxsize=1)
def packaged() -> dict:
    """The expected maps shipped with the revisions, read from each revision's entry in
    versions/manifest.json (one manifest for checksums and fingerprints):
    {"0007 upgrade": {object: md5}}."""
    from schema_pkg import manifest

    return {f"{revision} {direction}": fingerprint
            for revision, entry in manifest.load()["revisions"].items()
            for direction, fingerprint in entry.get("fingerprint", {}).items()}


def expected(revision: str, direction: str) -> dict | None:
    """The packaged map of a step, or None when the package has none for it."""
    return packaged().get(f"{revision} {direction}")


def differing(recorded: dict, wanted: dict) -> list[str]:
    """The objects whose fingerprint differs, is missing or is extra."""
    return sorted(key for key in recorded.keys() | wanted.keys()
                  if recorded.get(key) != wanted.get(key))


def record_differences(rows: dict, chain: list[str]) -> tuple[list[str], list[str]]:
    """Compare each applied revision's recorded fingerprint (``rows``: revision -> its
    latest completed upgrade row) with the packaged one.  Returns (problems, notes):
    a mismatch names the revision and the objects; a row recorded before fingerprints
    existed (or stamped by adopt) is only noted."""
    problems, notes = [], []
    for revision in chain:
        row = rows.get(revision)
        wanted = expected(revision, "upgrade")
        if row is None or wanted is None:
            continue
        if row.fingerprint is None:
            notes.append(f"revision {revision}: recorded without a fingerprint "
                         f"({row.mode}, before fingerprints existed or stamped); not checked")
            continue
        objects = differing(row.fingerprint, wanted)
        if objects:
            problems.append(f"revision {revision} ran with a different effect than the "
                            f"packaged one on: {'; '.join(objects)}")
    return problems, notes


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
        live = conn.execute(text(fingerprint_sql(statements[(revision, "upgrade")]))).scalar()
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


def record_problems(conn, chain: list[str]) -> tuple[list[str], list[str]]:
    """What the deployment record says against the package: revisions whose recorded
    fingerprint is not the packaged one and objects changed by hand since the revision
    that last set them (problems); rows recorded before fingerprints existed (notes)."""
    from schema_pkg.history import latest_completed, packaged_statements

    problems, notes = record_differences(latest_completed(conn, chain), chain)
    if chain:
        problems += [f"hand-made change: {line}"
                     for line in live_differences(conn, chain, packaged_statements())]
    return problems, notes


ACCEPT_ENV = "SCHEMA_PKG_ACCEPT_RECORD"


def refuse_mismatched_record(conn, chain: list[str]) -> None:
    """Before an upgrade: one line and no change when a recorded fingerprint is not the
    packaged one (a hand-made change since is verify's to report), unless
    SCHEMA_PKG_ACCEPT_RECORD=1 (schema-pkg upgrade --accept-record)."""
    import os

    from alembic.util import CommandError

    if os.environ.get(ACCEPT_ENV) == "1":
        return
    from schema_pkg.history import latest_completed

    problems, _ = record_differences(latest_completed(conn, chain), chain)
    conn.rollback()
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CommandError(f"the deployment record does not match the package: {problems[0]}"
                           f"{more}; nothing was changed; see schema-pkg verify, or upgrade "
                           f"anyway with --accept-record ({ACCEPT_ENV}=1)")


def with_fingerprints(current: dict, maps: dict) -> dict:
    """The manifest with each revision's recorded maps as its ``fingerprint``: unreleased
    entries are rewritten, a released entry only gains one it lacks (never changes it)."""
    from schema_pkg import manifest

    released = set(manifest.released(current))
    revisions = {}
    for revision, entry in current["revisions"].items():
        found = {d: maps[f"{revision} {d}"] for d in manifest.DIRECTIONS if f"{revision} {d}" in maps}
        if found and (revision not in released or "fingerprint" not in entry):
            entry = {**entry, "fingerprint": found}
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
