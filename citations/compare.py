"""Compare a citation as a source printed it with the verified record.

`word_diff(cited, verified)` splits both texts into words and marks, on each side, the words
the other side lacks (case-insensitive; spacing is never a difference), so a page can highlight
a wrong year or a misspelt name. `differing_fields(cited, record)` names the fields of the
verified record that the printed citation does not contain (year, volume, pages, ...).
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from citations.records import BibRecord

TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
CHECKED_FIELDS = ("title", "journal", "booktitle", "year", "volume", "number", "pages")


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def segments(words: list[str], changed: set[int]) -> list[Segment]:
    """Join consecutive tokens with the same mark; whitespace takes its neighbour's mark."""
    result: list[Segment] = []
    for index, word in enumerate(words):
        mark = index in changed
        if word.isspace() and result:
            mark = result[-1].changed and (index + 1) in changed
        if result and result[-1].changed == mark:
            result[-1] = Segment(result[-1].text + word, mark)
        else:
            result.append(Segment(word, mark))
    return result


def word_diff(cited: str, verified: str) -> tuple[list[Segment], list[Segment]]:
    """Both texts as segments, `changed` where the other text differs."""
    left, right = tokens(cited), tokens(verified)
    keys_left = [word.casefold() for word in left]
    keys_right = [word.casefold() for word in right]
    matcher = SequenceMatcher(None, keys_left, keys_right, autojunk=False)
    changed_left: set[int] = set()
    changed_right: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            changed_left.update(i for i in range(i1, i2) if not left[i].isspace())
            changed_right.update(j for j in range(j1, j2) if not right[j].isspace())
    return segments(left, changed_left), segments(right, changed_right)


def normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def differing_fields(cited: str, record: BibRecord) -> list[str]:
    """Fields of the verified record whose value does not appear in the printed citation."""
    haystack = f" {normalised(cited)} "
    differing = []
    if record.authors and f" {normalised(record.authors[0].family)} " not in haystack:
        differing.append("author")
    for name in CHECKED_FIELDS:
        value = record.fields.get(name, "")
        if name == "pages":
            value = re.split(r"\D+", value.strip())[0] if value.strip() else ""
        if value and f" {normalised(value)} " not in haystack:
            differing.append(name)
    return differing
