"""Which revision created an object: the versions/ file a finding points at in SARIF and
GitHub annotations (code scanning needs a repository-relative location for every result).

The SQL each revision runs is rendered in sql/<revision>.upgrade.sql (packaged with the
wheel), names filled in even where a revision builds them from a template.  The first
revision, in order, whose SQL creates the object is its origin; the location is that
revision's file in versions/, at the line creating it, else the first line naming it
(templated names: the first line creating an object of that kind).  An object no revision creates (drift, or
alembic's own table) points at the revision the database is at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from schema_pkg.config import resource_dir, revisions_in_order

CREATES = {
    "table": r"CREATE TABLE (?:IF NOT EXISTS )?(?:public\.)?{name}\b",
    "function": r"CREATE (?:OR REPLACE )?FUNCTION (?:\w+\.)?{name}\(",
    "policy": r'CREATE POLICY "{name}"',
    "index": r"CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?{name}\b",
    "type": r"CREATE TYPE (?:public\.)?{name}\b",
}
KEYWORDS = {"table": "CREATE TABLE", "function": "FUNCTION", "policy": "CREATE POLICY",
            "index": "INDEX", "type": "CREATE TYPE"}


@dataclass(frozen=True)
class Origin:
    path: str  # repository-relative, e.g. versions/0003_documented_tables.py
    line: int
    revision: str


@cache
def revision_files() -> list[tuple[str, Path, str]]:
    """(revision, its versions/ file, its rendered upgrade SQL) from base to head."""
    sql_dir = resource_dir("sql")
    found = []
    for script in revisions_in_order():
        path = Path(script.path)
        rendered = sql_dir / f"{path.stem}.upgrade.sql"
        found.append((script.revision, path, rendered.read_text() if rendered.is_file() else ""))
    return found


def line_of(path: Path, creates: re.Pattern, kind: str, name: str) -> int:
    """The line creating the object, else the first naming it, else the first creating its kind."""
    lines = path.read_text().splitlines()
    for wanted in (creates, re.compile(rf"\b{re.escape(name)}\b"), re.compile(re.escape(KEYWORDS[kind]))):
        for number, line in enumerate(lines, start=1):
            if wanted.search(line):
                return number
    return 1


def origin(kind: str, name: str, revision: str | None = None) -> Origin:
    """Where ``kind`` ``name`` was created; else the file of ``revision`` (default head)."""
    files = revision_files()
    if kind in CREATES:
        creates = re.compile(CREATES[kind].format(name=re.escape(name)), re.IGNORECASE)
        for rev, path, sql in files:
            if creates.search(sql):
                return Origin(f"versions/{path.name}", line_of(path, creates, kind, name), rev)
    rev, path, _ = next((f for f in files if f[0] == revision), files[-1])
    return Origin(f"versions/{path.name}", 1, rev)
