"""Find a PostgreSQL server for tests, in the documented order.

1. ``DATABASE_URL`` or the ``PG*`` variables: an existing server;
2. the local default server that ``schema-pkg`` itself uses
   (postgresql://postgres@127.0.0.1:5432), when it answers;
3. local PostgreSQL binaries (``pg_ctl``), started through pytest-postgresql
   (not as root: PostgreSQL refuses to run as root);
4. Docker, through testcontainers (only when a Docker daemon answers);
5. otherwise one message naming why each step was skipped.

:func:`choose_provider` decides from probes it is given, so the order is
unit-tested without any server; :func:`start_server` does the probing and the
starting.  Each probe runs only when the steps before it were skipped.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import psycopg
from sqlalchemy.engine import URL

from schema_pkg.settings import libpq_url, normalize_url, url_from_pg_env

LOCAL_DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PROBE_TIMEOUT = 3  # seconds: a dead server must give its one line quickly


class NoServerError(RuntimeError):
    pass


@dataclass
class Server:
    """A server the tests may create scratch databases on."""

    url: URL  # an administrative database on it; tests never touch its data
    provider: str
    stop: Callable[[], None] = field(default=lambda: None)


def find_pg_ctl() -> str | None:
    on_path = shutil.which("pg_ctl")
    if on_path:
        return on_path
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return found[-1] if found else None


def docker_answers() -> bool:
    try:
        import docker

        return bool(docker.from_env().ping())
    except Exception:
        return False


def answers(url: URL) -> str | None:
    """None when a session opens on ``url``, else the first line of the reason."""
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=PROBE_TIMEOUT):
            return None
    except psycopg.Error as exc:
        return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@dataclass
class Probes:
    """How to learn each fact; start_server passes real probes, the tests fakes."""

    local_default: Callable[[], str | None]  # None when it answers, else why not
    is_root: bool
    pg_ctl: str | None
    has_pytest_postgresql: bool
    docker: Callable[[], bool]
    has_testcontainers: bool


def choose_provider(environ: Mapping[str, str], probes: Probes) -> str:
    """"environment", "local default", "pytest-postgresql" or "testcontainers"."""
    if environ.get("DATABASE_URL") or url_from_pg_env(environ) is not None:
        return "environment"
    skipped = ["DATABASE_URL and PG* unset"]
    refused = probes.local_default()
    if refused is None:
        return "local default"
    skipped.append(f"nothing answers at 127.0.0.1:5432 ({refused})")
    if not probes.pg_ctl:
        skipped.append("no pg_ctl found (install the PostgreSQL server binaries)")
    elif probes.is_root:
        skipped.append("pg_ctl found but PostgreSQL refuses to run as root")
    elif not probes.has_pytest_postgresql:
        skipped.append("pg_ctl found but pytest-postgresql is missing (pip install 'schema_pkg[testing]')")
    else:
        return "pytest-postgresql"
    if not probes.has_testcontainers:
        skipped.append("testcontainers is not installed")
    elif not probes.docker():
        skipped.append("no Docker daemon")
    else:
        return "testcontainers"
    raise NoServerError("no PostgreSQL server for the tests: " + "; ".join(skipped))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_local_binaries(pg_ctl: str) -> Server:
    from pytest_postgresql.executors import PostgreSQLExecutor

    workdir = tempfile.mkdtemp(prefix="schema_pkg_pg_")
    port = free_port()
    executor = PostgreSQLExecutor(
        executable=pg_ctl, host="127.0.0.1", port=port, datadir=f"{workdir}/data",
        unixsocketdir=workdir, logfile=f"{workdir}/postgresql.log", startparams="-w",
        dbname="postgres",
    )
    executor.start()

    def stop() -> None:
        executor.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    url = normalize_url(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    return Server(url, "pytest-postgresql", stop)


def start_container() -> Server:
    from testcontainers.postgres import PostgresContainer

    container = PostgresContainer("postgres:15", driver="psycopg")
    container.start()
    return Server(normalize_url(container.get_connection_url()), "testcontainers", container.stop)


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def start_server(environ: Mapping[str, str] | None = None) -> Server:
    environ = os.environ if environ is None else environ
    local_default = normalize_url(LOCAL_DEFAULT_SERVER)
    probes = Probes(
        local_default=lambda: answers(local_default),
        is_root=hasattr(os, "geteuid") and os.geteuid() == 0,
        pg_ctl=find_pg_ctl(),
        has_pytest_postgresql=installed("pytest_postgresql"),
        docker=docker_answers,
        has_testcontainers=installed("testcontainers"),
    )
    provider = choose_provider(environ, probes)
    if provider == "environment":
        raw = environ.get("DATABASE_URL")
        url = normalize_url(raw) if raw else url_from_pg_env(environ)
        return Server(url, "DATABASE_URL" if raw else "PG* variables")
    if provider == "local default":
        return Server(local_default, provider)
    if provider == "pytest-postgresql":
        return start_local_binaries(probes.pg_ctl)
    return start_container()
