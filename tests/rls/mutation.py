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

import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.rls.cases import Case, cases, observe
from tests.rls.database import standalone_rls_database
from tests.rls.mutants import API_ROLES, Mutant, executable, generate, holds

REPORT = Path(__file__).resolve().parents[2] / "docs" / "rls-mutants.md"

# Survivors shown equivalent, one by one, with the reason.  Never delete a mutant instead.
ANON_HAS_NO_UID = ("PUBLIC adds anon, whose JWT has no sub: auth.uid() is NULL, so the "
                   "policy's comparison with auth.uid() is never true for it; service_role "
                   "bypasses RLS either way")
EQUIVALENT: dict[str, str] = {
    f'policy "{name}" on {table}: TO public': ANON_HAS_NO_UID for table, name in (
        ("profiles", "Users can create own profile"),
        ("profiles", "Users can update own profile"),
        ("profiles", "Users can view own profile"),
        ("project_features", "Project owners can add features"),
        ("project_features", "Project owners can delete features"),
        ("project_features", "Project owners can update features"),
        ("project_tech_stack", "Project owners can add tech stack"),
        ("project_tech_stack", "Project owners can delete tech stack"),
        ("project_tech_stack", "Project owners can update tech stack"),
        ("user_project_preferences", "Users can delete own preferences"),
        ("user_project_preferences", "Users can insert own preferences"),
        ("user_project_preferences", "Users can update own preferences"),
        ("user_project_preferences", "Users can view own preferences"),
    )
}


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


def policy_roles(conn: psycopg.Connection, subject: str) -> list[str]:
    """The roles of 'policy "name" on table'."""
    name, _, table = subject.removeprefix("policy ").rpartition(" on ")
    return conn.execute("SELECT roles::text[] FROM pg_policies WHERE schemaname = 'public' "
                        "AND tablename = %s AND policyname = %s",
                        (table, name[1:-1].replace('""', '"'))).fetchone()[0]


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
    if change == "TO public" and set(API_ROLES) <= set(policy_roles(conn, subject)):
        return ("the policy already applies to anon and authenticated; PUBLIC adds only "
                "service_role, which bypasses RLS, and roles that are never API callers")
    if change == "TO public" and lacks_command(conn, "anon", subject) and "authenticated" in policy_roles(
            conn, subject):
        return ("PUBLIC adds anon, which holds no privilege for the policy's command on the table, "
                "so its statements are refused before any policy runs; service_role bypasses RLS")
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
    reason = EQUIVALENT.get(mutant.id) or catalog_reason(conn, mutant)  # read before the change
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


def main() -> int:
    with standalone_rls_database() as url:
        with psycopg.connect(url, autocommit=True) as conn:
            started = time.perf_counter()
            results = run_all(conn)
            elapsed = time.perf_counter() - started
            major = server_major(conn)
    REPORT.write_text(render(results, major))
    for result in results:
        if result.verdict in ("survived", "invalid"):
            print(f"{result.verdict.upper()}: {result.mutant.id} ({result.detail})")
    print(f"{score(results)} in {elapsed:.1f} s; wrote {REPORT}")
    return 0 if counts(results)["survived"] == counts(results)["invalid"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
