"""The RLS test kit an application uses: seed, then act as several users in one test;
assertions that say what failed; and the guard against tests that prove nothing."""

from __future__ import annotations

import pytest

from schema_pkg.rlskit import RlsAssertionError

SIMULATION = {"name": "run", "simulation_type": "md"}
INSERT_FOR = "INSERT INTO simcore_simulations (user_id, name, simulation_type) VALUES (%s, 'x', 'md')"


@pytest.fixture
def alice_bob(rls):
    return rls.user("alice"), rls.user("bob")


def test_seeded_row_is_there_for_the_next_actor(rls, alice_bob):
    alice, bob = alice_bob
    run = rls.seed(alice, "simcore_simulations", user_id=alice.id, **SIMULATION)
    rls.assert_sees_nothing(bob, "simcore_simulations", about=[run])
    rls.assert_sees_exactly(alice, "simcore_simulations", [run])
    rls.assert_sees_exactly(rls.service_role, "simcore_simulations", [run])


def test_as_user_blocks_of_one_test_share_their_writes(schema_pkg_connection, as_user, alice_bob):
    alice, bob = alice_bob
    with as_user(alice.id) as db:
        db.execute(INSERT_FOR, [alice.id])
    with as_user(bob.id) as db:
        assert db.execute("SELECT count(*) FROM simcore_simulations").fetchone()[0] == 0
    with as_user(alice.id) as db:
        assert db.execute("SELECT count(*) FROM simcore_simulations").fetchone()[0] == 1


def test_sees_nothing_on_an_empty_table_fails_as_vacuous(rls, alice_bob):
    _, bob = alice_bob
    with pytest.raises(RlsAssertionError, match=r"vacuous test: 'bob sees nothing in simcore_simulations' "
                                                r"proves nothing because simcore_simulations is empty"):
        rls.assert_sees_nothing(bob, "simcore_simulations")


def test_sees_nothing_about_rows_that_do_not_exist_fails_as_vacuous(rls, alice_bob):
    alice, bob = alice_bob
    rls.seed(alice, "simcore_simulations", user_id=alice.id, **SIMULATION)
    with pytest.raises(RlsAssertionError, match="is about rows that do not exist in simcore_simulations"):
        rls.assert_sees_nothing(bob, "simcore_simulations", about=[bob.id])


def test_changes_nothing_on_an_empty_table_fails_as_vacuous(rls, alice_bob):
    _, bob = alice_bob
    with pytest.raises(RlsAssertionError, match="vacuous test: 'bob changes nothing in simcore_simulations'"):
        rls.assert_changes_nothing(bob, "DELETE FROM simcore_simulations", table="simcore_simulations")


def test_other_user_changes_nothing_and_is_denied_by_rls(rls, alice_bob):
    alice, bob = alice_bob
    run = rls.seed(alice, "simcore_simulations", user_id=alice.id, **SIMULATION)
    rls.assert_changes_nothing(bob, "UPDATE simcore_simulations SET name = 'mine' WHERE id = %s", [run],
                               table="simcore_simulations", about=[run])
    rls.assert_denied(bob, INSERT_FOR, [alice.id], table="simcore_simulations", by="rls")
    rls.assert_denied(rls.anon, INSERT_FOR, [alice.id], table="simcore_simulations", by="privilege")
    rls.assert_denied(bob, "UPDATE alembic_version SET version_num = 'x'", table="alembic_version",
                      by="privilege")


def test_a_policy_that_leaks_makes_sees_nothing_fail_naming_actor_table_and_rows(
        rls, alice_bob, schema_pkg_connection):
    alice, bob = alice_bob
    run = rls.seed(alice, "simcore_simulations", user_id=alice.id, **SIMULATION)
    schema_pkg_connection.execute("CREATE POLICY leak ON simcore_simulations FOR SELECT USING (true)")
    with pytest.raises(RlsAssertionError) as failure:
        rls.assert_sees_nothing(bob, "simcore_simulations", about=[run])
    assert str(failure.value) == f"bob should see nothing in simcore_simulations but sees 1 row(s) [{run}]"


def test_sees_exactly_names_unexpected_and_missing_rows(rls, alice_bob):
    alice, bob = alice_bob
    run = rls.seed(alice, "simcore_simulations", user_id=alice.id, **SIMULATION)
    with pytest.raises(RlsAssertionError, match=rf"bob should see exactly 1 row\(s\) \[{run}\] in "
                                                rf"simcore_simulations but sees no rows .*missing: 1 row"):
        rls.assert_sees_exactly(bob, "simcore_simulations", [run])


def test_denied_reports_the_sqlstate_it_got_instead(rls, alice_bob):
    alice, bob = alice_bob
    with pytest.raises(RlsAssertionError, match=r"expected SQLSTATE 42501 \(row-level security\) but the "
                                                r"statement succeeded \(1 row\(s\)\)"):
        rls.assert_denied(alice, INSERT_FOR, [alice.id], table="simcore_simulations")
    with pytest.raises(RlsAssertionError, match=r"expected SQLSTATE 42501 \(permission denied\) but got "
                                                r"SQLSTATE 42501: new row violates row-level security"):
        rls.assert_denied(alice, INSERT_FOR, [bob.id], table="simcore_simulations",
                          by="privilege")


def test_seeding_a_row_the_policies_refuse_says_who_and_why(rls, alice_bob):
    alice, bob = alice_bob
    with pytest.raises(RlsAssertionError, match="bob could not seed a row in simcore_simulations: "
                                                "SQLSTATE 42501: new row violates row-level security"):
        rls.seed(bob, "simcore_simulations", user_id=alice.id, **SIMULATION)
