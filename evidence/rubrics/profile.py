"""What a rubric returns: a `Grade`, and for grade-2 a GRADE evidence `Profile` of it.

Pure data, shared by every rubric and by the reader pages. A profile has one `DomainRow` per
GRADE domain, in `DOMAINS` order:

- `domain`: one of `DOMAINS`;
- `change`: for the "start" row, the start level (1 very low .. 4 high); for every other row
  the levels it moved the grade (0, -1, -2, +1, +2);
- `judgement`: plain words ("Starts high", "Not serious", "Serious", "Very serious",
  "Up 1: large effect", "None");
- `studies`: labels of the studies behind the judgement ("Prior 1990");
- `footnote`: one plain sentence for a lay reader.

and three lists of sentences: which items were joined into one study and why
(`counted_once`), what was not counted and why (`not_counted`), and counted studies outside
the deciding set that point the other way (`other_way`).
"""

from __future__ import annotations

from dataclasses import dataclass

DOMAINS = (
    "start",
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication_bias",
    "rating_up",
)
DOMAIN_TITLES = {
    "start": "Starting level",
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
    "rating_up": "Rating up",
}


@dataclass(frozen=True)
class DomainRow:
    domain: str
    change: int
    judgement: str
    studies: tuple[str, ...]
    footnote: str

    @property
    def title(self) -> str:
        return DOMAIN_TITLES[self.domain]


@dataclass(frozen=True)
class Profile:
    rows: tuple[DomainRow, ...]
    counted_once: tuple[str, ...] = ()
    not_counted: tuple[str, ...] = ()
    other_way: tuple[str, ...] = ()

    def row(self, domain: str) -> DomainRow | None:
        return next((row for row in self.rows if row.domain == domain), None)


@dataclass(frozen=True)
class Grade:
    """A claim's grade: `level` (high, moderate, low, very_low, insufficient, not_graded),
    `direction` (supported, contradicted, contested, none), plain `reasons`, the `rubric`
    that computed it and, from grade-2 on, its evidence `profile` (None for grade-1)."""

    level: str
    direction: str
    reasons: tuple[str, ...]
    rubric: str = "grade-1"
    profile: Profile | None = None
