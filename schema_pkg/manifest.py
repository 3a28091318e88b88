"""The revision manifest, ``versions/manifest.json``: what each revision is, frozen once released.

It plays the part of Atlas's ``atlas.sum``.  For every revision it records the
sha256 checksum of the statements the revision renders, upgrade and
downgrade: the packaged checksums of :mod:`schema_pkg.history`, the very
values each deployment writes into ``schema_pkg.history``, never computed a
second way.  Each revision's entry is a dict, so further facts about a
revision (its expected catalog fingerprint) go into the same entry: one
integrity design, not parallel schemes.

**Released.**  A revision is released when it is in the manifest at or
before ``released_through``.  A release (tagging a version, building the
wheel deployments use) moves the marker to the head: ``schema-pkg manifest
--release``.  Released entries never change: :func:`refreshed` (``make
regen``) rewrites only the entries of unreleased revisions, and
:func:`changed_since_release` names every released revision whose statements
now differ from the recorded ones (``tests/test_manifest.py`` fails on it).
So a maintainer may keep editing a new revision until it is released.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schema_pkg.config import resource_dir, revisions_in_order
from schema_pkg.generated import write_if_changed

FILE_NAME = "manifest.json"
DIRECTIONS = ("upgrade", "downgrade")
FORMAT = 1


def path() -> Path:
    """versions/manifest.json of the checkout, or the copy packaged in the wheel."""
    return resource_dir("versions") / FILE_NAME


def empty() -> dict[str, Any]:
    return {"format": FORMAT, "released_through": None, "revisions": {}}


def load(source: Path | None = None) -> dict[str, Any]:
    """The committed manifest (an empty one when there is none yet)."""
    source = source or path()
    if not source.is_file():
        return empty()
    return json.loads(source.read_text())


def compute() -> dict[str, dict[str, Any]]:
    """Every revision's entry as the revisions are now, base to head."""
    from schema_pkg.history import packaged_checksum

    return {script.revision: {"checksum": {d: packaged_checksum(script.revision, d) for d in DIRECTIONS}}
            for script in revisions_in_order()}


def released(manifest: dict[str, Any]) -> list[str]:
    """The released revisions: those of the manifest up to ``released_through``, in order."""
    marker = manifest.get("released_through")
    order = list(manifest.get("revisions", {}))
    if marker is None:
        return []
    if marker not in order:
        raise ValueError(f"{FILE_NAME}: released_through {marker!r} is not a revision of the manifest")
    return order[: order.index(marker) + 1]


def refreshed(manifest: dict[str, Any], current: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The manifest with every unreleased entry brought up to date and every released
    entry left exactly as it was (even when the revision changed: the test says so)."""
    frozen = released(manifest)
    revisions = {rev: manifest["revisions"][rev] for rev in frozen}
    for rev, entry in current.items():
        if rev not in revisions:
            revisions[rev] = {**manifest.get("revisions", {}).get(rev, {}), **entry}
    return {**manifest, "format": FORMAT, "revisions": revisions}


def with_release(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with every revision it holds released (the marker moved to its last)."""
    order = list(manifest["revisions"])
    return {**manifest, "released_through": order[-1] if order else None}


def changed_since_release(manifest: dict[str, Any], current: dict[str, dict[str, Any]]) -> list[str]:
    """One line per released revision that is missing or whose statements changed."""
    problems = []
    for rev in released(manifest):
        if rev not in current:
            problems.append(f"released revision {rev} is gone from versions/")
            continue
        recorded, now = manifest["revisions"][rev]["checksum"], current[rev]["checksum"]
        for direction in DIRECTIONS:
            if recorded.get(direction) != now[direction]:
                problems.append(f"released revision {rev} changed: its {direction} statements are not "
                                f"the released ones (sha256 {recorded.get(direction, '?')[:12]} released, "
                                f"{now[direction][:12]} now)")
    return problems


def render(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=2) + "\n"


def write(manifest: dict[str, Any], target: Path | None = None) -> bool:
    """Write the manifest; True when the file changed."""
    return write_if_changed(target or path(), render(manifest))
