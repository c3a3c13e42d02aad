"""A formatted bibliography as an export serves it: streamed where the style allows, sorted
as one bounded list where it does not.

A style whose entries depend on the whole list (`citing.whole_list`: a bibliography sort,
as APA's by author, year and title, or year suffixes) is formatted as one list, read whole
first and at most SORTED_LIMIT references: a list sorted in parts is sorted nowhere. Any
other (a numbered style in citation order: Vancouver, IEEE) streams any number in the order
given, STREAM_CHUNK at a time, holding one chunk in memory. Pure: no database.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from citations.citing import NUMBER_PREFIX, bibliography, is_numbered, whole_list
from citations.text.records import BibRecord

STREAM_CHUNK = 200
SORTED_LIMIT = 1000  # one sorted list: 1,000 APA entries took 24.5 s at load 6 (budget 30 s)


class TooManyToSort(ValueError):
    """A selection too large to format as one sorted list."""

    def __init__(self, style_id: str):
        self.style_id = style_id
        super().__init__(
            f"A formatted bibliography in {style_id!r} is sorted (or year-suffixed) as one "
            f"list, of at most {SORTED_LIMIT:,} references; this selection has more. Narrow "
            "it, or export it as CSL-JSON or BibTeX (?format=csl, ?format=bibtex), which "
            "stream any number."
        )


def stream_bibliography(
    records: Iterable[BibRecord], style_id: str, *, form: str = "text"
) -> Iterator[str]:
    """`bibliography` of a selection, as an export serves it. A style whose entries depend
    on the whole list (`whole_list`: APA's sort and year suffixes) reads all of it first, at
    most SORTED_LIMIT records, else `TooManyToSort` (raised here, before anything is
    written). Any other (a numbered style in citation order) streams any number in the
    order given, STREAM_CHUNK at a time, its numbers running on across chunks ("[201] "
    after "[200] "), holding one chunk in memory."""
    if whole_list(style_id):
        records = list(islice(records, SORTED_LIMIT + 1))
        if len(records) > SORTED_LIMIT:
            raise TooManyToSort(style_id)
        return _later(lambda: bibliography(records, style_id, form=form))
    return _chunked(records, style_id, form)


def _later(entries: Callable[[], list[str]]) -> Iterator[str]:
    """The entries `entries()` gives, formatted when the first is read (as the body streams)."""
    yield from entries()


def _chunked(records: Iterable[BibRecord], style_id: str, form: str) -> Iterator[str]:
    numbered, count, chunk = is_numbered(style_id), 0, []
    for record in records:
        chunk.append(record)
        if len(chunk) == STREAM_CHUNK:
            yield from _numbered_from(bibliography(chunk, style_id, form=form), count, numbered)
            count, chunk = count + len(chunk), []
    if chunk:
        yield from _numbered_from(bibliography(chunk, style_id, form=form), count, numbered)


def _numbered_from(entries: list[str], offset: int, numbered: bool) -> Iterator[str]:
    for entry in entries:
        prefix = NUMBER_PREFIX.match(entry) if numbered and offset else None
        if prefix is None:
            yield entry
            continue
        number = int(re.search(r"\d+", prefix.group()).group()) + offset
        yield re.sub(r"\d+", str(number), prefix.group(), count=1) + entry[prefix.end() :]
