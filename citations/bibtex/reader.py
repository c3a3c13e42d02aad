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

Untrusted input stays cheap: bytes are read as UTF-8 (or the encoding given), never guessed,
and lines that do not decode are problems; `Macros` caps how long a value and all @string
expansions of a file may grow, so a few hundred bytes of macros that double each other are
refused at once.

`render_entry(record)` / `render_entries(records)` write records back as BibTeX: stable field
order, LaTeX specials escaped (math kept), case protected with braces where styles would
lower-case it, `month` written as the standard macro; no value can end its field early
(`_braced`), whatever it holds.
"""

import codecs
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
NOTHING_TO_IMPORT = "The file holds no entries: nothing to import."
BINARY_INPUT = "The file is not text (it holds binary data); expected a BibTeX .bib file."
NOT_UTF8 = (
    "Line {line} is not valid UTF-8 (byte 0x{byte:02x}): save the file as UTF-8, or give its "
    "encoding (e.g. windows-1252)."
)
NOT_IN_ENCODING = "Line {line} cannot be read as {encoding} (byte 0x{byte:02x})."
MORE_UNDECODABLE = "{count} more line(s) after line {line} cannot be read either."
UNKNOWN_ENCODING = "Unknown encoding {encoding!r}: give a name such as utf-8 or windows-1252."
VALUE_TOO_LARGE = (
    "The value of {name!r} is longer than {limit} characters (with @string macros expanded)."
)
EXPANSION_TOO_LARGE = (
    "The @string macros of the file expand to more than {limit} characters in all."
)
MACRO_REFUSED = "The @string {macro!r} is used, which was refused as too large."
MISSING_KEY = "The entry has no citation key."
BAD_KEY = "The citation key {key!r} contains spaces or commas."
DUPLICATE_KEY = "The key {key!r} is used again; it was first used at line {first}."
REPEATED_FIELD = "A field is given more than once in the entry: {names}."
REPEATED_FIELD_KEPT = (
    "line {line} [{key}]: a field is given more than once ({names}); the first value is kept."
)
SYNTAX_ERROR = "The entry cannot be read: {reason}"
MISSING_COMMA = "Field {name!r}: unexpected text after its value (a missing comma?)."
UNCLOSED_VALUE = "Field {name!r}: its value is not closed (unbalanced braces or quotes)."
EMPTY_VALUE = "Field {name!r} has no value."
UNKNOWN_MACRO = "Field {name!r} uses {macro!r}, which no @string defines."
BAD_FIELD_NAME = "Invalid field name {name!r}."
BAD_STRING = "A malformed @string definition: {reason}"
BAD_NAME = "Cannot read the name {name!r}: more than two commas."
PREAMBLE_KEPT = (
    "The @preamble at line {line} is kept with the entries that use commands it may define."
)
PREAMBLE_SOURCE = "@preamble"  # The key of a file's @preamble in `BibRecord.sources`.

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


class ValueTooLarge(FieldValueError):
    """A value, or the file's macro expansions, over the limits of `Macros`."""


MAX_VALUE = 8 * 1024 * 1024  # A 5 MB abstract is read (the import benchmark has one).
MAX_EXPANSION = 4 * 1024 * 1024  # Files abbreviating journals use far less: 50,000 x 30.


class Macros(dict):
    """The @string macros of one file (and the month names), with an expansion budget.

    A macro may join others, so a few hundred bytes that double one macro 40 times stand for
    2^40 characters. Each use of a macro counts its length against `max_expansion` for the
    whole file, and `read_value` refuses a value longer than `max_value` before it joins the
    parts: such a file is refused at once, in little memory. A macro refused as too large
    stays known, so its uses say why instead of "no @string defines it".
    """

    def __init__(self, *, max_value: int = MAX_VALUE, max_expansion: int = MAX_EXPANSION):
        super().__init__(MONTH_MACROS)
        self.max_value, self.max_expansion = max_value, max_expansion
        self.expanded = 0
        self.refused: set[str] = set()

    def __contains__(self, name) -> bool:
        return super().__contains__(name) or name in self.refused

    def __getitem__(self, name: str) -> str:
        if name in self.refused:
            raise ValueTooLarge(MACRO_REFUSED.format(macro=name))
        value = super().__getitem__(name)
        self.expanded += len(value)
        if self.expanded > self.max_expansion:
            raise ValueTooLarge(EXPANSION_TOO_LARGE.format(limit=self.max_expansion))
        return value

    def check_size(self, name: str, size: int) -> None:
        if size > self.max_value:
            raise ValueTooLarge(VALUE_TOO_LARGE.format(name=name, limit=self.max_value))


# --- text -------------------------------------------------------------------------------


class UndecodableInput(ValueError):
    """Bytes that are not text in the expected encoding; `problems` name the lines."""

    def __init__(self, problems: list[ParseProblem]):
        super().__init__(problems[0].message)
        self.problems = problems


MAX_REPORTED_LINES = 20


def _undecodable_lines(data: bytes, encoding: str) -> list[ParseProblem]:
    """One problem per line that does not decode (a character never spans a line)."""
    bad = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode(encoding)
        except UnicodeDecodeError as exc:
            bad.append((number, line[exc.start]))
    if encoding == "utf-8":
        problems = [ParseProblem(n, "", NOT_UTF8.format(line=n, byte=b)) for n, b in bad]
    else:
        problems = [
            ParseProblem(n, "", NOT_IN_ENCODING.format(line=n, encoding=encoding, byte=b))
            for n, b in bad
        ]
    if len(problems) > MAX_REPORTED_LINES:
        last = problems[MAX_REPORTED_LINES - 1].line
        more = MORE_UNDECODABLE.format(count=len(problems) - MAX_REPORTED_LINES, line=last)
        problems = problems[:MAX_REPORTED_LINES] + [ParseProblem(last, "", more)]
    return problems


def check_encoding(encoding: str) -> str:
    """The canonical name of an encoding, or ValueError(UNKNOWN_ENCODING)."""
    try:
        return codecs.lookup(encoding.strip()).name
    except LookupError:
        raise ValueError(UNKNOWN_ENCODING.format(encoding=encoding)) from None


def decode_bytes(data: bytes, encoding: str | None = None) -> str:
    """Bytes of a file -> text. UTF-8 (a BOM dropped) unless `encoding` names
    another; never a guess: bytes that do not decode raise `UndecodableInput` naming their
    lines, because reading a whole UTF-8 file as Windows-1252 for a few stray bytes would
    garble every accent in it."""
    encoding = check_encoding(encoding) if encoding else "utf-8"
    if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UndecodableInput(_undecodable_lines(data, encoding)) from None


def looks_binary(text: str | bytes) -> bool:
    """NUL bytes anywhere (no text file has them, nor can PostgreSQL store them), or many
    control characters at the start (bytes are looked at before any decoding)."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")  # Byte for byte: only control characters matter.
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


def _value_part(text: str, pos: int, name: str, macros: Macros) -> tuple[str, int]:
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


def read_value(raw: str, name: str, macros: Macros) -> str:
    """A raw field value (`{...}`, `"..."`, 1990, a macro, parts joined by `#`) -> its LaTeX.

    Its length is checked against the limit before the parts are joined."""
    macros.check_size(name, len(raw))
    if raw[:1] == "{" and raw[-1:] == "}":
        inner = raw[1:-1]
        if ("{" not in inner and "}" not in inner) or _braced_end(raw, 0) == len(raw):
            return inner  # The common case, one braced value.
    if not raw.strip():
        raise FieldValueError(EMPTY_VALUE.format(name=name))
    parts, pos, size = [], 0, 0
    while True:
        part, pos = _value_part(raw, pos, name, macros)
        parts.append(part)
        size += len(part)
        macros.check_size(name, size)
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
    raw = _normal_space(raw)  # A name broken over lines is one name ("{La\n Bruna}").
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


def _well_formed_fields(entry: SplitEntry, macros: Macros) -> tuple[dict, list[str]]:
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
            try:
                values[name] = macros[raw_value.lower()]
            except FieldValueError as exc:
                errors.append(str(exc))
        else:
            errors.append(UNKNOWN_MACRO.format(name=name, macro=raw_value))
    return values, errors


def _entry_fields(entry: SplitEntry, macros: Macros) -> tuple[dict, list[str]]:
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


def _normal_space(value: str) -> str:
    if "\n" in value or "  " in value or "\t" in value or "\r" in value:
        value = WHITESPACE.sub(" ", value)
    return value.strip(" ")  # Not str.strip(): a leading or trailing `~` is kept.


def _keeps_source(name: str, source: str, text: str) -> bool:
    """Must the LaTeX as imported be kept beside the text to be written back the same?"""
    if source != text:
        return True
    if name in TITLE_FIELDS:
        if "\\" in text:
            return True
        first = latex.WORD.match(text)
        if not latex.HAS_CAPITAL.search(text, 1) and not (
            first and latex.needs_protection(first[0])
        ):
            return bool(latex.NEEDS_ENCODING.search(text))  # No word to brace: the usual title.
        return latex.encode(text, protect_case=True, unicode=True) != text
    return bool(latex.NEEDS_ENCODING.search(text))


def _names_source(value: str) -> str | None:
    """An author or editor list's LaTeX, when names alone would not write it back."""
    return _normal_space(value) if "{" in value or "\\" in value else None


def entry_record(entry: SplitEntry, macros: Macros, offset: int = 0) -> tuple[BibRecord, list[str]]:
    """A split entry -> a record, and the problems found in it (each a message)."""
    values, errors = _entry_fields(entry, macros)
    record = BibRecord(entry_type=sys.intern(entry.entry_type.lower()), key=entry.key.strip())
    record.line = entry.start_line + offset + 1
    limit = macros.max_value
    sources = record.sources
    for name, value in values.items():
        try:
            if len(value) > limit:  # Inline: this runs for every field of every entry.
                macros.check_size(name, len(value))
            if name == "author" or name == "editor":
                names = parse_names(value)
                if name == "author":
                    record.authors = names
                else:
                    record.editors = names
                if (source := _names_source(value)) is not None:
                    sources[name] = source
            elif name in VERBATIM_FIELDS:
                record.fields[name] = unescape_verbatim(_normal_space(value))
            else:
                source = _normal_space(value)
                text = record.fields[name] = latex.decode(source)
                if _keeps_source(name, source, text):
                    sources[name] = source
        except FieldValueError as exc:
            errors.append(str(exc))
    if not record.key:
        errors.insert(0, MISSING_KEY)
    elif BAD_KEY_CHARS.search(record.key):
        errors.insert(0, BAD_KEY.format(key=record.key))
    return record, errors


def _string_definition(block: String, macros: Macros) -> str | None:
    """Add an @string macro; return a problem message when it is malformed or too large."""
    name = block.key.strip().lower()
    if not FIELD_NAME.match(name):
        return BAD_STRING.format(reason=f"invalid name {block.key.strip()!r}.")
    try:
        macros[name] = read_value(block.value, name, macros)
    except ValueTooLarge as exc:
        macros.refused.add(name)
        return str(exc)
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
# A quoted value may hold brace groups, which may hold quotes: "{Ein Handbuch f{"u}r ...}".
_VALUE = _BRACED + r'|"(?:[^"{}\\@]++|\\+[^\\@{}]|' + _BRACED + r')*"|\d+|[A-Za-z_][\w\-:.+]*'
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
    for name, source in parent.sources.items():
        child.sources.setdefault(name, source)
    if "title" in parent.sources and child.entry_type in {"inproceedings", "incollection"}:
        child.sources.setdefault("booktitle", parent.sources["title"])


PREAMBLE = re.compile(r"@preamble\s*\{", re.IGNORECASE)


def _preamble(text: str) -> str:
    """The LaTeX of a file's @preamble blocks, joined: the commands its entries may use."""
    parts = []
    if "@preamble" in text.lower():
        for match in PREAMBLE.finditer(text):
            end = _braced_end(text, match.end() - 1)
            if end > 0:
                try:
                    parts.append(read_value(text[match.end() : end - 1].strip(), "", Macros()))
                except FieldValueError:
                    continue
    return "\n".join(part.strip() for part in parts if part.strip())


def _only_comments(text: str) -> bool:
    """Blank, `%` comment lines, or blocks that are no entries (@comment, @string, ...)."""
    if "@" in text:
        return True  # Blocks were read and none was an entry (or each was reported).
    return all(not line.strip() or line.lstrip().startswith("%") for line in text.splitlines())


class Reader:
    """Reads one file entry by entry, in little memory.

    `entries()` yields `BibRecord`s and `ParseProblem`s in file order, except that records
    using `crossref` come last, once the parent they inherit from has been read.
    """

    def __init__(
        self,
        data: str | bytes,
        *,
        fast: bool = True,
        encoding: str | None = None,
        max_value: int = MAX_VALUE,
        max_expansion: int = MAX_EXPANSION,
    ):
        self.fast = fast  # False: every block through bibtexparser's splitter (for tests).
        self.notes: list[str] = []
        self.undecodable: list[ParseProblem] = []
        if isinstance(data, bytes):
            data = self._decode(data, encoding)
        self.text = data.removeprefix("\ufeff")
        self.macros = Macros(max_value=max_value, max_expansion=max_expansion)
        self.first_line_of_key: dict[str, int] = {}

    def _decode(self, data: bytes, encoding: str | None) -> str:
        if looks_binary(data):
            return "\x00"  # Reported as binary by `entries()`.
        try:
            return decode_bytes(data, encoding)
        except UndecodableInput as exc:
            self.undecodable = exc.problems
        except ValueError as exc:  # An unknown encoding name.
            self.undecodable = [ParseProblem(1, "", str(exc))]
        return ""

    def entries(self) -> Iterator[BibRecord | ParseProblem]:
        if self.undecodable:
            yield from self.undecodable
            return
        if looks_binary(self.text):
            yield ParseProblem(1, "", BINARY_INPUT)
            return
        parent_keys = {key.lower() for key in CROSSREF.findall(self.text)}
        self.preamble = _preamble(self.text)
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
        if not found and _only_comments(self.text):
            self.notes.append(NOTHING_TO_IMPORT)  # An empty file: nothing to do, no error.
        elif not found:
            yield ParseProblem(1, "", EMPTY_INPUT)

    def _entry(self, entry: SplitEntry, offset: int) -> list[BibRecord | ParseProblem]:
        record, errors = entry_record(entry, self.macros, offset)
        if self.preamble and any(latex.unknown_commands(v) for v in record.sources.values()):
            record.sources[PREAMBLE_SOURCE] = self.preamble
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
        if isinstance(block, DuplicateFieldKeyBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            # BibTeX keeps a repeated field's first value and warns: so do we.
            entry = SplitEntry.of(block.ignore_error_block)
            seen: set[str] = set()
            fields = []
            for name, value in entry.fields:
                if name.strip().lower() not in seen:
                    seen.add(name.strip().lower())
                    fields.append((name, value))
            line = entry.start_line + offset + 1
            names = ", ".join(sorted(block.duplicate_keys))
            self.notes.append(REPEATED_FIELD_KEPT.format(line=line, key=entry.key, names=names))
            return self._entry(
                SplitEntry(entry.entry_type, entry.key, entry.start_line, fields), offset
            )
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
            self.notes.append(PREAMBLE_KEPT.format(line=line))
        return []


def parse(data: str | bytes, *, fast: bool = True, **options) -> ParseResult:
    """A .bib file's content -> records (with line numbers) and problems; never raises.

    `options` are those of `Reader`: `encoding`, `max_value`, `max_expansion`."""
    reader = Reader(data, fast=fast, **options)
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


def _name_part(text: str, unicode: bool) -> str:
    encoded = latex.encode(text, unicode=unicode)
    if "," in text or AND.search(f" {text} "):
        return "{" + encoded + "}"
    return encoded


@functools.lru_cache(maxsize=100_000)
def format_name(name: Name, unicode: bool = False) -> str:
    """A Name as BibTeX writes it: "von Last, Jr, First"; corporate names in braces."""
    family = latex.encode(name.family, unicode=unicode)
    if _family_needs_braces(name):
        family = "{" + family + "}"
    family = f"{latex.encode(name.prefix, unicode=unicode)} {family}".strip()
    if not name.given and not name.suffix:
        return family
    parts = [family] + ([_name_part(name.suffix, unicode)] if name.suffix else [])
    return ", ".join(parts + [_name_part(name.given, unicode)])


# --- values that cannot close their field ------------------------------------------------
# A value is written in braces, and whatever reads it back ends the field at the brace that
# balances the first one: BibTeX counts every brace, bibtexparser and our reader skip `\{`
# and `\}`. A body is safe when both counts balance, so no stored value (a DOI or URL with
# a `}`, an `eprint` or `file` field) can end its field early and inject fields after it.
# Line breaks become spaces (what every reader makes of them): a line starting `@misc(` in
# a value would otherwise start an entry for readers that resynchronise at such lines.
VERBATIM_UNSAFE = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C"})
TEXT_BRACES = {"\\{": r"\textbraceleft{}", "\\}": r"\textbraceright{}"}
SAFE_FIELD_NAME = re.compile(r"[A-Za-z][\w\-:.+]*\Z")
SAFE_KEY = re.compile(r"[^\s,{}()\"#%'=\\@]+\Z")
SAFE_ENTRY_TYPE = re.compile(r"[A-Za-z]+\Z")
INNER_GROUP = re.compile(r"\{[^{}]*\}")
ESCAPED_BRACE = re.compile(r"\\[{}]")  # What `BRACE` skips: a brace after a backslash.
LINE_BREAKS = re.compile(r"[\r\n]+")


def _pairs_close(text: str) -> bool:
    """Whether every brace has its partner: innermost groups are removed until none is left
    (a few passes at C speed; values nest braces only a few deep)."""
    while True:
        text, removed = INNER_GROUP.subn("", text)
        if not removed:
            return "{" not in text and "}" not in text


def is_balanced(body: str) -> bool:
    """Whether `{body}` ends at its last brace for every reader (see above)."""
    if body.endswith("\\"):
        return False
    if "{" not in body and "}" not in body:
        return True
    return _pairs_close(body) and ("\\" not in body or _pairs_close(ESCAPED_BRACE.sub("", body)))


def _braced(name: str, body: str) -> str:
    """`{body}`, made safe when it is not balanced: a verbatim value's braces and backslashes
    are percent-encoded (as in a URL), a text's escaped braces become commands."""
    if "\n" in body or "\r" in body:
        body = LINE_BREAKS.sub(" ", body)
    if ("{" not in body and "}" not in body and body[-1:] != "\\") or is_balanced(body):
        return "{" + body + "}"
    if name in VERBATIM_FIELDS:
        return "{" + body.translate(VERBATIM_UNSAFE) + "}"
    for escaped, command in TEXT_BRACES.items():
        body = body.replace(escaped, command)
    if not is_balanced(body):
        body = body.replace("{", "").replace("}", "").rstrip("\\")
    return "{" + body + "}"


def _field_value(name: str, value: str, unicode: bool = False) -> str:
    if name in TITLE_FIELDS:
        return _braced(name, latex.encode(value, protect_case=True, unicode=unicode))
    if name in VERBATIM_FIELDS:
        return _braced(name, value)
    if name == "month" and value in MONTH_BY_NAME:
        return MONTH_BY_NAME[value]
    if "$" in value or "\\" in value:
        return _braced(name, latex.encode(value, unicode=unicode))
    escaped = value.translate(latex.ENCODE_TABLE)  # No math nor commands: escaping is all.
    return _braced(name, escaped if unicode or escaped.isascii() else latex.to_ascii(escaped))


def _ordered_fields(fields: dict[str, str]) -> list[tuple[str, str]]:
    """Known fields in FIELD_ORDER, then the others alphabetically."""
    known = [(name, fields[name]) for name in FIELD_ORDER if name in fields]
    if len(known) == len(fields):
        return known
    others = [item for item in fields.items() if item[0] not in FIELD_RANK]
    # A name that is no BibTeX field name (`x = {y}, title`) could write fields of its own.
    return known + sorted(item for item in others if SAFE_FIELD_NAME.match(item[0]))


def _entry_head(record: BibRecord) -> str:
    """`@type{key,`, with a type or key that could break the entry replaced."""
    entry_type = record.entry_type if SAFE_ENTRY_TYPE.match(record.entry_type) else "misc"
    key = record.key if SAFE_KEY.match(record.key) else re.sub(r"[^\w:.+-]", "_", record.key)
    return f"@{entry_type}{{{key},\n"


# Where an exported field's LaTeX may have been imported under another name.
SOURCE_ALIASES = {
    "journal": ("journal", "journaltitle", "booktitle"),
    "booktitle": ("booktitle", "journal", "journaltitle"),
    "number": ("number", "issue"),
}


def _source(sources: dict[str, str], name: str, text: str) -> str | None:
    """The field's LaTeX as imported, when the text is still what it says (not edited)."""
    for alias in SOURCE_ALIASES.get(name, (name,)):
        source = sources.get(alias)
        if source is not None and latex.decode(source) == text:
            return source
    return None


@functools.lru_cache(maxsize=10_000)
def _source_names(source: str) -> tuple[Name, ...] | None:
    """The names an author list's LaTeX stands for (cached: lists repeat across exports)."""
    if source.count("{") != source.count("}"):
        return None
    try:
        return tuple(parse_names(source))
    except FieldValueError:
        return None


def _names_value(record: BibRecord, role: str, names: list[Name], unicode: bool) -> str:
    source = record.sources.get(role)
    if source is not None and _source_names(source) == tuple(names):
        return source if unicode else latex.to_ascii(source)
    return " and ".join(format_name(name, unicode) for name in names)


def render_entry(record: BibRecord, *, unicode: bool = False) -> str:
    """One record as a BibTeX entry: authors, editors, then fields in a stable order.

    A field imported from BibTeX and not edited since is written as it was imported (its
    LaTeX, `record.sources`); any other is encoded from its text. Unless `unicode`, what
    lies outside ASCII is written as LaTeX commands (pdfLaTeX-safe); with it, as UTF-8 (for
    biber, XeLaTeX and LuaLaTeX). No value can close its field early (`_braced`).
    """
    lines = [_entry_head(record)]
    for role, names in (("author", record.authors), ("editor", record.editors)):
        if names:
            value = _names_value(record, role, names, unicode)
            lines.append(f"  {role} = {_braced(role, value)},\n")
    sources = record.sources
    for name, value in _ordered_fields(record.fields):
        if value == "":
            continue
        source = _source(sources, name, value) if sources and name not in VERBATIM_FIELDS else None
        if source is None:
            lines.append(f"  {name} = {_field_value(name, value, unicode)},\n")
        else:
            written = source if unicode else latex.to_ascii(source)
            lines.append(f"  {name} = {_braced(name, written)},\n")
    lines.append("}\n")
    return "".join(lines)


# biblatex's text commands that BibTeX data sets use (biblatex-examples.bib): with biblatex
# they are defined; for BibTeX styles a @preamble provides plain fallbacks (`\providecommand`
# leaves biblatex's own definitions alone).
BIBLATEX_FALLBACKS = {
    "mkbibquote": r"\providecommand{\mkbibquote}[1]{``#1''}",
    "enquote": r"\providecommand{\enquote}[1]{``#1''}",
    "mkbibemph": r"\providecommand{\mkbibemph}[1]{\emph{#1}}",
    "mkbibitalic": r"\providecommand{\mkbibitalic}[1]{\textit{#1}}",
    "mkbibbold": r"\providecommand{\mkbibbold}[1]{\textbf{#1}}",
    "mkbibparens": r"\providecommand{\mkbibparens}[1]{(#1)}",
    "mkbibbrackets": r"\providecommand{\mkbibbrackets}[1]{[#1]}",
    "mkbibacro": r"\providecommand{\mkbibacro}[1]{\textsc{#1}}",
    "mkbibsuperscript": r"\providecommand{\mkbibsuperscript}[1]{\textsuperscript{#1}}",
    "hyphen": r"\providecommand{\hyphen}{-}",
    "autocap": r"\providecommand{\autocap}[1]{#1}",
    "noopsort": r"\providecommand{\noopsort}[1]{}",
}


FALLBACK_USE = re.compile(r"\\(" + "|".join(BIBLATEX_FALLBACKS) + r")(?![A-Za-z])")


def _fallbacks(record: BibRecord) -> list[str]:
    """The fallback definitions for biblatex commands the record's LaTeX uses (one scan of
    its values joined: most records use none)."""
    values = [v for k, v in record.sources.items() if k != PREAMBLE_SOURCE]
    values += [v for k, v in record.fields.items() if k not in VERBATIM_FIELDS]
    used = set(FALLBACK_USE.findall("\0".join(values)))
    return [BIBLATEX_FALLBACKS[name] for name in sorted(used)]


def render_entries(records: Iterable[BibRecord], *, unicode: bool = False) -> Iterator[str]:
    """Records -> BibTeX text, one entry per chunk (for streaming responses); the @preamble
    an imported entry came with (the commands it uses) is written once, before it."""
    written: set[str] = set()
    for record in records:
        if record.sources:
            preambles = [record.sources.get(PREAMBLE_SOURCE, "")] + _fallbacks(record)
            for preamble in preambles:
                if preamble and preamble not in written:
                    written.add(preamble)
                    text = preamble if unicode else latex.to_ascii(preamble)
                    yield f"@preamble{{{{{text}}}}}\n\n"
        yield render_entry(record, unicode=unicode) + "\n"
