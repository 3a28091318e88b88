"""An extension installed in our schemas (pgTAP in public, ~1,000 functions) is never taken for ours."""

from __future__ import annotations

import psycopg

from schema_pkg.advisor import advise
from schema_pkg.catalog import snapshot
from schema_pkg.db import connection
from schema_pkg.settings import libpq_url
from tests.clirun import schema_pkg, url_text
from tests.rls.mutants import helper_functions


def catalog_views(url):
    with connection(url) as conn:
        return ({schema: snapshot(conn, schema) for schema in ("public", "private")},
                sorted(str(f) for f in advise(conn)))


def test_pgtap_in_public_is_left_out_of_snapshots_advise_mutants_and_verify(pgtap_server, head_url):
    before = catalog_views(head_url)
    with psycopg.connect(libpq_url(head_url), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION pgtap WITH SCHEMA public")
        members = conn.execute("SELECT count(*) FROM pg_depend WHERE deptype = 'e' AND refobjid = "
                               "(SELECT oid FROM pg_extension WHERE extname = 'pgtap')").fetchone()[0]
        assert members > 500
        assert not [f.name for f in helper_functions(conn) if f.name.startswith("public.") and
                    f.name.split(".")[1] in ("plan", "ok", "throws_ok", "results_eq")]
    assert catalog_views(head_url) == before
    result = schema_pkg("--url", url_text(head_url), "verify")
    assert result.returncode == 0, result.stdout + result.stderr
