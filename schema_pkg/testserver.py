"""Find a PostgreSQL server for tests, in the documented order.

1. ``DATABASE_URL`` or the ``PG*`` variables: an existing server;
2. local PostgreSQL binaries (``pg_ctl``), started through pytest-postgresql
   (not as root: PostgreSQL refuses to run as root);
3. Docker, through testcontainers (only when a Docker daemon answers);
4. otherwise a clear message saying what to install.

:func:`choose_provider` is pure, so the order is unit-tested without any of
them; :func:`start_server` does the starting.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.engine import URL

from schema_pkg.settings import normalize_url, url_from_pg_env

NO_SERVER_MESSAGE = (
    "no PostgreSQL server for the tests: set DATABASE_URL (e.g. "
    "postgresql://postgres@127.0.0.1:5432/postgres), install the PostgreSQL server "
    "binaries (pg_ctl; e.g. apt-get install postgresql) and run as a non-root user, "
    "or start a Docker daemon for testcontainers"
)


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


def choose_provider(
    environ: Mapping[str, str], *, is_root: bool, pg_ctl: str | None, docker_ok: bool
) -> str:
    """Which provider to use: "environment", "pytest-postgresql" or "testcontainers"."""
    if environ.get("DATABASE_URL") or url_from_pg_env(environ) is not None:
        return "environment"
    if pg_ctl and not is_root:
        return "pytest-postgresql"
    if docker_ok:
        return "testcontainers"
    raise NoServerError(NO_SERVER_MESSAGE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_local_binaries(pg_ctl: str) -> Server:
    try:
        from pytest_postgresql.executors import PostgreSQLExecutor
    except ImportError:  # pytest-postgresql < 7
        from pytest_postgresql.executor import PostgreSQLExecutor

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


def start_server(environ: Mapping[str, str] | None = None) -> Server:
    environ = os.environ if environ is None else environ
    pg_ctl = find_pg_ctl()
    provider = choose_provider(
        environ,
        is_root=hasattr(os, "geteuid") and os.geteuid() == 0,
        pg_ctl=pg_ctl,
        docker_ok=not environ.get("DATABASE_URL") and docker_answers(),
    )
    if provider == "environment":
        raw = environ.get("DATABASE_URL")
        url = normalize_url(raw) if raw else url_from_pg_env(environ)
        return Server(url, provider)
    if provider == "pytest-postgresql":
        return start_local_binaries(pg_ctl)
    return start_container()
