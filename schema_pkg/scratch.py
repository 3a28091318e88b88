"""Scratch databases on a test server: create (optionally from a template), migrate, drop.

Every name starts with a per-process prefix, so parallel runs never collide
and the database the server URL names is never touched.
"""

from __future__ import annotations

import itertools
import os

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import URL

from schema_pkg.config import make_config
from schema_pkg.db import connection
from schema_pkg.settings import Target


class ScratchDatabases:
    def __init__(self, server_url: URL, prefix: str = "schema_pkg_test"):
        self.server_url = server_url
        self.prefix = f"{prefix}_{os.getpid()}"
        self.counter = itertools.count(1)
        self.created: list[str] = []

    def _run(self, statement: str) -> None:
        with connection(self.server_url, isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(statement))

    def create(self, template: URL | None = None, name: str | None = None) -> URL:
        name = name or f"{self.prefix}_{next(self.counter)}"
        clause = f' TEMPLATE "{template.database}"' if template is not None else ""
        self._run(f'CREATE DATABASE "{name}"{clause}')
        self.created.append(name)
        return self.server_url.set(database=name)

    def drop(self, url: URL) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        if url.database in self.created:
            self.created.remove(url.database)

    def drop_all(self) -> None:
        for name in list(self.created):
            self.drop(self.server_url.set(database=name))


def migrate(url: URL, revision: str = "head", *, downgrade: bool = False) -> None:
    """Run the packaged migrations online against ``url``, quietly."""
    config = make_config(Target(url, "scratch database"), command="downgrade" if downgrade else "upgrade",
                         quiet=True)
    (command.downgrade if downgrade else command.upgrade)(config, revision)
