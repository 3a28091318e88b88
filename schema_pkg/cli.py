"""schema-pkg: run the packaged migrations, render SQL, verify, adopt and advise.

Errors are one line on stderr: exit 2 for bad input (URL, revision,
arguments), 1 for a failure (connection, permissions, lock, drift), never a
traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from alembic import command
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from schema_pkg import settings
from schema_pkg.config import CHECKOUT_DIR, make_config, script_directory
from schema_pkg.db import connection
from schema_pkg.deploy import first_line

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
RELATIVE = re.compile(r"^(heads?|base|(\w+)?[+-]\d+)$")
OFFLINE_COMMANDS = {"sql", "history"}


class BadInput(Exception):
    """The user asked for something that cannot be done as asked (exit 2)."""


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
    parser = argparse.ArgumentParser(prog="schema-pkg", description=__doc__.splitlines()[0])
    add_common(parser, None, False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    up = sub.add_parser("upgrade", parents=[common], help="upgrade to a revision (default head)")
    up.add_argument("revision", nargs="?", default="head")
    up.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    down = sub.add_parser("downgrade", parents=[common], help="downgrade to a revision")
    down.add_argument("revision")
    down.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    down.add_argument("--allow-data-loss", action="store_true",
                      help="let a downgrade drop tables that hold rows")
    for name, text_ in (
        ("current", "show the database's revision"),
        ("history", "list the revisions"),
        ("check", "alembic check: the models match the migrations at head"),
        ("advise", "lint the live catalog: RLS, functions, indexes, policies"),
        ("verify", "compare the database with a fresh shadow at its revision"),
        ("adopt", "stamp the baseline on a matching database built outside alembic"),
    ):
        sub.add_parser(name, parents=[common], help=text_)
    sql = sub.add_parser("sql", parents=[common], help="render sql/ (no database needed)")
    sql.add_argument("--out", type=Path, default=None,
                     help="output folder (default: sql/ of the checkout, else ./sql)")
    return parser


def validate_revision(spec: str) -> None:
    """Unknown revisions are bad input; say so before touching the database.
    ``spec`` may be a ``start:end`` range (offline --sql)."""
    for revision in spec.split(":") if ":" in spec else [spec]:
        if RELATIVE.match(revision):
            continue
        try:
            script_directory().get_revision(revision)
        except Exception:
            raise BadInput(f"unknown revision {revision!r}; see `schema-pkg history`") from None


def ensure_local_default_database(target: settings.Target) -> None:
    """Create the documented local default database when missing (never any other)."""
    if not target.is_local_default:
        return
    with connection(target.url.set(database="postgres"), isolation_level="AUTOCOMMIT") as conn:
        name = target.url.database
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            print(f"schema-pkg: created database {name}", file=sys.stderr)


def cmd_upgrade(args, target) -> int:
    validate_revision(args.revision)
    if target is not None:
        ensure_local_default_database(target)
        if not args.quiet:
            print(f"schema-pkg: upgrading {target} to {args.revision}", file=sys.stderr)
    command.upgrade(make_config(target, command="upgrade", quiet=args.quiet), args.revision,
                    sql=args.sql)
    return 0


def cmd_downgrade(args, target) -> int:
    validate_revision(args.revision)
    config = make_config(target, command="downgrade", quiet=args.quiet)
    config.attributes["allow_data_loss"] = args.allow_data_loss
    command.downgrade(config, args.revision, sql=args.sql)
    return 0


def cmd_current(args, target) -> int:
    command.current(make_config(target, command="current", quiet=args.quiet))
    return 0


def cmd_check(args, target) -> int:
    command.check(make_config(target, command="check", quiet=args.quiet))
    return 0


def cmd_history(args, target) -> int:
    command.history(make_config())
    return 0


def cmd_sql(args, target) -> int:
    from schema_pkg.sqlrender import render_all

    in_checkout = (CHECKOUT_DIR / "versions").is_dir()
    out = args.out or (CHECKOUT_DIR / "sql" if in_checkout else Path("sql"))
    for path in render_all(out):
        if not args.quiet:
            print(f"wrote {path}")
    return 0


def cmd_advise(args, target) -> int:
    from schema_pkg.advisor import advise_command

    return advise_command(target)


def cmd_verify(args, target) -> int:
    from schema_pkg.verify import verify

    return verify(target, quiet=args.quiet)


def cmd_adopt(args, target) -> int:
    from schema_pkg.verify import adopt

    return adopt(target, quiet=args.quiet)


COMMANDS = {
    "upgrade": cmd_upgrade, "downgrade": cmd_downgrade, "current": cmd_current,
    "check": cmd_check, "history": cmd_history, "sql": cmd_sql, "advise": cmd_advise,
    "verify": cmd_verify, "adopt": cmd_adopt,
}


def run(args: argparse.Namespace) -> int:
    offline = args.command in OFFLINE_COMMANDS or getattr(args, "sql", False)
    target = None if offline else settings.resolve_target(args.url)
    return COMMANDS[args.command](args, target)


def classify(exc: CommandError) -> int:
    """alembic reports some bad input as CommandError too."""
    message = str(exc)
    if "Relative revision" in message or "Can't locate revision" in message:
        return EXIT_BAD_INPUT
    return EXIT_FAILURE


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except (BadInput, settings.TargetError) as exc:
        print(f"schema-pkg: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CommandError as exc:
        print(f"schema-pkg: error: {first_line(exc)}", file=sys.stderr)
        return classify(exc)
    except SQLAlchemyError as exc:
        print(f"schema-pkg: error: {first_line(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("schema-pkg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
