"""What alembic's env.py does for schema_pkg (env.py itself is a thin shim).

Alembic loads env.py as a throwaway module (``env_py``); keeping the logic here
makes it importable, testable and visible to mutation tools.

Three ways in:
* offline (``--sql``): renders SQL with literal binds and named paramstyle, so
  ``%`` is not doubled; the script starts with psql's ON_ERROR_STOP, a refusal
  of ``psql -1``, the session settings and the deployment record's table;
* a Connection or an Engine handed over in ``config.attributes["connection"]``
  (pytest-alembic hands an Engine; our tests a Connection): used as is;
* online: resolves the target (``schema_pkg.settings``), takes the migration
  lock (``schema_pkg.migrationlock``), sets timeouts, guards destructive downgrades, and runs each
  revision in its own transaction, retrying lock timeouts on a growing
  schedule (``deploy.lock_schedule``).

In every mode each revision runs between the guards of :mod:`schema_pkg.guards`
(:class:`StepGuards`) and ends with its row in ``schema_pkg.history``.

Connection and input errors become alembic ``CommandError``s, which both
``schema-pkg`` and bare ``alembic`` print as one line without a traceback.
"""

from __future__ import annotations

import contextlib
import time
from logging.config import fileConfig

from alembic import context
from alembic.util import CommandError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InvalidRequestError, OperationalError
from sqlalchemy.pool import NullPool

from schema_pkg import concurrent, deploy, guards, history, migrationlock, recordcheck, steps
from schema_pkg.blockers import BlockerWatch, describe_lock_holders
from schema_pkg.settings import Target, TargetError, Timeouts, redact, resolve_target
from schema_pkg.stepguards import StepGuards


def config():
    """The alembic Config of the command being run (valid only while env.py runs)."""
    return context.config

# Commands that never compare the models with the database: they skip importing
# the ORM models (about 0.15 s of start-up).  Any other caller gets the models.
COMMANDS_WITHOUT_MODELS = {"upgrade", "downgrade", "stamp", "current", "history", "heads",
                           "verify", "adopt"}


def include_object(obj, name, type_, reflected, compare_to):
    """alembic check compares public tables only; alembic_version is alembic's own."""
    return not (type_ == "table" and name == "alembic_version")


def process_revision_directives(migration_context, revision, directives) -> None:
    """``revision --autogenerate``: sequential ids and the detected changes as SQL text
    (``alembic check`` compares through the same hook and is left alone)."""
    if command_name() != "revision":
        return
    from schema_pkg.scaffold import process_revision_directives as render

    render(migration_context, revision, directives)


def target_metadata():
    # Offline runs (the SQL files, and the render behind the packaged checksums that every
    # online upgrade computes) never compare: no models.
    if context.is_offline_mode() or command_name() in COMMANDS_WITHOUT_MODELS:
        return None
    from schema_pkg.models import Base

    return Base.metadata


def configure(guard: StepGuards | None = None, callbacks=(), **kwargs) -> None:
    context.configure(
        target_metadata=target_metadata(),
        include_object=include_object,
        process_revision_directives=process_revision_directives,
        transaction_per_migration=True,
        on_version_apply=([guard.after] if guard else []) + list(callbacks),
        **kwargs,
    )
    if guard is not None:
        migration_context = context.get_context()
        # alembic has no hook before a step: wrap its work function, whose steps
        # carry each revision's upgrade()/downgrade() as ``migration_fn``.
        migration_context._migrations_fn = guard.wrap_work(migration_context._migrations_fn)


def load_timeouts() -> Timeouts:
    try:
        return Timeouts.from_env()
    except TargetError as exc:
        raise CommandError(str(exc)) from None


def starting_revision() -> str | None:
    """The revision an offline script starts from (None: base)."""
    start = context.get_starting_revision_argument()
    if start in (None, "base"):
        return None
    return context.script.get_revision(start).revision


def run_offline() -> None:
    timeouts = load_timeouts()
    statements = config().attributes.get("statements")
    guard = StepGuards("sql", statements=statements,
                       file_name=config().attributes.get("file_name"))
    configure(guard, dialect_name="postgresql", literal_binds=True,
              dialect_opts={"paramstyle": "named"})
    if statements is None:
        output = context.get_context().impl.static_output
        output(guards.PSQL_PREAMBLE)
        output(guards.psql_variables(timeouts) + "\n")
        output(guards.REFUSE_AUTOCOMMIT_OFF)
        context.execute(guards.REFUSE_OUTER_TRANSACTION)
        output(guards.psql_session_settings())
        context.execute(f"SET search_path = {guards.SEARCH_PATH}")
        context.execute(migrationlock.BOOTSTRAP)
        context.execute(migrationlock.wait_in_file())
        context.execute(expected_by_the_file())
        for statement in history.CREATE_HISTORY:
            context.execute(statement)
        if command_name() == "upgrade" and recorded_before_the_file():
            context.execute(recordcheck.check(recorded_before_the_file()))
    with context.begin_transaction():
        context.run_migrations()
    if statements is None:
        context.execute(migrationlock.RELEASE)


def expected_by_the_file() -> str:
    """A file starts at its first revision's start; the full script (resumable) at
    any revision, skipping those already applied."""
    if config().attributes.get("resumable"):
        known = ["base", *(s.revision for s in reversed(list(context.script.walk_revisions())))]
        return guards.expect_one_of(known, "this file")
    return guards.expect_revision(starting_revision(), "this file")


def recorded_before_the_file() -> list[str]:
    """The revisions whose record an upgrade file checks before it runs: those before
    its start (the full script: all, up to wherever the database is)."""
    order = [s.revision for s in reversed(list(context.script.walk_revisions()))]
    if config().attributes.get("resumable"):
        return order
    start = starting_revision()
    return order[: order.index(start) + 1] if start else []


def resolve() -> Target:
    """The CLI passes a Target; bare alembic reads -x url=... or the environment."""
    if "target" in config().attributes:
        return config().attributes["target"]
    try:
        return resolve_target(context.get_x_argument(as_dictionary=True).get("url"))
    except TargetError as exc:
        raise CommandError(str(exc)) from None


def connect(target: Target, timeouts: Timeouts):
    deploy.refuse_transaction_pooler(target.url.port)
    engine = create_engine(
        target.url,
        poolclass=NullPool,
        connect_args={"connect_timeout": timeouts.connect_timeout, "application_name": "schema_pkg"},
    )
    try:
        return engine.connect()
    except OperationalError as exc:
        raise CommandError(f"cannot connect to {redact(target.url)}: {deploy.first_line(exc)}") from None


def command_name() -> str | None:
    """The alembic command being run: from the schema-pkg CLI or bare alembic's argv."""
    if "command" in config().attributes:
        return config().attributes["command"]
    cmd = getattr(config().cmd_opts, "cmd", None)
    return getattr(cmd[0], "__name__", None) if cmd else None


def planned_steps():
    """The steps alembic is about to run, for the downgrade guard."""
    migration_context = context.get_context()
    heads = migration_context.get_current_heads()
    return migration_context.opts["fn"](heads, migration_context)


def run_once() -> None:
    with context.begin_transaction():
        context.run_migrations()


def run_with_retries(connection, timeouts: Timeouts, target: Target) -> None:
    """Run the migrations; a lock timeout is retried on the growing schedule, each
    retry printed with the revision, the relation and its blocker; when the budget
    is spent, fail naming the blockers."""
    progress = deploy.Progress(quiet=config().attributes.get("quiet", False))
    schedule = deploy.lock_schedule(timeouts)
    current_ms = schedule[0]
    concurrent.install(connection, lambda: current_ms)

    def before_concurrent(revision: str) -> None:
        concurrent.wait_for_old_transactions(connection, revision, timeouts.concurrent_prewait,
                                             progress.note)

    guard = StepGuards("online", before_concurrent=before_concurrent, note=progress.note)
    backend_pid = connection.connection.driver_connection.info.backend_pid
    with BlockerWatch(target.url, backend_pid) as watch:
        for attempt, current_ms in enumerate(schedule, 1):
            deploy.set_lock_timeout(connection, current_ms)
            configure(guard, [progress], connection=connection)
            if attempt == 1 and command_name() == "downgrade":
                deploy.guard_downgrade(connection, planned_steps())
            watch.clear()
            try:
                run_once()
                if command_name() in ("upgrade", "downgrade"):
                    progress.finish(deploy.current_revision(connection))
                return
            except (DBAPIError, InvalidRequestError) as raised:
                exc = database_error(raised)
                if exc is None:
                    raise
                if not lost(connection, exc) and connection.in_transaction():
                    connection.rollback()
                if deploy.is_lock_timeout(exc) and attempt < len(schedule):
                    pause = deploy.pause_seconds(current_ms)
                    progress.note(
                        f"retry {guard.current}: lock on {watch.waiting_on or 'a relation'} not "
                        f"granted in {current_ms} ms, blocked by {watch.blocker or 'an unseen session'}; "
                        f"try {attempt + 1}/{len(schedule)} in {pause:.2f} s")
                    time.sleep(pause)
                    continue
                failure = migration_failure(connection, exc, timeouts, target, watch.seen,
                                            tries=attempt, lock_ms=current_ms, guard=guard)
                record_failure(connection, guard, target, timeouts, str(failure))
                raise failure from None
            except CommandError as exc:  # a guard outside the database (the pre-wait)
                if connection.in_transaction():
                    connection.rollback()
                record_failure(connection, guard, target, timeouts, str(exc))
                raise CommandError(f"{exc}; database left at {where_left(connection, guard)}") from None


def database_error(exc: BaseException) -> DBAPIError | None:
    """The database's error behind ``exc``: itself, or, when the connection died and
    SQLAlchemy refused to go on ("Can't reconnect until invalid transaction is rolled
    back"), the error that killed it."""
    while exc is not None:
        if isinstance(exc, DBAPIError):
            return exc
        exc = exc.__context__ or exc.__cause__
    return None


def record_failure(connection, guard: StepGuards, target: Target, timeouts: Timeouts,
                   error: str) -> None:
    """The failed attempt's row (and its failed step's) in schema_pkg.history, over a fresh
    connection when the run's own is gone; never hides the failure itself."""
    if guard.current is None:
        return
    key = (guard.current, guard.direction)
    failed = (guard.current, guard.direction, guard.checksums.get(key, ""), "online", error,
              guard.failed_step)
    try:
        if connection.invalidated or connection.closed:
            with connect(target, timeouts) as fresh:
                history.record_failure(fresh, *failed)
        else:
            history.record_failure(connection, *failed)
    except Exception:  # the record is best effort once the run has failed
        rollback_quietly(connection)  # the failure's line still reads the database


def revision_after_lost_connection(target: Target, timeouts: Timeouts,
                                   guard: StepGuards | None = None) -> tuple[str, str]:
    """The recorded revision and :func:`partly_applied`, read over a new connection, since
    the old one is gone."""
    try:
        with connect(target, timeouts) as fresh:
            return revision_for_the_message(fresh), partly_applied(fresh, guard)
    except CommandError:
        return "unknown (cannot reconnect)", ""


def lost(connection, exc: DBAPIError) -> bool:
    """Whether ``exc`` ended the run's connection.  A session the server ended (e.g.
    pg_terminate_backend) counts even before the driver sees its socket close, and the
    connection is then invalidated, never reused."""
    if deploy.ended_the_session(exc) and not (connection.invalidated or connection.closed):
        connection.invalidate()
    return exc.connection_invalidated or connection.invalidated or connection.closed


def where_left(connection, guard: StepGuards | None = None) -> str:
    """The recorded revision, and what stays applied of the revision the run stopped in
    (:func:`partly_applied`)."""
    return revision_for_the_message(connection) + partly_applied(connection, guard)


def revision_for_the_message(connection) -> str:
    """The recorded revision; a failure to read it must not hide the failure being told."""
    try:
        return deploy.current_revision(connection)
    except DBAPIError as exc:
        rollback_quietly(connection)
        return f"an unknown revision (alembic_version unreadable: {deploy.first_line(exc)})"


def partly_applied(connection, guard: StepGuards | None) -> str:
    """When the revision the run stopped in commits step by step: its steps that completed
    (in this run or an earlier one) and stay applied, read from the deployment record as a
    rerun reads them.  '' when none did, or when the record cannot be read: the failure is
    what the line is about."""
    if guard is None or guard.current is None:
        return ""
    key = (guard.current, guard.direction)
    return steps_left_applied(connection, key, guard.own.get(key), guard.checksums.get(key))


def packaged_partly_applied(connection, revision: str, direction: str) -> str:
    """:func:`partly_applied` where no guard is left to ask (after a Ctrl-C): for the
    packaged statements of ``revision``, as an online run applies them."""
    own = history.packaged_statements()[(revision, direction)]
    return steps_left_applied(connection, (revision, direction), own, history.checksum(own))


def steps_left_applied(connection, key: tuple[str, str], own: str | None, digest: str | None) -> str:
    """The completed steps of the revision and direction ``key``, whose statements are
    ``own`` (checksum ``digest``), as :func:`partly_applied` words them."""
    count = len(guards.parts_of(own)) if own is not None else 0
    if digest is None or count < 2:
        return ""
    try:
        done = [n for (n,) in connection.execute(text(
            f"SELECT c.step FROM ({steps.completed_steps(*key, digest)}) AS c ORDER BY c.step"))]
    except DBAPIError:
        rollback_quietly(connection)
        return ""
    if not done:
        return ""
    return (f"; {key[1]} {key[0]} has {steps.listed(done)} of {count} applied "
            "(recorded in schema_pkg.history; a rerun skips them)")


def migration_failure(connection, exc: DBAPIError, timeouts: Timeouts, target: Target,
                      blockers: str | None = None, tries: int = 1, lock_ms: int = 0,
                      guard: StepGuards | None = None) -> CommandError:
    """The one line a failed run ends with: why, and where the database was left."""
    reason = deploy.first_line(exc)
    if lost(connection, exc):
        at, partly = revision_after_lost_connection(target, timeouts, guard)
        return CommandError(f"connection lost during migration: {reason}; database left at {at}"
                            f"{partly or ' (each completed revision is committed); rerun to finish'}")
    if deploy.is_lock_timeout(exc):
        holders = f"blocked by {blockers}" if blockers else describe_lock_holders(connection)
        at, partly = revision_for_the_message(connection), partly_applied(connection, guard)
        return CommandError(
            f"lock not available after {tries} {'try' if tries == 1 else 'tries'} "
            f"(last lock_timeout {lock_ms} ms); database left at {at}; {holders}{partly}"
        )
    return CommandError(f"migration failed: {reason}; database left at {where_left(connection, guard)}")


def prepare_session(connection) -> None:
    """The pinned search_path and the deployment record's table (not committed)."""
    connection.execute(text(f"SET search_path = {guards.SEARCH_PATH}"))
    for statement in history.CREATE_HISTORY:
        connection.execute(text(statement))


def run_given(given) -> None:
    """Run on a connection someone handed over; an Engine is connected for the run."""
    if isinstance(given, Engine):
        with given.connect() as connection:
            run_given(connection)
            connection.commit()
        return
    idle = not given.in_transaction()
    prepare_session(given)
    if idle:  # leave alembic an idle connection, so it runs a transaction per revision
        given.commit()
    configure(StepGuards("online"), connection=given)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = config().attributes.get("connection")
    if given is not None:
        run_given(given)
        return
    timeouts = load_timeouts()
    target = resolve()
    connection = connect(target, timeouts)
    try:
        note = deploy.Progress(config().attributes.get("quiet", False)).note
        migrationlock.take(connection, timeouts.migration_lock_wait, note)
        deploy.set_session_settings(connection, timeouts, deploy.allows_data_loss(
            config().attributes.get("allow_data_loss", False)))
        prepare_session(connection)
        connection.commit()
        if command_name() == "upgrade":
            recordcheck.refuse_mismatched_record(connection, note)
        run_with_retries(connection, timeouts, target)
    except BaseException as exc:
        if interrupted(exc):
            connection.invalidate()  # its transaction dies with it; never reuse it
            raise KeyboardInterrupt from None
        if isinstance(exc, DBAPIError) and lost(connection, exc):  # e.g. while checking the record
            raise migration_failure(connection, exc, timeouts, target) from None
        if isinstance(exc, DBAPIError):  # outside a revision: lock, settings, guard
            raise CommandError(f"cannot migrate {redact(target.url)}: {deploy.first_line(exc)}") from None
        raise
    finally:
        release_quietly(connection)
        close_quietly(connection)


def interrupted(exc: BaseException | None) -> bool:
    """A Ctrl-C, or an error raised while cleaning up after one (SQLAlchemy's
    "Can't reconnect until invalid transaction is rolled back")."""
    while exc is not None:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc = exc.__context__
    return False


def rollback_quietly(connection) -> None:
    """End a failed transaction so the connection can be read again; a lost connection
    has nothing to roll back."""
    if connection.invalidated or connection.closed:
        return
    with contextlib.suppress(Exception):
        connection.rollback()


def release_quietly(connection) -> None:
    """Give the migration lock back; a lost connection gave it back by ending."""
    if connection.invalidated or connection.closed:
        return
    try:
        if connection.in_transaction():
            connection.rollback()
        migrationlock.release(connection)
    except Exception:
        pass


def close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # an interrupted or lost connection has nothing left to close
        pass


def main() -> None:
    """env.py's whole job: configure logging, then run offline or online."""
    cfg = config()
    if cfg.config_file_name and cfg.attributes.get("configure_logging", True):
        fileConfig(cfg.config_file_name, disable_existing_loggers=False)
    if context.is_offline_mode():
        run_offline()
    else:
        run_online()
