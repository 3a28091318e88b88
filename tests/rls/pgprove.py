"""Run pg_prove, the pgTAP runner `supabase test db` uses, over exported files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL

from schema_pkg.settings import libpq_url

TESTS = re.compile(r"Files=\d+, Tests=(\d+)")


@dataclass(frozen=True)
class Proof:
    passed: bool
    tests: int  # assertions pg_prove counted
    output: str


def missing(url: URL) -> str | None:
    """Why pg_prove cannot run against this server (None when it can): the reason a test
    skips.  CI installs both (.ci/run, .ci/matrix)."""
    if shutil.which("pg_prove") is None:
        return "pg_prove is not installed (Debian: libtap-parser-sourcehandler-pgtap-perl)"
    with psycopg.connect(libpq_url(url)) as conn:
        available = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pgtap'").fetchone()
        version = conn.execute("SHOW server_version").fetchone()[0]
    if available is None:
        return (f"pgTAP's control and SQL files are not in PostgreSQL {version}'s extension folder "
                "(Debian: postgresql-15-pgtap; .ci/matrix copies them into 17 and 18)")
    return None


def pg_prove(url: URL, files: list[Path], timeout: float = 300) -> Proof:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGHOST=url.host or "127.0.0.1", PGPORT=str(url.port or 5432),
               PGUSER=url.username or "postgres", PGDATABASE=url.database)
    if url.password:
        env["PGPASSWORD"] = url.password
    if "options" in url.query:  # url_as_role: act as a NOLOGIN role
        env["PGOPTIONS"] = url.query["options"]
    result = subprocess.run(["pg_prove", "--failures", *map(str, files)], env=env, capture_output=True,
                            text=True, timeout=timeout)
    output = result.stdout + result.stderr
    counted = TESTS.search(output)
    return Proof(result.returncode == 0, int(counted.group(1)) if counted else 0, output)
