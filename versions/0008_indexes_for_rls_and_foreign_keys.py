"""Indexes for how the data is read: policy columns, foreign keys, "my latest N".

Without an index on user_id every read through the documented policies scans
the whole table.  (user_id, created_at DESC) serves both the policy filter and
"my latest runs"; owner_id and the public flag serve the projects policies;
every foreign key column gets an index; soc_user_roles gets (user_id, role)
for has_soc_role and the team helpers, and (team_id) for team listings.
The documented policy text is unchanged: the planner uses these indexes for
the verbatim auth.uid() = user_id.

Deployments may run this on populated tables (an adopted database), so each
index is built CONCURRENTLY outside a transaction.  An INVALID index left by
an earlier failed build is dropped and built again.

Revision ID: 0008
Revises: 0007
"""

from alembic import context, op
from sqlalchemy import text

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = (
    ("simcore_simulations_user_id_created_at_idx", "simcore_simulations (user_id, created_at DESC)"),
    ("mezan_workflows_user_id_created_at_idx", "mezan_workflows (user_id, created_at DESC)"),
    ("talai_experiments_user_id_created_at_idx", "talai_experiments (user_id, created_at DESC)"),
    ("optilibria_runs_user_id_created_at_idx", "optilibria_runs (user_id, created_at DESC)"),
    ("qmlab_experiments_user_id_created_at_idx", "qmlab_experiments (user_id, created_at DESC)"),
    ("projects_owner_id_idx", "projects (owner_id)"),
    ("projects_is_public_idx", "projects (is_public) WHERE is_public = true"),
    ("project_features_project_id_idx", "project_features (project_id)"),
    ("project_tech_stack_project_id_idx", "project_tech_stack (project_id)"),
    ("user_project_preferences_user_id_project_id_idx", "user_project_preferences (user_id, project_id)"),
    ("user_project_preferences_project_id_idx", "user_project_preferences (project_id)"),
    ("soc_user_roles_user_id_role_idx", "soc_user_roles (user_id, role)"),
    ("soc_user_roles_team_id_idx", "soc_user_roles (team_id)"),
)


def drop_if_invalid(name: str) -> None:
    """A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind: drop it."""
    invalid = op.get_bind().execute(
        text("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(:name)"),
        {"name": f"public.{name}"},
    ).scalar()
    if invalid:
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def upgrade() -> None:
    with op.get_context().autocommit_block():
        for name, definition in INDEXES:
            if not context.is_offline_mode():
                drop_if_invalid(name)
            op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name, _ in reversed(INDEXES):
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
