"""LaTeX <-> Unicode for BibTeX field values, in one linear pass each way.

`decode` turns what BibTeX files write (`M{\\"u}ller`, `\\&`, `{DNA}`, `Smith~et~al.`) into the
Unicode text we store and display (`Müller`, `&`, `DNA`, non-breaking spaces). Inline math
(`$...$`) is kept verbatim; case-protecting braces are dropped; a command we do not know is
kept verbatim, so nothing is lost.

`encode` is its inverse for export: the specials `& % $ # _ { } ~ ^ \\` are escaped, math
segments are written back verbatim, non-ASCII stays as UTF-8, and with `protect_case` the
words BibTeX styles would wrongly lower-case (acronyms, and proper nouns in sentence-case
titles) are wrapped in braces. `decode(encode(text)) == text` for every text.

Both are a single regular-expression scan: linear in the length of the value (bibtexparser's
LaTeX middleware is not, which is why it is not used).
"""

import re
import unicodedata

ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
SYMBOLS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "textendash": "–",
    "textemdash": "—",
    "textbackslash": "\\",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbar": "|",
    "textless": "<",
    "textgreater": ">",
    "textquoteright": "’",
    "textquoteleft": "‘",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "ldots": "…",
    "dots": "…",
    "textdegree": "°",
    "copyright": "©",
    "textregistered": "®",
    "texttrademark": "™",
    "S": "§",
    "P": "¶",
    "relax": "",
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "BibTeX": "BibTeX",
}
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

TOKEN = re.compile(
    r"""(?P<math>\$[^$]*\$)
    |\\(?P<acc>['`^"~=.])\s*(?:\{\s*(?P<acc_arg>\\[ij]|[A-Za-z])\s*\}
        |(?P<acc_bare>\\[ij](?![A-Za-z])|[A-Za-z]))
    |\\(?P<lacc>[uvHckrdb])(?:\s*\{\s*(?P<lacc_arg>\\[ij]|[A-Za-z])\s*\}|\s+(?P<lacc_bare>[A-Za-z]))
    |\\(?P<word>[A-Za-z]+)(?P<space>\s*)(?P<arg>\{[^{}\\$]*\})?
    |\\(?P<char>[&%$\#_{}\ \\\-/,@])
    |(?P<brace>[{}])
    |(?P<tie>~)""",
    re.VERBOSE,
)
# The same tokens but braces: those are then dropped by one `translate`, after the literal
# braces that tokens produce (`\{`, math, unknown commands) were marked with private-use
# characters, which avoids a Python call per brace (a 5 MB field has hundreds of thousands).
TOKEN_NOT_BRACE = re.compile(TOKEN.pattern.replace("|(?P<brace>[{}])", ""), re.VERBOSE)
MARK_LITERAL = str.maketrans({"{": "\ue000", "}": "\ue001"})
NEEDS_DECODING = re.compile(r"[\\{}$~]")


def _accented(command: str, letter: str) -> str:
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", base + ACCENTS[command])


def _decode_word(match: re.Match) -> str:
    word, arg = match["word"], match["arg"]
    if word in FORMATTING:
        # The styled text is kept; with a nested argument its braces simply fall away.
        return decode(arg[1:-1]) if arg is not None else ""
    if word in VERBATIM_ARGUMENT and arg is not None:
        return arg[1:-1]
    if word in SYMBOLS:
        return SYMBOLS[word] + (decode(arg) if arg else "")
    # Unknown command: kept verbatim with its argument, so nothing is lost.
    return match.group(0)


def _decode_token(match: re.Match) -> str:
    kind = match.lastgroup
    if match["math"] is not None:
        return match["math"]
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
    if "\ue000" in text or "\ue001" in text:
        return TOKEN.sub(_decode_token, text)  # The marks are taken: a call per brace.
    marked = TOKEN_NOT_BRACE.sub(_decode_marked, text)
    # str.replace runs at memory speed; a translate table would cost a lookup per character.
    return marked.replace("{", "").replace("}", "").replace("\ue000", "{").replace("\ue001", "}")


ENCODE_TABLE = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        "\u00a0": "~",
    }
)
MATH = re.compile(r"\$[^$]+\$")
WORD = re.compile(r"([^\W\d_]+)")
# Words holding a capital (Latin, Greek, Cyrillic; Latin Extended-A interleaves cases, so a
# match is only a candidate): the only words case protection may have to brace.
CAPITALISED_WORD = re.compile(r"[^\W\d_]*[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я][^\W\d_]*")
LETTER_ESCAPES = re.compile(r"[\\~^]")  # escaped as commands, whose letters are no words
NEEDS_ENCODING = re.compile(r"[\\{}&%$#_~^\u00a0]")


def _is_verbatim_math(segment: str) -> bool:
    """Math we can write back as is: braces balanced, and not ending in an escape."""
    depth = 0
    for ch in segment:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0 and segment[-2:-1] != "\\"


def _split_math(text: str) -> list[tuple[bool, str]]:
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


def _needs_protection(word: str, sentence_case: bool, sentence_start: bool) -> bool:
    rest = word[1:]
    if rest != rest.lower():
        return True  # A capital after the first letter: DNA, mRNA, McDonald.
    return sentence_case and not sentence_start and word[0].isupper()


def _protect_words(escaped: str, sentence_case: bool, first: bool) -> str:
    """Brace the words of an escaped text that need it (the escapes add no letters here)."""

    def protect(match: re.Match) -> str:
        word, index = match.group(0), match.start()
        before = escaped[max(0, index - 8) : index].rstrip()
        start = before.endswith((":", ".", "?", "!")) or (
            first and index <= 8 and not escaped[:index].strip()
        )
        return "{" + word + "}" if _needs_protection(word, sentence_case, start) else word

    return CAPITALISED_WORD.sub(protect, escaped)


def is_sentence_case(text: str) -> bool:
    """Most longer words lower-case: capitals after the first word are then meaningful."""
    words = [w for w in WORD.findall(text)[1:] if len(w) > 3]
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised * 2 < len(words)


def _encode_text(text: str, protect_case: bool, sentence_case: bool, first: bool) -> str:
    if not protect_case:
        return text.translate(ENCODE_TABLE)
    if not LETTER_ESCAPES.search(text):
        return _protect_words(text.translate(ENCODE_TABLE), sentence_case, first)
    pieces = WORD.split(text)
    out = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            out.append(piece.translate(ENCODE_TABLE))
            continue
        before = pieces[index - 1].rstrip()
        start = (first and index == 1 and not before) or before.endswith((":", ".", "?", "!"))
        out.append("{" + piece + "}" if _needs_protection(piece, sentence_case, start) else piece)
    return "".join(out)


def encode(text: str, *, protect_case: bool = False) -> str:
    """Unicode text -> a BibTeX value body (without the enclosing braces)."""
    if protect_case and text[1:] == text[1:].lower():
        protect_case = False  # No capital after the first letter: nothing to protect.
    if not protect_case and not NEEDS_ENCODING.search(text):
        return text
    sentence_case = protect_case and is_sentence_case(text)
    out = []
    for index, (is_math, segment) in enumerate(_split_math(text)):
        if is_math:
            out.append(segment)
        else:
            out.append(_encode_text(segment, protect_case, sentence_case, index == 0))
    return "".join(out)
