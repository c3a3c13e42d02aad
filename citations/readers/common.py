"""What every reader shares: the result of reading a file (`ReadResult`), bytes -> text,
names written "Family, Given, Suffix", dates and page ranges as the records hold them.

A reader is pure: text (or bytes) in, `BibRecord`s and `ParseProblem`s out, each problem
with the line its entry starts on (JSON, which has no useful lines, gives the entry's
number in the file), so that they enter the import pipeline as BibTeX's do.
"""

import re
from dataclasses import dataclass, field

from citations.bibtex import ParseProblem, decode_bytes
from citations.text.records import OTHERS, BibRecord, Name

NO_ENTRIES = "The file holds no {format} entries."
# How deeply JSON and XML may nest (as `SOURCES_MAX_DEPTH` for outbound answers): a CSL item
# or a PubMed article needs far less, and deep nesting is a way to exhaust the parser.
MAX_DEPTH = 64
TOO_DEEP = "The {kind} nests deeper than {limit} levels: refused."
# The note the RIS export writes when an author list ends with "and others" (et al.).
ET_AL_NOTE = "The author list is incomplete (et al.)."
MONTHS = {
    name: index
    for index, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
YEAR = re.compile(r"\b(\d{4})\b")
PARTICLE = re.compile(r"^((?:[a-z][\w']*\s+)+)(.+)$")


@dataclass
class ReadResult:
    """What a reader found: records in file order, problems, notes for the report."""

    records: list[BibRecord] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def entries(self) -> list[BibRecord | ParseProblem]:
        """Records and problems together, as `importing.plan` takes them."""
        return sorted([*self.records, *self.problems], key=lambda entry: entry.line or 0)


def as_text(data: str | bytes, encoding: str | None = None) -> str:
    """The text of a file: UTF-8 (BOM dropped) unless `encoding` names another, never a
    guess (`bibtex.decode_bytes`, whose `UndecodableInput` names the lines)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    return decode_bytes(data, encoding)


def family_first(value: str) -> Name:
    """ "Family, Given[, Suffix]" -> a Name; leading lower-case words of the family name are
    its particle ("van der Berg, Anna"); a name without a comma is one (institutional) name,
    as Zotero reads it; "others" is the et-al. marker."""
    value = " ".join(value.split()).strip(" ,")
    if value.lower() == "others":
        return OTHERS
    parts = [part.strip() for part in value.split(",")]
    if len(parts) == 1:
        return Name(family=parts[0])
    family, given = parts[0], parts[1]
    suffix = ", ".join(part for part in parts[2:] if part)
    prefix = ""
    if match := PARTICLE.match(family):
        prefix, family = match.group(1).strip(), match.group(2)
    return Name(family=family, given=given, prefix=prefix, suffix=suffix)


def date_fields(value: str) -> dict[str, str]:
    """ "2004/05/12", "2004-05", "2004 May 15", "2004 Spring" -> year, month (number), day."""
    value = value.strip()
    year = YEAR.search(value)
    if not year:
        return {}
    fields = {"year": year.group(1)}
    rest = value[year.end() :].strip(" /-")
    parts = [p for p in re.split(r"[/\-\s]+", rest) if p]
    if parts:
        month = parts[0]
        number = int(month) if month.isdigit() else MONTHS.get(month[:3].lower())
        if number and 1 <= number <= 12:
            fields["month"] = str(number)
            if len(parts) > 1 and parts[1].isdigit() and 1 <= int(parts[1]) <= 31:
                fields["day"] = str(int(parts[1]))
    return fields


def page_range(first: str, last: str = "") -> str:
    """Start and end page -> BibTeX's "12--19"; an abbreviated end ("2383-90") written whole."""
    first, last = first.strip(), last.strip()
    if not last:
        match = re.fullmatch(r"(\w+)\s*[-\u2013\u2014]+\s*(\w+)", first)
        if not match:
            return first
        first, last = match.groups()
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return f"{first}--{last}" if last and last != first else first


def clean(fields: dict[str, str]) -> dict[str, str]:
    """Fields without empty values, each on one line (RIS and MEDLINE wrap long values)."""
    cleaned = {}
    for name, value in fields.items():
        value = " ".join(str(value).split())
        if value:
            cleaned[name] = value
    return cleaned
