"""LaTeX <-> Unicode for BibTeX field values, in one linear pass each way.

`decode` turns what BibTeX files write (`M{\\"u}ller`, `\\&`, `{DNA}`, `Smith~et~al.`) into the
Unicode text we store and display (`Müller`, `&`, `DNA`, non-breaking spaces). Inline math
(`$...$`) is kept verbatim; case-protecting braces are dropped; a command we do not know is
kept verbatim, so nothing is lost.

`encode` is its inverse for export: the specials `& % $ # _ { } ~ ^ \\` are escaped, math
segments are written back verbatim, and with `protect_case` the words BibTeX styles would
wrongly lower-case (acronyms, and proper nouns in sentence-case titles) are wrapped in
braces. Characters outside ASCII stay UTF-8 with `unicode`; otherwise every one is written as
LaTeX (`to_ascii`; Cyrillic, CJK and the like with the commands of `latex_scripts`).
`decode(encode(text)) == text` for every text (up to NFC, and but for the few characters
`PRINTED_THE_SAME` writes as what they print: ligatures, full-width forms, soft hyphens).

Both are a single regular-expression scan: linear in the length of the value (bibtexparser's
LaTeX middleware is not, which is why it is not used).

The character tables live in citations.text.latex_chars, the ASCII form in latex_ascii, the
plain text of CSL-JSON and RIS in latex_plain; their names are importable from here too.
"""

import re
import unicodedata

from citations.text import latex_scripts
from citations.text.latex_ascii import (
    MATH,
    _printed_the_same,
    ascii_math,
    split_math,
    to_ascii,
)
from citations.text.latex_chars import (
    ACCENTS,
    ASCII_LATEX,
    COMBINING_ACCENTS,
    ENCODE_TABLE,
    MATH_CHARS,
    MATH_COMMANDS,
    MATH_NAMES,
    PRINTED_THE_SAME,
    SYMBOLS,
)
from citations.text.latex_plain import plain_text

__all__ = [
    "ACCENTS",
    "ASCII_LATEX",
    "COMBINING_ACCENTS",
    "ENCODE_TABLE",
    "MATH",
    "MATH_CHARS",
    "MATH_COMMANDS",
    "MATH_NAMES",
    "PRINTED_THE_SAME",
    "SYMBOLS",
    "_printed_the_same",
    "decode",
    "encode",
    "needs_protection",
    "plain_text",
    "to_ascii",
    "unknown_commands",
]

# Font commands only style their argument: the text is kept, the styling dropped.
FORMATTING = {
    "emph",
    "textit",
    "textbf",
    "textsc",
    "textrm",
    "textsf",
    "texttt",
    "textup",
    "textsl",
    "textmd",
    "textnormal",
    "mbox",
    "text",
}
# Commands whose argument is typeset verbatim (a URL's "~", "%" and "_" are not LaTeX there):
# the argument is the text, so an export writes it as plain, escaped text.
VERBATIM_ARGUMENT = {"url", "path"}
ESCAPED = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}"}
ESCAPED.update({" ": " ", "\\": " ", "-": "", "/": "", ",": "\u2009", "@": ""})

_TOKENS = r"""(?P<math>\$[^$]*\$)
    |\\(?P<acc>['`^"~=.])\s*(?:\{\s*(?P<acc_arg>LETTER|NESTED)\s*\}
        |(?P<acc_bare>\\[ij](?![A-Za-z])|[^\W\d_]))
    |\\(?P<lacc>[uvHckrdb])(?:\s*\{\s*(?P<lacc_arg>LETTER|NESTED)\s*\}
        |\s+(?P<lacc_bare>[^\W\d_]))
    |\\(?P<word>[A-Za-z]+)(?P<space>\s*)(?P<arg>\{(?:[^{}$]|\{[^{}$]*\})*\})?
    |\\(?P<char>[&%$\#_{}\ \\\-/,@])
    |(?P<brace>[{}])
    |(?P<tie>~)""".replace(
    "NESTED", r"""(?:\\['`^"~=.]|\\[uvHckrdb])\s*\{\s*LETTER\s*\}"""
).replace("LETTER", r"(?:\\[ij]|[^\W\d_])")
# Each expression starts with a look-ahead at the characters a token can start with: the
# engine then passes over any other character at once instead of trying each alternative
# there (half the time of decoding the LaTeX of 8,754 real entries, with long abstracts).
TOKEN = re.compile(r"(?=[$\\~{}])(?:" + _TOKENS + ")", re.VERBOSE)
# The same tokens but braces: those are then dropped by one `translate`, after the literal
# braces that tokens produce (`\{`, math, unknown commands) were marked with private-use
# characters, which avoids a Python call per brace (a 5 MB field has hundreds of thousands).
TOKEN_NOT_BRACE = re.compile(
    r"(?=[$\\~])(?:" + _TOKENS.replace("|(?P<brace>[{}])", "") + ")", re.VERBOSE
)
MARK_LITERAL = str.maketrans({"{": "\ue000", "}": "\ue001"})
NEEDS_DECODING = re.compile(r"[\\{}$~]")


def _accented(command: str, letter: str) -> str:
    if len(letter) > 2:
        letter = decode(letter)  # A letter under two accents (Vietnamese ệ: `\\^{\\d{e}}`).
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", base + ACCENTS[command])


def _decode_word(match: re.Match) -> str:
    word, arg = match["word"], match["arg"]
    if word in FORMATTING:
        # The styled text is kept; with a nested argument its braces simply fall away.
        return decode(arg[1:-1]) if arg is not None else ""
    if word in VERBATIM_ARGUMENT and arg is not None:
        return arg[1:-1]
    if (
        word in WRITTEN_CHARS
        and arg is not None
        and (char := _written_char(word, arg[1:-1])) is not None
    ):
        return char
    if word in SYMBOLS:
        return SYMBOLS[word] + (decode(arg) if arg else "")
    # Unknown command: kept verbatim with its argument, so nothing is lost. Without an
    # argument or a space after it, an empty group ends its name (`{\\Dash}introduction`
    # must not become `\\Dashintroduction` once the braces are dropped).
    if arg is None and not match["space"]:
        return match.group(0) + "{}"
    return match.group(0)


WRITTEN_CHARS = {latex_scripts.CODE_POINT_COMMAND, *latex_scripts.SCRIPT_COMMANDS}


def _written_char(word: str, argument: str) -> str | None:
    """`\\unichar{20013}` -> 中, `\\textsuperscript{2+}` -> ²⁺ (the ASCII export's forms)."""
    if word == latex_scripts.CODE_POINT_COMMAND:
        return latex_scripts.code_point(argument)
    if word in latex_scripts.SCRIPT_COMMANDS:
        return latex_scripts.scripted(word, argument)
    return None


# What `_ascii_math` writes for a character outside ASCII in math: `\\alpha{}`, `\\mbox{{\\ss}}`.
WRITTEN_IN_MATH = re.compile(
    r"\\([A-Za-z]+)\{\}|\\mbox\{(\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\})\}"
)


def _math_char(match: re.Match) -> str:
    if match[1] is not None:
        return MATH_NAMES.get(match[1], match[0])
    return decode(match[2])


def _math_chars(math: str) -> str:
    """Inline math as the ASCII export wrote it -> with its characters back (`$\\alpha{}$`)."""
    return WRITTEN_IN_MATH.sub(_math_char, math)


def _decode_token(match: re.Match) -> str:
    kind = match.lastgroup
    if match["math"] is not None:
        math = match["math"]
        found = MATH_CHARS.get(math)
        if found is None:
            found = _math_chars(math) if "{}" in math or "\\mbox{{" in math else math
        return found
    if match["acc"] is not None:
        return _accented(match["acc"], match["acc_arg"] or match["acc_bare"])
    if match["lacc"] is not None:
        return _accented(match["lacc"], match["lacc_arg"] or match["lacc_bare"])
    if match["word"] is not None:
        return _decode_word(match)
    if match["char"] is not None:
        return ESCAPED[match["char"]]
    return "\u00a0" if kind == "tie" else ""


def _decode_marked(match: re.Match) -> str:
    text = _decode_token(match)
    return text.translate(MARK_LITERAL) if "{" in text or "}" in text else text


def decode(text: str) -> str:
    """LaTeX as written in a BibTeX value -> the Unicode text it stands for."""
    if not NEEDS_DECODING.search(text):
        return text
    if "\ue000" in text or "\ue001" in text or "\\unichar" in text:
        # The marks are taken, or may be written (`\\unichar{57344}`): a call per brace.
        return TOKEN.sub(_decode_token, text)
    marked = TOKEN_NOT_BRACE.sub(_decode_marked, text)
    # str.replace runs at memory speed; a translate table would cost a lookup per character.
    return marked.replace("{", "").replace("}", "").replace("\ue000", "{").replace("\ue001", "}")


# A LaTeX command left in a text by `decode` (a command it does not know: `\TUB{}`,
# `\mkbibquote{...}`), with its brace groups (nested up to three deep): written back as LaTeX.
_GROUP = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
COMMAND = re.compile(r"\\[A-Za-z]+(?:\s*" + _GROUP + r")*")
# A word for case protection: letters and digits (so `Mx1`, `BRCA1` and `IL6` are one word).
WORD = re.compile(r"[^\W_]+")
LETTERS = re.compile(r"[^\W\d_]+")
LETTER_ESCAPES = re.compile(r"[\\~^]")  # escaped as commands, whose letters are no words
NEEDS_ENCODING = re.compile(r"[\\{}&%$#_~^\u00a0]")
# Capitals: the only words case protection may have to brace hold one.
HAS_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я]")


def _split_commands(text: str) -> list[tuple[bool, str]]:
    """(is_command, segment) pairs: LaTeX commands a text kept, and the text between them."""
    parts, start = [], 0
    for match in COMMAND.finditer(text):
        parts.append((False, text[start : match.start()]))
        parts.append((True, match.group(0)))
        start = match.end()
    parts.append((False, text[start:]))
    return parts


def needs_protection(word: str) -> bool:
    """Would a BibTeX style's lower-casing change what this word means?

    A capital after the first character (DNA, mRNA, BMD, McDonald), or a capital in a word
    holding digits (Mx1, IL6), or a lone capital letter other than "A" (vitamin D, type I).
    Capitalised ordinary words (Women's Health) are not braced: styles that keep title case
    keep them anyway, and sentence-case styles are meant to lower-case them.
    """
    if not HAS_CAPITAL.search(word):
        return False
    rest = word[1:]
    if rest != rest.lower():
        return True
    if len(word) == 1:
        return word != "A"
    return word[0].isupper() and any(ch.isdigit() for ch in word)


# A whole word holding a capital (greedy on both sides, so it matches from the word's start or
# not at all): the only words `needs_protection` must look at.
CAPITALISED_WORD = re.compile(r"[^\W_]*[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я][^\W_]*")


def _brace(match: re.Match) -> str:
    word = match[0]
    return "{" + word + "}" if needs_protection(word) else word


def _protect(escaped: str) -> str:
    """Brace the words of an escaped text that need it (escapes add no letters here)."""
    return CAPITALISED_WORD.sub(_brace, escaped)


def _encode_text(text: str, protect_case: bool) -> str:
    if not protect_case:
        return text.translate(ENCODE_TABLE)
    if not LETTER_ESCAPES.search(text):
        return _protect(text.translate(ENCODE_TABLE))
    # Escapes here are commands (`\\textbackslash{}`): protect the words before escaping.
    words = WORD.findall(text)
    between = [piece.translate(ENCODE_TABLE) for piece in WORD.split(text)]
    out = [between[0]]
    for word, after in zip(words, between[1:], strict=True):
        out += ["{" + word + "}" if needs_protection(word) else word, after]
    return "".join(out)


def _encode_plain(text: str, protect_case: bool) -> str:
    """Text without math: specials escaped, LaTeX commands the text kept written back."""
    if "\\" not in text or not COMMAND.search(text):
        return _encode_text(text, protect_case)
    out = []
    for is_command, segment in _split_commands(text):
        out.append(segment if is_command else _encode_text(segment, protect_case))
    return "".join(out)


def encode(text: str, *, protect_case: bool = False, unicode: bool = False) -> str:
    """Unicode text -> a BibTeX value body (without the enclosing braces).

    With `protect_case`, words BibTeX styles would wrongly lower-case are braced (see
    `needs_protection`). Unless `unicode`, characters outside ASCII are written as LaTeX
    commands (`{\\"u}`, `\\,`, `--`), which pdfLaTeX and BibTeX 8-bit read in any set-up.
    LaTeX commands a text kept (`\\TUB{}`) are written back as commands when that
    round-trips; otherwise every backslash is escaped. `decode(encode(text)) == text`.
    """
    if protect_case and not HAS_CAPITAL.search(text):
        protect_case = False
    if not protect_case and not NEEDS_ENCODING.search(text):
        return text if unicode or text.isascii() else to_ascii(text)
    parts = split_math(text)
    encoded = [
        segment if is_math else _encode_plain(segment, protect_case) for is_math, segment in parts
    ]
    if "\\" in text and COMMAND.search(text) and decode("".join(encoded)) != text:
        # A kept command that would read back differently: escape it as literal text.
        encoded = [
            segment if is_math else _encode_text(segment, protect_case)
            for is_math, segment in parts
        ]
    if not unicode:
        encoded = [
            ascii_math(segment) if is_math else to_ascii(segment)
            for (is_math, _text), segment in zip(parts, encoded, strict=True)
        ]
    return "".join(encoded)


# --- commands a text uses ---------------------------------------------------------------

KNOWN_COMMANDS = set(SYMBOLS) | FORMATTING | VERBATIM_ARGUMENT | set("uvHckrdb")
KNOWN_COMMANDS.add(latex_scripts.CODE_POINT_COMMAND)
COMMAND_NAME = re.compile(r"\\([A-Za-z]+)")


def unknown_commands(latex: str) -> set[str]:
    """Names of the commands in a LaTeX text that `decode` does not know (`TUB`, `noopsort`):
    a document needs them defined, e.g. by the file's @preamble."""
    if "\\" not in latex:
        return set()
    return {name for name in COMMAND_NAME.findall(latex) if name not in KNOWN_COMMANDS}
