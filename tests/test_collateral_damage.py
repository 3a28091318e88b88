"""No collateral damage: a downgrade never drops objects that are not ours, and the
data-loss guard cannot miss a row written while it checks, nor a dropped column."""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg import guards, history
from schema_pkg.config import revisions_in_order, script_directory
from schema_pkg.scratch import migrate
from schema_pkg.settings import libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import assert_one_line_error, schema_pkg, url_text
from tests.test_migration_lock import run_file_in_background, session_in_this_database, wait_until
from tests.test_sql_guards import SQL_DIR, psql, sql

AUTH_DOWNGRADE = next(SQL_DIR.glob("0001_*.downgrade.sql"))
TABLES_DOWNGRADE = next(SQL_DIR.glob("0003_*.downgrade.sql"))

APP_OBJECTS = """
CREATE TABLE app_accounts (user_id uuid REFERENCES auth.users (id), note text);
ALTER TABLE app_accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_own ON app_accounts USING (user_id = auth.uid());
CREATE VIEW app_users AS SELECT id, email FROM auth.users;
"""
APP_OBJECTS_LEFT = """SELECT
  (SELECT count(*) FROM pg_constraint WHERE conname = 'app_accounts_user_id_fkey'),
  (SELECT count(*) FROM pg_policy WHERE polname = 'app_own'),
  to_regclass('public.app_users') IS NOT NULL,
  to_regnamespace('auth') IS NOT NULL"""


@pytest.fixture
def auth_with_dependents(scratch_url):
    migrate(scratch_url, "0001")
    sql(scratch_url, APP_OBJECTS)
    return scratch_url


def test_0001_downgrade_file_refuses_while_others_depend_on_auth(auth_with_dependents):
    url = auth_with_dependents
    result = psql(url, AUTH_DOWNGRADE)
    assert result.returncode == 3
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, result.stderr
    for dependent in ("constraint app_accounts_user_id_fkey on table app_accounts",
                      "policy app_own on table app_accounts", "rule _RETURN on view app_users"):
        assert dependent in errors[0]
    assert "nothing was changed" in errors[0]
    assert sql(url, APP_OBJECTS_LEFT) == [(1, 1, True, True)]
    assert recorded_revision(url) == "0001"


def test_0001_online_downgrade_refuses_too_even_when_data_loss_is_allowed(auth_with_dependents):
    url = auth_with_dependents
    result = schema_pkg("-q", "--url", url_text(url), "downgrade", "base", "--allow-data-loss")
    assert_one_line_error(result, 1, "would drop schema auth with CASCADE, and objects that are "
                                     "not ours depend on it")
    assert "error: schema_pkg:" not in result.stderr  # one prefix, the CLI's
    assert sql(url, APP_OBJECTS_LEFT) == [(1, 1, True, True)]


def test_0001_downgrade_refuses_to_drop_auth_users_holding_rows(scratch_url):
    migrate(scratch_url, "0001")
    sql(scratch_url, "INSERT INTO auth.users (id) VALUES (gen_random_uuid())")
    result = psql(scratch_url, AUTH_DOWNGRADE)
    assert result.returncode == 3
    assert "would drop tables holding data: auth.users" in result.stderr
    assert recorded_revision(scratch_url) == "0001"


def test_0001_downgrade_without_dependents_or_rows_still_works(scratch_url):
    migrate(scratch_url, "0001")
    result = psql(scratch_url, AUTH_DOWNGRADE)
    assert result.returncode == 0, result.stderr
    assert sql(scratch_url, "SELECT to_regnamespace('auth')") == [(None,)]


def test_a_row_committed_while_the_guard_checks_is_never_dropped(scratch_url):
    migrate(scratch_url, "0003")
    with psycopg.connect(libpq_url(scratch_url), application_name="app") as app:
        app.execute("INSERT INTO projects (name, slug, category) VALUES ('p', 'p', 'portfolio')")
        run = run_file_in_background(scratch_url, TABLES_DOWNGRADE, "-v", "lock_timeout=30s")
        wait_until(scratch_url, session_in_this_database("dba-psql", "wait_event_type = 'Lock'"))
        app.commit()
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 3
    assert "would drop tables holding data: public.projects (1 rows)" in stderr
    assert sql(scratch_url, "SELECT count(*) FROM projects") == [(1,)]


@pytest.mark.parametrize("value,refused", [("'kept'", True), ("NULL", False)])
def test_the_guard_covers_a_dropped_column_holding_values(scratch_url, value, refused):
    sql(scratch_url, f"CREATE TABLE t AS SELECT {value}::text AS c")
    guard = guards.refuse_data_loss("downgrade 9999", (), ("public.t.c",))
    with psycopg.connect(libpq_url(scratch_url), autocommit=True) as conn:
        if refused:
            with pytest.raises(psycopg.errors.RaiseException, match="column public.t.c"):
                conn.execute(guard)
        else:
            conn.execute(guard)


@pytest.mark.same_on_every_version
def test_every_table_or_column_a_revision_drops_is_declared():
    statements = history.packaged_statements()
    for script in revisions_in_order():
        for direction in ("upgrade", "downgrade"):
            declared = (guards.dropped_tables(script), guards.dropped_columns(script))
            assert guards.undeclared_drops(statements[(script.revision, direction)],
                                           *declared) == [], (script.revision, direction)


@pytest.mark.same_on_every_version
def test_an_undeclared_drop_is_caught():
    text = "DROP TABLE public.kept;\nALTER TABLE kept\n  DROP COLUMN note;\n-- DROP TABLE comment;"
    assert guards.undeclared_drops(text, ("public.kept",), ()) == ["public.kept.note"]
    assert guards.undeclared_drops(text, (), ("public.kept.note",)) == ["public.kept"]


def test_downgrade_to_base_refuses_before_the_first_step_when_others_depend_on_auth(head_url):
    sql(head_url, APP_OBJECTS)
    result = schema_pkg("-q", "--url", url_text(head_url), "downgrade", "base", "--allow-data-loss")
    assert_one_line_error(result, 1, "constraint app_accounts_user_id_fkey on table app_accounts")
    assert "policy Users can" not in result.stderr  # our own policies go with our tables
    assert recorded_revision(head_url) == script_directory().get_current_head()


@pytest.mark.same_on_every_version
def test_the_lock_report_says_a_declared_column_drop_can_lose_data():
    from schema_pkg.lockreport import Step, data_loss

    step = Step("9999", "downgrade", "t", dropped_columns=("public.profiles.nickname",))
    assert data_loss(step).startswith("yes, drops columns public.profiles.nickname")
    assert data_loss(Step("9999", "downgrade", "t")) == "no"


@pytest.mark.same_on_every_version
def test_the_lock_report_counts_tables_of_a_guarded_schema_drop_as_guarded():
    from schema_pkg.lockreport import Step, data_loss

    dropped = Step("9999", "downgrade", "t", before={1: "auth.users"}, guarded_schemas=("auth",))
    assert data_loss(dropped) == ("yes, drops auth.users (the data-loss guard refuses while they "
                                  "hold rows unless allowed)")
    unguarded = Step("9999", "downgrade", "t", before={1: "auth.users"})
    assert data_loss(unguarded) == "yes, drops auth.users (no data-loss guard for auth.users)"
