"""schema-pkg: run the packaged migrations, render SQL, verify, adopt and advise.

Errors are one line on stderr: exit 2 for bad input (URL, revision, range,
arguments), 1 for a failure (connection, permissions, lock, drift), 130 when
interrupted (naming the revision the database is left at), never a traceback.
A closed stdout (``| head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from schema_pkg import __version__

if TYPE_CHECKING:
    from schema_pkg.settings import Target

# Only the standard library at import: `--version` and `--help` never load alembic,
# SQLAlchemy or psycopg, and each command imports what it uses (see "imports" below).

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE, as a shell tool killed by the closed pipe
# alembic's wording for targets that cannot be reached as asked
BAD_TARGET_MESSAGES = ("Relative revision", "Can't locate revision", "not a valid downgrade target",
                       "not a valid upgrade target", "Range revision not allowed",
                       "requires <fromrev>:<torev>")
RELATIVE = re.compile(r"^(heads?|base|(\w+)?[+-]\d+)$")
# Commands that never touch the deployment target (revision --autogenerate and check
# --scratch use a scratch database on the tests' server instead).
OFFLINE_COMMANDS = {"sql", "history", "rls", "revision", "manifest"}
FORMATS = ("text", "json", "sarif", "github")  # schema_pkg.reports


class BadInput(Exception):
    """The user asked for something that cannot be done as asked (exit 2)."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the project's rule for bad input), exit 2."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    # --url and --quiet are accepted before or after the command: the copies on the
    # commands default to SUPPRESS so they never overwrite a value given before.
    def add_common(p: argparse.ArgumentParser, url_default, quiet_default) -> None:
        p.add_argument("--url", default=url_default,
                       help="database URL (default: DATABASE_URL, then PG*, then the local default)")
        p.add_argument("--quiet", "-q", action="store_true", default=quiet_default,
                       help="no progress output")

    common = argparse.ArgumentParser(add_help=False)
    add_common(common, argparse.SUPPRESS, argparse.SUPPRESS)
    parser = Parser(prog="schema-pkg", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"schema-pkg {__version__}")
    add_common(parser, None, False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    up = sub.add_parser("upgrade", parents=[common], help="upgrade to a revision (default head)")
    up.add_argument("revision", nargs="?", default="head")
    up.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    up.add_argument("--accept-record", action="store_true",
                    help="upgrade even when the deployment record does not match the package "
                         "(SCHEMA_PKG_ACCEPT_RECORD=1)")
    down = sub.add_parser("downgrade", parents=[common], help="downgrade to a revision")
    down.add_argument("revision")
    down.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    down.add_argument("--allow-data-loss", action="store_true",
                      help="let a downgrade drop tables that hold rows")
    history = sub.add_parser("history", parents=[common],
                             help="list the revisions; --applied: the database's deployment record")
    history.add_argument("--applied", action="store_true",
                         help="print schema_pkg.history of the database (needs a database)")
    check = sub.add_parser("check", parents=[common],
                           help="alembic check: the models match the migrations at head")
    check.add_argument("--scratch", action="store_true",
                       help="check against a scratch database at head on the tests' server "
                            "(found as `make test` finds it) instead of the target")
    for name, text_ in (
        ("current", "show the database's revision"),
        ("advise", "lint the live catalog: RLS, functions, indexes, policies"),
        ("verify", "compare the database with a fresh shadow at its revision"),
        ("adopt", "stamp the baseline on a matching database built outside alembic"),
    ):
        command_parser = sub.add_parser(name, parents=[common], help=text_)
        if name in ("advise", "verify"):
            command_parser.add_argument(
                "--format", choices=FORMATS, default="text",
                help="text (default), json (schema_pkg/findings.schema.json), sarif (2.1.0, for code "
                     "scanning) or github (workflow-command annotations)")
    rls = sub.add_parser("rls", help="the RLS proof outside pytest (from a checkout)")
    rls_sub = rls.add_subparsers(dest="rls_command", required=True, metavar="COMMAND")
    export = rls_sub.add_parser("export", parents=[common],
                                help="the expectations table as pgTAP files (pg_prove, supabase test db)")
    export.add_argument("--pgtap", type=Path, required=True, metavar="DIR",
                        help="folder for the .test.sql files (created if missing)")
    sql = sub.add_parser("sql", parents=[common], help="render sql/ (no database needed)")
    sql.add_argument("--out", type=Path, default=None,
                     help="output folder (default: sql/ of the checkout, else ./sql)")
    revision = sub.add_parser("revision", parents=[common],
                              help="write versions/<next id>_<slug>.py from the template")
    revision.add_argument("-m", "--message", required=True, help="what the revision does")
    revision.add_argument("--autogenerate", action="store_true",
                          help="render what the models add beyond head as SQL (scratch database on "
                               "the tests' server)")
    manifest = sub.add_parser("manifest", parents=[common],
                              help="refresh versions/manifest.json (unreleased revisions only)")
    manifest.add_argument("--release", action="store_true",
                          help="release every revision: move released_through to the head")
    return parser


def position(revision: str) -> int | None:
    """Where a revision sits from base (-1) to head; None for relative ones (+1, -2)."""
    from schema_pkg.config import revisions_in_order, script_directory

    if RELATIVE.match(revision) and revision not in ("base", "head", "heads"):
        return None
    if revision == "base":
        return -1
    try:
        script = script_directory().get_revision(revision)
    except Exception:
        raise BadInput(f"unknown revision {revision!r}; see `schema-pkg history`") from None
    order = [s.revision for s in revisions_in_order()]
    return order.index(script.revision)


def validate_revision(spec: str, *, upgrade: bool = True, sql: bool = False) -> None:
    """Unknown revisions and impossible ranges are bad input; say so before touching
    the database.  A ``start:end`` range is for --sql only and must go the command's way."""
    if ":" not in spec:
        if spec not in ("head", "heads", "base"):  # always valid: no need to load the revisions
            position(spec)
        if sql and not upgrade:
            raise BadInput(f"downgrade --sql needs a range, e.g. {spec_example()}")
        return
    if not sql:
        raise BadInput(f"a range ({spec}) is for --sql only; give one target revision")
    start, end = (position(part) for part in spec.split(":", 1))
    if None not in (start, end) and (end <= start if upgrade else end >= start):
        raise BadInput(f"range {spec} does not {'upgrade' if upgrade else 'downgrade'}: "
                       f"the second revision must be {'after' if upgrade else 'before'} the first")


def spec_example() -> str:
    from schema_pkg.config import revisions_in_order

    order = [s.revision for s in revisions_in_order()]
    return f"{order[-1]}:{order[-2]}"


def announce(args, message: str) -> None:
    if not args.quiet:
        print(f"schema-pkg: {message}", file=sys.stderr)


def ensure_local_default_database(target: Target) -> None:
    """Create the documented local default database when missing (never any other)."""
    if not target.is_local_default:
        return
    from sqlalchemy import text

    from schema_pkg.db import connection

    with connection(target.url.set(database="postgres"), isolation_level="AUTOCOMMIT") as conn:
        name = target.url.database
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            print(f"schema-pkg: created database {name}", file=sys.stderr)


def cmd_upgrade(args, target) -> int:
    from alembic import command

    from schema_pkg.config import make_config

    validate_revision(args.revision, sql=args.sql)
    if target is not None:
        ensure_local_default_database(target)
        announce(args, f"upgrading {target} to {args.revision}")
    if args.accept_record:
        os.environ["SCHEMA_PKG_ACCEPT_RECORD"] = "1"
    command.upgrade(make_config(target, command="upgrade", quiet=args.quiet), args.revision,
                    sql=args.sql)
    return 0


def cmd_downgrade(args, target) -> int:
    from alembic import command

    from schema_pkg.config import make_config

    validate_revision(args.revision, upgrade=False, sql=args.sql)
    if target is not None:
        announce(args, f"downgrading {target} to {args.revision}")
    config = make_config(target, command="downgrade", quiet=args.quiet)
    config.attributes["allow_data_loss"] = args.allow_data_loss
    command.downgrade(config, args.revision, sql=args.sql)
    return 0


def cmd_current(args, target) -> int:
    from alembic import command

    from schema_pkg.config import make_config

    announce(args, f"current revision of {target}:")
    command.current(make_config(target, command="current", quiet=args.quiet))
    return 0


def cmd_check(args, target) -> int:
    from alembic import command

    from schema_pkg.config import make_config

    if not args.scratch:
        announce(args, f"checking the models against the migrations, using {target}")
        command.check(make_config(target, command="check", quiet=args.quiet))
        return 0
    from schema_pkg.scratch import standalone_database_at
    from schema_pkg.settings import Target

    announce(args, "checking the models against a scratch database at head")
    with standalone_database_at("head") as url:
        command.check(make_config(Target(url, "scratch database at head"), command="check",
                                  quiet=args.quiet))
    return 0


def cmd_revision(args, target) -> int:
    from schema_pkg.scaffold import create

    path = create(args.message, autogenerate=args.autogenerate, quiet=args.quiet)
    print(f"wrote {path}")
    return 0


def cmd_manifest(args, target) -> int:
    from schema_pkg import manifest
    from schema_pkg.config import checkout_versions

    checkout_versions()
    current = manifest.load()
    updated = manifest.refreshed(current, manifest.compute())
    if args.release:
        updated = manifest.with_release(updated)
    changed = manifest.write(updated)
    marker = updated["released_through"]
    print(f"{'wrote' if changed else 'up to date:'} {manifest.path()} (released through {marker})")
    return 0


def cmd_history(args, target) -> int:
    from alembic import command

    from schema_pkg.config import make_config

    if not args.applied:
        command.history(make_config())
        return 0
    from schema_pkg.db import connection
    from schema_pkg.history import applied

    announce(args, f"deployment record of {target}:")
    with connection(target.url) as conn:
        rows = applied(conn)
    if rows is None:
        print(f"schema-pkg: {target} has no deployment record (schema_pkg.history)", file=sys.stderr)
        return EXIT_FAILURE
    for row in rows:
        print(row)
    return 0


def cmd_sql(args, target) -> int:
    from schema_pkg.config import CHECKOUT_DIR
    from schema_pkg.sqlrender import render_all

    in_checkout = (CHECKOUT_DIR / "versions").is_dir()
    out = args.out or (CHECKOUT_DIR / "sql" if in_checkout else Path("sql"))
    for path in render_all(out):
        if not args.quiet:
            print(f"wrote {path}")
    return 0


def cmd_rls(args, target) -> int:
    """``rls export --pgtap DIR``: the exporter is test code next to the expectations table
    (tests/rls/pgtap.py), so it runs from a checkout only."""
    from schema_pkg.config import CHECKOUT_DIR

    if not (CHECKOUT_DIR / "tests" / "rls" / "expectations.py").is_file():
        raise BadInput("rls export needs a checkout of schema_pkg: the expectations table "
                       "(tests/rls/expectations.py) is not part of the installed package")
    if args.pgtap.exists() and not args.pgtap.is_dir():
        raise BadInput(f"--pgtap {args.pgtap}: not a folder")
    if str(CHECKOUT_DIR) not in sys.path:
        sys.path.insert(0, str(CHECKOUT_DIR))
    from tests.rls.pgtap import ExportError, export

    try:
        paths = export(args.pgtap)
    except ExportError as exc:
        raise BadInput(str(exc)) from None
    except OSError as exc:
        raise BadInput(f"--pgtap {args.pgtap}: {exc.strerror or exc}") from None
    if not args.quiet:
        print(f"schema-pkg: wrote {len(paths)} pgTAP files to {args.pgtap}", file=sys.stderr)
    return 0


def cmd_advise(args, target) -> int:
    from schema_pkg.advisor import advise_command

    announce(args, f"advising on {target}")
    return advise_command(target, args.format)


def cmd_verify(args, target) -> int:
    from schema_pkg.verify import verify

    announce(args, f"verifying {target}")
    return verify(target, quiet=args.quiet, output_format=args.format)


def cmd_adopt(args, target) -> int:
    from schema_pkg.verify import adopt

    announce(args, f"adopting {target}")
    return adopt(target, quiet=args.quiet)


COMMANDS = {
    "upgrade": cmd_upgrade, "downgrade": cmd_downgrade, "current": cmd_current,
    "check": cmd_check, "history": cmd_history, "sql": cmd_sql, "advise": cmd_advise,
    "verify": cmd_verify, "adopt": cmd_adopt, "rls": cmd_rls, "revision": cmd_revision,
    "manifest": cmd_manifest,
}


def is_offline(args: argparse.Namespace) -> bool:
    if args.command == "history":
        return not args.applied
    return (args.command in OFFLINE_COMMANDS or getattr(args, "sql", False)
            or getattr(args, "scratch", False))


def run(args: argparse.Namespace) -> int:
    from schema_pkg import settings

    target = None if is_offline(args) else settings.resolve_target(args.url)
    return COMMANDS[args.command](args, target)


def classify(exc: Exception) -> int:
    """alembic reports some bad input as CommandError too."""
    message = str(exc)
    return EXIT_BAD_INPUT if any(m in message for m in BAD_TARGET_MESSAGES) else EXIT_FAILURE


def interrupted(args: argparse.Namespace | None) -> int:
    """One line naming where the database is, read over a fresh connection (the
    migration's own connection died with the interrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
    if args is None or is_offline(args):
        where = "no database was touched"
    else:
        try:
            where = f"database left at {revision_after_interrupt(args)}"
        except Exception:  # cannot reconnect: say so rather than guess
            where = "database left at an unknown revision (cannot reconnect)"
    print(f"schema-pkg: interrupted; {where}", file=sys.stderr)
    return EXIT_INTERRUPTED


def revision_after_interrupt(args: argparse.Namespace) -> str:
    """The recorded revision, and the steps that stay applied of the revision the run
    was in (if it commits step by step), read over a fresh connection through SQLAlchemy;
    the revision alone, through psycopg alone, when the Ctrl-C cut an import of
    SQLAlchemy's short (a half-imported package cannot load its dialect again)."""
    from schema_pkg import settings

    url = settings.resolve_target(args.url).url
    try:
        from schema_pkg.db import connection
        from schema_pkg.deploy import current_revision

        with connection(url, connect_args={"connect_timeout": 3}) as conn:
            return current_revision(conn) + steps_after_interrupt(conn, args)
    except (ImportError, AttributeError):
        import psycopg

        with psycopg.connect(settings.libpq_url(url), connect_timeout=3) as conn:
            if conn.execute("SELECT to_regclass('public.alembic_version')").fetchone()[0] is None:
                return "base (no alembic_version table)"
            found = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
            return ", ".join(found) or "base"


def steps_after_interrupt(conn, args: argparse.Namespace) -> str:
    """What stays applied of the revision an interrupted upgrade or downgrade was in, when
    it commits step by step ('' otherwise, or when that cannot be read: the line is about
    where the database is)."""
    from schema_pkg.deploy import recorded_revisions
    from schema_pkg.migration_env import packaged_partly_applied

    try:
        in_progress = revision_in_progress(args.command, args.revision, recorded_revisions(conn))
        return packaged_partly_applied(conn, *in_progress) if in_progress else ""
    except Exception:
        return ""


def revision_in_progress(command: str, target: str, recorded: list[str] | None) -> tuple[str, str] | None:
    """(revision, direction) a run of ``command`` toward ``target`` stopped in, from the
    revision recorded after it: the next one for an upgrade, the recorded one for a
    downgrade, when the run's way to its target goes through it."""
    from schema_pkg.config import revisions_in_order

    order = [script.revision for script in revisions_in_order()]
    ends = {"base": -1, "head": len(order) - 1, "heads": len(order) - 1}
    if recorded and (len(recorded) > 1 or recorded[0] not in order):
        return None  # several heads, or a revision this package does not have
    at = order.index(recorded[0]) if recorded else -1  # -1: base
    end = ends[target] if target in ends else order.index(target) if target in order else None
    if end is None:
        return None
    if command == "upgrade" and at < end:
        return order[at + 1], "upgrade"
    if command == "downgrade" and end < at:
        return order[at], "downgrade"
    return None


def parse_quietly(argv: list[str] | None) -> argparse.Namespace | None:
    try:
        return build_parser().parse_args(argv)
    except SystemExit:
        return None


def closed_pipe() -> int:
    """stdout was closed (``| head``): stop quietly, without Python's flush error at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_CLOSED_PIPE


def main(argv: list[str] | None = None) -> int:
    args = None
    try:
        args = build_parser().parse_args(argv)
        code = run(args)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:  # even while parsing: name the database the command targets
        return interrupted(args if args is not None else parse_quietly(argv))
    except BrokenPipeError:
        return closed_pipe()
    except Exception as exc:
        code = failure(exc)
        if code is None:
            raise
        return code


def failure(exc: Exception) -> int | None:
    """One line on stderr and the exit code for the errors we expect; None for a bug.
    (A command that raised them has already imported alembic and SQLAlchemy.)"""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from schema_pkg.deploy import first_line
    from schema_pkg.settings import TargetError

    if isinstance(exc, (BadInput, TargetError)):
        print(f"schema-pkg: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if isinstance(exc, CommandError):
        print(f"schema-pkg: error: {first_line(exc)}", file=sys.stderr)
        return classify(exc)
    if isinstance(exc, SQLAlchemyError):
        print(f"schema-pkg: error: {first_line(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    return scratch_failure(exc)


def scratch_failure(exc: Exception) -> int | None:
    """revision --autogenerate and check --scratch: no server for scratch work, or one that
    refuses it; revision and manifest outside a checkout."""
    import psycopg

    from schema_pkg.deploy import first_line
    from schema_pkg.testserver import NoServerError

    if isinstance(exc, (NoServerError, FileNotFoundError)):
        print(f"schema-pkg: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    if isinstance(exc, psycopg.Error):
        print(f"schema-pkg: error: {first_line(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    return None


if __name__ == "__main__":
    raise SystemExit(main())
