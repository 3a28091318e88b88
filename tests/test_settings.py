"""Resolving the target database: precedence, URL forms, drivers and redaction."""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy.engine import make_url

from schema_pkg.settings import (
    LOCAL_DEFAULT_URL,
    TargetError,
    Timeouts,
    libpq_url,
    redact,
    resolve_target,
)

pytestmark = pytest.mark.same_on_every_version


def test_cli_url_wins_over_environment():
    target = resolve_target("postgresql://a@h/cli", {"DATABASE_URL": "postgresql://b@h/env"})
    assert (target.source, target.url.database) == ("--url", "cli")


def test_database_url_wins_over_pg_variables():
    target = resolve_target(None, {"DATABASE_URL": "postgresql://b@h/env", "PGDATABASE": "pg"})
    assert (target.source, target.url.database) == ("DATABASE_URL", "env")


def test_pg_variables_build_a_url():
    env = {"PGHOST": "db.example", "PGPORT": "6000", "PGUSER": "u", "PGPASSWORD": "p%w",
           "PGDATABASE": "d"}
    target = resolve_target(None, env)
    assert target.source == "PG* variables"
    assert (target.url.host, target.url.port, target.url.username, target.url.password,
            target.url.database) == ("db.example", 6000, "u", "p%w", "d")


def test_local_default_when_nothing_is_set():
    target = resolve_target(None, {})
    assert target.is_local_default
    assert target.url.database == LOCAL_DEFAULT_URL.rsplit("/", 1)[1]


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg2"])
def test_supabase_url_forms_use_the_psycopg3_driver(scheme):
    target = resolve_target(f"{scheme}://postgres:secret@db.abc.supabase.co:5432/postgres")
    assert target.url.drivername == "postgresql+psycopg"


def test_percent_encoded_password_survives():
    target = resolve_target("postgresql://u:p%25ss%40word@h/d")
    assert target.url.password == "p%ss@word"


def test_password_never_appears_in_text():
    target = resolve_target("postgresql://u:hunter2@h/d")
    assert "hunter2" not in str(target)
    assert "hunter2" not in redact("postgresql://u:hunter2@h/d")


@pytest.mark.parametrize("bad, fragment", [
    ("sqlite:///x.db", "not a PostgreSQL URL"),
    ("mysql://u@h/d", "not a PostgreSQL URL"),
    ("postgresql//missing-colon", "malformed"),
    ("postgresql://u@h:notaport/d", "malformed"),
    ("postgresql://u@h", "names no database"),
])
def test_bad_urls_are_rejected_with_a_reason(bad, fragment):
    with pytest.raises(TargetError, match=fragment):
        resolve_target(bad)


def test_timeouts_come_from_the_environment():
    timeouts = Timeouts.from_env({"SCHEMA_PKG_LOCK_TIMEOUT": "200ms",
                                  "SCHEMA_PKG_LOCK_RETRIES": "0"})
    assert (timeouts.lock_timeout, timeouts.lock_retries) == ("200ms", 0)
    with pytest.raises(TargetError):
        Timeouts.from_env({"SCHEMA_PKG_LOCK_RETRIES": "many"})


# Found by mutmut (docs/deploy-mutants.md): what the tests above left unpinned.

def test_redact_keeps_a_parseable_url_and_names_an_unparseable_one():
    assert redact("postgresql://u:hunter2@h:5/d") == "postgresql://u:***@h:5/d"
    assert redact("postgresql://u:hunter2@h:notaport/d") == "<unparseable URL>"


def test_libpq_url_carries_the_password_for_the_driver():
    assert libpq_url(make_url("postgresql+psycopg://u:p%40w@h:5/d")) == "postgresql://u:p%40w@h:5/d"


def test_libpq_url_keeps_a_query_value_as_libpq_reads_it():
    url = make_url("postgresql+psycopg://u@h/d").update_query_dict(
        {"options": "-c role=x", "sslmode": "require"})
    read = conninfo_to_dict(libpq_url(url))
    assert (read["options"], read["sslmode"]) == ("-c role=x", "require")


@pytest.mark.parametrize("name", ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"])
def test_any_one_pg_variable_selects_the_pg_variables(name):
    target = resolve_target(None, {name: "5433" if name == "PGPORT" else "x"})
    assert target.source == "PG* variables"


def test_pg_variables_default_to_postgres_on_localhost_without_a_port():
    url = resolve_target(None, {"PGPASSWORD": "x"}).url
    assert (url.username, url.host, url.port, url.database) == ("postgres", "127.0.0.1", None, "postgres")


def test_the_process_environment_is_read_when_none_is_given(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/from_process")
    assert resolve_target().url.database == "from_process"


def test_connect_timeout_comes_from_the_environment():
    assert Timeouts.from_env({"SCHEMA_PKG_CONNECT_TIMEOUT": "3"}).connect_timeout == 3
    assert Timeouts.from_env({}).connect_timeout == 10


def test_a_bad_timeout_setting_says_which_kind_of_setting_is_bad():
    with pytest.raises(TargetError, match=r"bad SCHEMA_PKG_\* setting: .*'soon'"):
        Timeouts.from_env({"SCHEMA_PKG_CONNECT_TIMEOUT": "soon"})
