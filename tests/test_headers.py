"""Each SQL file's header says what running it needs, what a stop leaves, what its
downgrade gives back, and the psql it needs."""

from __future__ import annotations

import pytest

from schema_pkg import exposure, history
from tests.test_sql_guards import FILES, SQL_DIR

pytestmark = pytest.mark.same_on_every_version


def header(path) -> str:
    return path.read_text().split("\\set ON_ERROR_STOP on")[0]


@pytest.mark.parametrize("revision,direction,path", FILES, ids=[p.name for _, _, p in FILES])
def test_each_header_states_psql_settings_needs_and_what_a_stop_leaves(revision, direction, path):
    text = header(path)
    assert "Needs psql 10" in text and "PostgreSQL 11" in text
    for variable in ("lock_timeout=", "statement_timeout=", "concurrent_prewait=",
                     "migration_lock_wait="):
        assert variable in text
    assert "-- Needs:" in text and "-- If it stops:" in text
    if direction == "downgrade":
        assert "-- Gives back" in text


def test_the_full_script_says_it_resumes():
    assert "resumes at the first" in header(SQL_DIR / "full_upgrade.sql")


def file_text(revision: str, direction: str) -> str:
    return " ".join(header(next(SQL_DIR.glob(f"{revision}_*.{direction}.sql"))).split())


def test_0006_downgrade_says_profiles_is_open_again():
    assert "profiles: row level security off" in file_text("0006", "downgrade")


def test_0009_downgrade_says_truncate_comes_back():
    assert "TRUNCATE, TRIGGER, REFERENCES" in file_text("0009", "downgrade")


def test_0001_upgrade_says_it_needs_createrole():
    assert "CREATEROLE" in file_text("0001", "upgrade")


def test_every_downgrade_granting_at_run_time_has_its_note():
    for (revision, direction), statements in history.packaged_statements().items():
        if direction == "downgrade" and exposure.has_run_time_grants(statements):
            assert revision in exposure.RUN_TIME_GRANTS, revision
