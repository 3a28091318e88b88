"""The schema-pkg entry point: nothing but the standard library until the CLI loads.

Loading the CLI imports alembic and SQLAlchemy (a few tenths of a second); a
Ctrl-C in that window must end like any other: one line and exit 130.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    try:
        from schema_pkg import cli
    except KeyboardInterrupt:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        from schema_pkg import cli

        return cli.interrupted(cli.parse_quietly(argv))
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
