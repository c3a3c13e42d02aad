"""Cite this: on claim and reference pages, and the text of their reference lists.

A *citation* here is one entry in a CSL style (`citations.citing`): the page shows APA,
Vancouver, Chicago (author-date) and Harvard, plus the style the reader chooses from a short
list or names by id (`?style=` / `?style_id=`); an unknown id is said on the page. A claim
page cites itself as a web page of the ledger; a reference page cites the reference.
Reference lists print each entry in `LIST_STYLE` without its identifiers (the page links them).
"""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches

from citations import citing
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


SHARED_ENTRY_SECONDS = 30 * 24 * 3600  # a formatted entry never goes stale: its key is its record


def share_reference_texts(records: list[BibRecord]) -> None:
    """Make `reference_text` of each record cost no formatting in this process
    (`shared_texts`): with Redis, a reference list of 200 entries formats each once for every
    worker and restart, not once per worker life (citeproc-py takes milliseconds an entry)."""
    shared_texts([(record, LIST_STYLE, False) for record in records])


def shared_texts(wanted: list[tuple[BibRecord, str, bool]]) -> list[str]:
    """Each (record, style id, links)'s entry: from this process's memory
    (`citations.citing.cached_entry`), else from the page cache (`settings.PAGE_CACHE`:
    Redis, shared by every process and kept across restarts, when REDIS_URL is set; else this
    process's memory) in one round trip for all, under a digest of all that decides its
    text, else formatted here and kept in both. Not the database cache: its every write
    counts the whole table, and a million references' entries would cull it."""
    keys = [citing.entry_key(record, style_id, links=links) for record, style_id, links in wanted]
    texts = [citing.known_entry(key) for key in keys]
    todo: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        if texts[index] is None:
            todo.setdefault(f"entry:{hashlib.sha256(repr(key).encode()).hexdigest()}", []).append(
                index
            )
    if not todo:
        return texts
    store = caches[settings.PAGE_CACHE]
    found = store.get_many(list(todo))
    formatted = {}
    for shared, indexes in todo.items():
        text = found.get(shared)
        if text is None:
            record, style_id, links = wanted[indexes[0]]
            text = citing.entry(record, style_id, links=links)
            if not isinstance(text, citing.Unformatted):  # the engine failed: not kept
                formatted[shared] = text
        citing.remember_entry(keys[indexes[0]], text)
        for index in indexes:
            texts[index] = text
    if formatted:
        store.set_many(formatted, SHARED_ENTRY_SECONDS)
    return texts


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
    """The record's entry in each style (`shared_texts`)."""
    texts = shared_texts([(record, style_id, True) for style_id in style_ids])
    return dict(zip(style_ids, texts, strict=True))


def claim_record(claim, url: str) -> BibRecord:
    """A claim page as a web page of the ledger: its statement, address and review year."""
    fields = {"title": claim.statement, "url": url, "organization": PUBLISHER}
    when = claim.reviewed_at or claim.updated
    if when:
        fields["year"] = str(when.year)
    return BibRecord(entry_type="online", key=claim.slug, fields=fields)
