"""Migration health beyond pytest-alembic's standard checks (tests/test_alembic_standard.py):
frozen revisions, an idempotent upgrade, and downgrades compared as whole catalog
snapshots (public, auth, private: policies, functions, grants), stricter than its
table-level up/down consistency."""

from __future__ import annotations

import re

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from schema_pkg.catalog import snapshot, without_alembic_version
from schema_pkg.config import make_config, resource_dir, revisions_in_order
from schema_pkg.db import connection
from schema_pkg.deploy import recorded_revisions
from schema_pkg.scratch import migrate

REVISIONS = [script.revision for script in revisions_in_order()]


def full_snapshot(url):
    """The schemas our revisions touch (public, auth, private) and the recorded revision.
    Schema schema_pkg (the deployment record) is left out on purpose: it survives
    `downgrade base` as the audit trail and grows with every step (tests/test_history.py)."""
    with connection(url) as conn:
        return {"public": without_alembic_version(snapshot(conn, "public")),
                "auth": snapshot(conn, "auth"), "private": snapshot(conn, "private"),
                "version": recorded_revisions(conn) or []}


def test_revisions_never_import_schema_pkg():
    for path in sorted(resource_dir("versions").glob("*.py")):
        assert not re.search(r"^\s*(from|import)\s+schema_pkg", path.read_text(), re.M), path


def test_upgrade_from_empty_then_rerun_changes_nothing(scratch_url):
    migrate(scratch_url, "head")
    first = full_snapshot(scratch_url)
    migrate(scratch_url, "head")
    assert full_snapshot(scratch_url) == first
    assert first["version"] == [REVISIONS[-1]]


def test_downgrade_to_base_leaves_none_of_our_objects(head_url):
    migrate(head_url, "base", downgrade=True)
    after = full_snapshot(head_url)
    public_objects = {section: keys for section, keys in after["public"].items()
                      if section not in ("grants", "owners")}
    assert all(not objects for objects in public_objects.values()), public_objects
    assert all(not section for section in after["auth"].values()), "auth schema left behind"
    assert after["version"] == []


def test_base_head_base_head_twice_restores_an_identical_catalog(head_url):
    at_head = full_snapshot(head_url)
    for _ in range(2):
        migrate(head_url, "base", downgrade=True)
        migrate(head_url, "head")
        assert full_snapshot(head_url) == at_head


@pytest.mark.parametrize("revision", REVISIONS)
def test_each_revision_downgrade_removes_exactly_what_it_created(scratch_url, revision):
    index = REVISIONS.index(revision)
    before = REVISIONS[index - 1] if index else None
    if before:
        migrate(scratch_url, before)
    prior = full_snapshot(scratch_url)
    migrate(scratch_url, revision)
    assert full_snapshot(scratch_url) != prior, f"{revision} changed nothing"
    migrate(scratch_url, before or "base", downgrade=True)
    assert full_snapshot(scratch_url) == prior


def test_env_uses_a_connection_handed_over_in_config_attributes(scratch_url):
    """pytest-alembic and applications may pass their own connection."""
    from schema_pkg.verify import recorded_revision

    engine = create_engine(scratch_url, poolclass=NullPool)
    with engine.begin() as conn:
        config = make_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    engine.dispose()
    assert recorded_revision(scratch_url) == "0002"


def test_an_engine_handed_over_is_connected_for_the_run_and_each_revision_is_recorded(scratch_url):
    from schema_pkg.verify import recorded_revision

    engine = create_engine(scratch_url, poolclass=NullPool)
    config = make_config()
    config.attributes["connection"] = engine
    command.upgrade(config, "0002")
    engine.dispose()
    assert recorded_revision(scratch_url) == "0002"
    with connection(scratch_url) as conn:
        assert conn.execute(text("SELECT revision, status FROM schema_pkg.history "
                                 "ORDER BY id")).all() == [("0001", "completed"), ("0002", "completed")]


def test_an_idle_connection_handed_over_commits_each_revision_on_its_own(scratch_url):
    """Left idle, alembic runs a transaction per revision: they are committed, seen from
    another session, before the caller commits anything."""
    from schema_pkg.verify import recorded_revision

    engine = create_engine(scratch_url, poolclass=NullPool)
    with engine.connect() as conn:
        config = make_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        assert recorded_revision(scratch_url) == "0002"
    engine.dispose()
