"""The test suite finds its server in the documented order."""

from __future__ import annotations

import pytest

from schema_pkg.testserver import NoServerError, choose_provider

PG_CTL = "/usr/lib/postgresql/15/bin/pg_ctl"


def test_database_url_comes_first():
    assert choose_provider({"DATABASE_URL": "postgresql://x@h/d"}, is_root=False,
                           pg_ctl=PG_CTL, docker_ok=True) == "environment"


def test_pg_variables_count_as_an_existing_server():
    assert choose_provider({"PGHOST": "h"}, is_root=True, pg_ctl=None,
                           docker_ok=False) == "environment"


def test_local_binaries_come_second():
    assert choose_provider({}, is_root=False, pg_ctl=PG_CTL, docker_ok=True) == "pytest-postgresql"


def test_local_binaries_are_skipped_as_root():
    assert choose_provider({}, is_root=True, pg_ctl=PG_CTL, docker_ok=True) == "testcontainers"


def test_docker_comes_third():
    assert choose_provider({}, is_root=False, pg_ctl=None, docker_ok=True) == "testcontainers"


def test_nothing_available_says_what_to_install():
    with pytest.raises(NoServerError, match="set DATABASE_URL.*pg_ctl.*Docker"):
        choose_provider({}, is_root=True, pg_ctl=PG_CTL, docker_ok=False)
