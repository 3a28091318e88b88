"""Documented SECURITY DEFINER functions: get_user_team_id and has_soc_role.

Verbatim from docs/platform-schema.md, "Database Functions".  The bodies are
stored byte for byte, so nothing is reformatted inside the dollar quotes.
This revision is the documented baseline: everything after it is ours and is
listed in docs/additions.md.  (Revision 0007 fixes their search_path and
EXECUTE grants without touching the text.)

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GET_USER_TEAM_ID = """CREATE FUNCTION get_user_team_id(_user_id uuid)
RETURNS uuid AS $$
  SELECT team_id FROM soc_user_roles
  WHERE user_id = _user_id
  LIMIT 1;
$$ LANGUAGE sql SECURITY DEFINER;"""

HAS_SOC_ROLE = """CREATE FUNCTION has_soc_role(_role soc_role, _user_id uuid)
RETURNS boolean AS $$
  SELECT EXISTS (
    SELECT 1 FROM soc_user_roles
    WHERE user_id = _user_id AND role = _role
  );
$$ LANGUAGE sql SECURITY DEFINER;"""


def upgrade() -> None:
    # alembic's --sql output adds the final semicolon itself.
    op.execute(GET_USER_TEAM_ID.removesuffix(";"))
    op.execute(HAS_SOC_ROLE.removesuffix(";"))


def downgrade() -> None:
    op.execute("DROP FUNCTION has_soc_role(soc_role, uuid)")
    op.execute("DROP FUNCTION get_user_team_id(uuid)")
