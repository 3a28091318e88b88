"""Run the RLS mutants against the expectation cases, and write docs/rls-mutants.md.

A mutant is applied inside a transaction (DDL is transactional); the cases
of the tables and functions it touches run against it, each in its own
savepoint as its actor; then everything rolls back.  A mutant is **killed**
when at least one case ends differently from the expectations table,
**invalid** when its DDL fails, **equivalent** when it survives and a reason
below (or one read from the catalog) shows that no API caller could tell it
apart, and **survived** otherwise.

``make mutants`` (``python -m tests.rls.mutation``) builds a seeded database
at head, runs every mutant, rewrites the report and prints the time taken;
``tests/rls/test_mutants.py`` runs the same in CI.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import psycopg

from schema_pkg import generated
from schema_pkg.scratch import ScratchDatabases, standalone_scratch
from schema_pkg.settings import libpq_url
from tests.rls.cases import Case, cases, observe, read_legacy_settings
from tests.rls.database import build_rls_database
from tests.rls.mutants import API_ROLES, Mutant, executable, generate, holds

REPORT = Path(__file__).resolve().parents[2] / "docs" / "rls-mutants.md"

# Equivalences are decided from the catalog (policy text, roles, privileges), read afresh on
# every run by catalog_reason; none is written by hand.


@dataclass(frozen=True)
class Result:
    mutant: Mutant
    verdict: str  # killed, equivalent, invalid, survived
    detail: str = ""  # the killing case, the reason, or the DDL error


def cases_by_key() -> dict[str, list[Case]]:
    grouped: dict[str, list[Case]] = defaultdict(list)
    for case in cases():
        grouped[case.table].append(case)
    return grouped


def first_failing_case(conn: psycopg.Connection, candidates: list[Case]) -> Case | None:
    for case in candidates:
        if observe(conn, case) != case.expected:
            return case
    return None


def bypassing_owner(conn: psycopg.Connection, table: str) -> str | None:
    """The table's owner when it bypasses RLS (superuser or BYPASSRLS)."""
    row = conn.execute(
        "SELECT r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
        "WHERE c.oid = %s::regclass AND (r.rolsuper OR r.rolbypassrls)", (f"public.{table}",)).fetchone()
    return row[0] if row else None


def roles_without_usage(conn: psycopg.Connection, signature: str, roles: tuple[str, ...]) -> bool:
    return not any(conn.execute(
        "SELECT has_schema_privilege(%s, p.pronamespace, 'USAGE') FROM pg_proc p "
        "WHERE p.oid = %s::regprocedure", (role, signature)).fetchone()[0] for role in roles)


def returns_trigger(conn: psycopg.Connection, signature: str) -> bool:
    return conn.execute("SELECT prorettype = 'trigger'::regtype FROM pg_proc WHERE oid = %s::regprocedure",
                        (signature,)).fetchone()[0]


def policies_calling(conn: psycopg.Connection, signature: str, roles: tuple[str, ...]) -> list[str]:
    """Policies that apply to one of the roles (or PUBLIC) and call the function."""
    name = signature.split("(")[0].split(".")[-1]
    return [row[0] for row in conn.execute(
        "SELECT policyname FROM pg_policies WHERE roles && %s::name[] "
        "AND coalesce(qual, '') || coalesce(with_check, '') ~ %s",
        (["public", *roles], rf"\m{name}\(")).fetchall()]


def policy_of(conn: psycopg.Connection, subject: str) -> tuple[list[str], str | None, str | None]:
    """The roles, USING and WITH CHECK of 'policy "name" on table', as the catalog prints them."""
    name, _, table = subject.removeprefix("policy ").rpartition(" on ")
    return conn.execute("SELECT roles::text[], qual, with_check FROM pg_policies WHERE schemaname = 'public' "
                        "AND tablename = %s AND policyname = %s",
                        (table, name[1:-1].replace('""', '"'))).fetchone()


def without_outer_parentheses(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and closing(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def closing(text: str, start: int) -> int:
    """The index of the parenthesis closing the one at ``start``."""
    depth = 0
    for index in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return -1


def split_top_level(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` (e.g. " AND ") outside any parentheses."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(text):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            start = index = index + len(separator)
            continue
        index += 1
    return [*parts, text[start:]]


CALLER = ("auth.uid()", "SELECT auth.uid() AS uid")
EXISTS = re.compile(r"^EXISTS \(\s*SELECT .*?\bWHERE\b(?P<where>.*)\)$", re.S)


def requires_the_caller(expression: str) -> bool:
    """Whether a policy expression (as pg_policies prints it) can only be true when auth.uid()
    is not NULL: it compares auth.uid() with = or <> in a conjunct that must hold (under AND,
    under every branch of an OR, inside the WHERE of an EXISTS).  Anything else: False."""
    text = without_outer_parentheses(expression)
    branches = split_top_level(text, " OR ")
    if len(branches) > 1:
        return all(requires_the_caller(branch) for branch in branches)
    conjuncts = split_top_level(text, " AND ")
    if len(conjuncts) > 1:
        return any(requires_the_caller(conjunct) for conjunct in conjuncts)
    exists = EXISTS.match(text)
    if exists:
        return requires_the_caller(exists["where"])
    for operator in (" = ", " <> "):
        sides = split_top_level(text, operator)
        if len(sides) == 2 and any(without_outer_parentheses(side) in CALLER for side in sides):
            return True
    return False


def creates_nothing(conn: psycopg.Connection, role: str) -> bool:
    """The role can create no table that could hold a foreign key (temporary ones cannot)."""
    return not conn.execute(
        "SELECT bool_or(has_schema_privilege(%s, oid, 'CREATE')) FROM pg_namespace "
        "WHERE nspname NOT LIKE 'pg_temp%%' AND nspname NOT LIKE 'pg_toast%%'", (role,)).fetchone()[0]


def no_api_privilege(conn: psycopg.Connection, table: str) -> bool:
    return not any(conn.execute("SELECT has_any_column_privilege(%s, %s, %s)",
                                (role, f"public.{table}", privilege)).fetchone()[0]
                   for role in API_ROLES for privilege in ("SELECT", "INSERT", "UPDATE"))


def lacks_command(conn: psycopg.Connection, role: str, subject: str) -> bool:
    """``role`` holds no privilege for the command of 'policy "name" on table'."""
    name, _, table = subject.removeprefix("policy ").rpartition(" on ")
    cmd = conn.execute("SELECT cmd FROM pg_policies WHERE schemaname = 'public' AND tablename = %s "
                       "AND policyname = %s", (table, name[1:-1].replace('""', '"'))).fetchone()[0]
    commands = ("SELECT", "INSERT", "UPDATE", "DELETE") if cmd == "ALL" else (cmd,)
    return not any(holds(conn, role, table, command) for command in commands)


def invoker_reading_only_unreadable_tables(conn: psycopg.Connection, signature: str,
                                           roles: tuple[str, ...]) -> bool:
    """A SECURITY INVOKER function whose body reads tables none of ``roles`` may SELECT."""
    definer, body = conn.execute("SELECT prosecdef, prosrc FROM pg_proc WHERE oid = %s::regprocedure",
                                 (signature,)).fetchone()
    tables = set(re.findall(r"\bpublic\.(\w+)", body))
    return not definer and bool(tables) and not any(
        holds(conn, role, table, "SELECT") for role in roles for table in tables)


def catalog_reason(conn: psycopg.Connection, mutant: Mutant) -> str | None:
    """Equivalences the catalog proves, read afresh (before the mutant is applied) on every run."""
    subject, _, change = mutant.id.partition(": ")
    words = mutant.id.split()
    if change == "FORCE ROW LEVEL SECURITY" and (owner := bypassing_owner(conn, subject.split()[1])):
        return (f"the owner {owner} bypasses RLS (superuser or BYPASSRLS) and is never an API "
                "caller, so FORCE changes no query")
    if change == "TO public":
        roles, using, check = policy_of(conn, subject)
        if set(API_ROLES) <= set(roles):
            return ("the policy already applies to anon and authenticated; PUBLIC adds only "
                    "service_role, which bypasses RLS, and roles that are never API callers")
        if lacks_command(conn, "anon", subject) and "authenticated" in roles:
            return ("PUBLIC adds anon, which holds no privilege for the policy's command on the table, "
                    "so its statements are refused before any policy runs; service_role bypasses RLS")
        if all(requires_the_caller(e) for e in (using, check) if e is not None):
            return ("PUBLIC adds anon, whose JWT has no sub, so auth.uid() is NULL; the policy's text "
                    "compares auth.uid() in a condition that must hold, so it is never true for anon; "
                    "service_role bypasses RLS either way")
    if change == "RLS disabled" and no_api_privilege(conn, subject.split()[1]):
        return "anon and authenticated hold no privilege on the table, so no API query reaches its rows"
    if words[:2] == ["grant", "REFERENCES"] and creates_nothing(conn, words[-1]):
        return (f"{words[-1]} has CREATE on no schema, and a temporary table cannot reference a "
                "permanent one, so it can create no foreign key to use REFERENCES with")
    if words[:2] == ["grant", "EXECUTE"] and returns_trigger(conn, words[3]):
        return ("a trigger function cannot be called except as a trigger, and a trigger fires "
                "without its caller holding EXECUTE")
    if words[:2] == ["grant", "EXECUTE"]:
        gaining = tuple(role for role in (API_ROLES if words[-1] == "PUBLIC" else (words[-1],))
                        if not executable(conn, words[3], role))
        if roles_without_usage(conn, words[3], gaining) and not policies_calling(conn, words[3], gaining):
            return (f"only {', '.join(gaining)} gains EXECUTE, has no USAGE on the function's schema "
                    "and is named by no policy that calls it, so cannot reach it")
        if gaining and invoker_reading_only_unreadable_tables(conn, words[3], gaining):
            return (f"only {', '.join(gaining)} gains EXECUTE; the function runs as its caller and "
                    f"reads only tables {', '.join(gaining)} may not SELECT, so the call is still "
                    "refused for want of a privilege")
    return None


def run_mutant(conn: psycopg.Connection, mutant: Mutant, grouped: dict[str, list[Case]]) -> Result:
    candidates = [case for key in sorted(mutant.tables) for case in grouped.get(key, [])]
    reason = catalog_reason(conn, mutant)  # read before the change
    with conn.transaction(force_rollback=True):
        try:
            with conn.transaction():
                conn.execute(mutant.ddl)
        except psycopg.Error as error:
            return Result(mutant, "invalid", str(error).splitlines()[0])
        killer = first_failing_case(conn, candidates)
        if killer is not None:
            return Result(mutant, "killed", killer.id)
    if reason:
        return Result(mutant, "equivalent", reason)
    return Result(mutant, "survived", f"{len(candidates)} cases run")


def run_all(conn: psycopg.Connection) -> list[Result]:
    grouped = cases_by_key()
    read_legacy_settings(conn)
    return [run_mutant(conn, mutant, grouped) for mutant in generate(conn)]


def counts(results: list[Result]) -> dict[str, int]:
    tally = {verdict: 0 for verdict in ("killed", "equivalent", "invalid", "survived")}
    for result in results:
        tally[result.verdict] += 1
    return tally


def score(results: list[Result]) -> str:
    tally = counts(results)
    valid = len(results) - tally["invalid"]
    done = tally["killed"] + tally["equivalent"]
    return (f"{len(results)} mutants: {tally['killed']} killed, {tally['equivalent']} equivalent "
            f"(explained), {tally['survived']} survived, {tally['invalid']} invalid; "
            f"{100 * done / valid:.1f}% killed or explained")


HEADER = """# RLS mutants: would the suite notice a wrong policy?

Generated by `make mutants` from the live catalog of a database at head
(`tests/rls/mutants.py`, run by `tests/rls/mutation.py`); `tests/rls/test_mutants.py`
runs the same in CI and fails when this file is stale or a mutant survives.

Each mutant is one mistake applied as DDL inside a transaction: every policy
dropped, its USING made `true` and `false`, its WITH CHECK made (or added as)
`true`, its `TO` widened to PUBLIC, and for UPDATE/ALL policies with distinct
expressions, USING and WITH CHECK swapped or WITH CHECK removed; every helper
function returning a constant and ignoring its caller; every privilege an API
role lacks granted (anon given INSERT, UPDATE or DELETE among them); every
privilege a policy needs revoked (its command on its table for each API role
it applies to, EXECUTE on the helpers it calls); RLS disabled and FORCE ROW
LEVEL SECURITY on each table.  The expectation cases of the tables and functions it touches
(`tests/rls/expectations.py`) then run against it as their actors, and it all
rolls back.  **killed**: the first case that ended differently.
**equivalent**: it survived, and the reason shows that no API caller could
tell it apart.  A survivor is killed by a new expectation row or explained
here, never deleted.
"""


GENERATED_ON = re.compile(r"^Generated on PostgreSQL (\d+)\.", re.M)


def generated_on(report: str) -> int:
    """The PostgreSQL major version a rendered report was generated on."""
    return int(GENERATED_ON.search(report).group(1))


def verdict_rows(report: str) -> set[str]:
    """``| mutant | verdict`` of every row of a rendered report: what must hold on every
    version (which case kills a mutant first may differ between versions)."""
    return {line.rsplit(" | ", 1)[0] for line in report.splitlines()
            if line.startswith("| ") and not line.startswith("| mutant |")}


def server_major(conn: psycopg.Connection) -> int:
    return conn.info.server_version // 10000


def render(results: list[Result], major: int) -> str:
    lines = [HEADER, f"Generated on PostgreSQL {major}.", "", f"**Score: {score(results)}.**", "",
             "| mutant | verdict | killed by / reason |", "|---|---|---|"]
    for result in results:
        detail = result.detail.replace("|", "\\|")
        lines.append(f"| {result.mutant.id} | {result.verdict} | {detail} |")
    return "\n".join(lines) + "\n"


def changed_rows(old: str, new: str) -> list[str]:
    """The lines of two rendered reports that differ (mutant rows with their verdict and detail,
    the score), each marked - (only in the old) or + (only in the new)."""
    before, after = set(old.splitlines()), set(new.splitlines())
    return [f"- {row}" for row in sorted(before - after)] + [f"+ {row}" for row in sorted(after - before)]


def regenerate(scratch: ScratchDatabases, *, repin: bool = False) -> tuple[str, bool, bool]:
    """Run every mutant on a seeded database and rewrite the report, unless it is pinned to
    another PostgreSQL version: (what happened, whether the report changed, whether every
    mutant was killed or explained).  What changed is printed, never rewritten quietly."""
    with psycopg.connect(libpq_url(build_rls_database(scratch)), autocommit=True) as conn:
        major = server_major(conn)
        reason = None if repin else generated.pinned_elsewhere(REPORT, major, generated_on)
        started = time.perf_counter()
        results = run_all(conn)
        elapsed = time.perf_counter() - started
    for result in results:
        if result.verdict in ("survived", "invalid"):
            print(f"{result.verdict.upper()}: {result.mutant.id} ({result.detail})")
    ok = counts(results)["survived"] == counts(results)["invalid"] == 0
    summary = f"{score(results)} in {elapsed:.1f} s"
    if reason:
        return f"{summary}; {reason}", False, ok
    old = REPORT.read_text() if REPORT.is_file() else ""
    new = render(results, major)
    changed = generated.write_if_changed(REPORT, new)
    if changed:
        rows = changed_rows(old, new)
        print(f"{REPORT.name} changed: {len(rows)} line(s) differ" + "".join(
            f"\n  {row}" for row in rows[:20]) + ("\n  ..." if len(rows) > 20 else ""))
    return f"{summary}; {REPORT.name} {'rewritten' if changed else 'unchanged'}", changed, ok


def main(argv: list[str] | None = None) -> int:
    """``make mutants``: exit 1 when a mutant survives or is invalid, and, when CI is set,
    when the committed report was stale (it changed)."""
    parser = argparse.ArgumentParser(description="run the RLS mutants; rewrite docs/rls-mutants.md")
    parser.add_argument("--repin", action="store_true",
                        help="rewrite the report even on another PostgreSQL version than its own")
    args = parser.parse_args(argv)

    def run() -> int:
        with standalone_scratch() as scratch:
            message, changed, ok = regenerate(scratch, repin=args.repin)
        print(message)
        if changed and os.environ.get("CI"):
            print(f"mutants: {REPORT.name} was stale (CI is set): commit the regenerated report",
                  file=sys.stderr)
            return 1
        return 0 if ok else 1

    return generated.one_line_errors("mutants", run)


if __name__ == "__main__":
    sys.exit(main())
