"""Documented RLS: the user-owned pattern on the 5 platform tables, the public pattern on projects.

Verbatim from docs/platform-schema.md, "RLS Policies".  The user-owned
policies come from one template whose text is the document's, with
``platform_table`` as the only variable; the tables are the five that
"Implicit Relationships (user_id)" lists.  soc_user_roles also has a user_id,
but this pattern would let any user grant themselves a role; its policies are
designed separately (revision 0006).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

USER_OWNED_TABLES = (
    "simcore_simulations",
    "mezan_workflows",
    "talai_experiments",
    "optilibria_runs",
    "qmlab_experiments",
)

# The document's "User-Owned Data Pattern", character for character.
USER_OWNED_PATTERN = """
-- Enable RLS
ALTER TABLE platform_table ENABLE ROW LEVEL SECURITY;

-- Users can view their own data
CREATE POLICY "Users can view own data"
ON platform_table FOR SELECT
USING (auth.uid() = user_id);

-- Users can insert their own data
CREATE POLICY "Users can insert own data"
ON platform_table FOR INSERT
WITH CHECK (auth.uid() = user_id);

-- Users can update their own data
CREATE POLICY "Users can update own data"
ON platform_table FOR UPDATE
USING (auth.uid() = user_id);

-- Users can delete their own data
CREATE POLICY "Users can delete own data"
ON platform_table FOR DELETE
USING (auth.uid() = user_id);
"""

USER_OWNED_POLICY_NAMES = (
    "Users can view own data",
    "Users can insert own data",
    "Users can update own data",
    "Users can delete own data",
)

# The document's "Public Data Pattern"; the document applies it to projects,
# so RLS is enabled there too.
PROJECTS_PATTERN = """
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;

-- Anyone can view public projects
CREATE POLICY "Anyone can view public projects"
ON projects FOR SELECT
USING (is_public = true);

-- Owners can manage their projects
CREATE POLICY "Owners can manage projects"
ON projects FOR ALL
USING (auth.uid() = owner_id);
"""


def statements(sql: str) -> str:
    """The text without its final semicolon, which alembic's --sql output adds itself."""
    return sql.rstrip().removesuffix(";")


def upgrade() -> None:
    for table in USER_OWNED_TABLES:
        op.execute(statements(USER_OWNED_PATTERN.replace("platform_table", table)))
    op.execute(statements(PROJECTS_PATTERN))


def downgrade() -> None:
    op.execute(
        'DROP POLICY "Owners can manage projects" ON projects;\n'
        'DROP POLICY "Anyone can view public projects" ON projects;\n'
        "ALTER TABLE projects DISABLE ROW LEVEL SECURITY"
    )
    for table in reversed(USER_OWNED_TABLES):
        drops = "".join(f'DROP POLICY "{name}" ON {table};\n' for name in USER_OWNED_POLICY_NAMES)
        op.execute(drops + f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
