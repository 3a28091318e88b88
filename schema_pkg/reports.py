"""Findings of ``advise`` and ``verify`` in the formats CI reads: ``--format text|json|sarif|github``.

* ``text``: the lines the commands always printed;
* ``json``: one object, described by the JSON Schema ``schema_pkg/findings.schema.json``
  (docs/findings.md);
* ``sarif``: SARIF 2.1.0 for code scanning: one rule per check, with its help text and
  severity, and every result located in the versions/ file that created its object
  (:mod:`schema_pkg.origins`);
* ``github``: GitHub Actions workflow commands (``::error file=…,line=…::…``), shown as
  annotations on the run and the pull request.

Exit codes do not depend on the format.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass

from sqlalchemy import text

from schema_pkg import __version__
from schema_pkg.origins import Origin, origin

FORMATS = ("text", "json", "sarif", "github")
JSON_SCHEMA_ID = "schema_pkg.findings/1"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# Our levels in SARIF's words (also used by json); GitHub's workflow commands have their own.
LEVELS = {"ERROR": "error", "WARN": "warning", "INFO": "note"}
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}
# GitHub ranks security results by this property (0-10); performance results carry none.
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "note": "2.0"}


@dataclass(frozen=True)
class RuleInfo:
    id: str
    level: str  # error, warning, note
    category: str
    summary: str
    help: str


@dataclass(frozen=True)
class Item:
    rule: str
    level: str  # error, warning, note
    category: str
    object: str
    message: str
    remediation: str
    location: Origin
    text: str  # the line the text format prints
    identity: str = ""  # what tells it from the run's other findings, if the object does not


@dataclass(frozen=True)
class Report:
    command: str  # advise, verify
    rules: list[RuleInfo]
    items: list[Item]
    database: str  # the target, password redacted
    revision: str | None


def database_revision(conn) -> str | None:
    """The revision in alembic_version, or None (an unmanaged or empty database)."""
    exists = conn.execute(text("SELECT to_regclass('public.alembic_version') IS NOT NULL")).scalar()
    return conn.execute(text("SELECT max(version_num) FROM alembic_version")).scalar() if exists else None


def from_rule(rule) -> RuleInfo:
    return RuleInfo(rule.id, LEVELS[rule.level], rule.category, rule.summary, rule.help)


def from_advice(finding, revision: str | None) -> Item:
    return Item(finding.rule, LEVELS[finding.level], finding.category, finding.object,
                f"{finding.object}: {finding.remediation}", finding.remediation,
                origin(finding.kind, finding.name, revision), str(finding))


# --- json ----------------------------------------------------------------------------

def as_json(report: Report) -> dict:
    counts = {level: sum(item.level == level for item in report.items) for level in LEVELS.values()}
    return {
        "schema": JSON_SCHEMA_ID, "tool": f"schema-pkg {report.command}", "version": __version__,
        "database": report.database, "revision": report.revision, "counts": counts,
        "findings": [{"rule": i.rule, "level": i.level, "category": i.category, "object": i.object,
                      "message": i.message, "remediation": i.remediation, "location": asdict(i.location)}
                     for i in report.items],
    }


# --- sarif ---------------------------------------------------------------------------

def sarif_rule(rule: RuleInfo) -> dict:
    properties = {"tags": [rule.category]}
    if rule.category == "security":
        properties["security-severity"] = SECURITY_SEVERITY[rule.level]
    return {"id": rule.id, "name": rule.id, "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.help or rule.summary},
            "help": {"text": f"{rule.summary} {rule.help}".strip()},
            "defaultConfiguration": {"level": rule.level}, "properties": properties}


def sarif_result(item: Item, index: dict[str, int]) -> dict:
    fingerprint = hashlib.sha256(f"{item.rule}\0{item.identity or item.object}".encode()).hexdigest()
    return {
        "ruleId": item.rule, "ruleIndex": index[item.rule], "level": item.level,
        "message": {"text": item.message},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": item.location.path, "uriBaseId": "%SRCROOT%"},
                                 "region": {"startLine": item.location.line}},
            "logicalLocations": [{"fullyQualifiedName": item.object, "kind": "object"}],
        }],
        "partialFingerprints": {"schemaPkgObject/v1": fingerprint},
    }


def as_sarif(report: Report) -> dict:
    index = {rule.id: n for n, rule in enumerate(report.rules)}
    return {
        "$schema": SARIF_SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": f"schema-pkg {report.command}", "version": __version__,
                                "semanticVersion": __version__,
                                "rules": [sarif_rule(rule) for rule in report.rules]}},
            "automationDetails": {"id": f"schema-pkg/{report.command}/"},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the repository root"}}},
            "results": [sarif_result(item, index) for item in report.items],
            "properties": {"database": report.database, "revision": report.revision},
        }],
    }


# --- github --------------------------------------------------------------------------

def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def as_github(report: Report) -> list[str]:
    return [f"::{GITHUB_COMMANDS[i.level]} file={escape_property(i.location.path)},line={i.location.line},"
            f"title={escape_property(f'schema-pkg {report.command}: {i.rule}')}::{escape_data(i.message)}"
            for i in report.items]


def emit(report: Report, output_format: str, out=None) -> None:
    out = out or sys.stdout
    if output_format == "text":
        lines = [item.text for item in report.items]
    elif output_format == "json":
        lines = [json.dumps(as_json(report), indent=2)]
    elif output_format == "sarif":
        lines = [json.dumps(as_sarif(report), indent=2)]
    else:
        lines = as_github(report)
    for line in lines:
        print(line, file=out)
