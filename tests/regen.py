"""``make regen``: bring every generated file of the checkout up to date, in dependency order.

1. docs/locks.md       locks observed walking the revisions (needs a server; pinned to one version)
2. sql/                the files DBAs run (their headers quote docs/locks.md); stale files removed
3. versions/manifest.json   each step's expected catalog fingerprint (needs a server), then
4. versions/manifest.json   checksums of the unreleased revisions (released entries never change)
5. docs/rls-matrix.md  from tests/rls/expectations.py
6. docs/rls-mutants.md every RLS mutant's verdict (needs a server; pinned to one version)
7. tests/pgtap/        `schema-pkg rls export --pgtap tests/pgtap`, once that command exists
8. README.md figures   the numbers between ``<!-- figure:NAME -->`` markers

The server is found the way ``make test`` finds one (DATABASE_URL, PG*, the
local default server, local binaries, Docker); nothing but scratch databases
is touched.  The version-pinned reports are left alone on another PostgreSQL
version, with a line saying so.  Any failure is one line and exit 1, and
nothing after it runs.  With CI set, a run that changed a file exits 1 (the
committed files were stale).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from schema_pkg import fingerprint, generated, lockreport, manifest
from schema_pkg.config import CHECKOUT_DIR
from schema_pkg.scratch import ScratchDatabases, standalone_scratch
from schema_pkg.settings import libpq_url
from schema_pkg.sqlrender import render_all

SQL_DIR = CHECKOUT_DIR / "sql"
PGTAP_DIR = CHECKOUT_DIR / "tests" / "pgtap"
README = CHECKOUT_DIR / "README.md"
STEPS = ("lock-report", "fingerprints", "sql", "manifest", "rls-report", "mutants", "pgtap", "readme")
FIGURE = re.compile(r"(<!-- figure:(?P<name>[\w-]+) -->)(?P<text>.*?)(<!-- /figure -->)", re.S)


def texts(folder: Path, pattern: str) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.glob(pattern))}


def regen_sql(scratch: ScratchDatabases) -> tuple[str, bool]:
    before = texts(SQL_DIR, "*.sql")
    written = {path.name for path in render_all(SQL_DIR)}
    for name in set(before) - written:
        (SQL_DIR / name).unlink()
    after = texts(SQL_DIR, "*.sql")
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    return (f"sql/: {len(changed)} file(s) changed{': ' + ', '.join(changed) if changed else ''}",
            bool(changed))


def regen_manifest(scratch: ScratchDatabases) -> tuple[str, bool]:
    updated = manifest.refreshed(manifest.load(), manifest.compute())
    changed = manifest.write(updated)
    unreleased = [rev for rev in updated["revisions"] if rev not in manifest.released(updated)]
    return (f"{manifest.FILE_NAME}: {'rewritten' if changed else 'unchanged'} (released through "
            f"{updated['released_through']}; unreleased: {', '.join(unreleased) or 'none'})", changed)


def regen_rls_report(scratch: ScratchDatabases) -> tuple[str, bool]:
    from tests.rls import report

    changed = generated.write_if_changed(report.REPORT, report.render())
    return f"{report.REPORT.name}: {'rewritten' if changed else 'unchanged'}", changed


def regen_lock_report(scratch: ScratchDatabases) -> tuple[str, bool]:
    return lockreport.regenerate(scratch.server_url)


def regen_mutants(scratch: ScratchDatabases) -> tuple[str, bool]:
    from tests.rls import mutation

    message, changed, ok = mutation.regenerate(scratch)
    if not ok:
        raise RuntimeError(f"{message}; a mutant survived or is invalid (listed above): add the "
                           "expectation row that kills it, or fix the policy")
    return message, changed


def pgtap_export_exists() -> bool:
    from schema_pkg.cli import build_parser

    commands = next(action for action in build_parser()._actions if action.dest == "command")
    return "rls" in commands.choices


def regen_pgtap(scratch: ScratchDatabases) -> tuple[str, bool]:
    if not pgtap_export_exists():
        return "tests/pgtap/: skipped (no `schema-pkg rls export` in this checkout yet)", False
    before = texts(PGTAP_DIR, "*.sql")
    env = {**os.environ, "DATABASE_URL": libpq_url(scratch.server_url)}
    result = subprocess.run([sys.executable, "-m", "schema_pkg", "rls", "export", "--pgtap", str(PGTAP_DIR)],
                            env=env, capture_output=True, text=True, cwd=CHECKOUT_DIR, timeout=600)
    if result.returncode != 0:
        raise RuntimeError((result.stderr.strip().splitlines() or ["schema-pkg rls export failed"])[-1])
    changed = texts(PGTAP_DIR, "*.sql") != before
    return f"tests/pgtap/: {'rewritten' if changed else 'unchanged'}", changed


def figures() -> dict[str, str]:
    """The README's generated numbers, from the files they summarize."""
    from tests.rls.cases import cases
    from tests.rls.mutation import REPORT

    score = re.search(r"^\*\*Score: (.*)\.\*\*$", REPORT.read_text(), re.M).group(1)
    return {"rls-cases": f"{len(list(cases())):,} cases", "rls-mutants-score": score}


def with_figures(readme: str, values: dict[str, str]) -> str:
    """README text with every figure marker's text replaced by its current value."""
    def replace(match: re.Match) -> str:
        name = match["name"]
        if name not in values:
            raise KeyError(f"README.md has a figure named {name!r} that regen does not know")
        return match.group(1) + values[name] + match.group(4)

    return FIGURE.sub(replace, readme)


def regen_readme(scratch: ScratchDatabases) -> tuple[str, bool]:
    changed = generated.write_if_changed(README, with_figures(README.read_text(), figures()))
    return f"README.md figures: {'rewritten' if changed else 'unchanged'}", changed


GENERATORS: dict[str, Callable[[ScratchDatabases], tuple[str, bool]]] = {
    "lock-report": regen_lock_report, "sql": regen_sql, "fingerprints": fingerprint.regenerate,
    "manifest": regen_manifest,
    "rls-report": regen_rls_report, "mutants": regen_mutants, "pgtap": regen_pgtap,
    "readme": regen_readme,
}


def run(skip: set[str]) -> int:
    changed_any = False
    with standalone_scratch() as scratch:
        for name in STEPS:
            if name in skip:
                print(f"regen: {name}: skipped (--skip)")
                continue
            started = time.perf_counter()
            message, changed = GENERATORS[name](scratch)
            changed_any |= changed
            print(f"regen: {message} ({time.perf_counter() - started:.1f} s)", flush=True)
    if changed_any and os.environ.get("CI"):
        print("regen: generated files changed (CI is set): the committed ones were stale; commit them",
              file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bring every generated file up to date")
    parser.add_argument("--skip", default="", help=f"comma-separated steps to leave out: {', '.join(STEPS)}")
    args = parser.parse_args(argv)
    skip = {name for name in args.skip.split(",") if name}
    if skip - set(STEPS):
        print(f"regen: error: unknown step(s) {', '.join(sorted(skip - set(STEPS)))}; "
              f"steps are {', '.join(STEPS)}", file=sys.stderr)
        return 2
    return generated.one_line_errors("regen", lambda: run(skip))


if __name__ == "__main__":
    raise SystemExit(main())
