"""Field mapping: a plain record (`BibRecord`) -> the `Reference` field values it becomes.

Pure, no database. Mapped fields go to their columns (the first of `journal` and
`journaltitle` wins; `booktitle` is the container of a part of a book); every other field
stays in `extra_fields`, and the LaTeX as written in `latex_source`. What cannot be stored
(an unknown entry type, a value longer than its column, a name without a family name) is
an error; what is only unusual (a year in words, a URL that is no web address, an
identifier we cannot read) is kept as text with a warning: never a reason to refuse.
"""

import functools
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from citations.bibtex.render import ENTRY_TYPE_SOURCE, SAFE_ENTRY_TYPE
from citations.identifiers import NORMALIZERS, InvalidIdentifier
from citations.models import (
    BOOKTITLE_TYPES,
    IDENTIFIER_FIELDS,
    UNKNOWN_ENTRY_TYPE,
    URL_UNSAFE_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    EntryType,
    Person,
    Reference,
)
from citations.text.records import BibRecord, Name

NO_TITLE = "The entry has no title."
TOO_LONG = "Field {name!r} is longer than {limit} characters."
KEPT_LONG = "Field {name!r} is longer than {limit} characters: kept as written, as an extra field."
NAME_TOO_LONG = "The name {name!r} is too long to store."
EMPTY_NAME = "A name in {field!r} has no family name."
KEPT_IDENTIFIER = "Field {name!r}: {error} Kept as written."
YEAR_AS_TEXT = "The year {year!r} is not a number between {low} and {high}: kept as text."
URL_AS_TEXT = "The url {url!r} is not a web address: kept as text."
TYPE_AS_MISC = (
    "@{entry_type} is no BibTeX or biblatex entry type: imported as misc (as BibTeX reads it), "
    "exported as @{entry_type}."
)

# Record field -> model field; the first one present wins, the others stay extra fields.
CONTAINER_FIELDS = {"journal": "container_title", "journaltitle": "container_title"}
BOOK_CONTAINER_FIELDS = {"booktitle": "container_title"}
DIRECT_FIELDS = {
    "title": "title",
    "publisher": "publisher",
    "volume": "volume",
    "number": "issue",
    "issue": "issue",
    "pages": "pages",
    "edition": "edition",
    "url": "url",
    "abstract": "abstract",
}
# BibLaTeX entries that group or hold data for others, and have no title of their own.
UNTITLED_TYPES = {"set", "xdata"}
ENTRY_TYPES = frozenset(EntryType.values)
URL_VALIDATOR = URLValidator(schemes=["http", "https", "ftp", "ftps"])
# The usual shape of a URL, a strict subset of what the validator accepts: checked first,
# because the validator costs tens of microseconds per call.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
PLAIN_URL = re.compile(
    rf"https?://(?:{_LABEL}\.)+[A-Za-z]{{2,63}}(?::[0-9]{{1,5}})?(?:[/?#]\S*)?\Z"
)
YEAR_OF_DATE = re.compile(r"(\d{4})")


def is_web_address(value: str) -> bool:
    """What the model accepts as a URL (its validator: pure, no database)."""
    if URL_UNSAFE_CHARS.search(value):
        return False
    if len(value) <= 2048 and PLAIN_URL.match(value):
        return True
    try:
        URL_VALIDATOR(value)
    except ValidationError:
        return False
    return True


def _max_lengths(model) -> dict[str, int]:
    return {f.name: f.max_length for f in model._meta.concrete_fields if f.max_length}


REFERENCE_LIMITS = _max_lengths(Reference)
PERSON_LIMITS = {k: v for k, v in _max_lengths(Person).items() if k != "orcid"}


def vars_of(name: Name) -> dict[str, str]:
    """A name -> the `Person` field values it is stored as."""
    return {
        "family": name.family,
        "given": name.given,
        "prefix": name.prefix,
        "suffix": name.suffix,
    }


def _take(
    fields: dict[str, str], mapping: dict[str, str], values: dict, taken: set, warnings: list
) -> None:
    """Copy mapped fields into model values; a second field for one target stays extra, and
    so does a value too long for its column (`pages = {494, with subject index, ...}`)."""
    for name, target in mapping.items():
        if name in fields and target not in values:
            limit = REFERENCE_LIMITS.get(target)
            if limit and len(fields[name]) > limit:
                warnings.append(KEPT_LONG.format(name=name, limit=limit))
                continue
            values[target] = fields[name]
            taken.add(name)


def _url(values: dict, taken: set, warnings: list[str]) -> None:
    """A `url` that is no web address stays an extra field, with a warning."""
    if "url" in values and not is_web_address(values["url"]):
        taken.discard("url")
        warnings.append(URL_AS_TEXT.format(url=values.pop("url")[:80]))


def _year(fields: dict[str, str], values: dict, taken: set, messages: list[str]) -> None:
    """`year`, else the year of a BibLaTeX `date`; a year that is no number stays text."""
    raw = fields.get("year")
    if raw is None:
        date = YEAR_OF_DATE.match(fields.get("date", ""))
        if date is None or not YEAR_MIN <= int(date.group(1)) <= YEAR_MAX:
            return  # The date stays as it is; the year column stays empty.
        values["year"] = int(date.group(1))
    elif raw.isdigit() and YEAR_MIN <= int(raw) <= YEAR_MAX:
        taken.add("year")
        values["year"] = int(raw)
    else:
        messages.append(YEAR_AS_TEXT.format(year=raw, low=YEAR_MIN, high=YEAR_MAX))


def _identifiers(fields: dict[str, str], values: dict, taken: set, warnings: list[str]) -> None:
    """Identifiers we can read go to their columns; any other (a wrong ISBN check digit,
    several ISBNs in one field) is kept verbatim as an extra field, with a warning: an
    unusual identifier is never a reason to refuse an entry."""
    for name in IDENTIFIER_FIELDS:
        if name in fields:
            try:
                values[name] = NORMALIZERS[name](fields[name])
            except InvalidIdentifier as exc:
                warnings.append(KEPT_IDENTIFIER.format(name=name, error=exc))
            else:
                taken.add(name)


def _check_lengths(values: dict, errors: list[str]) -> None:
    for name, value in values.items():
        limit = REFERENCE_LIMITS.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            errors.append(TOO_LONG.format(name=name, limit=limit))


@functools.lru_cache(maxsize=100_000)
def _name_problem(name: Name, role: str) -> str:
    """Why a name cannot be stored, or "" (cached: names repeat across a file)."""
    if not name.family:
        return EMPTY_NAME.format(field=role)
    if any(len(getattr(name, part)) > limit for part, limit in PERSON_LIMITS.items()):
        return NAME_TOO_LONG.format(name=name.family)
    return ""


def _check_names(record: BibRecord, errors: list[str]) -> None:
    for role, names in (("author", record.authors), ("editor", record.editors)):
        errors += [problem for name in names if (problem := _name_problem(name, role))]


def _check_type_and_title(record: BibRecord, values: dict, errors, warnings) -> None:
    """An unknown type is a misc remembering its own (BibTeX reads it as misc); a type that
    could not be written back as one (`@a-b`) is refused."""
    if record.entry_type not in ENTRY_TYPES:
        if SAFE_ENTRY_TYPE.match(record.entry_type) and len(record.entry_type) <= 40:
            values["entry_type"] = EntryType.MISC
            values["latex_source"] = {**record.sources, ENTRY_TYPE_SOURCE: record.entry_type}
            warnings.append(TYPE_AS_MISC.format(entry_type=record.entry_type))
        else:
            errors.append(UNKNOWN_ENTRY_TYPE.format(entry_type=record.entry_type))
    if not values.get("title") and record.entry_type not in UNTITLED_TYPES:
        warnings.append(NO_TITLE)  # BibTeX allows it (xampl.bib's misc-minimal): kept.
    values.setdefault("title", "")


def record_values(record: BibRecord) -> tuple[dict, list[str], list[str]]:
    """A record -> (Reference field values, errors, warnings). Pure: no database."""
    fields = record.fields
    values: dict = {"entry_type": record.entry_type, "latex_source": record.sources}
    errors: list[str] = []
    warnings: list[str] = []
    taken: set[str] = set()
    container = BOOK_CONTAINER_FIELDS if record.entry_type in BOOKTITLE_TYPES else {}
    _take(fields, {**container, **CONTAINER_FIELDS}, values, taken, warnings)
    _take(fields, DIRECT_FIELDS, values, taken, warnings)
    _url(values, taken, warnings)
    _year(fields, values, taken, warnings)
    _identifiers(fields, values, taken, warnings)
    _check_type_and_title(record, values, errors, warnings)
    _check_lengths(values, errors)
    _check_names(record, errors)
    values["extra_fields"] = {name: value for name, value in fields.items() if name not in taken}
    if record.retraction:  # a source's word (PubMed's "Retracted Publication")
        values["retraction"] = record.retraction
    return values, errors, warnings
