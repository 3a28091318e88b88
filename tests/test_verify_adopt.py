"""verify finds drift against a fresh shadow; adopt stamps only a database that matches."""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.config import BASELINE_REVISION
from schema_pkg.settings import libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import schema_pkg, url_text

pytestmark = pytest.mark.slow


def execute(url, sql):
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute(sql)


def test_verify_passes_on_an_untouched_database(head_url):
    result = schema_pkg("--url", url_text(head_url), "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no drift" in result.stderr


@pytest.mark.parametrize("change, reported", [
    ('DROP POLICY "Users can view own data" ON talai_experiments',
     "policies public.talai_experiments.Users can view own data: only in shadow"),
    ("CREATE OR REPLACE FUNCTION has_soc_role(_role soc_role, _user_id uuid) RETURNS boolean "
     "AS $$ SELECT true $$ LANGUAGE sql SECURITY DEFINER",
     "functions public.has_soc_role(_role soc_role, _user_id uuid): body differs"),
    ("ALTER TYPE soc_role ADD VALUE 'auditor'", "enums public.soc_role: labels differs"),
    ("ALTER TABLE qmlab_experiments DROP COLUMN particle_count",
     "columns public.qmlab_experiments.particle_count: only in shadow"),
])
def test_verify_reports_drift(head_url, change, reported):
    execute(head_url, change)
    result = schema_pkg("--url", url_text(head_url), "verify")
    assert result.returncode == 1
    assert reported in result.stdout, result.stdout


def test_verify_reports_grants_without_failing(head_url):
    execute(head_url, "REVOKE SELECT ON projects FROM anon")
    result = schema_pkg("--url", url_text(head_url), "verify")
    assert result.returncode == 0
    assert "note: grants public.table projects" in result.stdout


@pytest.fixture
def hand_built(baseline_url):
    """The documented schema built outside alembic: the baseline without alembic's record."""
    execute(baseline_url, "DROP TABLE alembic_version")
    return baseline_url


def test_adopt_stamps_a_matching_database_and_upgrade_applies_only_later_revisions(hand_built):
    result = schema_pkg("--url", url_text(hand_built), "adopt")
    assert result.returncode == 0, result.stdout + result.stderr
    assert recorded_revision(hand_built) == BASELINE_REVISION
    upgrade = schema_pkg("--url", url_text(hand_built), "upgrade", "head")
    applied = [line.split()[1] for line in upgrade.stderr.splitlines() if "applied" in line]
    assert applied and all(revision > BASELINE_REVISION for revision in applied)


def test_adopt_refuses_a_drifted_database_and_stamps_nothing(hand_built):
    execute(hand_built, 'DROP POLICY "Owners can manage projects" ON projects')
    result = schema_pkg("--url", url_text(hand_built), "adopt")
    assert result.returncode == 1
    assert "policies public.projects.Owners can manage projects: only in shadow" in result.stdout
    assert "refused" in result.stderr
    assert recorded_revision(hand_built) is None


def test_adopt_refuses_a_database_already_managed(head_url):
    result = schema_pkg("--url", url_text(head_url), "adopt")
    assert result.returncode == 1 and "already managed" in result.stderr
