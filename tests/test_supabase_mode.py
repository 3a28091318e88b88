"""On a Supabase-like database (auth exists, migrations run as a non-superuser `postgres`),
the migrations apply, use the existing auth, and never alter or drop it.

Both of Supabase's privilege models are reproduced: legacy projects, whose default
privileges grant ALL on new tables and functions in public to the API roles, and
today's (since 30 October 2026), whose default privileges grant them nothing.  From
revision 0010 on, both end with the same privileges as our vanilla bootstrap."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from schema_pkg.catalog import snapshot
from schema_pkg.config import script_directory
from schema_pkg.scratch import migrate, url_as_role
from schema_pkg.settings import libpq_url
from schema_pkg.testing import as_user
from tests.privileges import effective_privileges, held, ungoverned
from tests.rls import pgtap
from tests.rls.cases import cases, observe
from tests.rls.pgprove import pg_prove
from tests.rls.world import seed_statements

# Hosted Supabase's migrating role: not a superuser, but CREATEDB CREATEROLE BYPASSRLS,
# owner of the database and a member of the API roles.  It is named for the run, dropped
# at the end of the session, and NOLOGIN: the migrations reach it with SET ROLE.
MIGRATOR_ATTRIBUTES = "NOLOGIN NOSUPERUSER CREATEDB CREATEROLE BYPASSRLS"

# Supabase's own auth objects, created beforehand as the platform would.
SUPABASE_AUTH = """
CREATE SCHEMA auth;
COMMENT ON SCHEMA auth IS 'Supabase auth (simulated)';
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text, raw_user_meta_data jsonb);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  select nullif(coalesce(current_setting('request.jwt.claim.sub', true),
    (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')), '')::uuid
$$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  select nullif(coalesce(current_setting('request.jwt.claim.role', true),
    (current_setting('request.jwt.claims', true)::jsonb ->> 'role')), '')::text
$$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
"""

# Supabase's grants in public: USAGE, and default privileges of the migrating role
# granting ALL to the API roles (so every table starts with TRUNCATE, TRIGGER, ...).
SUPABASE_PUBLIC_GRANTS = """
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE "{migrator}" IN SCHEMA public
  GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE "{migrator}" IN SCHEMA public
  GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE "{migrator}" IN SCHEMA public
  GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
"""


# Today's Supabase: USAGE on public, and no default privileges for the API roles.
SUPABASE_TODAY_GRANTS = "GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;"


def admin(url):
    return create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module")
def migrator(schema_pkg_scratch, schema_pkg_database):
    """The Supabase-like migrating role (the API roles exist once a database is at head)."""
    role = schema_pkg_scratch.create_role("supabase_postgres", MIGRATOR_ATTRIBUTES)
    server = admin(schema_pkg_scratch.server_url)
    with server.connect() as conn:
        conn.execute(text(f'GRANT anon, authenticated, service_role TO "{role}"'))
    server.dispose()
    return role


def supabase_like(scratch, migrator: str, grants: str):
    """A database owned by a Supabase-like migrator, with Supabase's auth and ``grants``."""
    url = scratch.create()
    engine = admin(url)
    with engine.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{url.database}" OWNER TO "{migrator}"'))
        conn.exec_driver_sql(SUPABASE_AUTH)
        conn.exec_driver_sql(grants.format(migrator=migrator))
    engine.dispose()
    return url, url_as_role(url, migrator)


@pytest.fixture
def supabase_database(schema_pkg_scratch, migrator):
    """Legacy Supabase: default privileges grant the API roles ALL in public."""
    url, as_migrator = supabase_like(schema_pkg_scratch, migrator, SUPABASE_PUBLIC_GRANTS)
    yield url, as_migrator
    schema_pkg_scratch.drop(url)


@pytest.fixture
def supabase_today(schema_pkg_scratch, migrator):
    """Today's Supabase: auth exists, default privileges grant the API roles nothing."""
    url, as_migrator = supabase_like(schema_pkg_scratch, migrator, SUPABASE_TODAY_GRANTS)
    yield url, as_migrator
    schema_pkg_scratch.drop(url)


def auth_snapshot(url):
    engine = admin(url)
    with engine.connect() as conn:
        result = snapshot(conn, "auth")
        result["comment"] = conn.execute(text("SELECT obj_description('auth'::regnamespace)")).scalar()
    engine.dispose()
    return result


def test_migrator_is_not_a_superuser(supabase_database):
    _, as_migrator = supabase_database
    engine = admin(as_migrator)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                            ).scalar() is False
    engine.dispose()


def test_migrations_apply_as_supabase_postgres_and_leave_auth_untouched(supabase_database, migrator):
    superuser_url, as_migrator = supabase_database
    before = auth_snapshot(superuser_url)
    migrate(as_migrator, "head")
    assert auth_snapshot(superuser_url) == before
    engine = admin(superuser_url)
    with engine.connect() as conn:
        policies = conn.execute(text("SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")
                                ).scalar()
        assert policies >= 22
        assert conn.execute(text("SELECT pg_get_userbyid(relowner) FROM pg_class "
                                 "WHERE oid = 'public.projects'::regclass")).scalar() == migrator
    engine.dispose()


def test_downgrade_to_base_keeps_supabase_auth(supabase_database):
    superuser_url, as_migrator = supabase_database
    before = auth_snapshot(superuser_url)
    migrate(as_migrator, "head")
    migrate(as_migrator, "base", downgrade=True)
    assert auth_snapshot(superuser_url) == before


def superuser_connection(url):
    return admin(url).connect()


def test_supabase_grants_give_api_roles_ungoverned_privileges_before_0009(supabase_database):
    """The reproduction is real: without 0009 the checks below would fail."""
    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "0008")
    with superuser_connection(superuser_url) as conn:
        for role in ("anon", "authenticated"):
            assert ("profiles", "TRUNCATE") in held(conn, role, ungoverned(conn))
        assert conn.execute(text("SELECT has_function_privilege('authenticated', "
                                 "'public.has_soc_role(soc_role, uuid)', 'EXECUTE')")).scalar()


def test_at_0009_api_roles_hold_no_ungoverned_privilege_in_supabase_mode(supabase_database):
    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "0009")
    with superuser_connection(superuser_url) as conn:
        for role in ("anon", "authenticated"):
            assert held(conn, role, ungoverned(conn)) == set()
            assert ("profiles", "SELECT") in held(conn, role, ("SELECT",))
        assert ("profiles", "TRUNCATE") in held(conn, "service_role", ungoverned(conn))


def test_at_head_authenticated_uses_only_the_caller_only_functions_in_supabase_mode(supabase_database):
    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "head")
    user = "00000000-0000-0000-0000-00000000000a"
    with superuser_connection(superuser_url) as conn:
        team = conn.execute(text("INSERT INTO soc_teams (name) VALUES ('t') RETURNING id")).scalar()
        conn.execute(text("INSERT INTO soc_user_roles (user_id, team_id, role) "
                          "VALUES (:user, :team, 'owner')"), {"user": user, "team": team})
        for function in ("get_user_team_id(uuid)", "has_soc_role(soc_role, uuid)"):
            assert conn.execute(text(f"SELECT has_function_privilege('authenticated', "
                                     f"'public.{function}', 'EXECUTE')")).scalar() is False
    with psycopg.connect(libpq_url(superuser_url), autocommit=True) as conn, as_user(conn, user) as db:
        assert db.execute("SELECT current_user_team_id()").fetchone()[0] == team
        assert db.execute("SELECT current_user_has_soc_role('owner')").fetchone()[0] is True


def test_supabase_mode_records_the_packaged_fingerprints(supabase_database):
    from schema_pkg import fingerprint

    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "head")
    engine = admin(superuser_url)
    with engine.connect() as conn:
        recorded = {f"{r} upgrade": fp for r, fp in conn.execute(text(
            "SELECT revision, fingerprint FROM schema_pkg.history WHERE status = 'completed' "
            "AND step IS NULL"))}
    engine.dispose()
    assert recorded == {k: v for k, v in fingerprint.packaged().items() if k.endswith(" upgrade")}


def test_at_0009_today_s_supabase_answers_every_api_request_with_permission_denied(supabase_today):
    """The reproduction is real: 0009 migrates cleanly there and the API is dead."""
    superuser_url, as_migrator = supabase_today
    migrate(as_migrator, "0009")
    with psycopg.connect(libpq_url(superuser_url), autocommit=True) as conn, \
            as_user(conn, "00000000-0000-0000-0000-00000000000a") as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for table"):
            db.execute("SELECT count(*) FROM simcore_simulations")


def world_at_head(url, as_migrator=None):
    """Migrate (as the migrator where there is one), seed as the superuser, and return the
    effective privileges and the RLS cases whose outcome is not the expected one."""
    migrate(as_migrator or url, "head")
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        for statement, params in seed_statements():
            conn.execute(statement, params)
        privileges = effective_privileges(conn)
        wrong = [case.id for case in cases() if observe(conn, case) != case.expected]
    return privileges, wrong


def test_todays_and_legacy_supabase_and_vanilla_end_with_the_same_privileges_and_rls(
        supabase_today, supabase_database, scratch_url):
    worlds = {"today's Supabase": world_at_head(*supabase_today),
              "legacy Supabase": world_at_head(*supabase_database),
              "vanilla": world_at_head(scratch_url)}
    vanilla, _ = worlds["vanilla"]
    assert ("anon", "table public.projects", "SELECT") in vanilla  # not vacuous
    for name, (privileges, wrong) in worlds.items():
        assert wrong == [], f"{name}: RLS cases that fail"
        assert privileges == vanilla, (f"{name}: only there {sorted(privileges - vanilla)}; "
                                       f"only on vanilla {sorted(vanilla - privileges)}")


def test_a_missing_api_role_stops_0010_before_anything_is_applied(schema_pkg_database_at):
    """A custom project without anon, simulated by renaming anon inside a transaction that
    is rolled back (other sessions never see it): 0010's first statement names the role."""
    url = schema_pkg_database_at("0009")
    upgrade = script_directory().get_revision("0010").module.UPGRADE
    first_statement = upgrade.split("$roles$;")[0]
    assert "GRANT" not in first_statement and "REVOKE" not in first_statement
    with psycopg.connect(libpq_url(url)) as conn:
        before = effective_privileges(conn)
        conn.execute("ALTER ROLE anon RENAME TO anon_hidden_by_schema_pkg_test")
        with pytest.raises(psycopg.errors.RaiseException) as raised:
            conn.execute(upgrade)
        conn.rollback()
        message = str(raised.value).splitlines()[0]
        assert message.startswith("API role anon does not exist"), message
        assert "nothing was applied" in message
        assert effective_privileges(conn) == before


def default_privileges(url):
    with psycopg.connect(libpq_url(url)) as conn:
        return conn.execute("SELECT defaclrole::regrole::text, defaclnamespace::regnamespace::text, "
                            "defaclobjtype, defaclacl::text[] FROM pg_default_acl "
                            "ORDER BY 1, 2, 3").fetchall()


def test_0010_never_alters_supabase_s_default_privileges(supabase_database):
    """(0009, landed, revoked TRUNCATE, TRIGGER and REFERENCES there; 0010 touches nothing.)"""
    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "0009")
    before = default_privileges(superuser_url)
    assert before, "legacy Supabase's default privileges are there to keep"
    migrate(as_migrator, "0010")
    assert default_privileges(superuser_url) == before


def test_pgtap_export_passes_as_supabase_postgres_with_pgtap_in_extensions(pgtap_server, supabase_database):
    """As `supabase test db` runs it: the non-superuser migrator, pgTAP in `extensions` (installed
    by the platform, usable by the API roles); no warning, nothing left behind."""
    superuser_url, as_migrator = supabase_database
    migrate(as_migrator, "head")
    with superuser_connection(superuser_url) as conn:
        conn.exec_driver_sql("CREATE SCHEMA extensions; CREATE EXTENSION pgtap WITH SCHEMA extensions; "
                             "GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role")
    proof = pg_prove(as_migrator, sorted(pgtap.COMMITTED.glob("*" + pgtap.SUFFIX)))
    assert proof.passed and proof.tests == len(list(cases())), proof.output
    assert "WARNING" not in proof.output, proof.output
    with superuser_connection(superuser_url) as conn:
        assert conn.execute(text("SELECT count(*) FROM pg_namespace WHERE nspname = 'pgtap'")).scalar() == 0
