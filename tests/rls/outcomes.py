"""What a case may end in, expected or observed.

* ``sees(...)``: a SELECT returns exactly these labelled rows (``sees()`` is filtered);
* ``changes(n)``: an INSERT/UPDATE/DELETE affects n rows;
* ``FILTERED``: no error, 0 rows (RLS hid the rows);
* ``RLS_DENIED``: 42501 "new row violates row-level security policy": the new row fails
  a WITH CHECK (or the SELECT policy, for RETURNING);
* ``RLS_EXISTING_ROW_DENIED``: 42501 "new row violates row-level security policy (USING
  expression)": an upsert whose conflicting, existing row the caller may not update;
* ``NO_GRANT``: 42501 "permission denied for table": a missing privilege, not a policy;
* ``fails(sqlstate, message)``: any other error, with its first line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    kind: str  # "sees", "changes", "filtered", "rejected", "error"
    rows: frozenset[str] | int | None = None
    reason: str | None = None  # for "rejected": "rls" or "grant"; for "error": the SQLSTATE

    @property
    def allowed(self) -> bool:
        return self.kind in ("sees", "changes")

    def describe(self) -> str:
        if self.kind == "sees":
            return "sees " + ", ".join(sorted(self.rows))
        if self.kind == "changes":
            return f"changes {self.rows}"
        if self.kind == "filtered":
            return "filtered (0 rows)"
        if self.kind == "rejected":
            return REJECTIONS[self.reason]
        return f"error {self.reason}: {self.rows}"


REJECTIONS = {
    "rls": "rejected: RLS policy (42501)",
    "rls-existing-row": "rejected: RLS policy on the existing row (42501, USING expression)",
    "grant": "rejected: no privilege (42501)",
}

FILTERED = Outcome("filtered")
RLS_DENIED = Outcome("rejected", reason="rls")
RLS_EXISTING_ROW_DENIED = Outcome("rejected", reason="rls-existing-row")
NO_GRANT = Outcome("rejected", reason="grant")


def sees(*labels: str) -> Outcome:
    return Outcome("sees", frozenset(labels)) if labels else FILTERED


def changes(n: int) -> Outcome:
    return Outcome("changes", n) if n else FILTERED


def fails(sqlstate: str, message: str) -> Outcome:
    return Outcome("error", message, sqlstate)
