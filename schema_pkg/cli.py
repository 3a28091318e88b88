"""schema-pkg: run the packaged migrations, render SQL, verify, adopt and advise.

Errors are one line on stderr: exit 2 for bad input (URL, revision,
arguments), 1 for a failure (connection, permissions, drift), never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from alembic import command
from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

from schema_pkg import settings
from schema_pkg.config import CHECKOUT_DIR, make_config, script_directory
from schema_pkg.deploy import first_line

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
RELATIVE = re.compile(r"^(heads?|base|[+-]\d+|(\w+)?[+-]\d+)$")


class BadInput(Exception):
    """The user asked for something that cannot be done as asked (exit 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="schema-pkg", description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: DATABASE_URL, PG*, local default)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    up = sub.add_parser("upgrade", help="upgrade to a revision (default head)")
    up.add_argument("revision", nargs="?", default="head")
    up.add_argument("--sql", action="store_true", help="print the SQL instead of running it")

    down = sub.add_parser("downgrade", help="downgrade to a revision")
    down.add_argument("revision")
    down.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    down.add_argument("--allow-data-loss", action="store_true",
                      help="let a downgrade drop tables that hold rows")

    sub.add_parser("current", help="show the database's revision")
    sub.add_parser("history", help="list the revisions")
    sub.add_parser("check", help="alembic check: models match the migrations at head")

    sub.add_parser("advise", help="lint the live catalog: RLS, functions, indexes, policies")
    sub.add_parser("verify", help="compare the database with a fresh shadow at its revision")
    sub.add_parser("adopt", help="stamp the baseline on a matching database built outside alembic")

    sql = sub.add_parser("sql", help="render sql/ (no database needed)")
    sql.add_argument("--out", type=Path, default=None, help="output folder (default: sql/)")
    return parser


def validate_revision(revision: str) -> None:
    """Unknown revisions are bad input; say so before touching the database."""
    if RELATIVE.match(revision):
        return
    try:
        script_directory().get_revision(revision)
    except Exception:
        raise BadInput(f"unknown revision {revision!r}; see `schema-pkg history`") from None


def ensure_local_default_database(target: settings.Target) -> None:
    """Create the documented local default database when missing (never any other)."""
    if not target.is_local_default:
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(target.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = target.url.database
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            print(f"schema-pkg: created database {name}", file=sys.stderr)
    admin.dispose()


def advise(target: settings.Target) -> int:
    """Print the advisor's findings; exit 1 when any is an ERROR."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from schema_pkg.advisor import advise as run_advisor

    engine = create_engine(target.url, poolclass=NullPool)
    with engine.connect() as conn:
        findings = run_advisor(conn)
    engine.dispose()
    for finding in findings:
        print(finding)
    counts = {level: sum(f.level == level for f in findings) for level in ("ERROR", "WARN", "INFO")}
    print("schema-pkg advise: " + ", ".join(f"{n} {level}" for level, n in counts.items()),
          file=sys.stderr)
    return 1 if counts["ERROR"] else 0


def run(args: argparse.Namespace) -> int:
    if args.command == "sql":
        from schema_pkg.sqlrender import render_all

        out = args.out or CHECKOUT_DIR / "sql"
        for path in render_all(out):
            if not args.quiet:
                print(f"wrote {path}")
        return 0
    if args.command == "history":
        command.history(make_config())
        return 0
    offline = getattr(args, "sql", False)
    target = None if offline else settings.resolve_target(args.url)
    config = make_config(target, command=args.command, quiet=args.quiet)
    if args.command == "upgrade":
        validate_revision(args.revision)
        if not offline:
            ensure_local_default_database(target)
            if not args.quiet:
                print(f"schema-pkg: upgrading {target} to {args.revision}", file=sys.stderr)
        command.upgrade(config, args.revision, sql=offline)
    elif args.command == "downgrade":
        validate_revision(args.revision)
        if args.allow_data_loss:
            import os

            os.environ["SCHEMA_PKG_ALLOW_DATA_LOSS"] = "1"
        command.downgrade(config, args.revision, sql=offline)
    elif args.command == "advise":
        return advise(target)
    elif args.command in ("verify", "adopt"):
        from schema_pkg import verify

        return getattr(verify, args.command)(target, quiet=args.quiet)
    elif args.command == "current":
        command.current(config)
    elif args.command == "check":
        command.check(config)
    return 0


def classify(exc: CommandError) -> int:
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
