"""Every RLS mutant generated from the live catalog is killed by a case or explained."""

from __future__ import annotations

import time

import pytest

from tests.rls import mutation
from tests.rls.conftest import record_figure


@pytest.fixture(scope="session")
def mutation_results(rls_conn, request):
    started = time.perf_counter()
    results = mutation.run_all(rls_conn)
    elapsed = time.perf_counter() - started
    record_figure(request.config, f"RLS mutants: {mutation.score(results)} in {elapsed:.1f} s")
    return results


def verdicts(results, verdict):
    return [f"{r.mutant.id} ({r.detail})" for r in results if r.verdict == verdict]


def test_every_mutant_is_killed_or_explained(mutation_results):
    assert verdicts(mutation_results, "survived") == []


def test_every_generated_mutant_is_valid_ddl(mutation_results):
    assert verdicts(mutation_results, "invalid") == []


def test_mutants_cover_every_policy_and_table(mutation_results, rls_conn):
    policies = rls_conn.execute("SELECT count(*) FROM pg_policies WHERE schemaname = 'public'").fetchone()[0]
    dropped = [r for r in mutation_results if r.mutant.id.endswith(": dropped")]
    disabled = [r for r in mutation_results if r.mutant.id.endswith(": RLS disabled")]
    assert len(dropped) == policies
    assert len(disabled) == len({case.table for case in mutation.cases()
                                 if case.scenario.command != "rpc"})


@pytest.mark.parametrize("mutant", [
    'policy "Users can update own data" on simcore_simulations: WITH CHECK (true) added',
    'policy "Users can update own preferences" on user_project_preferences: WITH CHECK (true)',
    'policy "Users can update own preferences" on user_project_preferences: WITH CHECK removed',
])
def test_open_update_checks_are_killed_by_an_update_without_where(mutation_results, mutant):
    [result] = [r for r in mutation_results if r.mutant.id == mutant]
    assert result.verdict == "killed"


def test_rls_mutants_report_is_current_on_the_version_it_was_generated_on(mutation_results, rls_conn):
    committed, major = mutation.REPORT.read_text(), mutation.server_major(rls_conn)
    if major != mutation.generated_on(committed):
        pytest.skip(f"docs/rls-mutants.md was generated on PostgreSQL {mutation.generated_on(committed)}, "
                    f"this is {major}: test_every_version_gives_the_committed_verdicts compares")
    assert committed == mutation.render(mutation_results, major), "run `make mutants` and commit"


def test_every_version_gives_the_committed_verdicts(mutation_results, rls_conn):
    committed = mutation.verdict_rows(mutation.REPORT.read_text())
    here = mutation.verdict_rows(mutation.render(mutation_results, mutation.server_major(rls_conn)))
    assert here == committed, {"here, not committed": here - committed,
                               "committed, not here": committed - here}


def test_anon_given_insert_update_or_delete_on_any_table_is_killed(mutation_results):
    """Since 0010 anon writes nothing: each such grant changes a case (a refusal for want of a
    privilege becomes a policy's refusal or a filtered statement)."""
    tables = {case.table for case in mutation.cases() if case.scenario.command != "rpc"}
    wanted = {f"grant {privilege} on {table} to anon" for table in tables
              for privilege in ("INSERT", "UPDATE", "DELETE")}
    found = {r.mutant.id: r.verdict for r in mutation_results if r.mutant.id in wanted}
    assert set(found) == wanted
    assert set(found.values()) == {"killed"}


def test_every_privilege_a_policy_needs_revoked_is_killed(mutation_results):
    revoked = [r for r in mutation_results if r.mutant.id.startswith("revoke ")]
    assert any(" on soc_user_roles from authenticated" in r.mutant.id for r in revoked)
    assert any(r.mutant.id.startswith("revoke EXECUTE on private.") for r in revoked)
    assert {r.verdict for r in revoked} == {"killed"}
