"""BibTeX in and out: the only module that imports bibtexparser.

`parse(data)` turns the text (or bytes) of a .bib file into plain `BibRecord`s with line
numbers, plus the `ParseProblem`s it found; `Reader(data).entries()` yields the same one by
one, in little memory. Entries of the common shape are split by one regular expression (the
fast path); every other block goes to bibtexparser 2's splitter, whose errors we report. Every
value is then read here, because the library's own middlewares lose data without a word
(a missing comma, a repeated field, `#` concatenation, month macros, `%` comment lines) and
its LaTeX decoding is slow. Each of those cases is either handled or reported with its line:
`%` comment lines before a field are dropped, `#` joins and @string/month macros are resolved,
`crossref` fills missing fields; the rest are problems with a line.

`render_entry(record)` / `render_entries(records)` write records back as BibTeX: stable field
order, LaTeX specials escaped (math kept), case protected with braces where styles would
lower-case it, `month` written as the standard macro.
"""

import functools
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    Preamble,
    String,
)
from bibtexparser.splitter import Splitter

from citations import latex
from citations.records import BibRecord, Name

# We report every failed block ourselves, with its line; the library's log lines would
# only duplicate those reports on stderr.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

EMPTY_INPUT = "The file holds no BibTeX entries."
BINARY_INPUT = "The file is not text (it holds binary data); expected a BibTeX .bib file."
DECODED_AS_CP1252 = "The file is not valid UTF-8: it was read as Windows-1252 (check accents)."
MISSING_KEY = "The entry has no citation key."
BAD_KEY = "The citation key {key!r} contains spaces or commas."
DUPLICATE_KEY = "The key {key!r} is used again; it was first used at line {first}."
REPEATED_FIELD = "A field is given more than once in the entry: {names}."
SYNTAX_ERROR = "The entry cannot be read: {reason}"
MISSING_COMMA = "Field {name!r}: unexpected text after its value (a missing comma?)."
UNCLOSED_VALUE = "Field {name!r}: its value is not closed (unbalanced braces or quotes)."
EMPTY_VALUE = "Field {name!r} has no value."
UNKNOWN_MACRO = "Field {name!r} uses {macro!r}, which no @string defines."
BAD_FIELD_NAME = "Invalid field name {name!r}."
BAD_STRING = "A malformed @string definition: {reason}"
BAD_NAME = "Cannot read the name {name!r}: more than two commas."
PREAMBLE_SKIPPED = "The @preamble at line {line} was not imported (it is LaTeX for documents)."

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTH_MACROS = dict(zip(MONTHS, MONTH_NAMES, strict=True))
MONTH_BY_NAME = dict(zip(MONTH_NAMES, MONTHS, strict=True))
NAME_FIELDS = {"author", "editor"}
# Values BibTeX tools treat as code, not text: no LaTeX decoding or escaping.
VERBATIM_FIELDS = {"url", "doi", "eprint", "file", "pdf", "urlraw", "verba", "verbb", "verbc"}
TITLE_FIELDS = {"title", "booktitle", "subtitle", "titleaddon", "maintitle", "shorttitle"}
FIELD_ORDER = [
    "title",
    "subtitle",
    "booktitle",
    "journal",
    "journaltitle",
    "series",
    "edition",
    "volume",
    "number",
    "pages",
    "month",
    "year",
    "date",
    "publisher",
    "address",
    "location",
    "institution",
    "school",
    "organization",
    "note",
    "doi",
    "pmid",
    "pmcid",
    "isbn",
    "issn",
    "url",
    "urldate",
    "abstract",
]
FIELD_RANK = {name: index for index, name in enumerate(FIELD_ORDER)}

FIELD_NAME = re.compile(r"[A-Za-z][\w\-:.+]*\Z")
VALUE_PART = re.compile(r'\s*(?:(\{)|(")|(\d+)|([^\s#{}",=]+))')
WHITESPACE = re.compile(r"[ \t\r\n]+")
BRACE = re.compile(r"(?<!\\)[{}]")
BAD_KEY_CHARS = re.compile(r"[\s,]")


@dataclass(frozen=True)
class ParseProblem:
    line: int
    key: str
    message: str


@dataclass
class ParseResult:
    records: list[BibRecord] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class FieldValueError(ValueError):
    """A field value that cannot be read; the message is a user-facing constant."""


# --- text -------------------------------------------------------------------------------


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Bytes of a file -> text and notes; a BOM is dropped, non-UTF-8 read as Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), [DECODED_AS_CP1252]


def looks_binary(text: str) -> bool:
    """NUL bytes anywhere (no text file has them, nor can PostgreSQL store them), or many
    control characters at the start."""
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f")
    return "\x00" in text or controls > len(sample) // 20


# --- values -----------------------------------------------------------------------------


def _braced_end(text: str, start: int) -> int:
    """Index just past the brace group opening at `start`, or -1 when unbalanced."""
    depth = 0
    for match in BRACE.finditer(text, start):
        depth += 1 if match.group(0) == "{" else -1
        if depth == 0:
            return match.end()
    return -1


def _quoted_end(text: str, start: int) -> int:
    close = text.find('"', start + 1)
    if close > 0 and not any(ch in text[start:close] for ch in "{}\\"):
        return close + 1  # The common case: no braces or escapes inside the quotes.
    depth, index = 0, start + 1
    while index < len(text):
        ch = text[index]
        if ch == "\\":
            index += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            return index + 1
        index += 1
    return -1


def _value_part(text: str, pos: int, name: str, macros: dict[str, str]) -> tuple[str, int]:
    match = VALUE_PART.match(text, pos)
    if not match:
        raise FieldValueError(MISSING_COMMA.format(name=name))
    start = match.end() - len(match.group(0).lstrip())
    if match.group(1) or match.group(2):
        end = (_braced_end if match.group(1) else _quoted_end)(text, start)
        if end < 0:
            raise FieldValueError(UNCLOSED_VALUE.format(name=name))
        return text[start + 1 : end - 1], end
    if match.group(3):
        return match.group(3), match.end()
    macro = match.group(4).lower()
    if macro not in macros:
        raise FieldValueError(UNKNOWN_MACRO.format(name=name, macro=match.group(4)))
    return macros[macro], match.end()


def read_value(raw: str, name: str, macros: dict[str, str]) -> str:
    """A raw field value (`{...}`, `"..."`, 1990, a macro, parts joined by `#`) -> its LaTeX."""
    if raw[:1] == "{" and raw[-1:] == "}":
        inner = raw[1:-1]
        if ("{" not in inner and "}" not in inner) or _braced_end(raw, 0) == len(raw):
            return inner  # The common case, one braced value.
    if not raw.strip():
        raise FieldValueError(EMPTY_VALUE.format(name=name))
    parts, pos = [], 0
    while True:
        part, pos = _value_part(raw, pos, name, macros)
        parts.append(part)
        rest = raw[pos:].lstrip()
        if not rest:
            return "".join(parts)
        if not rest.startswith("#"):
            raise FieldValueError(MISSING_COMMA.format(name=name))
        pos = len(raw) - len(rest) + 1


def clean_field_name(raw: str) -> str:
    """The field name, without `%` comment lines a file put before it."""
    if "%" not in raw:
        return sys.intern(raw.strip().lower())  # Interned: one copy per name, not per entry.
    lines = [line for line in raw.splitlines() if not line.lstrip().startswith("%")]
    return " ".join(lines).strip().lower()


# --- names ------------------------------------------------------------------------------


def _split_top(text: str, separator: re.Pattern) -> list[str]:
    """Split at `separator` matches outside braces."""
    if "{" not in text:
        return separator.split(text)
    parts, depth, start = [], 0, 0
    for match in re.finditer(r"(?<!\\)[{}]|" + separator.pattern, text, separator.flags):
        mark = match.group(0)
        if mark == "{":
            depth += 1
        elif mark == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


AND = re.compile(r"\s+and\s+", re.IGNORECASE)
COMMA = re.compile(r",")
SPACE = re.compile(r"(?:\s|(?<!\\)~)+")


def _is_lower(word: str) -> bool:
    if word[:1].isalpha():
        return word[0].islower()
    if word.startswith("{") and not word.startswith("{\\"):
        return False  # A braced word is protected: it counts as capitalised.
    letters = [ch for ch in latex.decode(word) if ch.isalpha()]
    return bool(letters) and letters[0].islower()


def _words(text: str) -> list[str]:
    return [word for word in _split_top(text.strip(), SPACE) if word]


def _von_last(words: list[str]) -> tuple[str, str]:
    """Split "von Last" words: the von part is the lower-case words before the last one."""
    von_end = 0
    for index, word in enumerate(words[:-1]):
        if _is_lower(word):
            von_end = index + 1
    return " ".join(words[:von_end]), " ".join(words[von_end:])


EXTENDED_NAME = re.compile(r"\s*(?:family|given|prefix|suffix)\s*=", re.IGNORECASE)
EXTENDED_PARTS = {"family": "family", "given": "given", "prefix": "prefix", "suffix": "suffix"}


def _extended_name(parts: list[str]) -> Name:
    """BibLaTeX's extended name format: `family=Researcher, given=Sam, prefix=von`."""
    values = {}
    for part in parts:
        key, _sep, value = part.partition("=")
        target = EXTENDED_PARTS.get(key.strip().lower())
        if target:
            values[target] = latex.decode(value.strip().strip("{}").strip())
    return Name(**{"family": "", **values})


@functools.lru_cache(maxsize=100_000)
def parse_name(raw: str) -> Name:
    """One BibTeX name ("First von Last", "von Last, First", "von Last, Jr, First") -> Name."""
    parts = [part.strip() for part in _split_top(raw, COMMA)]
    if EXTENDED_NAME.match(raw):
        return _extended_name(parts)
    if len(parts) > 3:
        raise FieldValueError(BAD_NAME.format(name=raw))
    if len(parts) == 1:
        words = _words(parts[0])
        first_lower = next((i for i, w in enumerate(words[:-1]) if _is_lower(w)), len(words) - 1)
        given = " ".join(words[:first_lower])
        prefix, family = _von_last(words[first_lower:])
        suffix = ""
    else:
        prefix, family = _von_last(_words(parts[0]))
        suffix = parts[1] if len(parts) == 3 else ""
        given = " ".join(_words(parts[-1]))
    return Name(
        family=latex.decode(family),
        given=latex.decode(given),
        prefix=latex.decode(prefix),
        suffix=latex.decode(suffix),
    )


def parse_names(raw: str) -> list[Name]:
    """An author or editor list; names repeat across a file, so each is parsed once."""
    parts = AND.split(raw) if "{" not in raw else _split_top(raw, AND)
    return [parse_name(part.strip()) for part in parts if part.strip()]


NAME_LIST_BREAK = re.compile(r"\s*[;\n]\s*")


def parse_name_list(text: str) -> list[Name]:
    """Names as a curator types or pastes them: "Family, Given; Family, Given" (semicolons
    or one name a line), BibTeX's "Given Family and Family, Given", or both mixed."""
    parts = _split_top(text.strip(), NAME_LIST_BREAK) if text.strip() else []
    return [name for part in parts if part.strip() for name in parse_names(part)]


def format_name_list(names: list[Name]) -> str:
    """Names as `parse_name_list` reads them back: "von Family, Jr, Given; ...", no LaTeX."""
    return "; ".join(
        ", ".join(
            part
            for part in (f"{name.prefix} {name.family}".strip(), name.suffix, name.given)
            if part
        )
        for name in names
    )


# --- entries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SplitEntry:
    """An entry as split from the text: raw field names and values, 0-based start line."""

    entry_type: str
    key: str
    start_line: int
    fields: list[tuple[str, str]]
    well_formed: bool = False  # Read by the fast path: clean names, balanced values.

    @classmethod
    def of(cls, entry: Entry) -> "SplitEntry":
        fields = [(item.key, item.value) for item in entry.fields]
        return cls(entry.entry_type, entry.key, entry.start_line, fields)


def _well_formed_fields(entry: SplitEntry, macros: dict[str, str]) -> tuple[dict, list[str]]:
    """Fields the fast path read: braced or quoted groups, numbers and macros, maybe joined."""
    values, errors = {}, []
    for raw_name, raw_value in entry.fields:
        name = sys.intern(raw_name.lower())
        first = raw_value[0]
        if "#" in raw_value:  # Concatenation (or a `\#` inside a value): read in full.
            try:
                values[name] = read_value(raw_value, name, macros)
            except FieldValueError as exc:
                errors.append(str(exc))
        elif first == "{" or first == '"':
            values[name] = raw_value[1:-1]
        elif first.isdigit():
            values[name] = raw_value
        elif raw_value.lower() in macros:
            values[name] = macros[raw_value.lower()]
        else:
            errors.append(UNKNOWN_MACRO.format(name=name, macro=raw_value))
    return values, errors


def _entry_fields(entry: SplitEntry, macros: dict[str, str]) -> tuple[dict, list[str]]:
    if entry.well_formed:
        return _well_formed_fields(entry, macros)
    values, errors = {}, []
    for raw_name, raw_value in entry.fields:
        name = clean_field_name(raw_name)
        if not FIELD_NAME.match(name):
            errors.append(BAD_FIELD_NAME.format(name=raw_name.strip()))
            continue
        try:
            values[name] = read_value(raw_value, name, macros)
        except FieldValueError as exc:
            errors.append(str(exc))
    return values, errors


VERBATIM_ESCAPE = re.compile(r"\{\\([_%&#$])\}|\\([_%&#$])")


def unescape_verbatim(value: str) -> str:
    """A URL or DOI as written for BibTeX by Mendeley or JabRef (`a{\\_}b`, `50\\%`) -> as is.

    These never hold braces or backslashes of their own, so escapes and braces are dropped.
    """
    if "\\" not in value and "{" not in value:
        return value
    value = VERBATIM_ESCAPE.sub(lambda m: m.group(1) or m.group(2), value)
    return value.replace("{", "").replace("}", "")


def _text_value(name: str, value: str) -> str:
    if "\n" in value or "  " in value or "\t" in value or "\r" in value:
        value = WHITESPACE.sub(" ", value)
    value = value.strip(" ")  # Not str.strip(): a leading or trailing `~` is kept.
    return unescape_verbatim(value) if name in VERBATIM_FIELDS else latex.decode(value)


def entry_record(
    entry: SplitEntry, macros: dict[str, str], offset: int = 0
) -> tuple[BibRecord, list[str]]:
    """A split entry -> a record, and the problems found in it (each a message)."""
    values, errors = _entry_fields(entry, macros)
    record = BibRecord(entry_type=sys.intern(entry.entry_type.lower()), key=entry.key.strip())
    record.line = entry.start_line + offset + 1
    for name, value in values.items():
        try:
            if name == "author":
                record.authors = parse_names(value)
            elif name == "editor":
                record.editors = parse_names(value)
            else:
                record.fields[name] = _text_value(name, value)
        except FieldValueError as exc:
            errors.append(str(exc))
    if not record.key:
        errors.insert(0, MISSING_KEY)
    elif BAD_KEY_CHARS.search(record.key):
        errors.insert(0, BAD_KEY.format(key=record.key))
    return record, errors


def _string_definition(block: String, macros: dict[str, str]) -> str | None:
    """Add an @string macro; return a problem message when it is malformed."""
    name = block.key.strip().lower()
    if not FIELD_NAME.match(name):
        return BAD_STRING.format(reason=f"invalid name {block.key.strip()!r}.")
    try:
        macros[name] = read_value(block.value, name, macros)
    except FieldValueError as exc:
        return BAD_STRING.format(reason=str(exc))
    return None


def _failed_block_problem(block: ParsingFailedBlock) -> str:
    if isinstance(block, DuplicateFieldKeyBlock):
        return REPEATED_FIELD.format(names=", ".join(sorted(block.duplicate_keys)))
    reason = (getattr(block.error, "abort_reason", None) or str(block.error)).strip()
    if (block.raw or "").lower().startswith("@string"):
        return BAD_STRING.format(reason=reason)
    return SYNTAX_ERROR.format(reason=reason)


def _block_key(block: ParsingFailedBlock) -> str:
    match = re.match(r"@\w*\s*[{(]\s*([^,\s]*)", block.raw or "")
    return match.group(1) if match else ""


# The fast path: an entry in the shape nearly every file uses (braced, quoted, numeric or
# macro values, braces nested up to three deep, no `#`, `%` lines or `@` inside) is read with
# these expressions in one pass; any other block goes to bibtexparser's splitter, which
# finds its errors. Either way the same `SplitEntry` comes out, so both paths agree.
_TEXT = r"(?:[^{}\\@]++|\\+[^\\@])"
_BRACED = r"\{" + _TEXT + r"*\}"
for _depth in range(2):
    _BRACED = r"\{(?:" + _TEXT + "|" + _BRACED + r")*\}"
_VALUE = _BRACED + r'|"(?:[^"{}\\@]++|\\+[^\\@{}])*"|\d+|[A-Za-z_][\w\-:.+]*'
_VALUE = r"(?:" + _VALUE + r")(?:\s*\#\s*(?:" + _VALUE + r"))*"  # `#` joins parts.
_FIELD = r"\s*[A-Za-z][\w\-:.+]*\s*=\s*(?:" + _VALUE + r")\s*"
FAST_ENTRY = re.compile(
    r"@(\w+)[ \t]*\{[ \t]*([^\s,{}()\"#%'=\\@]+)[ \t]*,"
    r"((?:" + _FIELD + r",)*(?:" + _FIELD + r")?)\s*\}"
)
FAST_FIELD = re.compile(r"\s*([A-Za-z][\w\-:.+]*)\s*=\s*(" + _VALUE + r")\s*,?")
BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")
NEXT_BLOCK = re.compile(r"\n(?=[ \t]*@\w*[ \t]*[{(])")
SPECIAL_BLOCKS = {"string", "comment", "preamble"}
CROSSREF = re.compile(r"\bcrossref\s*=\s*[{\"]?\s*([^\s,{}\"]+)", re.IGNORECASE)


def fast_entry(text: str, start: int, line: int) -> tuple[SplitEntry, int] | None:
    """The entry at `start` and the index after it, when it has the common shape."""
    match = FAST_ENTRY.match(text, start)
    if match is None or match.group(1).lower() in SPECIAL_BLOCKS:
        return None
    fields = FAST_FIELD.findall(match.group(3))
    if len({name.lower() for name, _value in fields}) < len(fields):
        return None  # A repeated field: the splitter reports it.
    return SplitEntry(match.group(1), match.group(2), line, fields, True), match.end()


def _split(text: str) -> list:
    """bibtexparser's blocks of a text; a failure of the library itself becomes a block."""
    try:
        return Splitter(text).split().blocks
    except Exception as exc:  # noqa: BLE001 - the library raises bare errors on its own bugs
        return [ParsingFailedBlock(error=exc, start_line=0, raw=text[:200])]


def split_blocks(text: str, *, fast: bool = True) -> Iterator[tuple[object, int]]:
    """(block, line offset) pairs in file order: `SplitEntry`s and bibtexparser blocks.

    A block the fast path cannot read goes to bibtexparser's splitter together with the text
    up to the next line that starts a block (where the splitter would end it anyway).
    """
    pos, line = 0, 0
    while (start := BLOCK_START.search(text, pos)) is not None:
        line += text.count("\n", pos, start.start())
        found = fast_entry(text, start.start(), line) if fast else None
        if found is not None:
            yield found[0], 0
            end = found[1]
        else:
            cut = NEXT_BLOCK.search(text, start.end())
            end = cut.end() if cut else len(text)
            yield from ((block, line) for block in _split(text[start.start() : end]))
        line += text.count("\n", start.start(), end)
        pos = end


def inherit(child: BibRecord, parent: BibRecord) -> None:
    """Fill fields a record leaves out from its `crossref` parent (the BibTeX rule)."""
    for name, value in parent.fields.items():
        child.fields.setdefault(name, value)
    if "title" in parent.fields and child.entry_type in {"inproceedings", "incollection"}:
        child.fields.setdefault("booktitle", parent.fields["title"])
    child.authors = child.authors or list(parent.authors)
    child.editors = child.editors or list(parent.editors)


class Reader:
    """Reads one file entry by entry, in little memory.

    `entries()` yields `BibRecord`s and `ParseProblem`s in file order, except that records
    using `crossref` come last, once the parent they inherit from has been read.
    """

    def __init__(self, data: str | bytes, *, fast: bool = True):
        self.fast = fast  # False: every block through bibtexparser's splitter (for tests).
        self.notes: list[str] = []
        if isinstance(data, bytes):
            data, self.notes = decode_bytes(data)
        self.text = data.removeprefix("\ufeff")
        self.macros = dict(MONTH_MACROS)
        self.first_line_of_key: dict[str, int] = {}

    def entries(self) -> Iterator[BibRecord | ParseProblem]:
        if looks_binary(self.text):
            yield ParseProblem(1, "", BINARY_INPUT)
            return
        parent_keys = {key.lower() for key in CROSSREF.findall(self.text)}
        parents: dict[str, BibRecord] = {}
        children: list[BibRecord] = []
        found = False
        for block, offset in split_blocks(self.text, fast=self.fast):
            for item in self._block(block, offset):
                found = True
                if isinstance(item, BibRecord) and item.key.lower() in parent_keys:
                    parents[item.key.lower()] = item
                if isinstance(item, BibRecord) and "crossref" in item.fields:
                    children.append(item)
                else:
                    yield item
        for child in children:
            parent = parents.get(child.fields["crossref"].lower())
            if parent is not None and parent is not child:
                inherit(child, parent)
            yield child
        if not found:
            yield ParseProblem(1, "", EMPTY_INPUT)

    def _entry(self, entry: SplitEntry, offset: int) -> list[BibRecord | ParseProblem]:
        record, errors = entry_record(entry, self.macros, offset)
        folded = record.key.lower()
        if record.key and folded in self.first_line_of_key:
            first = self.first_line_of_key[folded]
            errors.append(DUPLICATE_KEY.format(key=record.key, first=first))
        elif record.key:
            self.first_line_of_key[folded] = record.line
        if not errors:
            return [record]
        return [ParseProblem(record.line, record.key, message) for message in errors]

    def _block(self, block, offset: int) -> list[BibRecord | ParseProblem]:
        if isinstance(block, DuplicateBlockKeyBlock):
            block = block.ignore_error_block  # Reported by our own key check, with lines.
        if isinstance(block, SplitEntry):
            return self._entry(block, offset)
        line = (block.start_line or 0) + offset + 1
        if isinstance(block, Entry):
            return self._entry(SplitEntry.of(block), offset)
        if isinstance(block, String):
            message = _string_definition(block, self.macros)
            return [ParseProblem(line, block.key.strip(), message)] if message else []
        if isinstance(block, ParsingFailedBlock):
            return [ParseProblem(line, _block_key(block), _failed_block_problem(block))]
        if isinstance(block, Preamble):
            self.notes.append(PREAMBLE_SKIPPED.format(line=line))
        return []


def parse(data: str | bytes, *, fast: bool = True) -> ParseResult:
    """A .bib file's content -> records (with line numbers) and problems; never raises."""
    reader = Reader(data, fast=fast)
    result = ParseResult(notes=reader.notes)
    for item in reader.entries():
        (result.records if isinstance(item, BibRecord) else result.problems).append(item)
    result.records.sort(key=lambda record: record.line)
    result.problems.sort(key=lambda problem: problem.line)
    return result


# --- rendering --------------------------------------------------------------------------


def _family_needs_braces(name: Name) -> bool:
    if name.is_others:
        return False  # Braced, "{others}" would be a person's name, not "et al.".
    words = name.family.split()
    return (
        any(_is_lower(word) for word in words)
        or "," in name.family
        or bool(AND.search(f" {name.family} "))
        or (len(words) > 1 and not name.prefix and not name.given and not name.suffix)
    )


def _name_part(text: str) -> str:
    encoded = latex.encode(text)
    if "," in text or AND.search(f" {text} "):
        return "{" + encoded + "}"
    return encoded


@functools.lru_cache(maxsize=100_000)
def format_name(name: Name) -> str:
    """A Name as BibTeX writes it: "von Last, Jr, First"; corporate names in braces."""
    family = latex.encode(name.family)
    if _family_needs_braces(name):
        family = "{" + family + "}"
    family = f"{latex.encode(name.prefix)} {family}".strip()
    if not name.given and not name.suffix:
        return family
    parts = [family] + ([_name_part(name.suffix)] if name.suffix else [])
    return ", ".join(parts + [_name_part(name.given)])


def _field_value(name: str, value: str) -> str:
    if name in TITLE_FIELDS:
        return "{" + latex.encode(value, protect_case=True) + "}"
    if name in VERBATIM_FIELDS:
        return "{" + value + "}"
    if name == "month" and value in MONTH_BY_NAME:
        return MONTH_BY_NAME[value]
    if "$" in value:
        return "{" + latex.encode(value) + "}"
    return "{" + value.translate(latex.ENCODE_TABLE) + "}"  # No math: escaping is all.


def _ordered_fields(fields: dict[str, str]) -> list[tuple[str, str]]:
    """Known fields in FIELD_ORDER, then the others alphabetically."""
    known = [(name, fields[name]) for name in FIELD_ORDER if name in fields]
    if len(known) == len(fields):
        return known
    return known + sorted(item for item in fields.items() if item[0] not in FIELD_RANK)


def render_entry(record: BibRecord) -> str:
    """One record as a BibTeX entry: authors, editors, then fields in a stable order."""
    lines = [f"@{record.entry_type}{{{record.key},\n"]
    if record.authors:
        lines.append(f"  author = {{{' and '.join(format_name(n) for n in record.authors)}}},\n")
    if record.editors:
        lines.append(f"  editor = {{{' and '.join(format_name(n) for n in record.editors)}}},\n")
    lines += [
        f"  {name} = {_field_value(name, value)},\n"
        for name, value in _ordered_fields(record.fields)
        if value != ""
    ]
    lines.append("}\n")
    return "".join(lines)


def render_entries(records: Iterable[BibRecord]) -> Iterator[str]:
    """Records -> BibTeX text, one entry per chunk (for streaming responses)."""
    for record in records:
        yield render_entry(record) + "\n"
