"""The online run of a revision with parts that commit on their own, step by step.

The released revisions stay as they are: while their upgrade() or downgrade() runs,
alembic's execute and autocommit_block are wrapped so that each part
(:func:`schema_pkg.guards.parts_of`, numbered as the SQL files number them) gets its
row in schema_pkg.history (:mod:`schema_pkg.steps`) and a part that completed in
an earlier run is skipped, not repeated.  A statement inside an autocommit block
is a part; the statements of a transaction around the blocks are one part,
completed inside that transaction.
"""

from __future__ import annotations

import contextlib

from alembic import context
from sqlalchemy import text

from schema_pkg import deploy, steps
from schema_pkg.guards import Part


class OnlineSteps:
    def __init__(self, parts: list[Part], doing: str, done_sql, start_sql, note=None):
        self.parts = parts
        self.doing = doing
        self.done_sql = done_sql  # step number -> SQL boolean
        self.start_sql = start_sql  # (step number, name) -> the step's 'started' row
        self.note = note or (lambda line: None)
        self.number = 0
        self.autocommit = False
        self.open = False  # a transaction part is running (its row not yet completed)
        self.skipping = False
        self.failed: tuple[int, str, str] | None = None  # number, name, error

    def name(self, number: int) -> str:
        return self.parts[number - 1].name if number <= len(self.parts) else "an unlisted part"

    def run(self, original, kw) -> None:
        """Run the revision's function with its parts as steps."""
        migration_context = context.get_context()
        impl = migration_context.impl
        real_exec, real_block = impl._exec, migration_context.autocommit_block

        def execute(construct, *args, **kwargs):
            if self.failed:  # the revision's own clean-up after a failure
                return real_exec(construct, *args, **kwargs)
            if self.autocommit:
                return self.autocommit_step(real_exec, construct, args, kwargs)
            if not self.open:
                self.begin(real_exec)
            return None if self.skipping else self.guard(real_exec, construct, args, kwargs)

        @contextlib.contextmanager
        def autocommit_block():
            self.complete_transaction(real_exec)
            with real_block():
                self.autocommit = True
                try:
                    yield
                finally:
                    self.autocommit = False

        impl._exec, migration_context.autocommit_block = execute, autocommit_block
        try:
            original(**kw)
        finally:
            del impl._exec, migration_context.autocommit_block

    def is_done(self, real_exec, number: int) -> bool:
        if real_exec(text(f"SELECT {self.done_sql(number)}")).scalar():
            self.note(steps.skipped(self.doing, number, len(self.parts), self.name(number)))
            return True
        return False

    def begin(self, real_exec) -> None:
        """The first statement of a transaction part: its row, or skip it when done."""
        self.number += 1
        self.open = True
        self.skipping = self.is_done(real_exec, self.number)
        if not self.skipping:
            real_exec(text(self.start_sql(self.number, self.name(self.number))))

    def complete_transaction(self, real_exec) -> None:
        """Before the transaction part commits: its row completed, in it."""
        if self.open and not self.skipping:
            real_exec(text(steps.COMPLETE))
        self.open = self.skipping = False

    def autocommit_step(self, real_exec, construct, args, kwargs):
        self.number += 1
        if self.is_done(real_exec, self.number):
            return None
        real_exec(text(self.start_sql(self.number, self.name(self.number))))
        result = self.guard(real_exec, construct, args, kwargs)
        real_exec(text(steps.COMPLETE))
        return result

    def guard(self, real_exec, construct, args, kwargs):
        try:
            return real_exec(construct, *args, **kwargs)
        except Exception as exc:
            self.failed = (self.number, self.name(self.number), deploy.first_line(exc))
            raise
