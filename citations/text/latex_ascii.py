"""LaTeX with characters outside ASCII -> the same LaTeX in ASCII (`to_ascii`): each character
as the command pdfLaTeX reads back (citations.text.latex_chars), else `\\unichar`; in inline
math, a math command. Inline math a BibTeX value may keep verbatim is found here too
(`split_math`), for this and for `latex.encode`."""

import re
import unicodedata

from citations.text import latex_scripts
from citations.text.latex_chars import (
    ASCII_LATEX,
    COMBINING_ACCENTS,
    ENCODE_TABLE,
    MATH_COMMANDS,
    NON_ASCII,
    PRINTED_THE_SAME,
)

MATH = re.compile(r"\$[^$]+\$")
UNESCAPED_COMMENT_OR_PARAMETER = re.compile(r"(?<!\\)(?:\\\\)*[%#]")


def _is_verbatim_math(segment: str) -> bool:
    """Math we can write back as is: braces balanced, not ending in an escape, and no `%` or
    `#` that would comment out the rest of a line or be a parameter (`bibtex.typesetting`)."""
    if ("%" in segment or "#" in segment) and UNESCAPED_COMMENT_OR_PARAMETER.search(segment):
        return False
    depth = 0
    for ch in segment:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0 and segment[-2:-1] != "\\"


def split_math(text: str) -> list[tuple[bool, str]]:
    """(is_math, segment) pairs covering the text, in order."""
    parts, start = [], 0
    if "$" in text:
        for match in MATH.finditer(text):
            if _is_verbatim_math(match.group(0)):
                parts.append((False, text[start : match.start()]))
                parts.append((True, match.group(0)))
                start = match.end()
    parts.append((False, text[start:]))
    return parts


_ascii_cache: dict[str, str] = {}


def _printed_the_same(char: str) -> str | None:
    """A ligature (ﬁ) or a full- or half-width form (Ａ) -> the ASCII it prints as."""
    if char in PRINTED_THE_SAME:
        return PRINTED_THE_SAME[char]
    tag = unicodedata.decomposition(char).split(" ", 1)[0]
    if tag in {"<wide>", "<narrow>"} or (tag == "<compat>" and "\ufb00" <= char <= "\ufb06"):
        folded = unicodedata.normalize("NFKC", char)
        if folded.isascii():
            return folded.translate(ENCODE_TABLE)
    return None


def _ascii_char(char: str) -> str:
    """One character without marks -> LaTeX: a command, its ASCII look-alike, `\\unichar`."""
    if char.isascii():
        return char
    found = ASCII_LATEX.get(char)
    if found is None:
        found = _printed_the_same(char) or latex_scripts.unichar(char)
    return found


def _ascii_cluster(cluster: str) -> str:
    """One character with its combining marks -> ASCII LaTeX that `decode` reads back as the
    same text (up to NFC): an ASCII letter under accents as accent commands, a character
    LaTeX has a command for as that command, any other one as `\\unichar{code}`."""
    found = ASCII_LATEX.get(cluster)
    if found is not None:
        return found
    composed = unicodedata.normalize("NFC", cluster)
    if composed in ASCII_LATEX:
        return ASCII_LATEX[composed]
    decomposed = unicodedata.normalize("NFD", cluster)
    base, marks = decomposed[0], decomposed[1:]
    if marks and base.isascii() and base.isalpha() and all(m in COMBINING_ACCENTS for m in marks):
        if base in "ij" and marks[0] in "\u0300\u0301\u0302\u0308\u0303\u0304\u0306\u030c\u030b":
            base = "\\" + base  # Dotless i and j under an accent above.
        body = base
        for mark in marks[:2]:  # `decode` reads two accents on a letter, no more
            body = f"\\{COMBINING_ACCENTS[mark]}{{{body}}}"
        return "{" + body + "}" + "".join(map(latex_scripts.unichar, marks[2:]))
    return "".join(_ascii_char(char) for char in composed)


def _ascii_match(match: re.Match) -> str:
    cluster = match.group(0)
    value = _ascii_cache.get(cluster)
    if value is None:
        if len(_ascii_cache) > 50_000:
            _ascii_cache.clear()
        value = _ascii_cache[cluster] = _ascii_cluster(cluster)
    return value


def _math_ascii(char: str) -> str:
    """A character outside ASCII inside math: its math command, or its text form in a box."""
    name = MATH_COMMANDS.get(char)
    if name:
        return f"\\{name}{{}}"
    text = _ascii_cluster(char)
    return "\\mbox{" + (text if text.startswith("{") else "{" + text + "}") + "}"


def ascii_math(math: str) -> str:
    if math.isascii():
        return math
    return "".join(char if char.isascii() else _math_ascii(char) for char in math)


def to_ascii(latex: str) -> str:
    """LaTeX with characters outside ASCII -> the same LaTeX in ASCII, with commands for
    them (`Müller` -> `M{\\"u}ller`, a thin space -> `\\,`, `a` + combining macron ->
    `{\\=a}`, ж -> `{\\cyrzh}`, ⁺ -> `{\\textsuperscript{+}}`, 中 -> `{\\unichar{20013}}`):
    what pdfLaTeX's default input and font encodings typeset, given the definitions
    `latex_scripts.provided` lists for the commands it has no default for."""
    if latex.isascii():
        return latex
    if "$" not in latex:
        return NON_ASCII.sub(_ascii_match, latex)
    # Text commands mean nothing in inline math: a character there is a math command.
    return "".join(
        ascii_math(segment) if is_math else NON_ASCII.sub(_ascii_match, segment)
        for is_math, segment in split_math(latex)
    )
