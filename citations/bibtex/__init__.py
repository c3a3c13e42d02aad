"""BibTeX in and out, pure: plain records from text, text from records, no ORM.

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
lower-case it, `month` written as the standard macro; no value can end its field early,
whatever it holds.

One module per concern:
- `reader`: `parse`, `Reader`, `ParseResult` (a file -> records and problems);
- `decoding`: bytes -> text (`decode_bytes`, `check_encoding`, `looks_binary`);
- `splitting`, `blocks`: the text -> blocks (the fast path, plain block types);
- `adapter`: bibtexparser's splitter for the other blocks, the only module importing it;
- `entries`: one entry -> a `BibRecord`; `values`: field values, @string `Macros`;
- `names`: name lists (`parse_name`, `parse_names`, `format_name`, `parse_name_list`,
  `format_name_list`);
- `render`: records -> text (`render_entry`, `render_entries`);
- `preamble`: a @preamble as definitions (`\\providecommand`, one per name) and other text;
- `problems`: `ParseProblem` and the reader's messages.
The package exports the names in `__all__`, among them the messages users see (constants
that tests assert by name); tests of private helpers import the module that holds them.
"""

from citations.bibtex.decoding import (
    BINARY_INPUT,
    MORE_UNDECODABLE,
    NOT_IN_ENCODING,
    NOT_TEXT_ENCODING,
    NOT_UTF8,
    TEXT_ENCODINGS,
    UNKNOWN_ENCODING,
    UndecodableInput,
    check_encoding,
    decode_bytes,
    looks_binary,
)
from citations.bibtex.names import (
    BAD_NAME,
    format_name,
    format_name_list,
    parse_name,
    parse_name_list,
    parse_names,
)
from citations.bibtex.problems import (
    BAD_FIELD_NAME,
    BAD_KEY,
    BAD_STRING,
    DUPLICATE_KEY,
    EMPTY_INPUT,
    MISSING_KEY,
    NOTHING_TO_IMPORT,
    PREAMBLE_KEPT,
    REPEATED_FIELD,
    REPEATED_FIELD_KEPT,
    SYNTAX_ERROR,
    ParseProblem,
)
from citations.bibtex.reader import ParseResult, Reader, parse
from citations.bibtex.render import render_entries, render_entry
from citations.bibtex.values import (
    EMPTY_VALUE,
    EXPANSION_TOO_LARGE,
    INHERITANCE_TOO_LARGE,
    MACRO_REFUSED,
    MAX_EXPANSION,
    MAX_VALUE,
    MISSING_COMMA,
    PREAMBLE_SOURCE,
    UNCLOSED_VALUE,
    UNKNOWN_MACRO,
    VALUE_TOO_LARGE,
    FieldValueError,
    Macros,
    ValueTooLarge,
)

__all__ = [
    # reading a file
    "parse",
    "Reader",
    "ParseResult",
    "ParseProblem",
    "Macros",
    "MAX_VALUE",
    "MAX_EXPANSION",
    "PREAMBLE_SOURCE",
    # bytes -> text
    "check_encoding",
    "decode_bytes",
    "looks_binary",
    "UndecodableInput",
    # names
    "parse_name",
    "parse_names",
    "parse_name_list",
    "format_name",
    "format_name_list",
    "FieldValueError",
    "ValueTooLarge",
    # records -> text
    "render_entry",
    "render_entries",
    # messages
    "BAD_FIELD_NAME",
    "BAD_KEY",
    "BAD_NAME",
    "BAD_STRING",
    "BINARY_INPUT",
    "DUPLICATE_KEY",
    "EMPTY_INPUT",
    "EMPTY_VALUE",
    "EXPANSION_TOO_LARGE",
    "INHERITANCE_TOO_LARGE",
    "MACRO_REFUSED",
    "MISSING_COMMA",
    "MISSING_KEY",
    "MORE_UNDECODABLE",
    "NOTHING_TO_IMPORT",
    "NOT_IN_ENCODING",
    "NOT_TEXT_ENCODING",
    "TEXT_ENCODINGS",
    "NOT_UTF8",
    "PREAMBLE_KEPT",
    "REPEATED_FIELD",
    "REPEATED_FIELD_KEPT",
    "SYNTAX_ERROR",
    "UNCLOSED_VALUE",
    "UNKNOWN_ENCODING",
    "UNKNOWN_MACRO",
    "VALUE_TOO_LARGE",
]
