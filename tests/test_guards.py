"""The text helpers of schema_pkg/guards.py, without a database: what they find in a
revision's statements and how they name it.  (The SQL they write is run against a
server by tests/test_sql_guards.py, test_history.py and the deploy-path tests.)"""

from __future__ import annotations

import pytest

from schema_pkg import guards


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
