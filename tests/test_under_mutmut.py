"""tests/under_mutmut.py: how the suite runs under mutmut (order, caches, collection
errors); and benchmarks/mutants.py's list of the mutants left to run."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from benchmarks import mutants
from schema_pkg import history
from tests import under_mutmut

pytestmark = pytest.mark.same_on_every_version


def items(*nodeids: str) -> list:
    return [SimpleNamespace(nodeid=nodeid) for nodeid in nodeids]


def test_a_mutants_tests_run_module_by_module_cheapest_module_first_each_in_its_own_order():
    given = items("tests/b.py::two", "tests/a.py::one", "tests/b.py::one", "tests/c.py::new",
                  "tests/a.py::two")
    durations = {"tests/a.py::one": 5.0, "tests/a.py::two": 7.0, "tests/b.py::two": 0.1,
                 "tests/b.py::one": 0.3}
    assert [i.nodeid for i in under_mutmut.module_by_module(given, durations)] == [
        "tests/c.py::new",  # no recorded duration yet: counts as free
        "tests/b.py::two", "tests/b.py::one",
        "tests/a.py::one", "tests/a.py::two",
    ]


def test_mutmuts_recorded_durations_are_read_from_its_stats_and_absent_stats_are_none(tmp_path):
    assert under_mutmut.recorded_durations(tmp_path) == {}
    (tmp_path / under_mutmut.STATS).write_text('{"duration_by_test": {"tests/a.py::one": 1.5}}')
    assert under_mutmut.recorded_durations(tmp_path) == {"tests/a.py::one": 1.5}


def test_a_session_under_mutmut_starts_with_schema_pkgs_caches_empty():
    history.packaged_statements()
    assert history.packaged_statements.cache_info().currsize == 1
    assert "schema_pkg.history.packaged_statements" in under_mutmut.clear_caches()
    assert history.packaged_statements.cache_info().currsize == 0


def test_only_a_mutmut_run_sets_the_mutant_variable(monkeypatch):
    monkeypatch.delenv("MUTANT_UNDER_TEST", raising=False)
    assert not under_mutmut.active()
    monkeypatch.setenv("MUTANT_UNDER_TEST", "")  # mutmut's clean run
    assert under_mutmut.active()


def test_a_collection_error_under_mutmut_counts_as_the_tests_failing():
    for status in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.USAGE_ERROR):
        assert under_mutmut.exit_status(status, ["tests/x.py"]) == pytest.ExitCode.TESTS_FAILED
        assert under_mutmut.exit_status(status, []) == status  # Ctrl-C, a wrong argument


def test_only_mutmuts_stats_pass_collects_stats(monkeypatch):
    monkeypatch.setenv("MUTANT_UNDER_TEST", "stats")
    assert under_mutmut.collecting_stats()
    for other in ("", "schema_pkg.history.x_checksum__mutmut_1"):
        monkeypatch.setenv("MUTANT_UNDER_TEST", other)
        assert not under_mutmut.collecting_stats()


def test_the_mutants_left_to_run_are_those_not_run_without_a_test_or_surviving_unexplained(tmp_path):
    meta = tmp_path / "m.py.meta"
    codes = {"killed": 1, "survived": 0, "explained": 0, "not_run": None, "no_test": 33, "timeout": 36}
    meta.write_text(json.dumps({"exit_code_by_key": {
        f"m.x_{name}__mutmut_1": code for name, code in codes.items()}}))
    assert mutants.unfinished(meta, {"x_explained__mutmut_1"}) == [
        "m.x_survived__mutmut_1", "m.x_not_run__mutmut_1", "m.x_no_test__mutmut_1"]


def test_a_survivor_named_in_the_notes_is_explained_for_its_module_or_any_when_unqualified():
    explained = {"history.x_record_failure__mutmut_2", "x_quote__mutmut_1"}
    assert mutants.is_explained("schema_pkg.history.x_record_failure__mutmut_2", explained)
    assert not mutants.is_explained("schema_pkg.migration_env.x_record_failure__mutmut_2", explained)
    assert mutants.is_explained("schema_pkg.guards.x_quote__mutmut_1", explained)
