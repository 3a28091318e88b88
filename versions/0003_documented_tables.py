"""Documented tables: the 12 tables, their primary keys, the unique slug and the 4 foreign keys.

Verbatim from docs/platform-schema.md, "Core Tables" and "Platform Tables":
every column's name, type, nullability and default in the documented order.
Where the document is silent this uses PostgreSQL's defaults: default
constraint names (<table>_pkey, projects_slug_key, <table>_<column>_fkey) and
ON DELETE NO ACTION.  The implicit user_id -> auth.users relationships are
documented as implicit, so they get no foreign key here.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Read by the downgrade guard in env.py: the tables whose rows a downgrade of
# this revision would destroy.
DOWNGRADE_DROPS_TABLES = (
    "public.profiles",
    "public.projects",
    "public.project_features",
    "public.project_tech_stack",
    "public.user_project_preferences",
    "public.simcore_simulations",
    "public.mezan_workflows",
    "public.talai_experiments",
    "public.optilibria_runs",
    "public.qmlab_experiments",
    "public.soc_teams",
    "public.soc_user_roles",
)

UPGRADE = """
-- Core tables -------------------------------------------------------------

CREATE TABLE profiles (
  id          uuid        NOT NULL PRIMARY KEY,
  email       text,
  full_name   text,
  avatar_url  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
  id          uuid             NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  name        text             NOT NULL,
  slug        text             NOT NULL UNIQUE,
  tagline     text,
  description text,
  category    project_category NOT NULL,
  status      project_status,
  is_public   boolean          DEFAULT true,
  owner_id    uuid,
  version     text,
  created_at  timestamptz      NOT NULL DEFAULT now(),
  updated_at  timestamptz      NOT NULL DEFAULT now()
);

CREATE TABLE project_features (
  id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  project_id  uuid        NOT NULL REFERENCES projects (id),
  name        text        NOT NULL,
  description text,
  is_enabled  boolean     DEFAULT true,
  order_index integer,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project_tech_stack (
  id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  project_id  uuid        NOT NULL REFERENCES projects (id),
  technology  text        NOT NULL,
  category    text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_project_preferences (
  id                    uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  user_id               uuid        NOT NULL,
  project_id            uuid        NOT NULL REFERENCES projects (id),
  theme_variant         text,
  sidebar_collapsed     boolean     DEFAULT false,
  notifications_enabled boolean     DEFAULT true,
  custom_settings       jsonb,
  last_visited_at       timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);

-- Platform tables ---------------------------------------------------------

CREATE TABLE simcore_simulations (
  id              uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  user_id         uuid        NOT NULL,
  name            text        NOT NULL,
  simulation_type text        NOT NULL,
  status          text        DEFAULT 'pending',
  progress        integer     DEFAULT 0,
  config          jsonb,
  results         jsonb,
  started_at      timestamptz,
  completed_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mezan_workflows (
  id                  uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  user_id             uuid        NOT NULL,
  name                text        NOT NULL,
  description         text,
  status              text        DEFAULT 'draft',
  workflow_definition jsonb       NOT NULL DEFAULT '{}',
  execution_count     integer     DEFAULT 0,
  success_rate        real,
  last_executed_at    timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE talai_experiments (
  id              uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  user_id         uuid        NOT NULL,
  name            text        NOT NULL,
  model_type      text,
  status          text        DEFAULT 'pending',
  progress        integer     DEFAULT 0,
  hyperparameters jsonb,
  metrics         jsonb,
  started_at      timestamptz,
  completed_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE optilibria_runs (
  id           uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  user_id      uuid        NOT NULL,
  problem_name text        NOT NULL,
  algorithm    text        NOT NULL,
  status       text        DEFAULT 'pending',
  iterations   integer,
  best_score   real,
  config       jsonb,
  results      jsonb,
  started_at   timestamptz,
  completed_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE qmlab_experiments (
  id                  uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  user_id             uuid        NOT NULL,
  name                text        NOT NULL,
  quantum_system      text        NOT NULL,
  status              text        DEFAULT 'pending',
  particle_count      integer,
  wave_function_data  jsonb,
  measurement_results jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE soc_teams (
  id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  name        text        NOT NULL,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE soc_user_roles (
  id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  user_id     uuid        NOT NULL,
  team_id     uuid        NOT NULL REFERENCES soc_teams (id),
  role        soc_role    NOT NULL DEFAULT 'viewer',
  created_at  timestamptz NOT NULL DEFAULT now()
)
"""

DOWNGRADE = """
DROP TABLE soc_user_roles;
DROP TABLE soc_teams;
DROP TABLE qmlab_experiments;
DROP TABLE optilibria_runs;
DROP TABLE talai_experiments;
DROP TABLE mezan_workflows;
DROP TABLE simcore_simulations;
DROP TABLE user_project_preferences;
DROP TABLE project_tech_stack;
DROP TABLE project_features;
DROP TABLE projects;
DROP TABLE profiles
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
