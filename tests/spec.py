"""The specification, read from docs/platform-schema.md (never copied by hand).

:func:`parse` reads the document's column tables, enum blocks, FK table,
policy patterns and functions.  :func:`expected_snapshot` turns them into a
catalog snapshot by building them in a scratch schema on a real server (inside
the caller's transaction, which the caller rolls back), so that PostgreSQL
itself deparses the document's types, defaults and expressions exactly as it
prints the live ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from schema_pkg.catalog import Snapshot, snapshot

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "platform-schema.md"
# docs/additions.md lists, in one table, what the document's text does not speak for.
ADDITIONS = DOCUMENT.parent / "additions.md"
BEYOND_SECTION = "Beyond the document's text"
SCRATCH_SCHEMA = "spec_document"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    default: str | None
    description: str


@dataclass
class DocSchema:
    tables: dict[str, list[Column]] = field(default_factory=dict)
    unique_columns: set[tuple[str, str]] = field(default_factory=set)
    enums: dict[str, list[str]] = field(default_factory=dict)
    enum_sql: list[str] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str, str]] = field(default_factory=list)
    user_owned_tables: list[str] = field(default_factory=list)
    user_owned_pattern: str = ""
    public_pattern: str = ""
    functions: dict[str, str] = field(default_factory=dict)

    def public_pattern_tables(self) -> list[str]:
        """The tables the public pattern's policies are on (the document: projects)."""
        return list(dict.fromkeys(re.findall(r"\bON (\w+) FOR", self.public_pattern)))

    def policy_tables(self) -> list[str]:
        return [*self.user_owned_tables, *self.public_pattern_tables()]


def sections(markdown: str, level: str) -> dict[str, str]:
    """Headed sections of one level: heading text -> body."""
    parts = re.split(rf"^{level} (.+)$", markdown, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def sql_blocks(body: str) -> list[str]:
    return re.findall(r"```sql\n(.*?)```", body, flags=re.S)


def table_rows(body: str) -> list[list[str]]:
    """Rows of the first markdown table in body, cells stripped of backticks."""
    rows = []
    for line in body.splitlines():
        if line.startswith("|") and not re.match(r"^\|\s*-", line):
            rows.append([c.strip().strip("`") for c in line.strip().strip("|").split("|")])
    return rows[1:]  # drop the header


def parse_columns(body: str) -> list[Column]:
    return [
        Column(name, type_, nullable == "Yes", None if default == "-" else default, desc)
        for name, type_, nullable, default, desc in table_rows(body)
    ]


def parse(markdown: str | None = None) -> DocSchema:
    markdown = DOCUMENT.read_text() if markdown is None else markdown
    doc = DocSchema()
    chapters = sections(markdown, "##")
    for chapter in ("Core Tables", "Platform Tables"):
        for table, body in sections(chapters[chapter], "###").items():
            doc.tables[table] = parse_columns(body)
    # Uniqueness is marked only in the ER diagram ("string slug UK").
    for table, body in re.findall(r"^    (\w+) \{\n(.*?)\n    \}", markdown, re.S | re.M):
        for column in re.findall(r"^\s+\w+ (\w+) UK$", body, flags=re.M):
            doc.unique_columns.add((table, column))
    for block in sql_blocks(chapters["Enums"]):
        name, labels = re.search(r"CREATE TYPE (\w+) AS ENUM \((.*?)\);", block, re.S).groups()
        doc.enums[name] = re.findall(r"'([^']*)'", labels)
        doc.enum_sql.append(block)
    relationships = sections(chapters["Relationships"], "###")
    for table, column, reference in table_rows(relationships["Foreign Key Relationships"]):
        ref_table, ref_column = reference.split(".")
        doc.foreign_keys.append((table, column, ref_table, ref_column))
    implicit = relationships["Implicit Relationships (user_id)"]
    doc.user_owned_tables = re.findall(r"^- `(\w+)\.user_id`", implicit, flags=re.M)
    patterns = sections(chapters["RLS Policies"], "###")
    doc.user_owned_pattern = sql_blocks(patterns["User-Owned Data Pattern"])[0]
    doc.public_pattern = sql_blocks(patterns["Public Data Pattern"])[0]
    for name, body in sections(chapters["Database Functions"], "###").items():
        doc.functions[name] = sql_blocks(body)[0]
    return doc


@dataclass(frozen=True)
class Beyond:
    """What the document does not state: clauses it never writes, and objects that are ours."""

    unstated_clauses: tuple[str, ...]  # e.g. "ON DELETE" of foreign keys
    our_functions: frozenset[str]  # "name(identity arguments)", as the catalog keys them
    our_columns: frozenset[str] = frozenset()  # "table.column"
    our_indexes: frozenset[str] = frozenset()  # as readable_index writes them
    our_constraints: frozenset[str] = frozenset()  # "table definition", as the catalog keys them


KINDS = {"unstated clause": "unstated_clauses", "our function": "our_functions",
         "our column": "our_columns", "our index": "our_indexes", "our constraint": "our_constraints"}


def parse_beyond(markdown: str | None = None) -> Beyond:
    """The table under "Beyond the document's text" in docs/additions.md."""
    markdown = ADDITIONS.read_text() if markdown is None else markdown
    rows = table_rows(sections(markdown, "##")[BEYOND_SECTION])
    unknown = sorted({kind for kind, *_ in rows} - set(KINDS))
    if unknown:
        raise ValueError(f"docs/additions.md: unknown kind(s) {unknown} in {BEYOND_SECTION!r}; "
                         f"the kinds are {sorted(KINDS)}")
    found = {field_: [what for kind, what, *_ in rows if KINDS[kind] == field_] for field_ in KINDS.values()}
    return Beyond(unstated_clauses=tuple(found["unstated_clauses"]),
                  **{name: frozenset(values) for name, values in found.items() if name != "unstated_clauses"})


INDEX = re.compile(r"^CREATE (?P<unique>UNIQUE )?INDEX ON (?:\w+\.)?(?P<table>\w+) USING (?P<method>\w+) "
                   r"(?P<rest>.*)$")


def readable_index(definition: str) -> tuple[str, str]:
    """(table, "[UNIQUE ]table [USING method ](columns)[ WHERE ...]") from a catalog index key."""
    match = INDEX.match(definition)
    method = "" if match["method"] == "btree" else f"USING {match['method']} "
    return match["table"], f"{match['unique'] or ''}{match['table']} {method}{match['rest']}"


def readable_indexes(section: dict, tables: set[str] | None = None) -> dict:
    """A snapshot's indexes keyed readably, optionally only those on ``tables``."""
    found = {}
    for definition, attributes in section.items():
        table, key = readable_index(definition)
        if tables is None or table in tables:
            found[key] = attributes
    return found


FK_ACTION = r"(?:CASCADE|RESTRICT|SET NULL|SET DEFAULT)(?: \([^)]*\))?"


def without_unstated_clauses(key: str, beyond: Beyond) -> str:
    """A foreign key's definition without the clauses the document never states."""
    for clause in beyond.unstated_clauses:
        key = re.sub(rf" {clause} {FK_ACTION}", "", key)
    return key


def create_table_sql(doc: DocSchema, table: str) -> str:
    lines = []
    for col in doc.tables[table]:
        parts = [col.name, col.type]
        if not col.nullable:
            parts.append("NOT NULL")
        if col.default is not None:
            parts.append(f"DEFAULT {col.default}")
        if col.description.lower().startswith("primary key"):
            parts.append("PRIMARY KEY")
        if (table, col.name) in doc.unique_columns:
            parts.append("UNIQUE")
        for fk_table, fk_column, ref_table, ref_column in doc.foreign_keys:
            if (fk_table, fk_column) == (table, col.name):
                parts.append(f"REFERENCES {ref_table} ({ref_column})")
        lines.append(" ".join(parts))
    return f"CREATE TABLE {table} (\n  " + ",\n  ".join(lines) + "\n)"


def creation_order(doc: DocSchema) -> list[str]:
    """Referenced tables first."""
    referenced = {ref for _, _, ref, _ in doc.foreign_keys}
    return sorted(doc.tables, key=lambda t: t not in referenced)


def expected_snapshot(conn: Connection, doc: DocSchema) -> Snapshot:
    """Build the document in a scratch schema and read it back (caller rolls back)."""
    conn.execute(text(f"CREATE SCHEMA {SCRATCH_SCHEMA}"))
    conn.execute(text(f"SET LOCAL search_path = {SCRATCH_SCHEMA}, public"))
    for enum_sql in doc.enum_sql:
        conn.exec_driver_sql(enum_sql)
    for table in creation_order(doc):
        conn.exec_driver_sql(create_table_sql(doc, table))
    for table in doc.user_owned_tables:
        conn.exec_driver_sql(doc.user_owned_pattern.replace("platform_table", table))
    for table in doc.public_pattern_tables():
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    conn.exec_driver_sql(doc.public_pattern)
    for function_sql in doc.functions.values():
        conn.exec_driver_sql(function_sql)
    expected = snapshot(conn, SCRATCH_SCHEMA)
    conn.execute(text("SET LOCAL search_path = DEFAULT"))
    return expected


def documented_scope(live: Snapshot, doc: DocSchema, beyond: Beyond) -> Snapshot:
    """The part of a live snapshot the document speaks for.

    Tables, columns, constraints and indexes of the documented tables, policies
    of the tables the document gives policies, every enum and every public
    function, except what docs/additions.md declares ours.  Foreign keys are
    compared without the clauses the document never states (their ON DELETE
    action); their columns and targets stay strict.
    """
    tables = set(doc.tables)
    policy_tables = set(doc.policy_tables())
    # PostgreSQL 18 lists NOT NULL as constraints: those of our columns are ours too.
    ours = beyond.our_constraints | {f"{table} NOT NULL {column}" for table, column in
                                     (c.split(".", 1) for c in beyond.our_columns)}
    return {
        "tables": {k: v for k, v in live["tables"].items() if k in tables},
        "columns": {k: v for k, v in live["columns"].items()
                    if k.split(".")[0] in tables and k not in beyond.our_columns},
        "constraints": {without_unstated_clauses(k, beyond) if v["kind"] == "f" else k: v
                        for k, v in live["constraints"].items()
                        if k.split(" ")[0] in tables and k not in ours},
        "indexes": {k: v for k, v in readable_indexes(live["indexes"], tables).items()
                    if k not in beyond.our_indexes},
        "enums": live["enums"],
        "policies": {k: v for k, v in live["policies"].items()
                     if k.split(".")[0] in policy_tables},
        "functions": {k: v for k, v in live["functions"].items() if k not in beyond.our_functions},
    }
