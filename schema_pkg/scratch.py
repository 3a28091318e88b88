"""Scratch databases and roles on a test server, through pytest-postgresql's DatabaseJanitor.

Every name starts with ``schema_pkg_test_<run>_``, where ``<run>`` is random
per test session.  While the session lives it holds a session-level advisory
lock keyed on that prefix, on the server itself, so any other run (on this
machine, another machine or in a container) can tell a live run from a dead
one.  At start each run drops the databases and roles of dead runs; it never
drops anything not named ``schema_pkg_test_*``, and never touches the
database the server URL names.

Migrated states are built once per session as template databases
(:meth:`ScratchDatabases.template`) and cloned in milliseconds
(:meth:`ScratchDatabases.clone`), instead of re-running the migrations.

Under pytest-xdist each worker is a session of its own: its own ``<run>``
(random, followed by the worker id, e.g. ``schema_pkg_test_1a2b3c4dgw1``) and
its own lock.  The workers of one xdist run share its templates
(``shared_by``: the run's id): they are named for the run
(``schema_pkg_test_<id>x_tpl_head``), each worker holds a shared lock on that
name while it lives, the first to need a template builds it, and the last
worker to end drops them.  What workers share on the server is serialized by
server-wide advisory locks: template builds (revision 0001 creates and grants
the cluster-wide API roles, and two first runs racing on a fresh server fail
with "tuple concurrently updated") and the dropping of dead runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import queue
import re
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
from alembic import command
from psycopg import sql
from sqlalchemy.engine import URL

from schema_pkg.config import make_config, resource_dir
from schema_pkg.settings import Target, libpq_url

NAME_PREFIX = "schema_pkg_test_"
RUN_OF_NAME = re.compile(r"^(schema_pkg_test_[^_]+)_")
CONNECT_TIMEOUT = 5  # DatabaseJanitor retries for 60 s by default

# Server-wide advisory locks (taken in the maintenance database, shared by every run).
TEMPLATE_BUILD_LOCK = "schema_pkg_test template build"
CLEANUP_LOCK = "schema_pkg_test cleanup"

LIVE_RUN = """
SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted
               AND ((classid::bigint << 32) | objid::bigint) = hashtextextended(%s, 0))
"""


def run_of(name: str) -> str | None:
    """The run prefix a scratch name belongs to (``schema_pkg_test_<run>``), or None."""
    match = RUN_OF_NAME.match(name)
    return match.group(1) if match else None


class BackgroundDrops:
    """Drops databases on a thread of its own.  DROP DATABASE forces a checkpoint and waits
    for it (about a quarter of a second while the suite writes), time the next test can use;
    and the drops waiting at one moment are sent at once, each on its own connection, so
    their checkpoint requests are served by one checkpoint.  :meth:`finish` waits for every
    drop and raises the first failure."""

    AT_ONCE = 8  # connections dropping at the same time

    def __init__(self):
        self.queue: queue.Queue = queue.Queue()
        self.failures: list[Exception] = []
        self.pending = 0  # drops submitted and not yet finished
        self.finishing = False  # finish() was called: no more drops
        self.running = True  # the thread that drops has not ended
        self.settled = threading.Condition()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def submit(self, janitor) -> None:
        with self.settled:
            if self.finishing:
                raise RuntimeError("scratch databases: a drop was submitted after close()")
            self.pending += 1
            self.queue.put(janitor)  # under the lock: never behind finish()'s sentinel

    def run(self) -> None:
        try:
            with ThreadPoolExecutor(self.AT_ONCE, thread_name_prefix="drop") as pool:
                finished = False
                while not finished:
                    batch = [self.queue.get()]
                    while not self.queue.empty():
                        batch.append(self.queue.get())
                    finished = None in batch
                    for done in [pool.submit(janitor.drop) for janitor in batch if janitor is not None]:
                        if done.exception() is not None:  # raised by finish(), at the session's end
                            self.failures.append(done.exception())
                        with self.settled:
                            self.pending -= 1
                            self.settled.notify_all()
        finally:
            with self.settled:  # a wait() must not outlive this thread
                self.running = False
                self.settled.notify_all()

    def wait(self) -> None:
        """Return once no drop is pending (a benchmark's clock must not run while a drop,
        and its checkpoint, still does).  A failed drop is raised by :meth:`finish`."""
        with self.settled:
            self.settled.wait_for(lambda: self.pending == 0 or not self.running)
            if self.pending:
                raise RuntimeError(f"scratch databases: {self.pending} drop(s) never ran")

    def finish(self) -> None:
        with self.settled:
            self.finishing = True
            self.queue.put(None)
        self.thread.join()
        if self.failures:
            raise self.failures[0]
        if self.pending:  # the thread ended early: those databases are still there
            raise RuntimeError(f"scratch databases: {self.pending} drop(s) never ran")


class ScratchDatabases:
    def __init__(self, server_url: URL, shared_by: str | None = None):
        """``shared_by``: an id the sessions of one run share (pytest-xdist's run id), whose
        templates they build once and share."""
        self.server_url = server_url
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, ... under pytest-xdist
        self.prefix = f"{NAME_PREFIX}{secrets.token_hex(4)}{worker}"
        self.shared = f"{NAME_PREFIX}{shared_by}x" if shared_by else None
        self.counter = itertools.count(1)
        self.created: dict = {}  # name -> its DatabaseJanitor
        self.templates: dict[str, URL] = {}
        self.roles: list[str] = []
        self.dropping = BackgroundDrops()
        self.lock = psycopg.connect(libpq_url(server_url), autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        self.lock.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [self.prefix])
        if self.shared:  # this session uses the run's templates until it closes
            self.lock.execute("SELECT pg_advisory_lock_shared(hashtextextended(%s, 0))", [self.shared])

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(libpq_url(self.server_url), autocommit=True, connect_timeout=CONNECT_TIMEOUT)

    @contextlib.contextmanager
    def server_lock(self, key: str):
        """Hold a server-wide advisory lock (concurrent runs and xdist workers wait)."""
        with self.admin() as conn:
            conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [key])
            yield conn  # closing the session releases the lock

    def janitor(self, name: str, template: str | None = None, as_template: bool = False):
        from pytest_postgresql.janitor import DatabaseJanitor  # the [testing] extra; deployers lack it

        url = self.server_url
        return DatabaseJanitor(
            user=url.username, password=url.password, host=url.host, port=url.port or 5432,
            dbname=name, template_dbname=template, as_template=as_template,
            maintenance_dbname=url.database, connection_timeout=CONNECT_TIMEOUT,
        )

    def create(self, template: URL | None = None, name: str | None = None, as_template: bool = False) -> URL:
        """A new database: empty, or a copy of ``template`` (its sessions are ended first)."""
        name = name or f"{self.prefix}_{next(self.counter)}"
        janitor = self.janitor(name, template.database if template is not None else None, as_template)
        janitor.init()
        self.created[name] = janitor
        return self.server_url.set(database=name)

    def drop(self, url: URL, *, wait: bool = False) -> None:
        """Drop a database this run made (in the background: :class:`BackgroundDrops`;
        ``wait``: return only once no drop is pending)."""
        janitor = self.created.pop(url.database, None) or self.janitor(url.database)
        self.dropping.submit(janitor)
        if wait:
            self.dropping.wait()

    def template(self, revision: str = "head") -> URL:
        """A template database migrated to ``revision``, built once per session (once per
        run when the run's sessions share templates)."""
        if revision not in self.templates:
            self.templates[revision] = (self.shared_template(revision) if self.shared else
                                        self.own_template(revision))
        return self.templates[revision]

    def own_template(self, revision: str) -> URL:
        url = self.create(name=f"{self.prefix}_tpl_{revision}", as_template=True)
        with self.server_lock(TEMPLATE_BUILD_LOCK):
            migrate(url, revision)
        return url

    def shared_template(self, revision: str) -> URL:
        """The run's template at ``revision``: built by the first session to ask, under the
        build lock (a session asking meanwhile waits, then finds it built).  It is built
        under this session's own name and renamed once complete, so a session that dies
        mid-build leaves a leftover of its own (a dead run's), never a half-built template
        the other sessions would clone."""
        name = f"{self.shared}_tpl_{revision}"
        with self.server_lock(TEMPLATE_BUILD_LOCK) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                url = self.create(name=f"{self.prefix}_tpl_{revision}", as_template=True)
                migrate(url, revision)  # on failure, close() drops it with this session's own
                conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(url.database), sql.Identifier(name)))
                del self.created[url.database]
        return self.server_url.set(database=name)

    def drop_shared_templates(self) -> None:
        """Drop the run's templates if this is the last of its sessions: only then is the
        exclusive lock free (this session's own shared lock does not stand in its way; a
        session still at work holds one that does).  Asked before this session's shared lock
        is released, so the run's name is never left unlocked for another run to take for
        dead while its templates are dropped here."""
        key = [self.shared]
        last = self.lock.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", key).fetchone()[0]
        self.lock.execute("SELECT pg_advisory_unlock_shared(hashtextextended(%s, 0))", key)
        if last:
            for (name,) in self.lock.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                             [self.shared.replace("_", "\\_") + "\\_%"]).fetchall():
                self.dropping.submit(self.janitor(name, as_template=True))

    def clone(self, revision: str = "head") -> URL:
        """A fresh database at ``revision``, copied from its template."""
        return self.create(template=self.template(revision))

    def create_role(self, name: str, attributes: str = "NOLOGIN") -> str:
        """A cluster-wide role named for this run, dropped at :meth:`close`."""
        role = f"{self.prefix}_{name}"
        with self.admin() as conn:
            conn.execute(sql.SQL("CREATE ROLE {} " + attributes).format(sql.Identifier(role)))
        self.roles.append(role)
        return role

    def close(self) -> None:
        """Drop everything this run made, then release its lock."""
        for name in list(self.created):
            self.drop(self.server_url.set(database=name))
        try:
            if self.shared:
                self.drop_shared_templates()
            self.dropping.finish()
        finally:
            with self.admin() as conn:
                for role in self.roles:
                    drop_role(conn, role)
            self.lock.close()

    def drop_dead_runs(self) -> list[str]:
        """Drop the databases and roles of runs whose lock nobody holds; returns their names."""
        dropped = []
        with self.server_lock(CLEANUP_LOCK) as conn:  # two runs starting together drop each once
            names = [row[0] for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'schema\\_pkg\\_test\\_%'")]
            roles = [row[0] for row in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE 'schema\\_pkg\\_test\\_%'")]
            dead = {run for run in map(run_of, names + roles)
                    if run and not conn.execute(LIVE_RUN, [run]).fetchone()[0]}
            for name in names:
                if run_of(name) in dead:
                    self.janitor(name, as_template=True).drop()
                    dropped.append(name)
            for role in roles:
                if run_of(role) in dead and drop_role(conn, role):
                    dropped.append(role)
        return dropped


def shared_run_id(run: str) -> str:
    """8 hex digits naming the templates the sessions of run ``run`` (pytest-xdist's run
    id) share: the same in every session of the run, free of the underscores that end a
    run's prefix, and different for revisions of other content (a run id given by hand
    never finds templates built from other migrations)."""
    digest = hashlib.sha256(run.encode())
    for path in sorted(resource_dir("versions").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def url_as_role(url: URL, role: str) -> URL:
    """``url`` with ``SET ROLE role`` at connection start (libpq ``options``), so a NOLOGIN
    role can be acted as without ever being able to log in."""
    return url.update_query_dict({"options": f"-c role={role}"})


def drop_role(conn: psycopg.Connection, role: str) -> bool:
    """DROP OWNED (grants and objects in the maintenance database), then DROP ROLE.

    False when the role still owns objects in another database (it is left alone)."""
    assert role.startswith(NAME_PREFIX), role
    try:
        with conn.transaction():
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
    except psycopg.errors.DependentObjectsStillReferenced:
        return False
    return True


def migrate(url: URL, revision: str = "head", *, downgrade: bool = False) -> None:
    """Run the packaged migrations online against ``url``, quietly."""
    config = make_config(Target(url, "scratch database"), command="downgrade" if downgrade else "upgrade",
                         quiet=True)
    (command.downgrade if downgrade else command.upgrade)(config, revision)


@contextmanager
def standalone_scratch() -> Iterator[ScratchDatabases]:
    """Outside pytest (make regen, lock-report, mutants, check, revision --autogenerate):
    a server found the way the tests find one (schema_pkg.testserver), scratch databases
    on it, and everything dropped and stopped afterwards."""
    from schema_pkg.testserver import start_server

    server = start_server()
    try:
        scratch = ScratchDatabases(server.url)
        try:
            yield scratch
        finally:
            scratch.close()
    finally:
        server.stop()


@contextmanager
def standalone_database_at(revision: str = "head") -> Iterator[URL]:
    """A scratch database migrated to ``revision`` on the tests' server, dropped afterwards."""
    with standalone_scratch() as scratch:
        url = scratch.create()
        migrate(url, revision)
        yield url
