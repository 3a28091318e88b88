"""Read one schema of a live database into plain data: a catalog snapshot.

A snapshot maps section -> object key -> attributes.  Keys name objects the
way a reader would ("projects.slug", "projects UNIQUE (slug)"); constraints
and indexes are keyed by definition, not by name, so a renamed constraint is
no drift.  Everything is plain str/bool/list so snapshots compare with ``==``
and print readably.  Read both sides with the same search_path: the catalog
prints names outside it schema-qualified.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

Snapshot = dict[str, dict[str, dict[str, Any]]]


def ours(catalog: str, oid: str) -> str:
    """SQL: the object ``oid`` of ``catalog`` (pg_class, pg_proc, pg_type) is no extension's
    member.  Everything that walks our schemas uses it, so an extension installed there
    (pgTAP's ~1,000 functions in public, say) is never taken for ours."""
    return (f"NOT EXISTS (SELECT 1 FROM pg_depend ext WHERE ext.classid = '{catalog}'::regclass "
            f"AND ext.objid = {oid} AND ext.deptype = 'e')")


# Sections that are reported but never count as drift.
INFORMATIONAL_SECTIONS = frozenset({"grants", "owners"})

QUERIES: dict[str, str] = {
    "tables": """
        SELECT c.relname AS key, c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND c.relkind IN ('r', 'p') AND {ours_c}""",
    "columns": """
        SELECT c.relname || '.' || a.attname AS key,
               format_type(a.atttypid, a.atttypmod) AS type,
               NOT a.attnotnull AS nullable,
               pg_get_expr(d.adbin, d.adrelid) AS default,
               rank() OVER (PARTITION BY c.oid ORDER BY a.attnum)::int AS position
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = :schema AND c.relkind IN ('r', 'p')
          AND a.attnum > 0 AND NOT a.attisdropped AND {ours_c}""",
    "constraints": """
        SELECT c.relname || ' ' || pg_get_constraintdef(con.oid) AS key,
               con.contype::text AS kind
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND {ours_c}""",
    "indexes": """
        SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition,
               t.relname AS table_name, i.indisvalid AS valid
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_class t ON t.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = :schema AND {ours_t}""",
    "enums": """
        SELECT t.typname AS key, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
        FROM pg_type t
        JOIN pg_enum e ON e.enumtypid = t.oid
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = :schema AND {ours_type}
        GROUP BY t.typname""",
    "policies": """
        SELECT tablename || '.' || policyname AS key, permissive, cmd,
               (SELECT array_agg(r::text ORDER BY r::text) FROM unnest(roles) r) AS roles,
               qual, with_check
        FROM pg_policies WHERE schemaname = :schema""",
    "functions": """
        SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS key,
               pg_get_function_arguments(p.oid) AS arguments,
               pg_get_function_result(p.oid) AS result,
               l.lanname AS language, p.prosecdef AS security_definer,
               p.provolatile::text AS volatility, p.proconfig AS config, p.prosrc AS body
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        JOIN pg_language l ON l.oid = p.prolang
        WHERE n.nspname = :schema AND {ours_p}""",
    "grants": """
        SELECT 'table ' || c.relname AS key,
               (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(c.relacl) a) AS acl
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'S') AND {ours_c}
        UNION ALL
        SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
               (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(p.proacl) a)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = :schema AND {ours_p}""",
    "owners": """
        SELECT 'table ' || c.relname AS key, pg_get_userbyid(c.relowner) AS owner
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND c.relkind IN ('r', 'p') AND {ours_c}
        UNION ALL
        SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
               pg_get_userbyid(p.proowner)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = :schema AND {ours_p}""",
}

QUERIES = {name: query.format(ours_c=ours("pg_class", "c.oid"), ours_t=ours("pg_class", "t.oid"),
                             ours_p=ours("pg_proc", "p.oid"), ours_type=ours("pg_type", "t.oid"))
           for name, query in QUERIES.items()}

# Effective privileges (role membership included) of the API roles and PUBLIC on every
# table, column, sequence, function and schema of ours (no extension's members); never
# auth, which is Supabase's.
API_PRIVILEGES = """
WITH grantee(name) AS (VALUES ('anon'), ('authenticated'), ('service_role'), ('public')),
     our_schemas AS (SELECT oid, nspname FROM pg_namespace
                     WHERE nspname IN ('public', 'private', 'schema_pkg')),
     table_privilege(p) AS (SELECT unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE',
                                                 'REFERENCES', 'TRIGGER']
       || CASE WHEN current_setting('server_version_num')::int >= 170000 THEN ARRAY['MAINTAIN']
               ELSE '{}'::text[] END))
SELECT g.name, 'table ' || n.nspname || '.' || c.relname, t.p
FROM grantee g, our_schemas n JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm'),
     table_privilege t
WHERE has_table_privilege(g.name, c.oid, t.p) AND __OURS_C__
UNION ALL
SELECT g.name, 'column ' || n.nspname || '.' || c.relname || '.' || a.attname, p
FROM grantee g, our_schemas n JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm')
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped,
     unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) p
WHERE has_column_privilege(g.name, c.oid, a.attnum, p) AND __OURS_C__
UNION ALL
SELECT g.name, 'sequence ' || n.nspname || '.' || c.relname, p
FROM grantee g, our_schemas n JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind = 'S',
     unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) p
WHERE has_sequence_privilege(g.name, c.oid, p) AND __OURS_C__
UNION ALL
SELECT g.name, 'function ' || n.nspname || '.' || p.proname
               || '(' || pg_get_function_identity_arguments(p.oid) || ')', 'EXECUTE'
FROM grantee g, our_schemas n JOIN pg_proc p ON p.pronamespace = n.oid
WHERE has_function_privilege(g.name, p.oid, 'EXECUTE') AND __OURS_P__
UNION ALL
SELECT g.name, 'schema ' || n.nspname, p
FROM grantee g, our_schemas n, unnest(ARRAY['USAGE', 'CREATE']) p
WHERE has_schema_privilege(g.name, n.oid, p)
""".replace("__OURS_C__", ours("pg_class", "c.oid")).replace("__OURS_P__", ours("pg_proc", "p.oid"))


def api_privileges(conn: Connection) -> set[tuple[str, str, str]]:
    """(grantee, object, privilege) from :data:`API_PRIVILEGES`."""
    return {tuple(row) for row in conn.execute(text(API_PRIVILEGES)).all()}


INDEX_NAME = re.compile(r"^(CREATE (?:UNIQUE )?INDEX) \S+ ON ")


def read_indexes(conn: Connection, schema: str) -> dict[str, dict[str, Any]]:
    """Indexes keyed by their definition with the index name taken out."""
    section = {}
    for row in conn.execute(text(QUERIES["indexes"]), {"schema": schema}).mappings():
        definition = INDEX_NAME.sub(r"\1 ON ", row["definition"])
        section[definition] = {"valid": row["valid"]}
    return section


def read_section(conn: Connection, name: str, schema: str) -> dict[str, dict[str, Any]]:
    if name == "indexes":
        return read_indexes(conn, schema)
    rows = conn.execute(text(QUERIES[name]), {"schema": schema}).mappings()
    return {row["key"]: {k: v for k, v in row.items() if k != "key"} for row in rows}


def snapshot(conn: Connection, schema: str = "public") -> Snapshot:
    """Every section of ``schema`` as plain data."""
    return {name: read_section(conn, name, schema) for name in QUERIES}


def without_alembic_version(snap: Snapshot) -> Snapshot:
    """alembic's own bookkeeping table is not part of the schema."""
    return {section: {k: v for k, v in objects.items() if "alembic_version" not in k}
            for section, objects in snap.items()}
