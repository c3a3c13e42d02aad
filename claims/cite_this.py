"""Cite this: on claim and reference pages, and the text of their reference lists.

A *citation* here is one entry in a CSL style (`citations.citing`): the page shows APA,
Vancouver, Chicago (author-date) and Harvard, plus the style the reader chooses from a short
list or names by id (`?style=` / `?style_id=`); an unknown id is said on the page. A claim
page cites itself as a web page of the ledger; a reference page cites the reference.
Reference lists print each entry in `LIST_STYLE` without its identifiers (the page links them).
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches

from citations import citing
from citations.formats import csl_item
from citations.text.records import BibRecord

LIST_STYLE = "vancouver"
PUBLISHER = "Evidence Ledger"
# The reader's choices besides the featured styles: widely used ones across fields.
READER_CHOICES = (
    "american-chemical-society",
    "american-medical-association",
    "american-political-science-association",
    "american-sociological-association",
    "annual-reviews",
    "apa-6th-edition",
    "bmj",
    "cell",
    "elsevier-harvard",
    "ieee",
    "iso690-author-date-en",
    "modern-language-association",
    "nature",
    "plos",
    "pnas",
    "science",
    "springer-basic-author-date",
    "the-lancet",
)


@dataclass(frozen=True)
class Citation:
    label: str
    style_id: str
    text: str


@dataclass(frozen=True)
class CiteThis:
    entries: list[Citation]
    choices: list[tuple[str, str]]
    asked: str = ""
    chosen: Citation | None = None
    error: str = ""
    style_count: int = field(default_factory=lambda: len(citing.style_ids()))

    @property
    def typed(self) -> str:
        """The id asked for when the list does not hold it (so the text box shows it)."""
        return "" if self.asked in dict(self.choices) else self.asked


def reference_text(record: BibRecord) -> str:
    """A reference list's entry: Vancouver, its DOI and PubMed id left to the page's links."""
    return citing.cached_entry(record, LIST_STYLE, links=False)


def reader_choices() -> list[tuple[str, str]]:
    titles = citing.style_titles()
    return [(style_id, titles[style_id]) for style_id in READER_CHOICES if style_id in titles]


def cite_this(record: BibRecord, asked: str = "") -> CiteThis:
    """The featured styles' entries for `record`, and the one `asked` for (when it is one)."""
    texts = shared_entries(record, list(citing.FEATURED_STYLES))
    entries = [
        Citation(label, style_id, texts[style_id])
        for style_id, label in citing.FEATURED_STYLES.items()
    ]
    asked = asked.strip()[:100]
    chosen, error = None, ""
    if asked:
        try:
            style_id = citing.checked_style(asked)
        except citing.UnknownStyle:
            error = f"No citation style has the id {asked!r}."
        else:
            title = citing.style_titles().get(style_id, style_id)
            chosen = Citation(title, style_id, citing.cached_entry(record, style_id))
    return CiteThis(entries, reader_choices(), asked, chosen, error)


def shared_entries(record: BibRecord, style_ids: list[str]) -> dict[str, str]:
    """The record's entry in each style, from the page cache (`settings.PAGE_CACHE`, shared
    by processes where it is Redis) under a digest of its CSL-JSON, in one round trip; the
    missing ones rendered (citations.citing keeps them per process too) and kept."""
    if settings.LEDGER_PAGE_CACHE_SECONDS <= 0:
        return {style_id: citing.cached_entry(record, style_id) for style_id in style_ids}
    digest = hashlib.sha256(json.dumps(csl_item(record), sort_keys=True).encode()).hexdigest()
    keys = {f"cite:{style_id}:{digest}": style_id for style_id in style_ids}
    store = caches[settings.PAGE_CACHE]
    found = store.get_many(list(keys))
    missing = {
        key: citing.cached_entry(record, style_id)
        for key, style_id in keys.items()
        if key not in found
    }
    if missing:
        store.set_many(missing, settings.LEDGER_PAGE_CACHE_SECONDS)
    return {style_id: found.get(key, missing.get(key, "")) for key, style_id in keys.items()}


def claim_record(claim, url: str) -> BibRecord:
    """A claim page as a web page of the ledger: its statement, address and review year."""
    fields = {"title": claim.statement, "url": url, "organization": PUBLISHER}
    when = claim.reviewed_at or claim.updated
    if when:
        fields["year"] = str(when.year)
    return BibRecord(entry_type="online", key=claim.slug, fields=fields)
