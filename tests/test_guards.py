"""schema_pkg/guards.py piece by piece: what its text helpers find in a revision's
statements and how they name it (no database), and cases of its SQL guards that no
revision reaches (run in a rolled-back transaction on the database at head).  The
guards around real revisions are run by tests/test_sql_guards.py, test_history.py,
test_collateral_damage.py and the deploy-path tests."""

from __future__ import annotations

from types import SimpleNamespace

import psycopg
import pytest

from schema_pkg import guards, stepguards


def test_quote_doubles_single_quotes_inside_a_literal():
    assert guards.quote("it's") == "'it''s'"


def test_qualified_puts_an_unqualified_name_in_public_and_drops_double_quotes():
    assert guards.qualified('"Kept"') == "public.Kept"
    assert guards.qualified('private."x"') == "private.x"


def test_built_concurrently_names_each_index_and_never_a_commented_one():
    statements = (
        "CREATE INDEX CONCURRENTLY ix_a ON public.t (a);\n"
        "-- CREATE INDEX CONCURRENTLY ix_commented ON public.t (b);\n"
        'create unique index concurrently if not exists "ix_b" on only t (b);\n'
        "CREATE INDEX ix_plain ON public.t (c);\n"
    )
    assert guards.built_concurrently(statements) == ["ix_a", "ix_b"]


@pytest.mark.parametrize("statement, concurrent", [
    ("DROP INDEX CONCURRENTLY ix_a;", True),
    ("reindex index concurrently ix_a;", True),
    ("CREATE INDEX ix_a ON t (a);", False),
    ("-- DROP INDEX CONCURRENTLY ix_a;", False),
])
def test_runs_concurrently_sees_concurrently_statements_but_not_comments(statement, concurrent):
    assert guards.runs_concurrently(statement) is concurrent


def test_brief_collapses_whitespace_drops_the_semicolon_and_cuts_long_lines():
    assert guards.brief("CREATE   TABLE\n t (a int);") == "CREATE TABLE t (a int)"
    long = "x" * 100
    assert guards.brief(long) == "x" * 89 + "…"
    assert guards.brief("x" * 90) == "x" * 90
    assert guards.brief(long, width=10) == "x" * 9 + "…"


def test_brief_drops_only_the_trailing_semicolons_and_keeps_a_name_ending_in_x():
    assert guards.brief("DROP INDEX CONCURRENTLY public.IX;;") == "DROP INDEX CONCURRENTLY public.IX"


def test_index_names_are_read_without_their_double_quotes():
    assert guards.built_concurrently('CREATE INDEX CONCURRENTLY "Xix" ON t (a);') == ["Xix"]
    assert "c.relname = 'Xix' AND" in guards.drop_invalid_index('"Xix"', "public.t")


def test_undeclared_drops_reads_a_quoted_column_name_without_its_quotes():
    text = 'ALTER TABLE public.kept DROP COLUMN "note";'
    assert guards.undeclared_drops(text, (), ()) == ["public.kept.note"]
    assert guards.undeclared_drops(text, (), ("public.kept.note",)) == []


def test_a_quoted_schema_dropped_with_cascade_is_named_without_its_quotes():
    statements = 'DROP SCHEMA IF EXISTS "Xtra" CASCADE;\n-- DROP SCHEMA private CASCADE;\n'
    assert guards.schemas_dropped_with_cascade(statements) == ["Xtra"]


def test_for_psql_restores_the_lock_timeout_right_after_a_concurrently_statement():
    out = guards.for_psql("DROP INDEX CONCURRENTLY ix_a;  \nSELECT 1;")
    assert out.splitlines() == [guards.NO_LOCK_TIMEOUT, "DROP INDEX CONCURRENTLY ix_a;  ",
                                guards.FILE_LOCK_TIMEOUT, "SELECT 1;"]


# A revision's statements as rendered: one transaction, an autocommit block (COMMIT; ...
# BEGIN;) of two statements, the first over two lines, then a second transaction.
PARTS = (
    "CREATE TABLE a (x int);  \n"
    "\n"
    "CREATE TABLE b (x int);\n"
    "commit;\n"
    "CREATE INDEX CONCURRENTLY ix ON a\n"
    "  (x);  \n"
    "DROP INDEX CONCURRENTLY old_ix;\n"
    "BEGIN;\n"
    "ALTER TABLE a ADD y int; -- a comment;\n"
)


def test_committed_parts_are_each_transaction_and_each_autocommit_statement_in_order():
    assert guards.committed_parts(PARTS) == [
        "a transaction of 2 statement(s) starting CREATE TABLE a (x int)",
        "CREATE INDEX CONCURRENTLY ix ON a (x)",
        "DROP INDEX CONCURRENTLY old_ix",
        "a transaction of 1 statement(s) starting ALTER TABLE a ADD y int",
    ]


def test_each_part_is_a_transaction_or_not_and_keeps_its_statements_as_rendered():
    assert guards.parts_of(PARTS) == [
        guards.Part(True, "CREATE TABLE a (x int);  \n\nCREATE TABLE b (x int);\n"),
        guards.Part(False, "CREATE INDEX CONCURRENTLY ix ON a\n  (x);"),
        guards.Part(False, "  \nDROP INDEX CONCURRENTLY old_ix;\n"),
        guards.Part(True, "ALTER TABLE a ADD y int; -- a comment;\n"),
    ]


def test_a_transaction_without_a_semicolon_counts_as_one_statement_and_nothing_as_none():
    assert guards.committed_parts("SELECT 1") == ["a transaction of 1 statement(s) starting SELECT 1"]
    assert guards.committed_parts("\n-- only a comment\n") == []


def test_a_stopped_attempt_leaves_nothing_of_one_transaction_and_the_steps_before_the_failure():
    assert stepguards.left_applied("CREATE TABLE a (x int);\n") == (
        "its one transaction rolls back, so nothing of it is applied")
    two_parts = "CREATE TABLE a (x int);\nCOMMIT;\nCREATE INDEX CONCURRENTLY ix ON a (x);\nBEGIN;\n"
    assert stepguards.left_applied(two_parts).startswith("its 2 steps commit one by one (1. ")
    assert stepguards.left_applied(PARTS).startswith(
        "its 4 steps commit one by one (1. a transaction of 2 statement(s) starting CREATE TABLE "
        "a (x int); 2. CREATE INDEX CONCURRENTLY ix ON a (x); 3. DROP INDEX CONCURRENTLY old_ix; "
        "4. a transaction of 1 statement(s) starting ALTER TABLE a ADD y int), then one "
        "transaction records the revision. A failure leaves the steps before the failed one "
        "applied and alembic_version where it was;")


def refusal(conn, guard: str) -> str:
    """The message the guard raises on ``conn`` (inside a savepoint), or '' when it passes."""
    try:
        with conn.transaction():
            conn.execute(guard)
    except psycopg.errors.RaiseException as exc:
        return str(exc)
    return ""


def test_the_data_loss_guard_names_each_declared_column_that_holds_values(schema_pkg_connection):
    conn = schema_pkg_connection
    conn.execute("CREATE TABLE public.guarded (a int, b int); INSERT INTO public.guarded (b) VALUES (1)")
    guard = guards.refuse_data_loss("downgrade x", (), ("public.guarded.a", "public.guarded.b"))
    message = refusal(conn, guard)
    assert "column public.guarded.b (holds values)" in message
    assert "public.guarded.a" not in message


def test_a_schema_without_a_marker_counts_as_ours_and_its_dependents_are_refused(schema_pkg_connection):
    conn = schema_pkg_connection
    conn.execute("CREATE SCHEMA unmarked; CREATE TABLE unmarked.t (a int); "
                 "CREATE VIEW public.outside AS SELECT a FROM unmarked.t")
    script = SimpleNamespace(revision="9999", module=SimpleNamespace())  # no MARKER
    [guard] = guards.downgrade_guards(script, "DROP SCHEMA unmarked CASCADE;")
    message = refusal(conn, guard)
    assert "downgrade 9999 would drop schema unmarked with CASCADE" in message
    assert "view outside" in message


def test_a_downgrade_declaring_only_a_dropped_column_is_refused_while_it_holds_values(schema_pkg_connection):
    conn = schema_pkg_connection
    conn.execute("CREATE TABLE public.guarded (a int, b int); INSERT INTO public.guarded (b) VALUES (1)")
    module = SimpleNamespace(DOWNGRADE_DROPS_COLUMNS=("public.guarded.b",))
    script = SimpleNamespace(revision="9999", module=module)
    [guard] = guards.downgrade_guards(script, "ALTER TABLE public.guarded DROP COLUMN b;")
    assert "downgrade 9999 would drop tables holding data: column public.guarded.b (holds values)" in \
        refusal(conn, guard)
