"""Records -> BibTeX text: `render_entry(record)` and `render_entries(records)`.

Authors and editors first, then fields in a stable order (`FIELD_ORDER`, the others
alphabetically). A field imported from BibTeX and not edited since is written as its LaTeX
was imported (`BibRecord.sources`: lossless export); any other is encoded from its text:
LaTeX specials escaped (math kept), case protected with braces where styles would
lower-case it, `month` written as the standard macro. Unless `unicode`, what lies outside
ASCII is written as LaTeX commands (pdfLaTeX-safe). No value can end its field early
(`_braced`), whatever it holds.
"""

import functools
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from itertools import accumulate

from citations.bibtex import preamble
from citations.bibtex.names import format_name, parse_names
from citations.bibtex.typesetting import safe_to_typeset
from citations.bibtex.values import (
    MONTH_BY_NAME,
    PREAMBLE_SOURCE,
    RAW_VALUE,
    TITLE_FIELDS,
    VERBATIM_FIELDS,
    FieldValueError,
    Macros,
    read_value,
)
from citations.text import latex, latex_scripts, protection
from citations.text.protection import PROTECTED_WORDS
from citations.text.records import BibRecord, Name, with_notice

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
    "annote",
    "doi",
    "pmid",
    "pmcid",
    "isbn",
    "issn",
    "url",
    "urldate",
    "abstract",
]
NOTICE_FIELDS = ("note", "annote")  # where a retraction notice goes, beside a user's note
FIELD_RANK = {name: index for index, name in enumerate(FIELD_ORDER)}

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
BRACES = re.compile(r"[{}]")
BRACE_STEP = {"{": 1, "}": -1}
ESCAPED_BRACE = re.compile(r"\\[{}]")  # What `values.BRACE` skips: a brace after a backslash.
LINE_BREAKS = re.compile(r"[\r\n]+")


def _pairs_close(text: str) -> bool:
    """Whether every brace has its partner: the running depth never drops below zero and
    ends at zero. One pass at C speed, linear however deep the braces nest (200,000 nested
    braces made the former innermost-group removal quadratic)."""
    depths = list(accumulate(map(BRACE_STEP.__getitem__, BRACES.findall(text))))
    return not depths or (depths[-1] == 0 and min(depths) >= 0)


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
    if ("\\char" in body or "%" in body or "#" in body) and name not in VERBATIM_FIELDS:
        body = safe_to_typeset(body)
    if ("{" not in body and "}" not in body and body[-1:] != "\\") or is_balanced(body):
        return "{" + body + "}"
    if name in VERBATIM_FIELDS:
        return "{" + body.translate(VERBATIM_UNSAFE) + "}"
    for escaped, command in TEXT_BRACES.items():
        body = body.replace(escaped, command)
    if not is_balanced(body):
        body = body.replace("{", "").replace("}", "").rstrip("\\")
    return "{" + body + "}"


def _percent_encoded(value: str) -> str:
    """A URL or DOI with characters outside ASCII as its URI (UTF-8, percent-encoded)."""
    return "".join(ch if ch.isascii() else urllib.parse.quote(ch, safe="") for ch in value)


def _field_value(name: str, value: str, unicode: bool = False) -> str:
    if name in TITLE_FIELDS:
        return _braced(name, latex.encode(value, protect_case=True, unicode=unicode))
    if name in VERBATIM_FIELDS:
        return _braced(name, value if unicode or value.isascii() else _percent_encoded(value))
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


# `BibRecord.sources[ENTRY_TYPE_SOURCE]`: the type a misc was imported with when it was no
# BibTeX or biblatex type (apacite's @magazine): written back as it came.
ENTRY_TYPE_SOURCE = "@type"


def _entry_head(record: BibRecord) -> str:
    """`@type{key,`, with a type or key that could break the entry replaced."""
    entry_type = record.entry_type
    if entry_type == "misc" and record.sources:
        entry_type = record.sources.get(ENTRY_TYPE_SOURCE) or entry_type
    entry_type = entry_type if SAFE_ENTRY_TYPE.match(entry_type) else "misc"
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


@functools.lru_cache(maxsize=4096)
def bare_value(raw: str) -> bool:
    """Whether a value using undefined @string macros (`jgr # " 12"`) can be written as it
    came, unbraced: one line of macro names, numbers and balanced groups joined by `#`."""
    if not raw or "\n" in raw or "\r" in raw or not is_balanced(raw):
        return False
    try:
        read_value(raw, "", Macros())
    except FieldValueError:
        return False
    return True


def _macro_value(sources: dict[str, str], name: str) -> str | None:
    """A field imported with @string macros its file did not define, as it came (bare)."""
    raw = sources.get(RAW_VALUE + name)
    return raw if raw is not None and bare_value(raw) else None


@functools.lru_cache(maxsize=4096)
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


def _edited_title(record: BibRecord, name: str, unicode: bool) -> str:
    """An edited title (or one a curator protected words of), with the braces of the words
    its imported LaTeX protected and of the curator's words (`citations.text.protection`)."""
    aliases = SOURCE_ALIASES.get(name, (name,))
    return protection.encode_title(record.fields[name], record.sources, aliases, unicode=unicode)


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
    fields = with_notice(record.fields, record.notice, NOTICE_FIELDS)
    for name, value in _ordered_fields(fields):
        if value == "":
            continue
        source = _source(sources, name, value) if sources and name not in VERBATIM_FIELDS else None
        if name in TITLE_FIELDS and sources and (source is None or PROTECTED_WORDS in sources):
            lines.append(f"  {name} = {_braced(name, _edited_title(record, name, unicode))},\n")
        elif source is None:
            lines.append(f"  {name} = {_field_value(name, value, unicode)},\n")
        elif (bare := _macro_value(sources, name)) is not None and (unicode or bare.isascii()):
            lines.append(f"  {name} = {bare},\n")
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


def _fallbacks(record: BibRecord) -> list[preamble.Piece]:
    """The fallback definitions for biblatex commands the record's LaTeX uses (one scan of
    its values joined: most records use none)."""
    values = [v for k, v in record.sources.items() if k != PREAMBLE_SOURCE]
    values += [v for k, v in record.fields.items() if k not in VERBATIM_FIELDS]
    used = set(FALLBACK_USE.findall("\0".join(values)))
    return [piece for name in sorted(used) for piece in preamble.split(BIBLATEX_FALLBACKS[name])]


def render_entries(records: Iterable[BibRecord], *, unicode: bool = False) -> Iterator[str]:
    """Records -> BibTeX text, one entry per chunk (for streaming responses). Before an
    imported entry, a @preamble with what it needs that was not written yet: the first
    definition of each command wins, each as `\\providecommand` (`preamble`)."""
    written = preamble.Written()
    for record in records:
        if record.sources:
            pieces = [*preamble.split(record.sources.get(PREAMBLE_SOURCE, "")), *_fallbacks(record)]
        else:
            pieces = []
        entry = render_entry(record, unicode=unicode)
        if not unicode:  # Definitions for the commands of characters pdfLaTeX has none for.
            pieces += preamble.split(" ".join(latex_scripts.provided(entry)))
        fresh = written.new(pieces)
        if fresh:
            text = preamble.joined(fresh)
            text = text if unicode else latex.to_ascii(text)
            yield f"@preamble{{{{{text}}}}}\n\n"
        yield entry + "\n"
