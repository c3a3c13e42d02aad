"""Match a citation as a source printed it ("as cited") to candidate records.

Candidates come first from identifiers (printed in the citation, or stored on the
reference), then from a bibliographic search (Crossref's relevance `score`). Each is
compared with the printed citation field by field (citations/text/compare.py).

**The auto-accept rule** (`verify_references` accepts on its own only then):
1. *An identifier agrees*: the candidate was fetched by a DOI, PMID or PMCID printed in the
   citation or stored on the reference, and its title is closely similar; or
2. *One candidate is clearly ahead*: the best search score is at least `CLEAR_LEAD` (1.5)
   times the second's (or it is the only candidate), and its title is closely similar
   (at least `TITLE_SIMILAR` = 90% of its title's words appear in the citation), and its
   first author's family name is the first name of the citation (accents and case ignored).
Anything else is listed for a curator. "Not found" is never decided automatically.

**Verified or discrepancy**: an accepted record whose first author, title, container or year
does not appear in the printed citation makes the reference a `discrepancy`; volume, issue
and pages that the citation does not print are named in the note but are no error by
themselves (many citation styles leave them out).
"""

import re
from dataclasses import dataclass, field

from citations.citekeys import STOP_WORDS, ascii_fold
from citations.sources.results import Found
from citations.text.compare import CHECKED_FIELDS, DIFFERS, NOT_GIVEN, field_status, normalised
from citations.text.records import BibRecord

CLEAR_LEAD = 1.5
TITLE_SIMILAR = 0.9
SERIOUS_FIELDS = {"author", "title", "journal", "booktitle", "year"}
COMPARED = (
    ("author", "First author"),
    ("title", "Title"),
    ("journal", "Journal"),
    ("booktitle", "Book"),
    ("year", "Year"),
    ("volume", "Volume"),
    ("number", "Issue"),
    ("pages", "Pages"),
)
VERIFIED, DISCREPANCY = "verified", "discrepancy"
BY_IDENTIFIER = "identifier"
BY_SEARCH = "search"
NOTE_START = "Checked against "
NAME_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


@dataclass(frozen=True)
class FieldRow:
    """One field of a candidate beside the printed citation: is its value printed there?"""

    name: str
    label: str
    value: str
    printed: bool


@dataclass
class Candidate:
    found: Found
    via: str  # BY_IDENTIFIER or BY_SEARCH
    title_similarity: float
    same_first_author: bool
    differences: list[str] = field(default_factory=list)  # printed differently
    not_given: list[str] = field(default_factory=list)  # left out of the citation
    rows: list[FieldRow] = field(default_factory=list)

    @property
    def record(self) -> BibRecord:
        return self.found.record

    @property
    def score(self) -> float | None:
        return self.found.score

    @property
    def outcome(self) -> str:
        """What accepting it makes the reference: verified, or discrepancy."""
        return DISCREPANCY if SERIOUS_FIELDS & set(self.differences) else VERIFIED


def words(text: str) -> set[str]:
    return {ascii_fold(w) for w in normalised(text).split() if w not in STOP_WORDS} - {""}


def title_similarity(title: str, cited: str) -> float:
    """The share of the title's significant words that the citation prints (0 to 1)."""
    title_words = words(title)
    return len(title_words & words(cited)) / len(title_words) if title_words else 0.0


def cited_first_family(cited: str) -> str:
    """The first name word of a citation ("Seifert, M. et al. ..." -> "seifert")."""
    match = NAME_WORD.search(cited)
    return ascii_fold(match.group(0)) if match else ""


def first_family(record: BibRecord) -> str:
    return ascii_fold(record.authors[0].family) if record.authors else ""


def field_rows(cited: str, record: BibRecord, differences: list[str]) -> list[FieldRow]:
    rows = []
    for name, label in COMPARED:
        if name == "author":
            value = str(record.authors[0].family) if record.authors else ""
        else:
            value = record.fields.get(name, "")
        if value:
            rows.append(FieldRow(name, label, value, printed=name not in differences))
    return rows


def candidate(cited: str, found: Found, via: str) -> Candidate:
    status = field_status(cited, found.record)
    order = ("author", *CHECKED_FIELDS)
    differences = [name for name in order if status.get(name) == DIFFERS]
    not_given = [name for name in order if status.get(name) == NOT_GIVEN]
    family = first_family(found.record)
    return Candidate(
        found=found,
        via=via,
        title_similarity=title_similarity(found.title, cited),
        same_first_author=bool(family) and family == cited_first_family(cited),
        differences=differences,
        not_given=not_given,
        rows=field_rows(cited, found.record, differences + not_given),
    )


def ranked(candidates: list[Candidate]) -> list[Candidate]:
    """Identifier matches first, then by search score, then by title similarity; one per DOI."""
    ordered = sorted(
        candidates,
        key=lambda c: (c.via == BY_IDENTIFIER, c.score or 0.0, c.title_similarity),
        reverse=True,
    )
    seen, unique = set(), []
    for item in ordered:
        key = item.record.fields.get("doi") or id(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def clear_choice(candidates: list[Candidate]) -> Candidate | None:
    """The candidate the auto-accept rule (module docstring) accepts, else None."""
    if not candidates:
        return None
    best = candidates[0]
    similar = best.title_similarity >= TITLE_SIMILAR
    if best.via == BY_IDENTIFIER:
        return best if similar else None
    searched = [c for c in candidates if c.via == BY_SEARCH]
    second = searched[1].score if len(searched) > 1 else None
    ahead = second is None or (best.score or 0.0) >= CLEAR_LEAD * (second or 0.0)
    return best if ahead and similar and best.same_first_author else None


def verification_note(candidate_: Candidate, *, when: str) -> str:
    """The note an accepted candidate leaves: the source and what the citation got wrong."""
    found = candidate_.found
    ident = found.record.fields.get("doi") or found.record.fields.get("pmid") or "no identifier"
    score = f", score {found.score:g}" if found.score is not None else ""
    note = f"{NOTE_START}{found.source} ({ident}{score}) on {when}."
    if candidate_.differences:
        note += " The citation as printed differs in: " + ", ".join(candidate_.differences) + "."
    if candidate_.not_given:
        note += " Not printed in the citation: " + ", ".join(candidate_.not_given) + "."
    return note
