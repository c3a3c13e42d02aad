"""Field values. A raw value (`{...}`, `"..."`, a number, @string macros, parts joined by
`#`) -> its LaTeX, within the expansion budget of `Macros`; which fields are titles and
which are verbatim (code, never LaTeX); and when a value's LaTeX must be kept beside its
Unicode text so that it is written back as it was imported (`keeps_source`)."""

import re

from citations.text import latex

VALUE_TOO_LARGE = (
    "The value of {name!r} is longer than {limit} characters (with @string macros expanded)."
)
EXPANSION_TOO_LARGE = (
    "The @string macros of the file expand to more than {limit} characters in all."
)
INHERITANCE_TOO_LARGE = (
    "Inheriting from {parent!r} (crossref) takes the file past its expansion budget: "
    "@string macros and crossref inheritance expand to more than {limit} characters in all."
)
MACRO_REFUSED = "The @string {macro!r} is used, which was refused as too large."
MISSING_COMMA = "Field {name!r}: unexpected text after its value (a missing comma?)."
UNCLOSED_VALUE = "Field {name!r}: its value is not closed (unbalanced braces or quotes)."
EMPTY_VALUE = "Field {name!r} has no value."
UNKNOWN_MACRO = "Field {name!r} uses {macro!r}, which no @string defines."
MACRO_KEPT = (
    "line {line} [{key}]: field {name!r} is {value}, a @string macro this file does not "
    "define (another file may): kept as the macro, shown as its name."
)
PREAMBLE_SOURCE = "@preamble"  # The key of a file's @preamble in `BibRecord.sources`.
# `BibRecord.sources[RAW_VALUE + name]`: a value using @string macros no @string of its file
# defines, as written (`jgr # " 12"`), so exports write the macro back bare, as BibTeX and
# biber leave an undefined macro for another file of the same collection to define.
RAW_VALUE = "@raw:"

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

VALUE_PART = re.compile(r'\s*(?:(\{)|(")|(\d+)|([^\s#{}",=]+))')
WHITESPACE = re.compile(r"[ \t\r\n]+")
# What str.split() also breaks an ASCII text at, besides WHITESPACE's four.
OTHER_ASCII_SPACE = re.compile(r"[\v\f\x1c-\x1f]")
BRACE = re.compile(r"(?<!\\)[{}]")


class FieldValueError(ValueError):
    """A field value that cannot be read; the message is a user-facing constant."""


class ValueTooLarge(FieldValueError):
    """A value, or the file's macro expansions, over the limits of `Macros`."""


MAX_VALUE = 8 * 1024 * 1024  # A 5 MB abstract is read (the import benchmark has one).
MAX_EXPANSION = 4 * 1024 * 1024  # Files abbreviating journals use far less: 50,000 x 30.
# Values of a file decoded once (`Macros.decoded`): its macros' values, and the values that
# join at least `REMEMBERED_JOIN` characters of macros with `#` (shorter ones are cheap).
MAX_REMEMBERED = 10_000
REMEMBERED_JOIN = 32
# Field values of at most this many characters are read once per file (`Macros.field`).
SHORT_VALUE = 128


class Macros(dict):
    """The @string macros of one file (and the month names), with an expansion budget.

    A macro may join others, so a few hundred bytes that double one macro 40 times stand for
    2^40 characters. Each use of a macro counts its length against `max_expansion` for the
    whole file, and so does every character `crossref` inheritance copies into a record
    (one 1 MB title inherited by 60 entries is 60 MB). `read_value` refuses a value longer
    than `max_value` before it joins the parts: such a file is refused at once, in little
    memory. A macro refused as too large stays known, so its uses say why instead of "no
    @string defines it".
    """

    def __init__(self, *, max_value: int = MAX_VALUE, max_expansion: int = MAX_EXPANSION):
        super().__init__(MONTH_MACROS)
        self.max_value, self.max_expansion = max_value, max_expansion
        self.expanded = 0
        self.refused: set[str] = set()
        # Undefined macros met by `read_value` since the caller last cleared it: BibTeX warns
        # and goes on (another file of the collection may define them); so do we.
        self.undefined: list[str] = []
        # A value `remember`ed -> its LaTeX with normal spaces and its text (`decoded`).
        self._decoded: dict[str, tuple[str, str] | None] = {}
        # (a short value, in a title?) -> what `field` makes of it.
        self._fields: dict[tuple[str, bool], tuple[str, str, bool]] = {}

    def __setitem__(self, name: str, value: str) -> None:
        super().__setitem__(name, value)
        self.remember(value)

    def remember(self, value: str) -> None:
        """Decode `value` once for the whole file, at its first use (`decoded`): a macro's
        value, or one joining macros with `#` (`ack-bnb # " and " # ack-nhfb`)."""
        if len(self._decoded) < MAX_REMEMBERED:
            self._decoded.setdefault(value, None)

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

    def charge(self, size: int, message: str) -> None:
        """Count `size` characters copied into the file's records (crossref inheritance)
        against the budget; ValueTooLarge(message) past it."""
        self.expanded += size
        if self.expanded > self.max_expansion:
            raise ValueTooLarge(message)

    def check_size(self, name: str, size: int) -> None:
        if size > self.max_value:
            raise ValueTooLarge(VALUE_TOO_LARGE.format(name=name, limit=self.max_value))

    def decoded(self, value: str) -> tuple[str, str]:
        """A field value -> (its LaTeX with normal spaces, its Unicode text).

        Worked out once per file for the values `remember`ed: files abbreviate long values
        they repeat (TUGboat's `ack-bnb # " and " # ack-nhfb`, 800 characters in 3,800
        entries, was 2.8 MB of the 4 MB of LaTeX decoded in the 8,754 real entries of
        bench/real_import.py). At most `MAX_REMEMBERED` values per file are kept."""
        found = self._decoded.get(value)
        if found is None:
            source = normal_space(value)
            found = (source, latex.decode(source))
            if value in self._decoded:
                self._decoded[value] = found
        return found

    def field(self, value: str, title: bool) -> tuple[str, str, bool]:
        """A field's value -> (its LaTeX with normal spaces, its Unicode text, whether the
        LaTeX must be kept beside the text: `keeps_source` of a title field or another).

        Worked out once per file for values of up to `SHORT_VALUE` characters (at most
        `MAX_REMEMBERED` of them): four in five fields of the real entries of
        bench/real_import.py repeat a value of their file (an ISSN, a journal, a number)."""
        key = (value, title)
        found = self._fields.get(key)
        if found is None:
            source, text = self.decoded(value)
            found = (source, text, keeps_source(title, source, text))
            if len(value) <= SHORT_VALUE and len(self._fields) < MAX_REMEMBERED:
                self._fields[key] = found
        return found


def braced_end(text: str, start: int) -> int:
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
        end = (braced_end if match.group(1) else _quoted_end)(text, start)
        if end < 0:
            raise FieldValueError(UNCLOSED_VALUE.format(name=name))
        return text[start + 1 : end - 1], end
    if match.group(3):
        return match.group(3), match.end()
    macro = match.group(4).lower()
    if macro not in macros:
        macros.undefined.append(match.group(4))
        return match.group(4), match.end()  # Shown as its name; written back bare.
    return macros[macro], match.end()


def read_value(raw: str, name: str, macros: Macros) -> str:
    """A raw field value (`{...}`, `"..."`, 1990, a macro, parts joined by `#`) -> its LaTeX.

    Its length is checked against the limit before the parts are joined."""
    macros.check_size(name, len(raw))
    if raw[:1] == "{" and raw[-1:] == "}":
        inner = raw[1:-1]
        if ("{" not in inner and "}" not in inner) or braced_end(raw, 0) == len(raw):
            return inner  # The common case, one braced value.
    if not raw.strip():
        raise FieldValueError(EMPTY_VALUE.format(name=name))
    parts, pos, size, expanded = [], 0, 0, macros.expanded
    while True:
        part, pos = _value_part(raw, pos, name, macros)
        parts.append(part)
        size += len(part)
        macros.check_size(name, size)
        rest = raw[pos:].lstrip()
        if not rest:
            value = "".join(parts)
            if macros.expanded - expanded >= REMEMBERED_JOIN:
                macros.remember(value)  # Joins macros: likely repeated in other entries.
            return value
        if not rest.startswith("#"):
            raise FieldValueError(MISSING_COMMA.format(name=name))
        pos = len(raw) - len(rest) + 1


VERBATIM_ESCAPE = re.compile(r"\{\\([_%&#$])\}|\\([_%&#$])")


def unescape_verbatim(value: str) -> str:
    """A URL or DOI as written for BibTeX by Mendeley or JabRef (`a{\\_}b`, `50\\%`) -> as is.

    These never hold braces or backslashes of their own, so escapes and braces are dropped.
    """
    if "\\" not in value and "{" not in value:
        return value
    value = VERBATIM_ESCAPE.sub(lambda m: m.group(1) or m.group(2), value)
    return value.replace("{", "").replace("}", "")


def normal_space(value: str) -> str:
    """Line breaks, tabs and runs of spaces as one space (what BibTeX makes of them)."""
    if "\n" in value or "  " in value or "\t" in value or "\r" in value:
        if value.isascii() and not OTHER_ASCII_SPACE.search(value):
            # The same, a third of the time: str.split() breaks at these four alone here.
            return " ".join(value.split())
        value = WHITESPACE.sub(" ", value)  # A no-break space, say, is kept.
    return value.strip(" ")  # Not str.strip(): a leading or trailing `~` is kept.


def keeps_source(title: bool, source: str, text: str) -> bool:
    """Must the LaTeX as imported be kept beside the text to be written back the same?
    `title`: is it the value of a title field (`TITLE_FIELDS`)?"""
    if source != text:
        return True
    if title:
        if "\\" in text:
            return True
        first = latex.WORD.match(text)
        if not latex.HAS_CAPITAL.search(text, 1) and not (
            first and latex.needs_protection(first[0])
        ):
            return bool(latex.NEEDS_ENCODING.search(text))  # No word to brace: the usual title.
        return latex.encode(text, protect_case=True, unicode=True) != text
    return bool(latex.NEEDS_ENCODING.search(text))
