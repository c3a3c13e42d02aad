"""What an adapter found: a record with what the record alone cannot say.

`Found.record` is a plain `BibRecord`; `orcids` gives each author's ORCID ("" when none) in
author order, so people can be matched by ORCID before name; `updates` are the editorial
notices the service knows of (retraction, expression of concern, correction); `notice_of`
says the record is itself such a notice, and of which works (Crossref's `update-to`, PubMed's
"Retraction of Publication"); `score` is a search service's relevance score, when the record
came from a search.

The retraction states are the values of `citations.models.Retraction`; the most serious
notice wins: retracted, then expression of concern, then corrected.
"""

import datetime
from dataclasses import dataclass

from citations.text.records import BibRecord

NONE, CORRECTED, EXPRESSION_OF_CONCERN, RETRACTED = (
    "none",
    "corrected",
    "expression_of_concern",
    "retracted",
)
SEVERITY = (NONE, CORRECTED, EXPRESSION_OF_CONCERN, RETRACTED)
# A service's update type (lower case, "-" and " " as "_") -> retraction state; other
# types (new_version, addendum, clarification, ...) change nothing a reader must know.
UPDATE_STATES = {
    "retraction": RETRACTED,
    "partial_retraction": RETRACTED,
    "withdrawal": RETRACTED,
    "removal": RETRACTED,
    "retracted_publication": RETRACTED,
    "expression_of_concern": EXPRESSION_OF_CONCERN,
    "correction": CORRECTED,
    "erratum": CORRECTED,
    "corrigendum": CORRECTED,
}


@dataclass(frozen=True)
class Update:
    """One editorial notice about a work: its state, the notice (DOI or URL), its date."""

    state: str
    notice: str = ""
    date: datetime.date | None = None
    source: str = ""


@dataclass(frozen=True)
class NoticeOf:
    """The record is a notice (`state`: a retraction, ...) about `work` (its DOI or URL)."""

    state: str
    work: str
    date: datetime.date | None = None


@dataclass
class Found:
    record: BibRecord
    source: str
    orcids: tuple[str, ...] = ()
    updates: tuple[Update, ...] = ()
    score: float | None = None
    notice_of: tuple[NoticeOf, ...] = ()

    @property
    def title(self) -> str:
        return self.record.fields.get("title", "")


def update_state(kind: str) -> str | None:
    return UPDATE_STATES.get(kind.strip().lower().replace("-", "_").replace(" ", "_"))


def strongest(updates) -> Update | None:
    """The most serious update, the latest of equals; None when there is none."""
    ranked = sorted(
        updates, key=lambda u: (SEVERITY.index(u.state), u.date or datetime.date.min), reverse=True
    )
    return ranked[0] if ranked else None


def date_from_parts(value) -> datetime.date | None:
    """A CSL/Crossref date `{"date-parts": [[2010, 2, 6]]}` as a date (missing parts: 1)."""
    try:
        parts = [int(p) for p in (value or {}).get("date-parts", [[]])[0] if p is not None]
    except (TypeError, ValueError, IndexError, AttributeError):
        return None
    if not parts:
        return None
    try:
        return datetime.date(*(parts + [1, 1])[:3])
    except ValueError:
        return None


@dataclass(frozen=True)
class Article:
    """A search hit as the curator inbox shows it (PubMed or Crossref)."""

    title: str
    pmid: str = ""
    doi: str = ""
    abstract: str = ""
    journal: str = ""
    year: str = ""
    publication_types: tuple[str, ...] = ()
