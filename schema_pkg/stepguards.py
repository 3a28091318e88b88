"""The guards around each revision step, online and offline alike.

alembic has no hook before a step, so :meth:`StepGuards.wrap_work` wraps its
work function: each step's ``migration_fn`` (the revision's upgrade() or
downgrade()) runs between the SQL of :mod:`schema_pkg.guards`, and
:meth:`StepGuards.after` (alembic's on_version_apply, inside the transaction
that records the revision) closes the step with its row in schema_pkg.history.
"""

from __future__ import annotations

import functools
import io

from alembic import context

from schema_pkg import concurrent, fingerprint, guards, history


def capture(fn, kw) -> str:
    """The SQL ``fn`` emits offline, diverted from the output into a string."""
    impl = context.get_context().impl
    outer, impl.output_buffer = impl.output_buffer, io.StringIO()
    try:
        fn(**kw)
        return impl.output_buffer.getvalue()
    finally:
        impl.output_buffer = outer


def left_applied(own: str) -> str:
    """What a stopped attempt of a step can have left applied, from its statements:
    a revision in one transaction leaves nothing; one with parts that commit on
    their own (COMMIT between them) leaves the parts before the one that failed."""
    parts = guards.committed_parts(own)
    if len(parts) <= 1:
        return "its one transaction rolled back, so nothing of it was applied"
    return ("the parts of it that commit on their own before the one that failed stay "
            "applied (in order: " + "; ".join(parts) + "); this run applies each again, "
            "which is safe")


class StepGuards:
    """The guards around each revision step, online and offline alike.

    Before the revision's own statements (inside its transaction): the revision
    check, the step clock and, for downgrades that drop tables, the data-loss
    guard.  After alembic records the new revision (``after``, alembic's
    on_version_apply): the recorded revision is exactly the new one, no INVALID
    index remains when the step built CONCURRENTLY, and the history row.

    ``statements`` (offline only): collect each revision's own statements into
    this dict and emit nothing else (how the packaged checksums are computed).
    """

    def __init__(self, mode: str, statements: dict | None = None, before_concurrent=None,
                 file_name: str | None = None):
        self.mode = mode
        self.file_name = file_name
        self.direction: str | None = None
        self.own: dict[tuple[str, str], str] = {}
        self.statements = statements
        self.before_concurrent = before_concurrent
        self.checksums: dict[tuple[str, str], str] = {}
        self.concurrent: dict[tuple[str, str], list[str]] = {}
        self.current: str | None = None

    def wrap_work(self, work):
        def guarded_work(heads, migration_context):
            return [self.wrap(step) for step in work(heads, migration_context)]
        return guarded_work

    def wrap(self, step):
        if not hasattr(step, "revision"):  # stamps run no statements
            return step
        original = step.migration_fn
        revision, direction = step.revision.revision, "upgrade" if step.is_upgrade else "downgrade"
        start = step.revision.down_revision if step.is_upgrade else revision

        @functools.wraps(original)
        def guarded(**kw):
            key = (revision, direction)
            if self.statements is not None:
                self.statements[key] = capture(original, kw)
                return
            self.current, self.direction = revision, direction
            own = capture(original, kw) if self.mode == "sql" else history.packaged_statements()[key]
            self.checksums[key] = history.checksum(own)
            self.own[key] = own
            context.execute(guards.expect_revision(start, f"{direction} {revision}"))
            context.execute(guards.START_CLOCK)
            if not step.is_upgrade:
                for guard in guards.downgrade_guards(step.revision, own):
                    context.execute(guard)
            progress = (fingerprint.progress_sql(revision, direction, own)
                        if len(guards.committed_parts(own)) > 1 else None)
            context.execute(history.close_unfinished(revision, direction, left_applied(own),
                                                     progress))
            context.execute(history.start(revision, direction, self.checksums[key], self.mode,
                                          self.file_name))
            self.between_transactions(revision, own)
            if self.mode == "sql":
                context.get_context().impl.static_output(guards.for_psql(own).strip())
            else:
                original(**kw)

        step.migration_fn = guarded
        return step

    def between_transactions(self, revision: str, own: str) -> None:
        """A file commits the attempt's row before the revision's statements, so a run
        that stops leaves it 'started' (the next run marks it failed); and before a
        revision that builds CONCURRENTLY it waits, between transactions, for those
        that would stall the builds (online: ``before_concurrent``, in its transaction)."""
        builds = guards.runs_concurrently(own)
        if builds:
            self.concurrent[(revision, self.direction)] = guards.built_concurrently(own)
        if self.mode != "sql":
            if builds and self.before_concurrent:
                self.before_concurrent(revision)
            return
        output = context.get_context().impl.static_output
        output("COMMIT;\n")
        if builds:
            output(concurrent.prewait_in_file(revision) + ";\n")
        output("BEGIN;\n")

    def after(self, *, ctx, step, heads, run_args) -> None:
        if step.is_stamp or self.statements is not None:
            return
        direction = "upgrade" if step.is_upgrade else "downgrade"
        key = (step.up_revision_id, direction)
        doing = f"{direction} {step.up_revision_id}"
        context.execute(guards.expect_revision(", ".join(sorted(heads)) or None, doing, after=True))
        if self.concurrent.get(key):
            context.execute(guards.no_invalid_indexes(self.concurrent[key]))
        context.execute(fingerprint.record(self.own[key], step.up_revision_id))
        context.execute(history.COMPLETE)
