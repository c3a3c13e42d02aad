"""Field-by-field comparison of a CSL-JSON item as others wrote it with the item the ledger
exports after importing it (`compare`), for the CSL-JSON round trip over real files.

Each variable of the original is kept when the export has it equal, or equal under one of
these conventions, each a choice of the CSL export and not a loss of information:

- numbers and text alike: `"volume": 29` and `"29"` are one value (CSL-JSON allows both);
- `page`: any dash between the first and last page (the export writes an en dash);
- identifiers as the ledger stores them (`citations.identifiers`): a `DOI` without regard to
  case or a resolver prefix (`https://doi.org/`), an `ISBN` as its ISBN-13 digits (an
  ISBN-10 and a hyphenated ISBN are the same book);
- a list value (`ISSN: [a, b]`) and the same values joined by ", ";
- dates: `date-parts` compared as numbers, and the legacy `{year, month, day}` object
  citeproc-js still reads as the date-parts it stands for;
- names: a `literal` name and a `family`-only name of the same text (citeproc-js prints both
  alike); the dropping and non-dropping particles as one prefix (see `NOT_HELD_NAME_PARTS`);
  each part with its runs of spaces as one (as the ledger stores a person, who is found by
  name); a last name `{"literal": "others"}` (et al.) as the export says it: in `note` (see
  `citations.formats.csl_item`: citeproc-js would print a person called "others");
- a value that is only question marks (`"chapter-number": "??"`, BibTeX's mark of a value
  not known, which pandoc copies into CSL-JSON) and no value: the export leaves such marks
  out, as styles would print them (`citations.formats.UNKNOWN`);

Titles are compared exactly: a title read from CSL-JSON goes back as it came (its case,
markup and spacing: `citations.formats.CSL_KEPT`), not in the sentence case our export gives
titles read from BibTeX (pandoc's convention).
"""

import re

from citations.formats import ET_AL_NOTE, UNKNOWN

NAME_VARIABLES = {"author", "editor"}
DATE_VARIABLES = {"issued", "accessed"}
NAME_PARTS = {"family", "given", "literal", "dropping-particle", "non-dropping-particle", "suffix"}
# What a person of the ledger (`citations.models.Person`: family, given, prefix, suffix)
# does not hold, so an author's or editor's name loses it: Crossref's `sequence` and
# `affiliation`, citeproc-js's parsing and ordering switches, and which kind of particle a
# prefix is (both kinds are one `prefix`, written back as the non-dropping particle).
NOT_HELD_NAME_PARTS = {
    "sequence": "the author's place as Crossref says it (the order of the list says it too)",
    "role": "Crossref's role of a contributor (the list the name is in says it too)",
    "affiliation": "a person's affiliation (the ledger keeps people, not their employers)",
    "parse-names": "citeproc-js's switch for parsing particles out of a name",
    "static-ordering": "citeproc-js's switch for the family-first order of a name",
    "comma-suffix": "citeproc-js's switch for a comma before the suffix",
    "isInstitution": "citeproc-js's flag for an institution (the name is kept as family)",
    "multi": "citeproc-js's transliterations of a name",
    "dropping-particle": "whether a particle drops in sorting: one prefix holds both kinds",
}
DASHES = re.compile(r"\s*[-\u2010-\u2015]+\s*")
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
ET_AL = {"literal": "others"}


def _text(value) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value).strip()


def _words(value) -> str:
    return " ".join(_text(value).split())


def date_parts(value) -> tuple | None:
    """A CSL date as comparable date-parts (with season and circa), None if it has none."""
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if not parts and any(key in value for key in ("year", "month", "day")):
        parts = [[value.get(key) for key in ("year", "month", "day") if value.get(key)]]
    if not isinstance(parts, list) or not parts:
        return None
    try:
        numbers = tuple(
            tuple(int(p) for p in part if p not in ("", None)) for part in parts if part
        )
    except (TypeError, ValueError):
        return None
    return (*numbers, _text(value.get("season")), bool(value.get("circa")))


def name_key(name) -> tuple:
    """A name as the ledger can hold it: family (or literal), given, prefix, suffix."""
    if not isinstance(name, dict):
        return ("", _text(name), "", "")
    particles = (name.get("dropping-particle"), name.get("non-dropping-particle"))
    return (
        _words(name.get("family") or name.get("literal")),
        _words(name.get("given")),
        " ".join(_words(p) for p in particles if p),
        _words(name.get("suffix")),
    )


def isbn13(value: str) -> str:
    """An ISBN's ISBN-13 digits (an ISBN-10 converted: 978, its nine digits, a new check)."""
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    if len(digits) != 10:
        return digits
    body = "978" + digits[:9]
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def first_last(pages: str) -> tuple[str, str]:
    """A page range's first and last page, an abbreviated last one whole (1492-7: 1497)."""
    first, _, last = DASHES.sub("-", pages).partition("-")
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def not_held_parts(names) -> set[str]:
    """The parts of a list of names that a person of the ledger does not hold."""
    parts = set()
    for name in names if isinstance(names, list) else []:
        if isinstance(name, dict):
            parts |= {key for key, value in name.items() if key not in NAME_PARTS and value}
            if name.get("dropping-particle"):
                parts.add("dropping-particle")
    return parts


def same(variable: str, value, again, note: str = "") -> bool:
    """Whether `again` keeps `value`; `note` is the exported item's (where et al. is said)."""
    if variable in NAME_VARIABLES and isinstance(value, list) and value[-1:] == [ET_AL]:
        value = value[:-1] if ET_AL_NOTE in note else value
    if value == again or (not isinstance(value, dict | list) and _text(value) == _text(again)):
        return True
    if again is None:
        return not isinstance(value, dict | list) and bool(UNKNOWN.match(_text(value)))
    if variable in NAME_VARIABLES and isinstance(value, list) and isinstance(again, list):
        return [name_key(n) for n in value] == [name_key(n) for n in again]
    if variable in DATE_VARIABLES or isinstance(value, dict):
        wanted = date_parts(value)
        if wanted is not None and wanted == date_parts(again):
            return True
    if variable == "page" and first_last(_text(value)) == first_last(_text(again)):
        return True
    if isinstance(value, list) and _text(value) == _text(again):
        return True
    if variable == "DOI" and DOI_PREFIX.sub("", _text(value)).lower() == _text(again).lower():
        return True
    return variable == "ISBN" and isbn13(_text(value)) == isbn13(_text(again))


def compare(original: dict, exported: dict, *, skip=frozenset()) -> dict:
    """Every non-empty variable of `original` (but those in `skip`) against `exported`:
    {"fields": compared, "kept": kept, "lost": [...], "not_held": {name part: count}}."""
    figures = {"fields": 0, "kept": 0, "lost": [], "not_held": {}}
    for variable, value in original.items():
        if variable in skip or value in (None, "", [], {}):
            continue
        figures["fields"] += 1
        if not same(variable, value, exported.get(variable), _text(exported.get("note"))):
            figures["lost"].append((variable, value, exported.get(variable)))
            continue
        figures["kept"] += 1
        if variable in NAME_VARIABLES:
            for part in not_held_parts(value):
                figures["not_held"][part] = figures["not_held"].get(part, 0) + 1
    return figures
