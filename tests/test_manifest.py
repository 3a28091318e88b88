"""Released revisions are frozen: versions/manifest.json records each revision's checksums
(schema_pkg.manifest), and a released revision that changes fails here, by name."""

from __future__ import annotations

import pytest

from schema_pkg import manifest
from schema_pkg.config import revisions_in_order
from schema_pkg.history import packaged_checksum

pytestmark = pytest.mark.same_on_every_version  # no server: checksums of the rendered revisions

FIX_FORWARD = ("released revisions are frozen (versions/manifest.json, released_through): undo the "
               "edit and fix forward in a new revision (`make revision MSG=\"...\"`)")


@pytest.fixture(scope="module")
def current():
    return manifest.compute()


def test_no_released_revision_changed(current):
    problems = manifest.changed_since_release(manifest.load(), current)
    assert not problems, "\n".join([*problems, FIX_FORWARD])


def test_the_manifest_is_current_for_every_unreleased_revision(current):
    committed = manifest.load()
    assert manifest.refreshed(committed, current) == committed, (
        "versions/manifest.json is stale: run `make regen` and commit it")


def test_the_manifest_lists_every_revision_in_order(current):
    assert list(manifest.load()["revisions"]) == [script.revision for script in revisions_in_order()]


def test_the_recorded_checksums_are_the_ones_deployments_record():
    for revision, entry in manifest.load()["revisions"].items():
        for direction in manifest.DIRECTIONS:
            assert entry["checksum"][direction] == packaged_checksum(revision, direction), revision


def entry(upgrade: str, **more) -> dict:
    return {"checksum": {"upgrade": upgrade, "downgrade": upgrade + "-down"}, **more}


RELEASED_THROUGH_0002 = {"format": 1, "released_through": "0002",
                         "revisions": {"0001": entry("a"), "0002": entry("b"), "0003": entry("c")}}


def test_a_changed_released_revision_is_named_and_an_unreleased_one_is_not():
    now = {"0001": entry("a"), "0002": {"checksum": {"upgrade": "B", "downgrade": "b-down"}},
           "0003": entry("C")}
    [problem] = manifest.changed_since_release(RELEASED_THROUGH_0002, now)
    assert problem.startswith("released revision 0002 changed: its upgrade statements")


def test_a_removed_released_revision_is_named():
    assert manifest.changed_since_release(RELEASED_THROUGH_0002, {"0001": entry("a")}) == [
        "released revision 0002 is gone from versions/"]


def test_refresh_rewrites_unreleased_entries_only_and_keeps_their_other_keys():
    with_fingerprint = {**RELEASED_THROUGH_0002, "revisions": {
        **RELEASED_THROUGH_0002["revisions"], "0003": entry("c", fingerprint="f3")}}
    now = {"0001": entry("a"), "0002": entry("B"), "0003": entry("C"), "0004": entry("d")}
    refreshed = manifest.refreshed(with_fingerprint, now)["revisions"]
    assert refreshed["0002"] == entry("b"), "a released entry never changes, even when the revision did"
    assert refreshed["0003"] == entry("C", fingerprint="f3")
    assert list(refreshed) == ["0001", "0002", "0003", "0004"]


def test_a_revision_removed_before_release_leaves_the_manifest():
    now = {"0001": entry("a"), "0002": entry("b")}
    assert list(manifest.refreshed(RELEASED_THROUGH_0002, now)["revisions"]) == ["0001", "0002"]


def test_a_release_moves_the_marker_to_the_last_revision():
    released = manifest.with_release(RELEASED_THROUGH_0002)
    assert manifest.released(released) == ["0001", "0002", "0003"]


def test_a_marker_naming_no_revision_is_an_error():
    with pytest.raises(ValueError, match="released_through '0042' is not a revision"):
        manifest.released({**RELEASED_THROUGH_0002, "released_through": "0042"})


def test_fingerprints_live_in_the_manifest_per_format_and_a_released_one_is_never_rewritten():
    from schema_pkg import fingerprint

    now, older = str(fingerprint.FORMAT), str(fingerprint.FORMAT - 1)
    entry = {"checksum": {"upgrade": "u", "downgrade": "d"}}
    current = {"format": manifest.FORMAT, "released_through": "0002",
               "revisions": {"0001": {**entry, "fingerprints": {now: {"upgrade": {"table t": "old"}}}},
                             "0002": {**entry, "fingerprint": {"upgrade": {"table u": "v1"}}},
                             "0003": dict(entry),
                             "0004": {**entry, "fingerprints": {older: {"upgrade": {}}}}}}
    maps = {"0001 upgrade": {"table t": "new"}, "0002 upgrade": {"table u": "v2"},
            "0003 upgrade": {"table v": "y"}, "0004 upgrade": {"table w": "z"}}
    written = fingerprint.with_fingerprints(current, maps)["revisions"]
    assert written["0001"]["fingerprints"] == {now: {"upgrade": {"table t": "old"}}}  # released: kept
    # released, written before formats were numbered: keeps format 1, gains the current one
    assert written["0002"]["fingerprint"] == {"upgrade": {"table u": "v1"}}
    assert written["0002"]["fingerprints"] == {now: {"upgrade": {"table u": "v2"}}}
    assert written["0003"]["fingerprints"] == {now: {"upgrade": {"table v": "y"}}}
    assert written["0004"]["fingerprints"] == {now: {"upgrade": {"table w": "z"}}}  # unreleased
    assert written["0003"]["checksum"] == entry["checksum"]


def test_every_revision_in_the_manifest_carries_its_expected_fingerprints(current):
    from schema_pkg import fingerprint

    missing = [f"{rev} {d}" for rev in current for d in manifest.DIRECTIONS
               if fingerprint.expected(rev, d) is None]
    assert not missing, f"no packaged fingerprint for {missing}: run `make regen`"
