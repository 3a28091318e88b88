"""Bad input gets one line on stderr, a non-zero exit, no traceback and no change."""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.scratch import url_as_role
from schema_pkg.settings import libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import assert_one_line_error, bare_alembic, schema_pkg, url_text

# No server at all (a bad URL, a closed port, offline SQL): the same on every version.
NO_SERVER = pytest.mark.same_on_every_version


@NO_SERVER
@pytest.mark.parametrize("url, fragment", [
    ("postgresql//nohost", "malformed database URL"),
    ("sqlite:///tmp/x.db", "not a PostgreSQL URL"),
    ("mysql://root@127.0.0.1/test", "not a PostgreSQL URL"),
])
def test_bad_urls_exit_2(url, fragment):
    assert_one_line_error(schema_pkg("-q", "--url", url, "upgrade", "head"), 2, fragment)


@NO_SERVER
@pytest.mark.slow  # a process of its own
def test_bare_alembic_reports_a_bad_url_without_traceback():
    result = bare_alembic("-x", "url=sqlite:///tmp/x.db", "upgrade", "head")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "not a PostgreSQL URL" in result.stderr


@NO_SERVER
@pytest.mark.slow  # a process of its own
def test_closed_port_exits_1_quickly():
    result = schema_pkg("-q", "--url", "postgresql://postgres@127.0.0.1:1/x", "upgrade", "head",
                        process=True)  # the exit code of a real process
    assert_one_line_error(result, 1, "cannot connect to postgresql+psycopg://postgres@127.0.0.1:1/x")


@NO_SERVER
@pytest.mark.slow  # a process of its own
def test_bare_alembic_reports_a_closed_port_without_traceback():
    result = bare_alembic("-x", "url=postgresql://postgres@127.0.0.1:1/x", "upgrade", "head")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "cannot connect" in result.stderr


def test_missing_database_is_named_and_not_created(schema_pkg_server):
    url = schema_pkg_server.url.set(database="schema_pkg_no_such_database")
    result = schema_pkg("-q", "--url", url_text(url), "upgrade", "head")
    assert_one_line_error(result, 1, 'database "schema_pkg_no_such_database" does not exist')


def test_wrong_password_is_reported_without_echoing_it(schema_pkg_server):
    with psycopg.connect(libpq_url(schema_pkg_server.url)) as conn:
        methods = {row[0] for row in conn.execute(
            "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host'").fetchall()}
    if methods <= {"trust"}:
        pytest.skip("pg_hba_file_rules trusts every host connection here: no password is asked")
    url = schema_pkg_server.url.set(password="definitely-wrong-pw")
    result = schema_pkg("-q", "--url", url_text(url), "upgrade", "head")
    assert_one_line_error(result, 1, "password authentication failed")
    assert "definitely-wrong-pw" not in result.stderr + result.stdout


def test_unknown_revision_exits_2(scratch_url):
    assert_one_line_error(schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "nosuchrev"), 2,
                          "unknown revision 'nosuchrev'")
    assert recorded_revision(scratch_url) is None


def test_downgrade_below_base_exits_2(scratch_url):
    assert schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "0002").returncode == 0
    result = schema_pkg("-q", "--url", url_text(scratch_url), "downgrade", "-5")
    assert_one_line_error(result, 2, "Relative revision -5 didn't produce 5 migrations")
    assert recorded_revision(scratch_url) == "0002"


def test_role_without_create_privilege_fails_cleanly_and_changes_nothing(schema_pkg_scratch, scratch_url):
    no_create = schema_pkg_scratch.create_role("no_create")  # NOLOGIN: reached with SET ROLE
    result = schema_pkg("-q", "--url", url_text(url_as_role(scratch_url, no_create)), "upgrade", "head")
    assert_one_line_error(result, 1, "permission denied")
    with psycopg.connect(libpq_url(scratch_url)) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname IN "
                              "('public', 'auth')").fetchone()[0]
    assert tables == 0


@NO_SERVER
def test_password_never_appears_in_error_output():
    result = schema_pkg("--url", "postgresql://postgres:s3cret-pw@127.0.0.1:1/x", "upgrade", "head")
    assert result.returncode == 1
    assert "s3cret-pw" not in result.stdout + result.stderr
    assert "postgres:***@127.0.0.1:1/x" in result.stderr


def test_options_may_follow_the_command(scratch_url):
    result = schema_pkg("upgrade", "0002", "--url", url_text(scratch_url), "-q")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert recorded_revision(scratch_url) == "0002"


@NO_SERVER
def test_unknown_revision_in_an_offline_range_exits_2():
    assert_one_line_error(schema_pkg("upgrade", "0005:bogus", "--sql"), 2, "unknown revision 'bogus'")


@NO_SERVER
def test_an_offline_range_from_base_renders_as_the_revision_alone():
    from_base = schema_pkg("upgrade", "base:0001", "--sql")
    assert from_base.returncode == 0, from_base.stderr
    assert from_base.stdout == schema_pkg("upgrade", "0001", "--sql").stdout


@NO_SERVER
def test_offline_range_renders_just_that_step():
    result = schema_pkg("downgrade", "0005:0004", "--sql")
    assert result.returncode == 0, result.stderr
    assert "DROP FUNCTION has_soc_role(soc_role, uuid);" in result.stdout
    assert "DROP TABLE" not in result.stdout


@NO_SERVER
def test_a_bad_timeout_setting_is_refused_in_one_line_before_connecting():
    result = schema_pkg("-q", "--url", "postgresql://postgres@127.0.0.1:1/x", "upgrade", "head",
                        SCHEMA_PKG_LOCK_TIMEOUT="soon")
    assert_one_line_error(result, 1, "bad SCHEMA_PKG_* setting: not a duration: 'soon'")
