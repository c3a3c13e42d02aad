"""Compare a citation as a source printed it with the verified record.

`word_diff(cited, verified)` splits both texts into words and marks, on each side, the words
the other side gives differently (case-insensitive; spacing and punctuation are never a
difference), so a page can highlight a wrong year or a misspelt name. Words one side gives and
the other simply leaves out (an issue number, "3rd ed.") are marked `omitted`, not `changed`:
a citation that leaves a field out is not wrong about it.

`field_status(cited, record)` says, for each checked field of the verified record, whether the
printed citation gives it differently (`DIFFERS`) or does not give it at all (`NOT_GIVEN`);
fields it gives as recorded are left out.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from citations.text.records import BibRecord

# Initials are one word however they are spelt ("W. F." = "WF"), so "Boron, W. F." and
# "Boron WF" do not differ.
INITIALS = r"\b[A-Z]\.(?:\s?[A-Z]\.)+|\b[A-Z]\.(?=\s|$)"
TOKEN = re.compile(rf"{INITIALS}|\s+|\w+|[^\w\s]")
WORD = re.compile(rf"{INITIALS}|\w+")
ET_AL = ["et", "al"]
CHECKED_FIELDS = ("title", "journal", "booktitle", "year", "volume", "number", "pages")
TEXT_FIELDS = ("journal", "booktitle")
NUMBER_FIELDS = ("year", "volume", "number", "pages")
DIFFERS = "differs"
NOT_GIVEN = "not_given"
# Words a citation adds around its fields without giving any of them.
FILLER_WORDS = frozenset(
    ("a", "an", "and", "the", "of", "in", "on", "et", "al", "ed", "eds", "editor", "editors")
    + ("edition", "vol", "no", "pp", "p")
)
YEAR_RANGE = range(1400, 2101)


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool
    omitted: bool = False


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def is_word(token: str) -> bool:
    return bool(WORD.fullmatch(token))


def key(token: str) -> str:
    return re.sub(r"[\s.]", "", token).casefold()


def segments(words: list[str], marks: dict[int, str]) -> list[Segment]:
    """Join consecutive tokens with the same mark. Spacing and punctuation take the mark of
    the words on both sides when they agree, else none: a highlight never starts or ends on
    them."""
    resolved = []
    for index, word in enumerate(words):
        if is_word(word):
            resolved.append(marks.get(index, ""))
            continue
        before = next((marks.get(i, "") for i in range(index - 1, -1, -1) if is_word(words[i])), "")
        after = next(
            (marks.get(i, "") for i in range(index + 1, len(words)) if is_word(words[i])), ""
        )
        resolved.append(before if before == after else "")
    result: list[Segment] = []
    for word, mark in zip(words, resolved, strict=True):
        segment = Segment(word, mark == "changed", mark == "omitted")
        if result and (result[-1].changed, result[-1].omitted) == (
            segment.changed,
            segment.omitted,
        ):
            result[-1] = Segment(result[-1].text + word, segment.changed, segment.omitted)
        else:
            result.append(segment)
    return result


def word_diff(cited: str, verified: str) -> tuple[list[Segment], list[Segment]]:
    """Both texts as segments: `changed` where the other text gives something else there,
    `omitted` where the other text gives nothing there."""
    left, right = tokens(cited), tokens(verified)
    left_words = [i for i, token in enumerate(left) if is_word(token)]
    right_words = [j for j, token in enumerate(right) if is_word(token)]
    matcher = SequenceMatcher(
        None,
        [key(left[i]) for i in left_words],
        [key(right[j]) for j in right_words],
        autojunk=False,
    )
    marks_left: dict[int, str] = {}
    marks_right: dict[int, str] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        cited_words = [key(left[left_words[i]]) for i in range(i1, i2)]
        # "et al." stands for the authors the verified record lists: nothing is wrong there.
        mark = "changed" if tag == "replace" and cited_words != ET_AL else "omitted"
        marks_left.update((left_words[i], mark) for i in range(i1, i2))
        # Names the citation gives before its "et al.": only as many verified names differ;
        # the further authors are what "et al." leaves out.
        follows = [key(left[left_words[i]]) for i in range(i2, min(i2 + 2, len(left_words)))]
        given = j1 + (i2 - i1) if mark == "changed" and follows == ET_AL else j2
        marks_right.update((right_words[j], mark) for j in range(j1, min(given, j2)))
        marks_right.update((right_words[j], "omitted") for j in range(given, j2))
    return segments(left, marks_left), segments(right, marks_right)


def normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def first_page(pages: str) -> str:
    return re.split(r"\D+", pages.strip())[0] if pages.strip() else ""


def record_values(record: BibRecord) -> dict[str, str]:
    values = {name: record.fields.get(name, "").strip() for name in CHECKED_FIELDS}
    values["pages"] = first_page(values["pages"])
    return values


def name_words(person) -> set[str]:
    """The words a citation may print for a person: names and initials (joined or not)."""
    names = normalised(f"{person.prefix} {person.family} {person.given} {person.suffix}").split()
    initials = [part[0] for part in normalised(person.given).split()]
    return {*names, *initials, "".join(initials)}


def field_status(cited: str, record: BibRecord) -> dict[str, str]:
    """Checked fields the printed citation gives differently (DIFFERS) or leaves out
    (NOT_GIVEN). A number or a name the record cannot account for is what makes a missing
    field "differs": the citation then gives something else in its place."""
    haystack = f" {normalised(cited)} "
    values = record_values(record)
    present = {
        name for name, value in values.items() if value and f" {normalised(value)} " in haystack
    }
    status: dict[str, str] = {}
    if record.authors and f" {normalised(record.authors[0].family)} " not in haystack:
        status["author"] = DIFFERS
    if values["title"] and "title" not in present:
        status["title"] = DIFFERS
    words = normalised(cited).split()
    numbers = [word for word in words if word.isdigit()]
    known_numbers = {values[name] for name in NUMBER_FIELDS if values[name]}
    cited_years = [n for n in numbers if len(n) == 4 and int(n) in YEAR_RANGE]
    stray_numbers = [n for n in numbers if n not in known_numbers and n not in cited_years]
    for name in NUMBER_FIELDS:
        if not values[name] or name in present:
            continue
        gives_other = cited_years if name == "year" else stray_numbers
        status[name] = DIFFERS if gives_other else NOT_GIVEN
    explained = set(normalised(" ".join([values["title"], *known_numbers])).split())
    explained |= {part for person in record.authors for part in name_words(person)}
    explained |= {part for name in TEXT_FIELDS for part in normalised(values[name]).split()}
    stray_words = [
        w for w in words if w not in explained and w not in FILLER_WORDS and not w.isdigit()
    ]
    stray_words = [w for w in stray_words if len(w) > 1]
    for name in TEXT_FIELDS:
        if values[name] and name not in present:
            status[name] = DIFFERS if stray_words else NOT_GIVEN
    return status
