"""Harden the documented SECURITY DEFINER functions without touching their text.

The documented get_user_team_id and has_soc_role have no fixed search_path:
any role with TEMP (PUBLIC has it by default) could create a temporary
soc_user_roles, insert itself as 'owner', and has_soc_role would believe it,
because temporary relations are searched first.  Pinning
search_path = public, pg_temp puts pg_temp last and closes that hole.
The functions were also executable by anon (PUBLIC's default EXECUTE and
Supabase's default privileges), letting anyone probe team membership; EXECUTE
is now for authenticated and service_role only.  Bodies stay verbatim.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FUNCTIONS = ("get_user_team_id(uuid)", "has_soc_role(soc_role, uuid)")


def upgrade() -> None:
    for function in FUNCTIONS:
        op.execute(
            f"ALTER FUNCTION {function} SET search_path = public, pg_temp;\n"
            f"REVOKE EXECUTE ON FUNCTION {function} FROM PUBLIC, anon;\n"
            f"GRANT EXECUTE ON FUNCTION {function} TO authenticated, service_role"
        )


def downgrade() -> None:
    for function in reversed(FUNCTIONS):
        op.execute(
            f"GRANT EXECUTE ON FUNCTION {function} TO PUBLIC, anon;\n"
            f"ALTER FUNCTION {function} RESET search_path"
        )
