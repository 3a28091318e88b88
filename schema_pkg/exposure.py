"""What a file's header says about access: what a downgrade gives back, and what the
role running the file needs.  Derived from the revision's own statements; the few
effects hidden inside DO blocks (run-time GRANTs) come from :data:`RUN_TIME_GRANTS`,
side metadata for released revisions, which are frozen text.
"""

from __future__ import annotations

import re

from schema_pkg import guards

DISABLE_RLS = re.compile(r"^\s*ALTER\s+TABLE\s+([\w.\"]+)\s+DISABLE\s+ROW\s+LEVEL\s+SECURITY",
                         re.IGNORECASE | re.MULTILINE)
GRANT = re.compile(r"^\s*GRANT\s+(.+?)\s+ON\s+(.+?)\s+TO\s+([^;]+);", re.IGNORECASE | re.MULTILINE)
POLICY_CHANGE = re.compile(r"^\s*(ALTER|CREATE)\s+POLICY\s+(\"[^\"]+\")\s+ON\s+([\w.\"]+)",
                           re.IGNORECASE | re.MULTILINE)
DROP_TRIGGER = re.compile(r"^\s*DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)\s+ON\s+([\w.\"]+)",
                          re.IGNORECASE | re.MULTILINE)
DO_BLOCK_GRANT = re.compile(r"^DO\s+\$(\w*)\$.*?EXECUTE\s+format\('GRANT.*?\$\1\$",
                            re.IGNORECASE | re.MULTILINE | re.DOTALL)
NOT_OURS_TABLE = ("alembic_version",)

# Grants a released revision's downgrade makes inside a DO block, where no statement
# shows them (revision -> what they give back).
RUN_TIME_GRANTS = {
    "0009": "TRUNCATE, TRIGGER, REFERENCES (and MAINTAIN from PostgreSQL 17) on every table "
            "in public back to anon and authenticated wherever they hold SELECT, INSERT, "
            "UPDATE and DELETE, and in the migrating role's default privileges",
}


def gives_back(revision: str, statements: str) -> list[str]:
    """What the downgrade re-exposes, one line per item."""
    text = guards.without_comments(statements)
    items = [f"{table}: row level security off, so every role holding a privilege on it "
             "(anon and authenticated where granted) reads and writes all its rows, every column"
             for table in DISABLE_RLS.findall(text)
             if table.strip('"') not in NOT_OURS_TABLE]
    items += [f"GRANT {' '.join(what.split())} ON {' '.join(on.split())} TO {to.strip()}"
              for what, on, to in GRANT.findall(text)]
    items += [f"policy {name} on {table} back to its earlier, wider text"
              for _, name, table in POLICY_CHANGE.findall(text)]
    items += [f"trigger {name} on {table} dropped: the rule it enforces stops"
              for name, table in DROP_TRIGGER.findall(text)]
    if revision in RUN_TIME_GRANTS:
        items.append(RUN_TIME_GRANTS[revision])
    return items


def has_run_time_grants(statements: str) -> bool:
    return DO_BLOCK_GRANT.search(guards.without_comments(statements)) is not None


NEEDS = (
    (re.compile(r"\b(CREATE|ALTER)\s+ROLE\b|\bGRANT\s+\w+(\s*,\s*\w+)*\s+TO\s+%I",
                re.IGNORECASE), "CREATEROLE (it creates roles and grants their membership)"),
    (re.compile(r"\bCREATE\s+SCHEMA\b", re.IGNORECASE), "CREATE on the database (new schemas)"),
    (re.compile(r"\bALTER\s+DEFAULT\s+PRIVILEGES\b", re.IGNORECASE),
     "to be the role whose default privileges it changes (the one that creates the tables)"),
)


def needs(statements: str) -> list[str]:
    """The privileges running the file needs, beyond owning the objects it changes."""
    text = guards.without_comments(statements)
    found = ["ownership of the objects it changes (connect as the role that ran the "
             "earlier revisions)", "CREATE on the database the first time (schema schema_pkg: "
             "the migration lock and the deployment record)"]
    found += [need for pattern, need in NEEDS if pattern.search(text)]
    return found
