"""advise and verify in the formats CI reads: SARIF 2.1.0, GitHub annotations, documented JSON."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from sqlalchemy import text

from schema_pkg.advisor import RULES
from schema_pkg.config import BASELINE_REVISION, CHECKOUT_DIR
from schema_pkg.db import connection
from schema_pkg.reports import FORMATS
from tests.clirun import assert_one_line_error, schema_pkg, url_text

# How findings are written out (SARIF, JSON, GitHub); the findings themselves are the server's,
# checked on every version by tests/test_advisor.py and tests/test_verify_adopt.py.
pytestmark = pytest.mark.same_on_every_version

SCHEMAS = CHECKOUT_DIR / "tests" / "schemas"
SARIF_SCHEMA = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
FINDINGS_SCHEMA = json.loads((CHECKOUT_DIR / "schema_pkg" / "findings.schema.json").read_text())
ANNOTATION = re.compile(r"^::(error|warning|notice) file=(versions/[^,]+\.py),line=(\d+),title=[^:]+::.+$")


def run(url, command, output_format):
    return schema_pkg("-q", "--url", url_text(url), command, "--format", output_format)


def valid_sarif(output: str) -> dict:
    log = json.loads(output)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    return log


@pytest.fixture(scope="module")
def outputs(schema_pkg_scratch):
    """Every format of advise at the baseline (errors), and of advise and verify at head with
    drift (a column, an index and a grant nobody wrote a revision for)."""
    baseline, drifted = schema_pkg_scratch.clone(BASELINE_REVISION), schema_pkg_scratch.clone("head")
    with connection(drifted) as conn:
        conn.execute(text("ALTER TABLE profiles ADD COLUMN nickname text"))
        conn.execute(text("CREATE INDEX projects_name_idx ON projects (name)"))
        conn.execute(text("GRANT TRUNCATE ON soc_teams TO anon"))
        # two differences of one column: each is its own result
        conn.execute(text("ALTER TABLE profiles ALTER COLUMN full_name SET DEFAULT 'x', "
                          "ALTER COLUMN full_name SET NOT NULL"))
        conn.commit()
    yield {(name, command, fmt): run(url, command, fmt)
           for name, url, command in (("baseline", baseline, "advise"), ("drifted", drifted, "advise"),
                                      ("drifted", drifted, "verify"))
           for fmt in FORMATS}
    schema_pkg_scratch.drop(baseline)
    schema_pkg_scratch.drop(drifted)


def test_advise_sarif_validates_with_one_rule_per_check_and_a_versions_file_per_result(outputs):
    result = outputs["baseline", "advise", "sarif"]
    [sarif_run] = valid_sarif(result.stdout)["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    assert all(r["help"]["text"] and r["defaultConfiguration"]["level"] in ("error", "warning", "note")
               for r in rules)
    assert {r["ruleId"] for r in sarif_run["results"]} >= {"rls_disabled_in_public", "unindexed_foreign_key"}
    for sarif_result in sarif_run["results"]:
        [location] = sarif_result["locations"]
        path = location["physicalLocation"]["artifactLocation"]["uri"]
        assert path.startswith("versions/") and (CHECKOUT_DIR / path).is_file(), path
        assert rules[sarif_result["ruleIndex"]]["id"] == sarif_result["ruleId"]


def test_findings_point_at_the_revision_that_created_their_object(outputs):
    found = json.loads(outputs["baseline", "advise", "json"].stdout)["findings"]
    where = {(f["rule"], f["object"]): f["location"] for f in found}
    table = where[("rls_disabled_in_public", "public.soc_teams")]
    assert (table["path"], table["revision"]) == ("versions/0003_documented_tables.py", "0003")
    lines = (CHECKOUT_DIR / table["path"]).read_text().splitlines()
    assert "CREATE TABLE soc_teams" in lines[table["line"] - 1]
    exposed = "public.has_soc_role(_role soc_role, _user_id uuid) by anon"
    function = where[("security_definer_exposed", exposed)]
    assert function["revision"] == "0005"
    policy = where[("auth_rls_initplan", 'public.projects "Owners can manage projects"')]
    assert policy["revision"] == "0004"


def test_verify_sarif_validates_and_locates_drift(outputs):
    [sarif_run] = valid_sarif(outputs["drifted", "verify", "sarif"].stdout)["runs"]
    levels = {(r["ruleId"], r["level"]) for r in sarif_run["results"]}
    # the hand-granted TRUNCATE undoes what 0009 revoked: a changed effect too
    assert levels == {("drift", "error"), ("grant_or_owner_difference", "note"),
                      ("effect_changed", "error")}
    paths = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif_run["results"]}
    assert "versions/0003_documented_tables.py" in paths


@pytest.mark.parametrize("database, command", [("baseline", "advise"), ("drifted", "verify")])
def test_every_sarif_result_has_its_own_fingerprint(outputs, database, command):
    [sarif_run] = valid_sarif(outputs[database, command, "sarif"].stdout)["runs"]
    fingerprints = [r["partialFingerprints"]["schemaPkgObject/v1"] for r in sarif_run["results"]]
    assert len(set(fingerprints)) == len(fingerprints) > 1


@pytest.mark.parametrize("database, command", [("baseline", "advise"), ("drifted", "verify")])
def test_json_output_follows_the_documented_schema(outputs, database, command):
    report = json.loads(outputs[database, command, "json"].stdout)
    jsonschema.Draft202012Validator(FINDINGS_SCHEMA).validate(report)
    assert report["tool"] == f"schema-pkg {command}" and report["revision"]
    assert sum(report["counts"].values()) == len(report["findings"]) > 0


@pytest.mark.parametrize("database, command", [("baseline", "advise"), ("drifted", "verify")])
def test_github_format_is_one_workflow_command_per_finding(outputs, database, command):
    lines = outputs[database, command, "github"].stdout.splitlines()
    assert lines and all(ANNOTATION.match(line) for line in lines), lines
    for line in lines:
        path, number = ANNOTATION.match(line).group(2, 3)
        assert int(number) <= len((CHECKOUT_DIR / path).read_text().splitlines())
    assert len(lines) == len(json.loads(outputs[database, command, "json"].stdout)["findings"])


@pytest.mark.parametrize("output_format", FORMATS)
def test_exit_codes_do_not_depend_on_the_format(outputs, output_format):
    assert outputs["baseline", "advise", output_format].returncode == 1  # ERROR findings
    assert outputs["drifted", "advise", output_format].returncode == 0  # warnings only
    assert outputs["drifted", "verify", output_format].returncode == 1  # drift


def test_text_format_prints_what_the_commands_always_printed(outputs):
    assert "DRIFT: columns public.profiles.nickname: only in live" in \
        outputs["drifted", "verify", "text"].stdout.splitlines()
    lines = outputs["baseline", "advise", "text"].stdout.splitlines()
    assert lines[0].startswith("ERROR security    ")  # errors first
    assert any(line.startswith("ERROR security    rls_disabled_in_public           public.")
               for line in lines)


def test_an_unknown_format_is_a_one_line_error(schema_pkg_database):
    assert_one_line_error(run(schema_pkg_database, "advise", "xml"), 2, "invalid choice: 'xml'")
    assert_one_line_error(run(schema_pkg_database, "verify", "sarif2"), 2, "invalid choice: 'sarif2'")


def test_the_committed_sarif_schema_is_the_oasis_one():
    assert SARIF_SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert "oasis-tcs/sarif-spec" in (SCHEMAS / "README.md").read_text()
