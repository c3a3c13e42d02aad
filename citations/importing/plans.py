"""The import plan: for every entry of a file, what importing it does, before anything is
written. An entry is **new** (with the citekey it will get), a **duplicate** (of which
stored reference or earlier entry, and why) or **invalid** (what is wrong); each carries
the line it starts on. `planner.plan` builds a plan, `applying.apply` writes it.
"""

from dataclasses import dataclass, field

from citations.text.records import Name

NEW, DUPLICATE, INVALID = "new", "duplicate", "invalid"
STATUSES = (NEW, DUPLICATE, INVALID)
# What applying a plan does with a duplicate of a stored reference.
SKIP, UPDATE, FAIL = "skip", "update", "fail"
ON_DUPLICATE_CHOICES = (SKIP, UPDATE, FAIL)
# Entries planned, values looked up and rows written per step: a few queries per batch.
BATCH = 1000


@dataclass(slots=True)
class PlanItem:
    """What importing one entry would do (slots: a plan may hold 100,000 of them)."""

    line: int
    key: str
    status: str
    messages: tuple[str, ...] = ()
    citekey: str = ""
    values: dict | None = None
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    duplicate_of: int | None = None
    duplicate_citekey: str = ""
    reason: str = ""

    def mark_duplicate(self, pk: int | None, citekey: str, reason: str) -> None:
        """A duplicate of stored reference `pk` (None: of an earlier entry of the file)."""
        self.status, self.duplicate_of = DUPLICATE, pk
        self.duplicate_citekey, self.reason = citekey, reason


@dataclass
class ImportPlan:
    items: list[PlanItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def with_status(self, status: str) -> list[PlanItem]:
        return [item for item in self.items if item.status == status]

    def updates(self, on_duplicate: str) -> list[PlanItem]:
        """The duplicates of a stored reference, which `on_duplicate=update` writes over it
        (a duplicate within the file has no stored reference to update)."""
        if on_duplicate != UPDATE:
            return []
        return [item for item in self.with_status(DUPLICATE) if item.duplicate_of]

    @property
    def counts(self) -> dict[str, int]:
        counts = {NEW: 0, DUPLICATE: 0, INVALID: 0}
        for item in self.items:
            counts[item.status] += 1
        return counts
