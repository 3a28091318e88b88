"""`schema-pkg revision` writes the next revision with the team's conventions, and
--autogenerate renders what the models add as SQL, or refuses to write an empty revision."""

from __future__ import annotations

import ast
import re

import pytest
from alembic.operations import ops

from schema_pkg import scaffold
from schema_pkg.config import script_directory
from tests.clirun import in_copy

pytestmark = pytest.mark.slow
NEXT = f"{int(script_directory().get_current_head()) + 1:04d}"


def module_values(path) -> dict:
    """The module-level constants of a revision file, read without importing it."""
    values = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            values[target.id] = ast.literal_eval(node.value)
    return values


@pytest.mark.same_on_every_version
def test_revision_writes_the_next_sequential_id_with_the_conventions(repo_copy):
    result = in_copy(repo_copy, "-m", "schema_pkg", "revision", "-m", "Comment on profiles")
    assert result.returncode == 0, result.stderr
    path = repo_copy / "versions" / f"{NEXT}_comment_on_profiles.py"
    assert f"wrote {path}" in result.stdout
    body = path.read_text()
    assert not re.search(r"^\s*(from|import)\s+schema_pkg", body, re.M)
    values = module_values(path)
    assert values["revision"] == NEXT and values["down_revision"] == script_directory().get_current_head()
    assert values["UPGRADE"].strip() == values["DOWNGRADE"].strip() == ""
    assert values["DOWNGRADE_DROPS_TABLES"] == values["DOWNGRADE_DROPS_COLUMNS"] == ()
    assert values["CONCURRENT_INDEXES"] == ()
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO authenticated, service_role" in body
    assert "def drop_if_invalid(name: str)" in body  # 0008's INVALID-index handling
    history = in_copy(repo_copy, "-m", "schema_pkg", "history")
    assert f"-> {NEXT} (head), Comment on profiles" in history.stdout


@pytest.mark.same_on_every_version
def test_make_revision_needs_a_message(repo_copy):
    import subprocess

    result = subprocess.run(["make", "-s", "revision"], cwd=repo_copy, capture_output=True, text=True)
    assert result.returncode == 2 and 'give MSG="what the revision does"' in result.stderr


# Names no maintainer will use, so the test holds whatever the schema grows.
MODEL_CHANGES = '''

class ScaffoldProbe(Base):
    __tablename__ = "scaffold_probes"
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = owner_column()
    body: Mapped[str]
    created_at: Mapped[dt.datetime] = timestamp_now()


Index("scaffold_probes_user_id_idx", ScaffoldProbe.user_id)
Index("projects_scaffold_probe_idx", Project.name, Project.tagline)
SimcoreSimulation.__table__.append_column(
    __import__("sqlalchemy").Column("scaffold_probe_at", TIMESTAMPTZ, nullable=True))
'''


def test_autogenerate_renders_tables_columns_and_indexes_as_sql_that_runs(repo_copy, schema_pkg_server,
                                                                          scratch_url):
    with open(repo_copy / "schema_pkg" / "models.py", "a") as models:
        models.write(MODEL_CHANGES)
    result = in_copy(repo_copy, "-m", "schema_pkg", "revision", "--autogenerate", "-m", "Probes",
                     server_url=schema_pkg_server.url)
    assert result.returncode == 0, result.stderr
    path = repo_copy / "versions" / f"{NEXT}_probes.py"
    values = module_values(path)
    assert "CREATE TABLE scaffold_probes (" in values["UPGRADE"]
    assert "CREATE INDEX scaffold_probes_user_id_idx ON scaffold_probes (user_id);" in values["UPGRADE"]
    assert "ALTER TABLE simcore_simulations ADD COLUMN scaffold_probe_at TIMESTAMP WITH TIME ZONE;" \
        in values["UPGRADE"]
    build = "CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_scaffold_probe_idx ON projects (name, tagline)"
    assert values["CONCURRENT_INDEXES"] == (("projects_scaffold_probe_idx", build),)
    assert values["DOWNGRADE_DROPS_TABLES"] == ("public.scaffold_probes",)
    assert values["DOWNGRADE_DROPS_COLUMNS"] == ("public.simcore_simulations.scaffold_probe_at",)
    assert "DROP TABLE scaffold_probes;" in values["DOWNGRADE"]
    assert "ALTER TABLE simcore_simulations DROP COLUMN scaffold_probe_at;" in values["DOWNGRADE"]
    todo = [line for line in path.read_text().splitlines() if line.startswith("# TODO")]
    assert any("ALTER TABLE scaffold_probes ENABLE ROW LEVEL SECURITY" in line for line in todo)
    assert any("drops simcore_simulations.scaffold_probe_at and its data" in line for line in todo)
    url = scratch_url.render_as_string(hide_password=False)
    for step in (("upgrade", "head"), ("downgrade", script_directory().get_current_head())):
        ran = in_copy(repo_copy, "-m", "schema_pkg", "-q", "--url", url, *step)
        assert ran.returncode == 0, ran.stderr


def test_autogenerate_without_model_changes_writes_nothing(repo_copy, schema_pkg_server):
    result = in_copy(repo_copy, "-m", "schema_pkg", "revision", "--autogenerate", "-m", "Nothing",
                     server_url=schema_pkg_server.url)
    assert result.returncode == 1
    assert "autogenerate found no difference" in result.stderr
    assert not list((repo_copy / "versions").glob(f"{NEXT}_*.py"))


class FakeContext:
    def __init__(self):
        self.config = type("Config", (), {"attributes": {}})()


def script_with(*upgrade_ops) -> ops.MigrationScript:
    return ops.MigrationScript(NEXT, ops.UpgradeOps(list(upgrade_ops)), ops.DowngradeOps([]))


@pytest.mark.same_on_every_version
def test_changes_it_cannot_render_are_todo_lines_and_never_an_empty_revision():
    script = script_with(ops.ExecuteSQLOp("SELECT 1"))
    with pytest.raises(Exception, match="found changes but rendered no SQL for them; nothing written: "
                                        "upgrade: alembic detected ExecuteSQLOp"):
        scaffold.process_revision_directives(FakeContext(), "head", [script])


@pytest.mark.same_on_every_version
def test_a_rendered_revision_is_handed_to_the_template():
    context = FakeContext()
    script = script_with(ops.AddColumnOp("projects", __import__("sqlalchemy").Column("x", __import__(
        "sqlalchemy").Text(), nullable=False)))
    scaffold.process_revision_directives(context, "head", [script])
    rendered = context.config.attributes[scaffold.RENDERED]
    assert rendered.upgrade == ["ALTER TABLE projects ADD COLUMN x TEXT NOT NULL;"]
    assert any("projects.x is NOT NULL without a default" in line for line in rendered.todo)
