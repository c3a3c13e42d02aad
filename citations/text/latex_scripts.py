"""LaTeX names for characters pdfLaTeX has no default form of: Cyrillic, Greek capitals that
look Latin, super- and subscripts, and any other character (`\\unichar`).

The ASCII BibTeX export writes every character outside ASCII as LaTeX, and what it writes
must compile with pdfLaTeX and BibTeX's standard styles without extra packages, and read back
as the same character (`latex.decode`):
- Cyrillic as the LaTeX names of the T2A encoding (`\\cyrzh`, `\\CYRYO`): with
  `\\usepackage[T2A]{fontenc}` they print Cyrillic; without it the export's @preamble
  `\\providecommand`s them as their ISO 9 transliteration (ж -> \\v{z}), so the document
  compiles and prints readable Latin.
- Greek capitals printed like Latin ones (Α, Β, Ε ...) and ο as textgreek's names
  (`\\textAlpha`), provided as the Latin letter. Other Greek letters are math (`$\\alpha$`).
- Super- and subscript digits, signs and brackets (Ca²⁺, H₂O) as `\\textsuperscript{+}`,
  `\\textsubscript{2}` (LaTeX kernel commands).
- Anything else (CJK, emoji, Greek with accents) as `\\unichar{<decimal code point>}`, the
  command of the `ucs` package: provided as `\\char` of the code point under XeTeX and
  LuaTeX, and as `[#<code point>]` under pdfLaTeX (no font there has the glyph). Decimal,
  so that BibTeX styles changing the case of a title cannot change it.
"""

import re
import unicodedata

# T2A's names, lower case (upper case: the same in capitals), and their ISO 9 transliteration.
CYRILLIC = {
    "а": ("cyra", "a"),
    "б": ("cyrb", "b"),
    "в": ("cyrv", "v"),
    "г": ("cyrg", "g"),
    "д": ("cyrd", "d"),
    "е": ("cyre", "e"),
    "ё": ("cyryo", '\\"e'),
    "ж": ("cyrzh", "\\v{z}"),
    "з": ("cyrz", "z"),
    "и": ("cyri", "i"),
    "й": ("cyrishrt", "j"),
    "к": ("cyrk", "k"),
    "л": ("cyrl", "l"),
    "м": ("cyrm", "m"),
    "н": ("cyrn", "n"),
    "о": ("cyro", "o"),
    "п": ("cyrp", "p"),
    "р": ("cyrr", "r"),
    "с": ("cyrs", "s"),
    "т": ("cyrt", "t"),
    "у": ("cyru", "u"),
    "ф": ("cyrf", "f"),
    "х": ("cyrh", "h"),
    "ц": ("cyrc", "c"),
    "ч": ("cyrch", "\\v{c}"),
    "ш": ("cyrsh", "\\v{s}"),
    "щ": ("cyrshch", "\\^{s}"),
    "ъ": ("cyrhrdsn", "''"),
    "ы": ("cyrery", "y"),
    "ь": ("cyrsftsn", "'"),
    "э": ("cyrerev", "\\`e"),
    "ю": ("cyryu", "\\^u"),
    "я": ("cyrya", "\\^a"),
    "є": ("cyrie", "\\^e"),
    "і": ("cyrii", "\\`{\\i}"),
    "ї": ("cyryi", '\\"{\\i}'),
    "ґ": ("cyrgup", "\\`g"),
    "ў": ("cyrushrt", "\\u{u}"),
    "ђ": ("cyrdje", "dj"),  # not ISO 9's đ: \\dj has no OT1 form
    "ћ": ("cyrtshe", "\\'c"),
    "ј": ("cyrje", "\\v{j}"),
    "љ": ("cyrlje", "\\^l"),
    "њ": ("cyrnje", "\\^n"),
    "џ": ("cyrdzhe", "\\^d"),
    "ѕ": ("cyrdze", "\\^z"),
}


def _capital(transliteration: str) -> str:
    """ISO 9 in capitals: `\\v{z}` -> `\\v{Z}`, `\\^u` -> `\\^U`, `\\`{\\i}` -> `\\`I`."""
    if "\\i" in transliteration:
        return transliteration[: transliteration.index("{")] + "I"
    command = re.match(r"\\[A-Za-z]+|\\.", transliteration)
    head = command[0] if command else ""
    return head + transliteration[len(head) :].upper()


CYRILLIC.update(
    {
        char.upper(): (name.upper(), "Dj" if name == "cyrdje" else _capital(latin))
        for char, (name, latin) in list(CYRILLIC.items())
    }
)

# textgreek's names for the Greek letters pdfLaTeX's math has no form of.
GREEK_AS_LATIN = {
    "Α": ("textAlpha", "A"),
    "Β": ("textBeta", "B"),
    "Ε": ("textEpsilon", "E"),
    "Ζ": ("textZeta", "Z"),
    "Η": ("textEta", "H"),
    "Ι": ("textIota", "I"),
    "Κ": ("textKappa", "K"),
    "Μ": ("textMu", "M"),
    "Ν": ("textNu", "N"),
    "Ο": ("textOmikron", "O"),
    "Ρ": ("textRho", "P"),
    "Τ": ("textTau", "T"),
    "Χ": ("textChi", "X"),
    "ο": ("textomikron", "o"),
}
# Name -> the definition the ASCII export's @preamble provides for documents without it.
PROVIDED = {
    name: f"\\providecommand{{\\{name}}}{{{latin}}}"
    for name, latin in [*CYRILLIC.values(), *GREEK_AS_LATIN.values()]
}
CODE_POINT_COMMAND = "unichar"
PROVIDED[CODE_POINT_COMMAND] = (
    r"\providecommand{\unichar}[1]{\ifdefined\Umathcode\char#1\relax\else[\##1]\fi}"
)
# The shapes of those names: one scan, ~0.5 µs an entry (an alternation of the 110 names,
# tried at every backslash, took ten times as long).
PROVIDED_USE = re.compile(
    r"\\(unichar|cyr[a-z]+|CYR[A-Z]+|text[A-Z][a-z]+|textomikron)(?![A-Za-z])"
)
# The letters written as a text command of their own (`{\\cyrzh}`).
LETTER_COMMANDS = {char: name for char, (name, _latin) in CYRILLIC.items()}
LETTER_COMMANDS.update({char: name for char, (name, _latin) in GREEK_AS_LATIN.items()})


def _script_forms(tag: str) -> dict[str, str]:
    """ASCII character -> its Unicode superscript (tag "<super>") or subscript ("<sub>"),
    from the Superscripts and Subscripts block (and ¹²³): digits, + - = ( ), n, i, ..."""
    forms = {}
    for code in [0xB9, 0xB2, 0xB3, *range(0x2070, 0x20A0)]:
        char = chr(code)
        decomposition = unicodedata.decomposition(char).split()
        if len(decomposition) == 2 and decomposition[0] == tag:
            target = chr(int(decomposition[1], 16))
            if target.isascii():
                forms.setdefault(target, char)
    return forms


SUPERSCRIPTS = _script_forms("<super>") | {"-": "\u207b"}  # ⁻ and ₋ are minus signs in Unicode
SUBSCRIPTS = _script_forms("<sub>") | {"-": "\u208b"}
# Command -> (ASCII -> the Unicode script character), and the way back.
SCRIPT_COMMANDS = {"textsuperscript": SUPERSCRIPTS, "textsubscript": SUBSCRIPTS}
SCRIPT_LATEX = {char: f"{{\\textsuperscript{{{ascii}}}}}" for ascii, char in SUPERSCRIPTS.items()}
SCRIPT_LATEX.update({char: f"{{\\textsubscript{{{ascii}}}}}" for ascii, char in SUBSCRIPTS.items()})


def scripted(command: str, argument: str) -> str | None:
    """`\\textsuperscript{2+}` -> ²⁺ when every character has a Unicode form, else None
    (`\\textsuperscript{th}` stays LaTeX)."""
    forms = SCRIPT_COMMANDS[command]
    if not argument or any(char not in forms for char in argument):
        return None
    return "".join(forms[char] for char in argument)


def code_point(argument: str) -> str | None:
    """`\\unichar{20013}`'s argument -> 中; None when it is no character's code."""
    digits = argument.strip()
    if not digits.isdigit() or len(digits) > 7:
        return None
    code = int(digits)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def unichar(char: str) -> str:
    return f"{{\\{CODE_POINT_COMMAND}{{{ord(char)}}}}}"


def without_provided(preamble: str) -> str:
    """A file's @preamble without the definitions an ASCII export of ours wrote into it (the
    export writes them again where needed): reading back an export does not grow them."""
    if "\\providecommand" not in preamble:
        return preamble
    for definition in PROVIDED.values():
        if definition in preamble:
            preamble = preamble.replace(definition + " ", "").replace(definition, "")
    return preamble.strip()


def provided(latex_text: str) -> list[str]:
    """The @preamble definitions for the commands of this module an ASCII text uses."""
    used = set(PROVIDED_USE.findall(latex_text))
    return [PROVIDED[name] for name in sorted(used) if name in PROVIDED]
