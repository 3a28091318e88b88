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


def test_before_0010_api_privileges_are_notes_not_drift(schema_pkg_database_at):
    """Until 0010 they depended on the world (default privileges), so they never fail."""
    url = schema_pkg_database_at("0009")
    execute(url, "REVOKE SELECT ON projects FROM anon")
    result = schema_pkg("--url", url_text(url), "verify")
    assert result.returncode == 0, result.stdout
    assert "note: grants public.table projects" in result.stdout


@pytest.mark.parametrize("change, reported", [
    ("GRANT INSERT ON projects TO anon", "privileges table public.projects to anon: INSERT: only in live"),
    ("REVOKE SELECT ON soc_teams FROM authenticated",
     "privileges table public.soc_teams to authenticated: SELECT: only in shadow@"),
    ("GRANT UPDATE (created_at) ON soc_user_roles TO authenticated",
     "privileges column public.soc_user_roles.created_at to authenticated: UPDATE: only in live"),
    ("GRANT EXECUTE ON FUNCTION private.is_soc_team_member(uuid) TO anon",
     "privileges function private.is_soc_team_member(_team_id uuid) to anon: EXECUTE: only in live"),
    ("GRANT USAGE ON SCHEMA schema_pkg TO PUBLIC",
     "privileges schema schema_pkg to public: USAGE: only in live"),
])
def test_from_0010_an_api_privilege_difference_is_drift_naming_object_role_and_privilege(
        head_url, change, reported):
    execute(head_url, change)
    result = schema_pkg("--url", url_text(head_url), "verify")
    assert result.returncode == 1, result.stdout
    assert f"DRIFT: {reported}" in result.stdout, result.stdout


def test_owners_stay_notes(head_url, schema_pkg_scratch):
    role = schema_pkg_scratch.create_role("verify_owner", "NOLOGIN")
    execute(head_url, f'ALTER TABLE projects OWNER TO "{role}"')
    result = schema_pkg("--url", url_text(head_url), "verify")
    assert "note: owners public.table projects" in result.stdout, result.stdout
    assert "DRIFT: owners" not in result.stdout


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
