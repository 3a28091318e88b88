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

from schema_pkg import concurrent, fingerprint, guards, history, psqlsteps, steps
from schema_pkg.onlinesteps import OnlineSteps


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
    """What a stopped attempt of a revision can have left applied, from its statements
    (the files' headers say it): a revision in one transaction leaves nothing; one with
    parts that commit on their own leaves the steps before the one that failed."""
    parts = guards.parts_of(own)
    if len(parts) <= 1:
        return "its one transaction rolls back, so nothing of it is applied"
    listed = "; ".join(f"{n}. {part.name}" for n, part in enumerate(parts, 1))
    return (f"its {len(parts)} steps commit one by one ({listed}), then one transaction "
            "records the revision. A failure leaves the steps before the failed one applied "
            "and alembic_version where it was; the failed step itself changes nothing, except "
            "that a failed CREATE INDEX CONCURRENTLY leaves its index INVALID (a unique one "
            "rejects duplicate writes meanwhile) and a failed DROP INDEX CONCURRENTLY can leave "
            "its index INVALID. The error goes into the step's row of schema_pkg.history, and "
            "the file stops with one line saying which steps are applied")


class StepGuards:
    """The guards around each revision step, online and offline alike.

    Before the revision's own statements (inside its transaction): the revision
    check, the step clock, for downgrades that drop tables the data-loss guard, what
    an earlier unfinished attempt left, and the attempt's row.  The statements run as
    steps (:mod:`schema_pkg.steps`: online :class:`OnlineSteps`, in the files
    :mod:`schema_pkg.psqlsteps`).  After alembic records the new revision (``after``,
    alembic's on_version_apply): the recorded revision is exactly the new one, no
    INVALID index remains when the step built CONCURRENTLY, the fingerprint, and the
    attempt completed.

    ``statements`` (offline only): collect each revision's own statements into
    this dict and emit nothing else (how the packaged checksums are computed).
    """

    def __init__(self, mode: str, statements: dict | None = None, before_concurrent=None,
                 file_name: str | None = None, note=None):
        self.mode = mode
        self.file_name = file_name
        self.direction: str | None = None
        self.own: dict[tuple[str, str], str] = {}
        self.statements = statements
        self.before_concurrent = before_concurrent
        self.note = note
        self.checksums: dict[tuple[str, str], str] = {}
        self.concurrent: dict[tuple[str, str], list[str]] = {}
        self.current: str | None = None
        self.steps: OnlineSteps | None = None
        self.guarding = False  # sql: the output is a step's statements, each guarded
        self.closing = ""  # sql: how after() ends the revision's last transaction
        self.swallow_commit = False

    @property
    def failed_step(self) -> tuple[int, str, str] | None:
        return self.steps.failed if self.steps else None

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
            self.current, self.direction, self.steps = revision, direction, None
            own = capture(original, kw) if self.mode == "sql" else history.packaged_statements()[key]
            digest = self.checksums[key] = history.checksum(own)
            self.own[key] = own
            parts = guards.parts_of(own)
            progress = (fingerprint.progress_sql(revision, direction, own)
                        if len(parts) > 1 else None)
            self.execute(
                guards.expect_revision(start, f"{direction} {revision}"),
                guards.START_CLOCK,
                *([] if step.is_upgrade else guards.downgrade_guards(step.revision, own)),
                history.close_unfinished(revision, direction, digest, len(parts), progress),
                history.start(revision, direction, digest, self.mode, self.file_name))
            self.between_transactions(revision, own)
            doing = f"{direction} {revision}"
            values = history.row_values(revision, direction, digest, self.mode, "started",
                                        self.file_name)
            if self.mode == "sql":
                self.render(doing, start or "base", parts, digest, values)
            elif len(parts) > 1:
                self.steps = OnlineSteps(
                    parts, doing, lambda n: steps.done(revision, direction, digest, n),
                    lambda n, name: steps.start(values, n, name), self.note)
                self.steps.run(original, kw)
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
            digest = self.checksums[(revision, self.direction)]
            applied = steps.applied_by_earlier_runs(revision, self.direction, digest,
                                                    len(guards.parts_of(own)))
            output(concurrent.prewait_in_file(revision, self.builds_done(revision, own),
                                              history.fail_attempt("reason"), applied) + ";\n")

    def builds_done(self, revision: str, own: str) -> str:
        """SQL: every step of the revision that runs CONCURRENTLY completed in an
        earlier attempt (its rerun has no build left to wait for)."""
        digest = self.checksums[(revision, self.direction)]
        return " AND ".join(
            steps.done(revision, self.direction, digest, number)
            for number, part in enumerate(guards.parts_of(own), 1)
            if guards.runs_concurrently(part.text)) or "false"

    def render(self, doing: str, start: str, parts: list[guards.Part], digest: str,
               values: dict[str, str]) -> None:
        """The file's text of the revision's statements: one step in its transaction,
        which the revision's record joins; or each step on its own, then a transaction
        that records the revision.  The output from here to ``after`` is guarded."""
        impl = context.get_context().impl
        self.install_output(impl)
        revision, direction = doing.split()[1], doing.split()[0]
        if len(parts) == 1:
            impl.static_output("BEGIN;\n" + psqlsteps.OPEN + "\n"
                               + psqlsteps.guarded(guards.for_psql(parts[0].text)))
        else:
            for number, part in enumerate(parts, 1):
                impl.static_output(psqlsteps.step(
                    doing, start, parts, number, steps.done(revision, direction, digest, number),
                    steps.start(values, number, part.name), guards.for_psql(part.text)))
            impl.static_output("-- Record the revision.\nBEGIN;\n" + psqlsteps.OPEN)
        self.closing = psqlsteps.close(True, psqlsteps.closing_failure(doing, start, len(parts)))
        self.guarding = True

    def install_output(self, impl) -> None:
        """Once per offline run: while a step is open, each statement alembic or the
        guards emit is guarded; the revision's COMMIT is ``after``'s to write."""
        if getattr(impl, "schema_pkg_guarded", False):
            return
        real_output, real_commit = impl.static_output, impl.emit_commit

        def static_output(text: str) -> None:
            real_output(psqlsteps.guarded(text + "\n") if self.guarding else text)

        def emit_commit() -> None:
            if self.swallow_commit:
                self.swallow_commit = False
                return
            real_commit()

        impl.static_output, impl.emit_commit = static_output, emit_commit
        impl.schema_pkg_guarded = True

    def after(self, *, ctx, step, heads, run_args) -> None:
        if step.is_stamp or self.statements is not None:
            return
        direction = "upgrade" if step.is_upgrade else "downgrade"
        key = (step.up_revision_id, direction)
        doing = f"{direction} {step.up_revision_id}"
        last_part = self.steps and self.steps.open and not self.steps.skipping
        self.execute(
            *([steps.COMPLETE] if last_part else []),  # the last part, a transaction, ends with this one
            guards.expect_revision(", ".join(sorted(heads)) or None, doing, after=True),
            *([guards.no_invalid_indexes(self.concurrent[key])] if self.concurrent.get(key) else []),
            fingerprint.record(self.own[key], step.up_revision_id),
            history.COMPLETE)
        if self.mode == "sql":
            self.guarding = False
            context.get_context().impl.static_output(self.closing)
            self.swallow_commit = True

    def execute(self, *statements: str) -> None:
        """Run the guard statements in order: online in one round trip (one string, sent
        without parameters, so the server runs them one after the other and stops at the
        first that fails), offline each as its own statement of the file."""
        if self.mode == "sql":
            for statement in statements:
                context.execute(statement)
        else:
            context.execute(";\n".join(statements))
