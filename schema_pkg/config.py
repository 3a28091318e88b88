"""Alembic configuration built in code, for a checkout and for an installed wheel alike.

The wheel carries ``versions/`` and ``sql/`` inside the package
(``schema_pkg/versions``, ``schema_pkg/sql``); a checkout has them at the top
level.  The packaged copy wins when present.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from schema_pkg.settings import Target

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent

# The last revision that creates documented objects; everything after it is ours
# (docs/additions.md).  `adopt` stamps this revision.
BASELINE_REVISION = "0005"


def resource_dir(name: str) -> Path:
    """``versions`` or ``sql``: the packaged copy if installed, else the checkout's."""
    for candidate in (PACKAGE_DIR / name, CHECKOUT_DIR / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"schema_pkg is missing its {name}/ directory")


def checkout_versions() -> Path:
    """versions/ of a checkout, for the commands that write there (revision, manifest); an
    installed wheel's packaged copy is never written to."""
    if resource_dir("versions") != CHECKOUT_DIR / "versions":
        raise FileNotFoundError("this command writes versions/ of a checkout of schema_pkg; the installed "
                                "package's own copy is never changed")
    return CHECKOUT_DIR / "versions"


def make_config(
    target: Target | None = None,
    *,
    command: str | None = None,
    quiet: bool = False,
    stdout=None,
) -> Config:
    """An alembic Config for schema_pkg's env and revisions (no ini file, no URL text)."""
    config = Config(stdout=stdout or sys.stdout)
    config.set_main_option("script_location", str(PACKAGE_DIR / "migrations").replace("%", "%%"))
    config.set_main_option("version_locations", str(resource_dir("versions")).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if target is not None:
        config.attributes["target"] = target
    if command is not None:
        config.attributes["command"] = command
    config.attributes["quiet"] = quiet
    return config


@lru_cache(maxsize=1)
def script_directory() -> ScriptDirectory:
    """The packaged revisions, loaded once per process (the files never change under a run)."""
    return ScriptDirectory.from_config(make_config())


def revisions_in_order() -> list:
    """Every revision from base to head."""
    return list(reversed(list(script_directory().walk_revisions("base", "heads"))))
