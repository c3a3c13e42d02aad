"""A LaTeX text as plain text for CSL-JSON and RIS (`plain_text`): TeX's dashes and quotes as
characters, inline math as text (`\\alpha` -> α, `^2` -> ²)."""

import re

from citations.text.latex_chars import MATH_COMMANDS

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
