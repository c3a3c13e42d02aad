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
"""

import re
import unicodedata

from citations.text import latex_scripts

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
    parts = _split_math(text)
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
            _ascii_math(segment) if is_math else to_ascii(segment)
            for (is_math, _text), segment in zip(parts, encoded, strict=True)
        ]
    return "".join(encoded)


# --- LaTeX for characters outside ASCII -------------------------------------------------

COMBINING_ACCENTS = {mark: command for command, mark in ACCENTS.items()}
# Characters written as a text-mode command that `decode` reads back (SYMBOLS below).
TEXT_COMMANDS = {
    "\u2002": "enskip",
    "\u2003": "quad",
    "\u2013": "textendash",
    "\u2014": "textemdash",
    "\u2018": "textquoteleft",
    "\u2019": "textquoteright",
    "\u201c": "textquotedblleft",
    "\u201d": "textquotedblright",
    "\u201a": "quotesinglbase",
    "\u201e": "quotedblbase",
    "\u2026": "ldots",
    "\u00ab": "guillemotleft",
    "\u00bb": "guillemotright",
    "\u00a1": "textexclamdown",
    "\u00bf": "textquestiondown",
    "\u00a3": "pounds",
    "\u20ac": "texteuro",
    "\u00a7": "S",
    "\u00b6": "P",
    "\u00aa": "textordfeminine",
    "\u00ba": "textordmasculine",
    "\u00a2": "textcent",
    "\u00a5": "textyen",
    "\u00ac": "textlnot",
    "\u2039": "guilsinglleft",
    "\u203a": "guilsinglright",
    "\u2116": "textnumero",
    "\u00a9": "copyright",
    "\u00ae": "textregistered",
    "\u2122": "texttrademark",
    "\u00b0": "textdegree",
    "\u2030": "textperthousand",
    "\u00b7": "textperiodcentered",
    "\u2022": "textbullet",
    "\u2020": "dag",
    "\u2021": "ddag",
    "\u00b1": "textpm",
    "\u00d7": "texttimes",
    "\u00f7": "textdiv",
    "\u2212": "textminus",
    "\u00b5": "textmu",
    "\u00b9": "textonesuperior",
    "\u00b2": "texttwosuperior",
    "\u00b3": "textthreesuperior",
    "\u00bc": "textonequarter",
    "\u00bd": "textonehalf",
    "\u00be": "textthreequarters",
    "\u2192": "textrightarrow",
    "\u2190": "textleftarrow",
    "ß": "ss",
    "ø": "o",
    "Ø": "O",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "å": "aa",
    "Å": "AA",
    "ł": "l",
    "Ł": "L",
    "ı": "i",
    "ȷ": "j",
    "ð": "dh",
    "Ð": "DH",
    "þ": "th",
    "Þ": "TH",
    "đ": "dj",
    "Đ": "DJ",
}
# Characters only math mode has: written as `$\\alpha$`, which `decode` reads back.
MATH_COMMANDS = {
    "\u2264": "leq",
    "\u2265": "geq",
    "\u2260": "neq",
    "\u2248": "approx",
    "\u223c": "sim",
    "\u221e": "infty",
    "\u2194": "leftrightarrow",
    "\u2032": "prime",
    "\u03c2": "varsigma",
}
_GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "varsigma",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
]
MATH_COMMANDS.update(
    {chr(0x3B1 + i): name for i, name in enumerate(_GREEK) if name not in {"omicron", "varsigma"}}
)
CAPITAL_GREEK = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi"}
CAPITAL_GREEK |= {"Psi", "Omega"}  # The other capitals are Latin letters in print.
MATH_COMMANDS.update(
    {
        chr(0x391 + i): name.capitalize()
        for i, name in enumerate(_GREEK)
        if name.capitalize() in CAPITAL_GREEK
    }
)
MATH_COMMANDS.update({"\u03d1": "vartheta", "\u03d6": "varpi", "\u03f1": "varrho"})
MATH_CHARS = {"$\\" + name + "$": char for char, name in MATH_COMMANDS.items()}
MATH_NAMES = {name: char for char, name in MATH_COMMANDS.items()}
SYMBOLS.update({name: char for char, name in TEXT_COMMANDS.items()})
SYMBOLS.update({name: char for char, name in latex_scripts.LETTER_COMMANDS.items()})
ASCII_LATEX = {"\u00a0": "~", "\u2009": "\\,", "\u202f": "\\,"}
ASCII_LATEX.update({char: f"{{\\{name}}}" for char, name in TEXT_COMMANDS.items()})
ASCII_LATEX.update({char: f"$\\{name}$" for char, name in MATH_COMMANDS.items()})
ASCII_LATEX.update({char: f"{{\\{name}}}" for char, name in latex_scripts.LETTER_COMMANDS.items()})
for _char, _latex in latex_scripts.SCRIPT_LATEX.items():
    ASCII_LATEX.setdefault(_char, _latex)  # ¹²³ keep their text commands
# Characters written as what prints the same, not read back the same: hyphens, invisible
# joiners and breaks, ligatures and full-width forms (see `_printed_the_same`).
PRINTED_THE_SAME = {"\u2010": "-", "\u2011": "-", "\u00ad": "\\-"}
PRINTED_THE_SAME.update(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", "{}"))
NON_ASCII = re.compile(r"[^\x00-\x7f][\u0300-\u036f]*|[\x00-\x7f][\u0300-\u036f]+")
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


def _ascii_math(math: str) -> str:
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
        _ascii_math(segment) if is_math else NON_ASCII.sub(_ascii_match, segment)
        for is_math, segment in _split_math(latex)
    )


# --- plain text for CSL-JSON and RIS ----------------------------------------------------

PLAIN_REPLACEMENTS = re.compile(r"---|--|``|''|\$[^$]*\$")
# `\\alpha` -> α, `\\pm` -> ±: math commands read back as text.
MATH_SYMBOLS = {"\\" + name: char for char, name in MATH_COMMANDS.items()}
MATH_SYMBOLS.update({"\\pm": "±", "\\times": "×", "\\cdot": "·"})  # `\\mu` stays Greek
MATH_COMMAND = re.compile(r"\\([A-Za-z]+)")
SUPERSCRIPTS = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
SUBSCRIPTS = str.maketrans("0123456789+-", "₀₁₂₃₄₅₆₇₈₉₊₋")
SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|(\S))")


def _math_text(math: str) -> str:
    """`$3$D` -> 3D, `$\\alpha$` -> α, `$x^{2}$` -> x²: inline math as readable text."""
    body = math[1:-1]
    body = MATH_COMMAND.sub(lambda m: MATH_SYMBOLS.get(m[0], m[1]), body)

    def script(match: re.Match) -> str:
        value = match[2] if match[2] is not None else match[3]
        table = SUPERSCRIPTS if match[1] == "^" else SUBSCRIPTS
        converted = value.translate(table)
        return converted if all(not c.isascii() for c in converted) else value

    return SCRIPT.sub(script, body).replace("{", "").replace("}", "")


def _plain(match: re.Match) -> str:
    token = match.group(0)
    return {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d"}.get(token) or (
        _math_text(token)
    )


def plain_text(text: str) -> str:
    """A decoded BibTeX text as plain text for CSL-JSON and RIS: TeX ligatures (`--`, ``` `` ```,
    `''`) as the characters they print, inline math as text."""
    if "-" not in text and "`" not in text and "'" not in text and "$" not in text:
        return text
    return PLAIN_REPLACEMENTS.sub(_plain, text)


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
