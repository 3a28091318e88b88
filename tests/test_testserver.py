"""The test suite finds its server in the documented order, and says why each step was skipped."""

from __future__ import annotations

import pytest

from schema_pkg.testserver import NoServerError, Probes, choose_provider

PG_CTL = "/usr/lib/postgresql/15/bin/pg_ctl"

pytestmark = pytest.mark.same_on_every_version


def probes(local_default=None, is_root=False, pg_ctl=PG_CTL, has_pytest_postgresql=True, docker=True,
           has_testcontainers=True) -> Probes:
    return Probes(local_default=lambda: local_default, is_root=is_root, pg_ctl=pg_ctl,
                  has_pytest_postgresql=has_pytest_postgresql, docker=lambda: docker,
                  has_testcontainers=has_testcontainers)


def test_database_url_comes_first():
    assert choose_provider({"DATABASE_URL": "postgresql://x@h/d"}, probes()) == "environment"


def test_pg_variables_count_as_an_existing_server():
    assert choose_provider({"PGHOST": "h"}, probes(is_root=True, pg_ctl=None)) == "environment"


def test_the_local_default_server_comes_second_when_it_answers():
    assert choose_provider({}, probes()) == "local default"


def test_local_binaries_come_third():
    assert choose_provider({}, probes(local_default="connection refused")) == "pytest-postgresql"


def test_local_binaries_are_skipped_as_root():
    assert choose_provider({}, probes(local_default="refused", is_root=True)) == "testcontainers"


def test_docker_comes_fourth():
    assert choose_provider({}, probes(local_default="refused", pg_ctl=None)) == "testcontainers"


def test_the_local_default_is_not_probed_when_the_environment_names_a_server():
    def must_not_probe():
        raise AssertionError("probed")

    checked = Probes(must_not_probe, False, PG_CTL, True, must_not_probe, True)
    assert choose_provider({"DATABASE_URL": "postgresql://x@h/d"}, checked) == "environment"


def test_nothing_available_names_why_each_step_was_skipped():
    with pytest.raises(NoServerError) as error:
        choose_provider({}, probes(local_default="connection refused", is_root=True, docker=False))
    assert str(error.value) == (
        "no PostgreSQL server for the tests: DATABASE_URL and PG* unset; nothing answers at "
        "127.0.0.1:5432 (connection refused); pg_ctl found but PostgreSQL refuses to run as root; "
        "no Docker daemon")


def test_missing_packages_are_named_with_the_extra_to_install():
    with pytest.raises(NoServerError, match=r"no pg_ctl found .*; testcontainers is not installed"):
        choose_provider({}, probes(local_default="refused", pg_ctl=None, has_testcontainers=False))
    missing = r"pytest-postgresql is missing \(pip install 'schema_pkg\[testing\]'\)"
    with pytest.raises(NoServerError, match=missing):
        choose_provider({}, probes(local_default="refused", has_pytest_postgresql=False, docker=False))
