"""What alembic's env.py does for schema_pkg (env.py itself is a thin shim).

Alembic loads env.py as a throwaway module (``env_py``); keeping the logic here
makes it importable, testable and visible to mutation tools.

Three ways in:
* offline (``--sql``): renders SQL with literal binds and named paramstyle, so
  ``%`` is not doubled; the script starts with the same timeouts an online
  run sets;
* a Connection or an Engine handed over in ``config.attributes["connection"]``
  (pytest-alembic hands an Engine; our tests a Connection): used as is;
* online: resolves the target (``schema_pkg.settings``), takes the migration
  advisory lock, sets timeouts, guards destructive downgrades, and runs each
  revision in its own transaction, retrying lock timeouts with backoff.

Connection and input errors become alembic ``CommandError``s, which both
``schema-pkg`` and bare ``alembic`` print as one line without a traceback.
"""

from __future__ import annotations

import time
from logging.config import fileConfig

from alembic import context
from alembic.util import CommandError
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from schema_pkg import deploy
from schema_pkg.blockers import BlockerWatch, describe_lock_holders
from schema_pkg.settings import Target, TargetError, Timeouts, redact, resolve_target


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


def target_metadata():
    if command_name() in COMMANDS_WITHOUT_MODELS:
        return None
    from schema_pkg.models import Base

    return Base.metadata


def configure(**kwargs) -> None:
    context.configure(
        target_metadata=target_metadata(),
        include_object=include_object,
        transaction_per_migration=True,
        **kwargs,
    )


def load_timeouts() -> Timeouts:
    try:
        return Timeouts.from_env()
    except TargetError as exc:
        raise CommandError(str(exc)) from None


def run_offline() -> None:
    timeouts = load_timeouts()
    configure(
        dialect_name="postgresql",
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    context.execute(f"SET lock_timeout = '{timeouts.lock_timeout}'")
    context.execute(f"SET statement_timeout = '{timeouts.statement_timeout}'")
    with context.begin_transaction():
        context.run_migrations()


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
    """Run the migrations; on a lock timeout retry with backoff, watching who blocks
    the retries, then fail naming them."""
    progress = deploy.Progress(quiet=config().attributes.get("quiet", False))
    watch = None
    for attempt in range(timeouts.lock_retries + 1):
        configure(connection=connection, on_version_apply=[progress])
        if attempt == 0 and command_name() == "downgrade":
            deploy.guard_downgrade(connection, planned_steps(),
                                   allowed=config().attributes.get("allow_data_loss", False))
        try:
            if attempt == 0:
                run_once()
            else:
                backend_pid = connection.connection.driver_connection.info.backend_pid
                with BlockerWatch(target.url, backend_pid) as watch:
                    run_once()
            if command_name() in ("upgrade", "downgrade"):
                progress.finish(deploy.current_revision(connection))
            return
        except DBAPIError as exc:
            if connection.in_transaction():
                connection.rollback()
            if deploy.is_lock_timeout(exc) and attempt < timeouts.lock_retries:
                time.sleep(deploy.backoff_seconds(attempt))
                continue
            seen = watch.seen if watch else None
            raise migration_failure(connection, exc, timeouts, target, seen) from None


def revision_after_lost_connection(target: Target, timeouts: Timeouts) -> str:
    """Read alembic_version over a new connection, since the old one is gone."""
    try:
        with connect(target, timeouts) as fresh:
            return deploy.current_revision(fresh)
    except CommandError:
        return "unknown (cannot reconnect)"


def migration_failure(connection, exc: DBAPIError, timeouts: Timeouts, target: Target,
                      blockers: str | None = None) -> CommandError:
    reason = deploy.first_line(exc)
    if exc.connection_invalidated or connection.invalidated or connection.closed:
        at = revision_after_lost_connection(target, timeouts)
        return CommandError(f"connection lost during migration: {reason}; database left at {at} "
                            "(each completed revision is committed); rerun to finish")
    at = deploy.current_revision(connection)
    if deploy.is_lock_timeout(exc):
        holders = f"blocked by {blockers}" if blockers else describe_lock_holders(connection)
        tries = timeouts.lock_retries + 1
        return CommandError(
            f"lock not available after {tries} {'try' if tries == 1 else 'tries'} "
            f"(lock_timeout={timeouts.lock_timeout}); database left at {at}; {holders}"
        )
    return CommandError(f"migration failed: {reason}; database left at {at}")


def run_given(given) -> None:
    """Run on a connection someone handed over; an Engine is connected for the run."""
    if isinstance(given, Engine):
        with given.connect() as connection:
            run_given(connection)
            connection.commit()
        return
    configure(connection=given)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = config().attributes.get("connection")
    if given is not None:
        run_given(given)
        return
    timeouts = load_timeouts()
    target = resolve()
    with connect(target, timeouts) as connection:
        try:
            deploy.take_advisory_lock(connection, timeouts)
            deploy.set_session_timeouts(connection, timeouts)
            run_with_retries(connection, timeouts, target)
        except DBAPIError as exc:  # outside a revision: lock, settings, guard
            raise CommandError(f"cannot migrate {redact(target.url)}: {deploy.first_line(exc)}") from None


def main() -> None:
    """env.py's whole job: configure logging, then run offline or online."""
    cfg = config()
    if cfg.config_file_name and cfg.attributes.get("configure_logging", True):
        fileConfig(cfg.config_file_name, disable_existing_loggers=False)
    if context.is_offline_mode():
        run_offline()
    else:
        run_online()
