"""The SQL files a DBA runs with psql are as safe as the online run (run here with real psql)."""

from __future__ import annotations

import os
import shutil
import subprocess

import psycopg
import pytest

from schema_pkg.config import CHECKOUT_DIR, revisions_in_order, script_directory
from schema_pkg.scratch import migrate
from schema_pkg.settings import libpq_url
from schema_pkg.sqlrender import file_stem
from schema_pkg.verify import recorded_revision
from tests.test_migration_health import full_snapshot

pytestmark = [pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed"),
              pytest.mark.slow]  # a psql process per test

SQL_DIR = CHECKOUT_DIR / "sql"
HEAD = script_directory().get_current_head()
SCRIPTS = revisions_in_order()
FILES = [(script.revision, direction, SQL_DIR / f"{file_stem(script)}.{direction}.sql")
         for script in SCRIPTS for direction in ("upgrade", "downgrade")]


def committed(path):
    """A file of sql/, or a failure naming the command that writes it."""
    if not path.is_file():
        pytest.fail(f"sql/{path.name} is missing: run `make regen` (or `make sql`) and commit sql/")
    return path


def psql(url, path, *options: str, pgoptions: str | None = None) -> subprocess.CompletedProcess:
    """psql as a DBA runs it: no psqlrc, no -v ON_ERROR_STOP (the file sets it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if pgoptions:
        env["PGOPTIONS"] = pgoptions
    return subprocess.run(["psql", "-X", "-q", *options, "-d", libpq_url(url), "-f", str(path)],
                          capture_output=True, text=True, timeout=120, env=env)


def sql(url, statement: str, params=()) -> list:
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def state(url) -> tuple:
    """The catalog, the recorded revision and the deployment record's size."""
    history = sql(url, "SELECT to_regclass('schema_pkg.history') IS NOT NULL")[0][0]
    rows = sql(url, "SELECT count(*) FROM schema_pkg.history")[0][0] if history else None
    return full_snapshot(url), rows


def upgrade_files_from(revision: str) -> list:
    """The upgrade files from ``revision`` to head, in order."""
    order = [script.revision for script in SCRIPTS]
    return [path for rev, direction, path in FILES
            if direction == "upgrade" and order.index(rev) >= order.index(revision)]


def expected_start(revision: str, direction: str) -> str | None:
    script = script_directory().get_revision(revision)
    return script.down_revision if direction == "upgrade" else revision


@pytest.fixture(scope="module")
def at_baseline_and_head(schema_pkg_scratch):
    urls = {}
    for revision in ("0005", HEAD):
        urls[revision] = schema_pkg_scratch.create()
        migrate(urls[revision], revision)
    yield urls
    for url in urls.values():
        schema_pkg_scratch.drop(url)


@pytest.mark.parametrize("revision,direction,path", FILES, ids=[p.name for _, _, p in FILES])
def test_each_file_refuses_a_database_at_the_wrong_revision_and_changes_nothing(
        at_baseline_and_head, revision, direction, path):
    wrong = HEAD if expected_start(revision, direction) != HEAD else "0005"
    url = at_baseline_and_head[wrong]
    before = state(url)
    result = psql(url, committed(path))
    assert result.returncode == 3, result.stderr  # psql's code for a script stopped by an error
    assert f"but it is at {wrong}; nothing was changed" in result.stderr
    assert state(url) == before


def test_full_upgrade_under_psql_single_transaction_refuses_before_changing_anything(scratch_url):
    result = psql(scratch_url, SQL_DIR / "full_upgrade.sql", "--single-transaction")
    assert result.returncode == 3
    assert "without -1/--single-transaction" in result.stderr
    assert sql(scratch_url, "SELECT count(*) FROM pg_namespace WHERE nspname IN "
                            "('auth', 'schema_pkg', 'private')") == [(0,)]
    assert sql(scratch_url, "SELECT count(*) FROM pg_class c JOIN pg_namespace n "
                            "ON n.oid = c.relnamespace WHERE n.nspname = 'public'") == [(0,)]


def test_a_failing_statement_stops_the_file_without_on_error_stop_given(scratch_url):
    sql(scratch_url, "CREATE TYPE public.project_category AS ENUM ('x')")  # 0002 will collide
    result = psql(scratch_url, SQL_DIR / "full_upgrade.sql")
    assert result.returncode == 3 and 'type "project_category" already exists' in result.stderr
    assert recorded_revision(scratch_url) == "0001"
    assert sql(scratch_url, "SELECT revision, status, error FROM schema_pkg.history ORDER BY id") == [
        ("0001", "completed", None),
        ("0002", "failed", 'type "project_category" already exists')]  # recorded by the run


def test_files_applied_in_order_reach_head_and_record_each_revision(scratch_url):
    for _, direction, path in FILES:
        if direction == "upgrade":
            assert psql(scratch_url, committed(path)).returncode == 0, path
    assert recorded_revision(scratch_url) == HEAD
    assert [r for (r,) in sql(scratch_url, "SELECT revision FROM schema_pkg.history "
                                                "WHERE step IS NULL ORDER BY id")] \
        == [s.revision for s in SCRIPTS]


def insert_project(url) -> None:
    sql(url, "INSERT INTO projects (name, slug, category) VALUES ('p', 'p', 'portfolio')")


def test_downgrade_file_refuses_to_drop_tables_holding_rows(scratch_url):
    migrate(scratch_url, "0003")
    insert_project(scratch_url)
    before = state(scratch_url)
    result = psql(scratch_url, SQL_DIR / "0003_documented_tables.downgrade.sql")
    assert result.returncode == 3
    assert "would drop tables holding data: public.projects (1 rows)" in result.stderr
    assert state(scratch_url) == before


def test_downgrade_file_drops_rows_once_the_dba_allows_data_loss(scratch_url):
    migrate(scratch_url, "0003")
    insert_project(scratch_url)
    result = psql(scratch_url, SQL_DIR / "0003_documented_tables.downgrade.sql",
                  pgoptions="-c schema_pkg.allow_data_loss=on")
    assert result.returncode == 0, result.stderr
    assert recorded_revision(scratch_url) == "0002"


USER_SCHEMA_OBJECTS = """SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'postgres'"""
USER_SCHEMA_TYPES = """SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                       WHERE n.nspname = 'postgres'"""


def test_files_put_every_object_in_public_when_a_schema_is_named_after_the_user(scratch_url):
    sql(scratch_url, "CREATE SCHEMA postgres")
    result = psql(scratch_url, SQL_DIR / "full_upgrade.sql")
    assert result.returncode == 0, result.stderr
    assert sql(scratch_url, USER_SCHEMA_OBJECTS) == [(0,)]
    assert sql(scratch_url, USER_SCHEMA_TYPES) == [(0,)]
    assert recorded_revision(scratch_url) == HEAD


def test_online_upgrade_puts_every_object_in_public_when_a_schema_is_named_after_the_user(
        scratch_url):
    sql(scratch_url, "CREATE SCHEMA postgres")
    migrate(scratch_url, "head")
    assert sql(scratch_url, USER_SCHEMA_OBJECTS) == [(0,)]
    assert sql(scratch_url, USER_SCHEMA_TYPES) == [(0,)]
    assert recorded_revision(scratch_url) == HEAD


INDEX = "public.projects_owner_id_idx"
INDEX_0008 = SQL_DIR / "0008_indexes_for_rls_and_foreign_keys.upgrade.sql"


def leave_invalid_index(url) -> None:
    """What a CREATE INDEX CONCURRENTLY cut short leaves behind."""
    sql(url, f"UPDATE pg_index SET indisvalid = false WHERE indexrelid = '{INDEX}'::regclass")


def invalid_indexes(url) -> list:
    return sql(url, "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")


def index_oids(url) -> dict:
    return dict(sql(url, "SELECT indexrelid::regclass::text, indexrelid::int FROM pg_index "
                         "WHERE indexrelid::regclass::text LIKE %s", ["%_idx"]))


def test_rerunning_0008_over_an_invalid_index_rebuilds_it_and_keeps_the_valid_ones(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    assert psql(scratch_url, INDEX_0008).returncode == 0
    oids = index_oids(scratch_url)
    leave_invalid_index(scratch_url)
    sql(scratch_url, "UPDATE alembic_version SET version_num = '0007'")  # as if it had failed
    result = psql(scratch_url, INDEX_0008)
    assert result.returncode == 0, result.stderr
    assert invalid_indexes(scratch_url) == []
    after = index_oids(scratch_url)
    assert after.keys() == oids.keys()
    assert [name for name in oids if after[name] != oids[name]] == ["projects_owner_id_idx"]


def make_foreign_invalid_index(url) -> None:
    """What an application's failed CREATE INDEX CONCURRENTLY leaves in public."""
    sql(url, "CREATE TABLE app_audit (k text)")
    sql(url, "CREATE INDEX app_audit_k_key ON app_audit (k)")
    sql(url, "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'app_audit_k_key'::regclass")


def test_an_applications_invalid_index_never_blocks_the_files(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    make_foreign_invalid_index(scratch_url)
    for path in upgrade_files_from("0008"):
        result = psql(scratch_url, path)
        assert result.returncode == 0, result.stderr
    assert invalid_indexes(scratch_url) == [("app_audit_k_key",)]


def test_an_applications_invalid_index_never_blocks_the_online_run(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    make_foreign_invalid_index(scratch_url)
    migrate(scratch_url, "head")
    assert recorded_revision(scratch_url) == HEAD
    assert invalid_indexes(scratch_url) == [("app_audit_k_key",)]


def test_online_0008_rebuilds_an_invalid_index_and_keeps_the_valid_ones(schema_pkg_database_at):
    """Replays 0008 alone (pinned), so no later revision is ever run twice."""
    scratch_url = schema_pkg_database_at("0008")  # the run's template, cloned
    valid = sql(scratch_url, "SELECT 'public.soc_user_roles_team_id_idx'::regclass::oid::int")
    leave_invalid_index(scratch_url)
    sql(scratch_url, "UPDATE alembic_version SET version_num = '0007'")
    migrate(scratch_url, "0008")
    assert recorded_revision(scratch_url) == "0008"
    assert invalid_indexes(scratch_url) == []
    assert sql(scratch_url, "SELECT 'public.soc_user_roles_team_id_idx'::regclass::oid::int") == valid


@pytest.mark.same_on_every_version
def test_only_statements_decide_that_a_revision_builds_concurrently():
    from schema_pkg import guards, history

    assert not guards.runs_concurrently("-- indexes come later, CONCURRENTLY\nSELECT 1;")
    assert guards.built_concurrently("CREATE INDEX CONCURRENTLY IF NOT EXISTS a_idx ON t (a);") \
        == ["a_idx"]
    statements = history.packaged_statements()
    commented = [r for (r, d), text in statements.items() if d == "upgrade"
                 and "concurrently" in text.lower() and not guards.runs_concurrently(text)]
    assert commented, "no revision mentions CONCURRENTLY only in a comment: pick another probe"
    for revision in commented:
        path = next(SQL_DIR.glob(f"{revision}_*.upgrade.sql"))
        assert "INVALID indexes remain" not in path.read_text()
