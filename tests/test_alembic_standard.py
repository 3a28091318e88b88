"""pytest-alembic's standard checks: one head, upgrade step by step, up/down consistency,
models match the DDL.  Its auto-collection is off (``pytest_alembic_enabled`` is empty in
pyproject.toml); the tests are imported here and run on an empty scratch database."""

from __future__ import annotations

import pytest
from pytest_alembic.tests import (  # noqa: F401 (collected by pytest)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from schema_pkg.config import make_config


@pytest.fixture
def alembic_config():
    """Our env and revisions; no command name, so env.py loads the models to compare."""
    return make_config(quiet=True)


@pytest.fixture
def alembic_engine(scratch_url):
    engine = create_engine(scratch_url, poolclass=NullPool)
    yield engine
    engine.dispose()
