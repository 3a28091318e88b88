"""verify, adopt, current and history read public.alembic_version and schema_pkg.history,
whatever search_path the database or role sets."""

from __future__ import annotations

import pytest

from schema_pkg.config import script_directory
from tests.clirun import schema_pkg, url_text
from tests.test_sql_guards import sql

HEAD = script_directory().get_current_head()


@pytest.fixture
def with_an_evil_search_path(head_url):
    database = head_url.database
    sql(head_url, "CREATE SCHEMA evil")
    sql(head_url, "CREATE TABLE evil.alembic_version (version_num text)")
    sql(head_url, "INSERT INTO evil.alembic_version VALUES ('0005')")
    sql(head_url, f'ALTER DATABASE "{database}" SET search_path = evil, public')
    return head_url


def test_verify_reads_public_alembic_version(with_an_evil_search_path):
    result = schema_pkg("--url", url_text(with_an_evil_search_path), "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"no drift at revision {HEAD}" in result.stderr
    assert "DRIFT" not in result.stdout


def test_current_reads_public_alembic_version(with_an_evil_search_path):
    result = schema_pkg("-q", "--url", url_text(with_an_evil_search_path), "current")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == HEAD


def test_adopt_sees_the_database_is_managed_at_head(with_an_evil_search_path):
    result = schema_pkg("-q", "--url", url_text(with_an_evil_search_path), "adopt")
    assert result.returncode == 1
    assert f"already managed (at revision {HEAD})" in result.stderr


def test_history_applied_reads_schema_pkg_history(with_an_evil_search_path):
    sql(with_an_evil_search_path, "CREATE TABLE evil.history (revision text)")
    result = schema_pkg("-q", "--url", url_text(with_an_evil_search_path), "history", "--applied")
    assert result.returncode == 0, result.stderr
    revision_rows = [line for line in result.stdout.splitlines() if " step " not in line]
    assert len(revision_rows) == len(list(script_directory().walk_revisions()))
