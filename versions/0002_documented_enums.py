"""Documented enums: project_category, project_status, soc_role.

Verbatim from docs/platform-schema.md, "Enums": the same names and the same
labels in the same order.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TYPE project_category AS ENUM (
  'scientific-computing',
  'enterprise-automation',
  'ai-research',
  'optimization',
  'quantum-mechanics',
  'portfolio'
);

CREATE TYPE project_status AS ENUM (
  'active',
  'development',
  'beta',
  'deprecated',
  'archived'
);

CREATE TYPE soc_role AS ENUM (
  'viewer',
  'analyst',
  'admin',
  'owner'
)
"""

DOWNGRADE = """
DROP TYPE soc_role;
DROP TYPE project_status;
DROP TYPE project_category
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
