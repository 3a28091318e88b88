<%
    rendered = config.attributes.get("rendered_revision")
    def sql_text(statements):
        return ("\n" + statements + "\n") if statements else "\n"
    drops = rendered.drops_tables if rendered else []
    dropped_columns = rendered.drops_columns if rendered else []
    indexes = rendered.concurrent_indexes if rendered else []
    todo = rendered.todo if rendered else []
    drops_text = "".join("\n    %r," % t for t in drops) + ("\n" if drops else "")
    columns_text = "".join("\n    %r," % c for c in dropped_columns) + ("\n" if dropped_columns else "")
    indexes_text = "".join("\n    (%r,\n     %r)," % pair for pair in indexes) + ("\n" if indexes else "")
    upgrade_text = sql_text(rendered.upgrade_sql if rendered else "")
    downgrade_text = sql_text(rendered.downgrade_sql if rendered else "")
%>"""${message}

What this revision changes and why, for the DBA who reviews sql/ (the lines
below become the header of sql/${up_revision}_*.sql).  Say here what the
downgrade loses (dropped tables and columns, with their data) and what it
gives back (privileges, policies).

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

# Frozen history: this file never imports schema_pkg and, once released
# (versions/manifest.json, released_through), never changes; fix forward
# with a new revision (`make revision MSG="..."`).

from alembic import context, op
from sqlalchemy import text

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}
% for line in todo:
# TODO ${line}
% endfor

# Tables ("public.notes") and columns ("public.notes.body") this revision drops, in
# either direction: the data-loss guard refuses while any holds data unless allowed,
# and a test fails on a drop that is not declared here.
DOWNGRADE_DROPS_TABLES: tuple[str, ...] = (${drops_text})
DOWNGRADE_DROPS_COLUMNS: tuple[str, ...] = (${columns_text})

# The SQL, formatted and commented: it is what runs and what sql/ shows.
# Unqualified names mean public.  One transaction per revision.
#
# A new table, with revision 0010's convention (the API gets nothing from
# default privileges: grant each API role exactly the commands an expectation
# row in tests/rls/expectations.py allows it, and nothing else, revoking the rest, so
# the privileges are the same whatever the default privileges grant):
#
#   CREATE TABLE notes (
#     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
#     user_id uuid NOT NULL,
#     body text NOT NULL,
#     created_at timestamptz NOT NULL DEFAULT now(),
#     updated_at timestamptz NOT NULL DEFAULT now()
#   );
#   ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
#   CREATE POLICY "Users can view own notes" ON notes FOR SELECT TO authenticated
#   USING ((select auth.uid()) = user_id);
#   CREATE POLICY "Users can create own notes" ON notes FOR INSERT TO authenticated
#   WITH CHECK ((select auth.uid()) = user_id);
#   CREATE POLICY "Users can update own notes" ON notes FOR UPDATE TO authenticated
#   USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
#   CREATE POLICY "Users can delete own notes" ON notes FOR DELETE TO authenticated
#   USING ((select auth.uid()) = user_id);
#   REVOKE ALL ON notes FROM anon, authenticated, service_role;
#   GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO authenticated, service_role;
#   CREATE INDEX notes_user_id_created_at_idx ON notes (user_id, created_at DESC);
#
# and its DOWNGRADE: DROP TABLE notes; with "public.notes" in DOWNGRADE_DROPS_TABLES.
UPGRADE = """${upgrade_text}"""

DOWNGRADE = """${downgrade_text}"""

# Indexes on tables that already exist (they may hold rows and serve the API):
# built CONCURRENTLY after UPGRADE, outside its transaction, so no API read or
# write waits.  (name, the CREATE statement); dropped CONCURRENTLY before
# DOWNGRADE.  As in 0008, an INVALID index of the same name left by a failed
# build is dropped before the build (online here; in sql/ by the renderer's
# \gexec), and the step fails while any INVALID index remains.
CONCURRENT_INDEXES: tuple[tuple[str, str], ...] = (${indexes_text})


def drop_if_invalid(name: str) -> None:
    """A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind: drop it."""
    invalid = op.get_bind().execute(
        text("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(:name)"),
        {"name": f"public.{name}"},
    ).scalar()
    if invalid:
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def upgrade() -> None:
    if UPGRADE.strip():
        op.execute(UPGRADE)
    if CONCURRENT_INDEXES:
        with op.get_context().autocommit_block():
            for name, create in CONCURRENT_INDEXES:
                if not context.is_offline_mode():
                    drop_if_invalid(name)
                op.execute(create)


def downgrade() -> None:
    if CONCURRENT_INDEXES:
        with op.get_context().autocommit_block():
            for name, _ in reversed(CONCURRENT_INDEXES):
                op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    if DOWNGRADE.strip():
        op.execute(DOWNGRADE)
