"""Revision 0009's segments on a live database: duplicates stop it before anything is
applied, a failed unique build leaves no index behind, and a rerun finishes the job."""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.settings import libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import assert_one_line_error, schema_pkg, url_text
from tests.rls.world import USERS

pytestmark = pytest.mark.slow
UNIQUE_INDEX = "user_project_preferences_user_id_project_id_key"
REVISION = "0009"  # the revision under test, pinned: later revisions must not change these tests
FK_ACTION = ("SELECT confdeltype FROM pg_constraint "
             "WHERE conname = 'user_project_preferences_project_id_fkey'")


@pytest.fixture
def at_0008_with_preferences(schema_pkg_database_at):
    """A database at 0008 with one project and alice's preference for it."""
    scratch_url = schema_pkg_database_at("0008")  # the run's template, cloned
    with psycopg.connect(libpq_url(scratch_url), autocommit=True) as conn:
        project = conn.execute("INSERT INTO projects (name, slug, category) "
                               "VALUES ('p', 'p', 'portfolio') RETURNING id").fetchone()[0]
        conn.execute("INSERT INTO user_project_preferences (user_id, project_id) VALUES (%s, %s)",
                     (USERS["alice"], project))
    return scratch_url, project


def query(url, sql, *params):
    with psycopg.connect(libpq_url(url)) as conn:
        return conn.execute(sql, params).fetchone()[0]


def upgrade(url, **env):
    return schema_pkg("-q", "--url", url_text(url), "upgrade", REVISION, **env)


def test_duplicate_preferences_stop_the_revision_and_nothing_is_deleted(at_0008_with_preferences):
    url, project = at_0008_with_preferences
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        for user in ("alice", "bob", "bob"):
            conn.execute("INSERT INTO user_project_preferences (user_id, project_id) "
                         "VALUES (%s, %s)", (USERS[user], project))
    result = upgrade(url)
    assert_one_line_error(result, 1, "holds 2 duplicated (user_id, project_id) pairs")
    assert "HAVING count(*) > 1" in result.stderr
    assert query(url, "SELECT count(*) FROM user_project_preferences") == 4
    assert recorded_revision(url) == "0008"
    assert query(url, "SELECT has_table_privilege('anon', 'profiles', 'TRUNCATE')") is True
    assert query(url, FK_ACTION) == "a", "the FK segment ran"


# Duplicates that arrive after 0009's up-front check, while its own transactions run:
# each ALTER TABLE of the foreign-key segment (which commits on its own) writes one.
LATE_DUPLICATES = """
CREATE FUNCTION late_duplicate() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.user_project_preferences (user_id, project_id)
  SELECT user_id, project_id FROM public.user_project_preferences LIMIT 1;
END $$;
CREATE EVENT TRIGGER late_duplicate ON ddl_command_end WHEN TAG IN ('ALTER TABLE')
  EXECUTE FUNCTION late_duplicate();
"""


def test_a_failed_unique_build_leaves_no_index_and_a_rerun_finishes(at_0008_with_preferences):
    """Duplicates written after the check make CREATE UNIQUE INDEX CONCURRENTLY fail once
    the index is in the catalog: the revision drops the INVALID index, which would
    otherwise go on rejecting writes."""
    url, _ = at_0008_with_preferences
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute(LATE_DUPLICATES)
    result = upgrade(url)
    assert result.returncode == 1, result.stderr
    assert "could not create unique index" in result.stderr, result.stderr
    assert "database left at 0008" in result.stderr, result.stderr
    assert query(url, "SELECT to_regclass(%s) IS NULL", UNIQUE_INDEX) is True
    assert query(url, FK_ACTION) == "c", "the committed FK segment stays"
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("DROP EVENT TRIGGER late_duplicate")
        conn.execute("DELETE FROM user_project_preferences p USING user_project_preferences q "
                     "WHERE p.user_id = q.user_id AND p.project_id = q.project_id AND p.ctid > q.ctid")
    assert upgrade(url).returncode == 0
    assert recorded_revision(url) == REVISION
    assert query(url, "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)",
                 UNIQUE_INDEX) is True
