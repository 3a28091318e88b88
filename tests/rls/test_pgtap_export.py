"""The expectations table exported as pgTAP (tests/pgtap/) is current and passes under pg_prove."""

from __future__ import annotations

import re

import psycopg

from schema_pkg.scratch import url_as_role
from schema_pkg.settings import libpq_url
from tests.clirun import assert_one_line_error, schema_pkg
from tests.rls import pgtap
from tests.rls.cases import cases
from tests.rls.pgprove import pg_prove

PLAN = re.compile(r"^SELECT plan\((\d+)\);$", re.M)
ASSERTION = re.compile(r"^SELECT (results_eq|is_empty|throws_ok|lives_ok)\(", re.M)


def committed() -> dict[str, str]:
    return {path.name: path.read_text() for path in pgtap.COMMITTED.glob("*" + pgtap.SUFFIX)}


def test_committed_pgtap_export_is_current():
    rendered = pgtap.render()
    assert sorted(committed()) == sorted(rendered), \
        "run `schema-pkg rls export --pgtap tests/pgtap` and commit"
    stale = [name for name, text in rendered.items() if committed()[name] != text]
    assert not stale, f"stale pgTAP files: {stale}; run `schema-pkg rls export --pgtap tests/pgtap`"


def test_each_file_plans_one_assertion_per_expectation_case():
    total = 0
    for name, text in pgtap.render().items():
        [planned] = PLAN.findall(text)
        assert int(planned) == len(ASSERTION.findall(text)), name
        total += int(planned)
    assert total == len(list(cases()))


def test_every_file_is_one_rolled_back_transaction_installing_pgtap_outside_public():
    for name, text in pgtap.render().items():
        statements = [line for line in text.splitlines() if line and not line.startswith("--")]
        assert statements[0] == "BEGIN;" and statements[-1] == "ROLLBACK;", name
        assert "CREATE EXTENSION pgtap WITH SCHEMA pgtap;" in text, name
        assert "public" not in text.split("CREATE EXTENSION", 1)[1].splitlines()[0], name


def test_export_command_writes_the_committed_files_and_removes_its_stale_ones(tmp_path):
    (tmp_path / "stale.test.sql").write_text(next(iter(committed().values())))
    result = schema_pkg("rls", "export", "--pgtap", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = {path.name: path.read_text() for path in tmp_path.iterdir()}
    assert written == committed()


def test_export_keeps_a_teams_own_tests_in_the_folder(tmp_path):
    own = tmp_path / "my_own.test.sql"
    own.write_text("BEGIN; SELECT plan(1); SELECT ok(true); SELECT * FROM finish(); ROLLBACK;\n")
    result = schema_pkg("rls", "export", "--pgtap", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert own.read_text().startswith("BEGIN; SELECT plan(1)")


def test_export_over_a_file_it_did_not_write_is_a_one_line_error_writing_nothing(tmp_path):
    (tmp_path / "profiles.test.sql").write_text("-- a team's own profiles test\n")
    assert_one_line_error(schema_pkg("rls", "export", "--pgtap", str(tmp_path)), 2,
                          "not written by rls export")
    assert [path.name for path in tmp_path.iterdir()] == ["profiles.test.sql"]
    assert (tmp_path / "profiles.test.sql").read_text() == "-- a team's own profiles test\n"


def test_export_to_a_folder_that_cannot_be_made_is_a_one_line_error(tmp_path):
    (tmp_path / "file").write_text("")
    assert_one_line_error(schema_pkg("rls", "export", "--pgtap", str(tmp_path / "file" / "tests")), 2,
                          "Not a directory")


def test_export_to_a_file_is_a_one_line_error(tmp_path):
    target = tmp_path / "file.sql"
    target.write_text("")
    result = schema_pkg("rls", "export", "--pgtap", str(target))
    assert result.returncode == 2 and result.stderr.strip().endswith("not a folder"), result.stderr


def test_pg_prove_passes_the_export_at_head_one_assertion_per_case(pgtap_server, schema_pkg_scratch):
    head = schema_pkg_scratch.clone("head")  # no pgTAP installed: each file installs it, then rolls back
    try:
        proof = pg_prove(head, sorted(pgtap.COMMITTED.glob("*" + pgtap.SUFFIX)))
        assert proof.passed, proof.output
        assert proof.tests == len(list(cases()))
        with psycopg.connect(libpq_url(head)) as conn:
            left = conn.execute("SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'pgtap'), "
                                "(SELECT count(*) FROM pg_namespace WHERE nspname = 'pgtap')").fetchone()
        assert left == (0, 0), "the export left pgTAP behind"
    finally:
        schema_pkg_scratch.drop(head)


def test_without_pgtap_a_role_that_cannot_install_it_gets_one_clear_error(pgtap_server, schema_pkg_scratch):
    tester = schema_pkg_scratch.create_role("pgtap_tester")  # no CREATE on the database
    head = schema_pkg_scratch.clone("head")
    try:
        proof = pg_prove(url_as_role(head, tester), [pgtap.COMMITTED / "projects.test.sql"])
    finally:
        schema_pkg_scratch.drop(head)
    assert not proof.passed
    assert f"pgTAP is not installed in database {head.database} and {tester} cannot install it" \
        in proof.output, proof.output



def test_pg_prove_passes_on_a_database_with_rows_of_its_own_and_keeps_them(pgtap_server, schema_pkg_scratch):
    """As `supabase test db` after `supabase db reset` ran a seed.sql: the files prove the world
    alone, and the rollback gives the database its rows back."""
    head = schema_pkg_scratch.clone("head")
    own = ["INSERT INTO projects (name, slug, category, owner_id, is_public) "
           "VALUES ('demo', 'demo', 'portfolio', gen_random_uuid(), true)",
           "INSERT INTO profiles (id, email) VALUES (gen_random_uuid(), 'demo@example.com')",
           "INSERT INTO mezan_workflows (user_id, name) VALUES (gen_random_uuid(), 'demo')"]
    counts = "SELECT (SELECT count(*) FROM projects), (SELECT count(*) FROM profiles), " \
             "(SELECT count(*) FROM mezan_workflows)"
    try:
        with psycopg.connect(libpq_url(head), autocommit=True) as conn:
            for statement in own:
                conn.execute(statement)
        proof = pg_prove(head, sorted(pgtap.COMMITTED.glob("*" + pgtap.SUFFIX)))
        with psycopg.connect(libpq_url(head)) as conn:
            left = conn.execute(counts).fetchone()
    finally:
        schema_pkg_scratch.drop(head)
    assert proof.passed, proof.output
    assert left == (1, 1, 1)
