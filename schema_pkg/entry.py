"""The schema-pkg entry point: nothing but the standard library until the CLI loads.

The CLI itself imports only the standard library; each command then imports what it
uses (alembic and SQLAlchemy take a few tenths of a second), so `--version` and
`--help` answer at once.  A Ctrl-C in any of these windows must end like any other:
one line and exit 130.
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
