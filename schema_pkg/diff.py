"""Compare two catalog snapshots and describe each difference in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from schema_pkg.catalog import INFORMATIONAL_SECTIONS, Snapshot

MISSING = object()


@dataclass(frozen=True)
class Difference:
    """One object (or one attribute of it) that differs between two snapshots."""

    section: str
    key: str
    attribute: str | None
    left: Any
    right: Any
    left_name: str = "expected"
    right_name: str = "actual"

    @property
    def informational(self) -> bool:
        return self.section in INFORMATIONAL_SECTIONS

    def __str__(self) -> str:
        where = f"{self.section} {self.key}"
        if self.attribute is None:
            present = self.left_name if self.right is MISSING else self.right_name
            return f"{where}: only in {present}"
        return (
            f"{where}: {self.attribute} differs: "
            f"{self.left_name} {self.left!r}, {self.right_name} {self.right!r}"
        )


def compare(
    left: Snapshot,
    right: Snapshot,
    *,
    sections: Iterable[str] | None = None,
    subset: bool = False,
    ignore: dict[str, set[str]] | None = None,
    left_name: str = "expected",
    right_name: str = "actual",
) -> list[Difference]:
    """Differences between two snapshots.

    ``subset`` checks only objects present on the left (a document lists some
    objects, not all); ``ignore`` names attributes to skip per section.
    """
    ignore = ignore or {}
    names = (left_name, right_name)
    found: list[Difference] = []
    for section in sections or sorted(set(left) | set(right)):
        lhs, rhs = left.get(section, {}), right.get(section, {})
        keys = set(lhs) if subset else set(lhs) | set(rhs)
        for key in sorted(keys):
            if key not in rhs or key not in lhs:
                found.append(Difference(section, key, None, lhs.get(key, MISSING),
                                        rhs.get(key, MISSING), *names))
                continue
            for attribute in sorted(set(lhs[key]) | set(rhs[key])):
                if attribute in ignore.get(section, set()):
                    continue
                a, b = lhs[key].get(attribute), rhs[key].get(attribute)
                if a != b:
                    found.append(Difference(section, key, attribute, a, b, *names))
    return found


def drift(differences: Iterable[Difference]) -> list[Difference]:
    """The differences that count as drift (not grants or owners)."""
    return [d for d in differences if not d.informational]
