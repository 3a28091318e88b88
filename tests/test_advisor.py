"""The advisor finds the holes of the documented baseline and none we left at head."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from schema_pkg.advisor import advise
from schema_pkg.db import connection
from tests.clirun import schema_pkg, url_text


def findings_at(url):
    with connection(url) as conn:
        return advise(conn)


def test_head_has_no_error_and_no_security_warning(schema_pkg_database):
    found = findings_at(schema_pkg_database)
    assert [f for f in found if f.level == "ERROR"] == []
    assert [f for f in found if f.level == "WARN" and f.category == "security"] == []


def test_the_documented_functions_were_exposed_to_authenticated_until_0009(schema_pkg_database_at):
    at_0008 = schema_pkg_database_at("0008")
    exposed = {f.object for f in findings_at(at_0008) if f.rule == "security_definer_exposed"}
    assert exposed == {"public.get_user_team_id(_user_id uuid) by authenticated",
                       "public.has_soc_role(_role soc_role, _user_id uuid) by authenticated"}


def test_head_performance_warnings_all_come_from_verbatim_document_policies(schema_pkg_database):
    found = findings_at(schema_pkg_database)
    performance = {f.rule for f in found if f.level == "WARN" and f.category == "performance"}
    assert performance == {"auth_rls_initplan", "multiple_permissive_policies"}
    ours = [f for f in found if f.rule == "auth_rls_initplan" and '"Users can' not in f.object
            and '"Owners can manage projects"' not in f.object]
    assert ours == []


@pytest.fixture
def baseline(baseline_url):
    return baseline_url


def test_baseline_findings_show_every_rule_can_fire(baseline):
    rules = {(f.level, f.rule) for f in findings_at(baseline)}
    assert {("ERROR", "rls_disabled_in_public"), ("WARN", "function_search_path_mutable"),
            ("WARN", "security_definer_exposed"), ("WARN", "api_role_ungoverned_privilege"),
            ("WARN", "unindexed_foreign_key"),
            ("WARN", "policy_column_unindexed"), ("WARN", "latest_rows_unindexed"),
            ("WARN", "auth_rls_initplan"),
            ("WARN", "multiple_permissive_policies")} <= rules
    exposed = {f.object for f in findings_at(baseline) if f.rule == "security_definer_exposed"}
    assert "public.has_soc_role(_role soc_role, _user_id uuid) by anon" in exposed


def test_rls_enabled_without_policy_is_reported(schema_pkg_database):
    objects = {f.object for f in findings_at(schema_pkg_database) if f.rule == "rls_enabled_no_policy"}
    assert objects == {"public.alembic_version"}


def test_advise_command_exits_1_on_errors_and_0_at_head(baseline, schema_pkg_database):
    assert schema_pkg("--url", url_text(baseline), "advise").returncode == 1
    result = schema_pkg("--url", url_text(schema_pkg_database), "advise")
    assert result.returncode == 0 and "0 ERROR" in result.stderr


def test_our_invalid_index_is_an_error_and_an_applications_a_warning(schema_pkg_scratch,
                                                                      schema_pkg_database):
    clone = schema_pkg_scratch.create(template=schema_pkg_database)
    try:
        with connection(clone) as conn:
            conn.execute(text("CREATE TABLE app_audit (k text)"))
            conn.execute(text("CREATE INDEX app_audit_k_key ON app_audit (k)"))
            conn.execute(text("UPDATE pg_index SET indisvalid = false WHERE indexrelid IN "
                              "('public.projects_owner_id_idx'::regclass, "
                              "'public.app_audit_k_key'::regclass)"))
            conn.commit()
        found = [(f.level, f.rule, f.object) for f in findings_at(clone)
                 if f.rule.startswith("invalid_index")]
        assert found == [("ERROR", "invalid_index", "projects_owner_id_idx"),
                         ("WARN", "invalid_index_not_ours", "app_audit_k_key")]
    finally:
        schema_pkg_scratch.drop(clone)


# Revision 0010: definer search_path, privileges beside policies, locks, statement_timeout.

def rules_at(url, rule):
    return {(f.level, f.object) for f in findings_at(url) if f.rule == rule}


def test_at_0009_the_definer_functions_without_pg_temp_last_are_errors(schema_pkg_database_at):
    found = rules_at(schema_pkg_database_at("0009"), "definer_search_path_unsafe")
    empty = "(search_path '\"\"')"
    assert found == {("ERROR", f"private.has_soc_team_role(_team_id uuid, _roles soc_role[]) {empty}"),
                     ("ERROR", f"private.is_soc_team_member(_team_id uuid) {empty}"),
                     ("ERROR", f"private.soc_user_roles_keep_an_owner() {empty}")}


@pytest.mark.parametrize("setting, shown", [
    ("RESET search_path", "none"), ("SET search_path = ''", "'\"\"'"),
    ("SET search_path = pg_temp, pg_catalog", "'pg_temp, pg_catalog'")])
def test_a_definer_search_path_missing_empty_or_not_ending_in_pg_temp_is_an_error(head, setting, shown):
    head.execute(text(f"ALTER FUNCTION private.is_soc_team_member(uuid) {setting}"))
    found = {(f.level, f.object) for f in advise(head) if f.rule == "definer_search_path_unsafe"}
    assert found == {("ERROR", f"private.is_soc_team_member(_team_id uuid) (search_path {shown})")}


def test_a_policy_whose_role_lacks_the_privilege_is_an_error(head):
    head.execute(text("REVOKE SELECT ON soc_teams FROM authenticated"))
    found = {(f.level, f.object) for f in advise(head) if f.rule == "policy_without_privilege"}
    assert found == {("ERROR", 'public.soc_teams "Team members can view their teams" SELECT '
                               'for authenticated')}


def test_the_verbatim_to_public_policies_are_info_for_anon_only(schema_pkg_database):
    found = {f for f in findings_at(schema_pkg_database) if f.rule == "policy_role_without_privilege"}
    assert found and {f.level for f in found} == {"INFO"}
    assert all(f.object.endswith(" for anon") for f in found)


def test_a_privilege_no_policy_can_use_is_a_warning(head):
    head.execute(text("GRANT DELETE ON soc_teams TO authenticated"))
    found = {(f.level, f.object) for f in advise(head) if f.rule == "privilege_without_policy"}
    assert found == {("WARN", "public.soc_teams DELETE to authenticated")}


def test_at_0009_anon_could_lock_every_table(schema_pkg_database_at):
    found = rules_at(schema_pkg_database_at("0009"), "api_role_can_lock_table")
    assert ("WARN", "public.profiles UPDATE to anon") in found
    assert {obj.split()[0] for _, obj in found if obj.endswith(" to anon")} >= {
        "public.projects", "public.simcore_simulations", "public.soc_teams"}


def test_a_missing_statement_timeout_is_info_and_a_set_one_is_not(head):
    """ALTER ROLE is transactional: the head fixture rolls both back."""
    for role in ("anon", "authenticated"):
        head.execute(text(f"ALTER ROLE {role} RESET statement_timeout"))
    found = {(f.level, f.object) for f in advise(head) if f.rule == "api_role_statement_timeout_unset"}
    assert found == {("INFO", "anon"), ("INFO", "authenticated")}
    head.execute(text("ALTER ROLE anon SET statement_timeout = '3s'"))
    head.execute(text("ALTER ROLE authenticated SET statement_timeout = '8s'"))
    assert [f for f in advise(head) if f.rule == "api_role_statement_timeout_unset"] == []


def findings_with_index(scratch, head, index_sql):
    """Findings on a clone of head whose simcore_simulations index is replaced by ``index_sql``."""
    clone = scratch.create(template=head)
    try:
        with connection(clone) as conn:
            conn.execute(text("DROP INDEX simcore_simulations_user_id_created_at_idx"))
            conn.execute(text(index_sql))
            conn.commit()
        return {(f.rule, f.object) for f in findings_at(clone) if f.rule.endswith("_unindexed")}
    finally:
        scratch.drop(clone)


def test_a_policy_column_behind_another_leading_column_counts_as_unindexed(schema_pkg_scratch,
                                                                           schema_pkg_database):
    found = findings_with_index(schema_pkg_scratch, schema_pkg_database,
                                "CREATE INDEX ON simcore_simulations (created_at DESC, user_id)")
    assert found == {("policy_column_unindexed", "public.simcore_simulations.user_id"),
                     ("latest_rows_unindexed", "public.simcore_simulations (user_id, created_at)")}


def test_my_latest_rows_need_created_at_right_after_the_caller_column(schema_pkg_scratch,
                                                                      schema_pkg_database):
    found = findings_with_index(schema_pkg_scratch, schema_pkg_database,
                                "CREATE INDEX ON simcore_simulations (user_id, name, created_at)")
    assert found == {("latest_rows_unindexed", "public.simcore_simulations (user_id, created_at)")}
    ascending = findings_with_index(schema_pkg_scratch, schema_pkg_database,
                                    "CREATE INDEX ON simcore_simulations (user_id, created_at)")
    assert ascending == set()  # a backward scan serves ORDER BY created_at DESC
