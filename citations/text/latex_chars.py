"""The characters LaTeX writes as commands, both ways (citations.text.latex): accents and
text symbols `decode` reads (`\\"u`, `\\ss`), the escapes of BibTeX's specials, the text-
and math-mode commands `to_ascii` writes for characters outside ASCII (Greek in math, the
letters and scripts of `latex_scripts`), and the characters written as what they print."""

import re

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
