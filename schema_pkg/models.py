"""SQLAlchemy 2 typed models of the public schema at head.

Applications may import these.  They mirror the migrations, which are the
source of truth: ``alembic check`` (``make check``) fails when the two drift.
Revisions never import this module.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, Text, text
from sqlalchemy.dialects.postgresql import ENUM, JSONB, REAL, TIMESTAMP, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {str: Text(), uuid.UUID: UUID(as_uuid=True)}


PROJECT_CATEGORY = ENUM(
    "scientific-computing", "enterprise-automation", "ai-research", "optimization",
    "quantum-mechanics", "portfolio", name="project_category", create_type=False,
)
PROJECT_STATUS = ENUM(
    "active", "development", "beta", "deprecated", "archived",
    name="project_status", create_type=False,
)
SOC_ROLE = ENUM("viewer", "analyst", "admin", "owner", name="soc_role", create_type=False)

TIMESTAMPTZ = TIMESTAMP(timezone=True)


def uuid_pk(generated: bool = True) -> Mapped[uuid.UUID]:
    default = text("gen_random_uuid()") if generated else None
    return mapped_column(UUID(as_uuid=True), primary_key=True, server_default=default)


def timestamp_now() -> Mapped[dt.datetime]:
    return mapped_column(TIMESTAMPTZ, nullable=False, server_default=text("now()"))


def timestamp_optional() -> Mapped[dt.datetime | None]:
    return mapped_column(TIMESTAMPTZ)


def json_optional() -> Mapped[dict[str, Any] | None]:
    return mapped_column(JSONB)


def project_fk() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)


def owner_column() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), nullable=False)


def text_default(value: str) -> Mapped[str | None]:
    return mapped_column(Text, server_default=text(f"'{value}'::text"))


def int_default(value: int) -> Mapped[int | None]:
    return mapped_column(server_default=text(str(value)))


def bool_default(value: bool) -> Mapped[bool | None]:
    return mapped_column(server_default=text(str(value).lower()))


class Profile(Base):
    __tablename__ = "profiles"
    id: Mapped[uuid.UUID] = uuid_pk(generated=False)
    email: Mapped[str | None]
    full_name: Mapped[str | None]
    avatar_url: Mapped[str | None]
    created_at: Mapped[dt.datetime] = timestamp_now()
    updated_at: Mapped[dt.datetime] = timestamp_now()


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        Index("projects_owner_id_idx", "owner_id"),
        Index("projects_is_public_idx", "is_public", postgresql_where=text("is_public = true")),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str]
    slug: Mapped[str] = mapped_column(unique=True)
    tagline: Mapped[str | None]
    description: Mapped[str | None]
    category: Mapped[str] = mapped_column(PROJECT_CATEGORY, nullable=False)
    status: Mapped[str | None] = mapped_column(PROJECT_STATUS)
    is_public: Mapped[bool | None] = bool_default(True)
    owner_id: Mapped[uuid.UUID | None]
    version: Mapped[str | None]
    created_at: Mapped[dt.datetime] = timestamp_now()
    updated_at: Mapped[dt.datetime] = timestamp_now()


class ProjectFeature(Base):
    __tablename__ = "project_features"
    __table_args__ = (Index("project_features_project_id_idx", "project_id"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    project_id: Mapped[uuid.UUID] = project_fk()
    name: Mapped[str]
    description: Mapped[str | None]
    is_enabled: Mapped[bool | None] = bool_default(True)
    order_index: Mapped[int | None]
    created_at: Mapped[dt.datetime] = timestamp_now()


class ProjectTechStack(Base):
    __tablename__ = "project_tech_stack"
    __table_args__ = (Index("project_tech_stack_project_id_idx", "project_id"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    project_id: Mapped[uuid.UUID] = project_fk()
    technology: Mapped[str]
    category: Mapped[str]
    created_at: Mapped[dt.datetime] = timestamp_now()


class UserProjectPreference(Base):
    __tablename__ = "user_project_preferences"
    __table_args__ = (
        Index("user_project_preferences_user_id_project_id_key", "user_id", "project_id", unique=True),
        Index("user_project_preferences_project_id_idx", "project_id"),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = owner_column()
    project_id: Mapped[uuid.UUID] = project_fk()
    theme_variant: Mapped[str | None]
    sidebar_collapsed: Mapped[bool | None] = bool_default(False)
    notifications_enabled: Mapped[bool | None] = bool_default(True)
    custom_settings: Mapped[dict[str, Any] | None] = json_optional()
    last_visited_at: Mapped[dt.datetime | None] = timestamp_optional()
    created_at: Mapped[dt.datetime] = timestamp_now()
    updated_at: Mapped[dt.datetime] = timestamp_now()


def latest_first(table: str) -> tuple[Index]:
    """The (user_id, created_at DESC) index of revision 0008."""
    return (Index(f"{table}_user_id_created_at_idx", "user_id", text("created_at DESC")),)


class SimcoreSimulation(Base):
    __tablename__ = "simcore_simulations"
    __table_args__ = latest_first(__tablename__)
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = owner_column()
    name: Mapped[str]
    simulation_type: Mapped[str]
    status: Mapped[str | None] = text_default("pending")
    progress: Mapped[int | None] = int_default(0)
    config: Mapped[dict[str, Any] | None] = json_optional()
    results: Mapped[dict[str, Any] | None] = json_optional()
    started_at: Mapped[dt.datetime | None] = timestamp_optional()
    completed_at: Mapped[dt.datetime | None] = timestamp_optional()
    created_at: Mapped[dt.datetime] = timestamp_now()
    updated_at: Mapped[dt.datetime] = timestamp_now()


class MezanWorkflow(Base):
    __tablename__ = "mezan_workflows"
    __table_args__ = latest_first(__tablename__)
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = owner_column()
    name: Mapped[str]
    description: Mapped[str | None]
    status: Mapped[str | None] = text_default("draft")
    workflow_definition: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    execution_count: Mapped[int | None] = int_default(0)
    success_rate: Mapped[float | None] = mapped_column(REAL)
    last_executed_at: Mapped[dt.datetime | None] = timestamp_optional()
    created_at: Mapped[dt.datetime] = timestamp_now()
    updated_at: Mapped[dt.datetime] = timestamp_now()


class TalaiExperiment(Base):
    __tablename__ = "talai_experiments"
    __table_args__ = latest_first(__tablename__)
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = owner_column()
    name: Mapped[str]
    model_type: Mapped[str | None]
    status: Mapped[str | None] = text_default("pending")
    progress: Mapped[int | None] = int_default(0)
    hyperparameters: Mapped[dict[str, Any] | None] = json_optional()
    metrics: Mapped[dict[str, Any] | None] = json_optional()
    started_at: Mapped[dt.datetime | None] = timestamp_optional()
    completed_at: Mapped[dt.datetime | None] = timestamp_optional()
    created_at: Mapped[dt.datetime] = timestamp_now()
    updated_at: Mapped[dt.datetime] = timestamp_now()


class OptilibriaRun(Base):
    __tablename__ = "optilibria_runs"
    __table_args__ = latest_first(__tablename__)
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = owner_column()
    problem_name: Mapped[str]
    algorithm: Mapped[str]
    status: Mapped[str | None] = text_default("pending")
    iterations: Mapped[int | None]
    best_score: Mapped[float | None] = mapped_column(REAL)
    config: Mapped[dict[str, Any] | None] = json_optional()
    results: Mapped[dict[str, Any] | None] = json_optional()
    started_at: Mapped[dt.datetime | None] = timestamp_optional()
    completed_at: Mapped[dt.datetime | None] = timestamp_optional()
    created_at: Mapped[dt.datetime] = timestamp_now()
    updated_at: Mapped[dt.datetime] = timestamp_now()


class QmlabExperiment(Base):
    __tablename__ = "qmlab_experiments"
    __table_args__ = latest_first(__tablename__)
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = owner_column()
    name: Mapped[str]
    quantum_system: Mapped[str]
    status: Mapped[str | None] = text_default("pending")
    particle_count: Mapped[int | None]
    wave_function_data: Mapped[dict[str, Any] | None] = json_optional()
    measurement_results: Mapped[dict[str, Any] | None] = json_optional()
    created_at: Mapped[dt.datetime] = timestamp_now()
    updated_at: Mapped[dt.datetime] = timestamp_now()


class SocTeam(Base):
    __tablename__ = "soc_teams"
    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str]
    description: Mapped[str | None]
    created_at: Mapped[dt.datetime] = timestamp_now()
    updated_at: Mapped[dt.datetime] = timestamp_now()


class SocUserRole(Base):
    __tablename__ = "soc_user_roles"
    __table_args__ = (
        Index("soc_user_roles_user_id_role_idx", "user_id", "role"),
        Index("soc_user_roles_team_id_idx", "team_id"),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = owner_column()
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("soc_teams.id"), nullable=False)
    role: Mapped[str] = mapped_column(SOC_ROLE, nullable=False, server_default=text("'viewer'"))
    created_at: Mapped[dt.datetime] = timestamp_now()

