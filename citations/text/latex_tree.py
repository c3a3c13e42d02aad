"""A BibTeX value (LaTeX) read as a tree of text and styled `Span`s, and the tree written out
as CSL rich text or plain text (citations.text.rich). Every command resolves: font commands
become styled spans, accents and symbols their characters; a command we do not know gives the
text of its arguments and is itself dropped, or nothing when it has none. A braced group is a
"group" span: a top-level one with a capital in it is written as a `nocase` span, as pandoc's
BibTeX reader protects it."""

import re
import unicodedata
from dataclasses import dataclass, field

from citations.text import latex, latex_scripts

# Markup of each style in CSL rich text.
TAGS = {
    "i": ("<i>", "</i>"),
    "b": ("<b>", "</b>"),
    "sc": ('<span style="font-variant:small-caps;">', "</span>"),
    "sup": ("<sup>", "</sup>"),
    "sub": ("<sub>", "</sub>"),
    "nocase": ('<span class="nocase">', "</span>"),
}
# biblatex's quotation commands: curly quotes around text pandoc does not re-case.
QUOTES = {"mkbibquote", "enquote", "textquote"}
# Commands with an argument that style it; None: the text alone (no markup).
STYLE_COMMANDS = {
    "textit": "i",
    "emph": "i",
    "textsl": "i",
    "textbf": "b",
    "textsc": "sc",
    "textsuperscript": "sup",
    "textsubscript": "sub",
    **dict.fromkeys(
        ["textrm", "textsf", "texttt", "textup", "textmd", "textnormal", "mbox", "hbox"], None
    ),
    **dict.fromkeys(["text", "underline", "uline", "textnormal", "ensuremath"], None),
}
# Declarations style the rest of their group: `{\\it What}`, `Review: \\it What`.
DECLARATIONS = {
    "it": "i",
    "em": "i",
    "itshape": "i",
    "sl": "i",
    "slshape": "i",
    "bf": "b",
    "bfseries": "b",
    "sc": "sc",
    "smc": "sc",
    "scshape": "sc",
    **dict.fromkeys(
        ["rm", "sf", "tt", "normalfont", "upshape", "mdseries", "rmfamily", "sffamily"], None
    ),
    **dict.fromkeys(["ttfamily", "small", "footnotesize", "large", "Large", "normalsize"], None),
}
# Commands that print nothing, arguments included (`\\noopsort{1973b}` only sorts).
SILENT = {"noopsort", "sortkey", "SortNoop", "nocite", "index", "label", "hspace", "vspace"}
# Words printed by commands BibTeX files use and `latex.SYMBOLS` does not know.
WORDS = {
    "emdash": "\u2014",
    "endash": "\u2013",
    "dash": "\u2014",
    "Dash": "\u2014",
    "slash": "/",
    "hyphen": "-",
    "textunderscore": "_",
    "textasciigrave": "`",
    "textperiodcentered": "\u00b7",
    "textbullet": "\u2022",
    "guillemotleft": "\u00ab",
    "guillemotright": "\u00bb",
    "TUB": "TUGboat",
    "TUG": "TUG",
    "AMS": "AMS",
    "AmS": "AMS",
    "AMSTeX": "AMS-TeX",
    "LaTeXe": "LaTeX2\u03b5",
    "eTeX": "\u03b5-TeX",
    "MF": "METAFONT",
    "METAFONT": "METAFONT",
    "MP": "MetaPost",
    "PS": "PostScript",
    "XeTeX": "XeTeX",
    "LuaTeX": "LuaTeX",
    "ConTeXt": "ConTeXt",
    "BibLaTeX": "BibLaTeX",
    "SliTeX": "SliTeX",
    "PiCTeX": "PiCTeX",
    "TeXbook": "The TeXbook",
    "LAMSTeX": "LAMS-TeX",
    "TUGboat": "TUGboat",
    "CTAN": "CTAN",
    "AmSTeX": "AMS-TeX",
    "AMSTEX": "AMS-TeX",
    "AmSLaTeX": "AMS-LaTeX",
    "AMSLaTeX": "AMS-LaTeX",
    "POSTSCRIPT": "PostScript",
    "PostScript": "PostScript",
}
LETTER_ACCENTS = set("uvHckrdbt")
COMMAND = re.compile(r"\\(?:([A-Za-z]+)\s*|(.))", re.DOTALL)
TEXT_RUN = re.compile(r"[^\\{}$]+")


@dataclass
class Span:
    """Styled text: `style` is a key of TAGS, "group" (a braced group) or None (no markup)."""

    style: str | None
    children: list = field(default_factory=list)


def run_text(run: str) -> str:
    # TeX ligatures (`--`, ``` `` ```) as characters, a tie as a non-breaking space.
    return latex.plain_text(run).replace("~", "\u00a0")


MATH_SPACING = re.compile(r"\\([^A-Za-z])")
MATH_SPACES = {",": "\u2009", ";": " ", ":": " ", " ": " ", "!": ""}


def _math(math: str) -> str:
    """Inline math as text (`latex.plain_text`), its spacing commands (`\\!`, `\\,`) too."""
    text = latex.plain_text(math)
    return MATH_SPACING.sub(lambda m: MATH_SPACES.get(m[1], m[1]), text)


def _group_end(source: str, start: int) -> int:
    """Index after the group opening at `start` (or the end of the text if unclosed)."""
    depth = 0
    for index in range(start, len(source)):
        if source[index] == "{":
            depth += 1
        elif source[index] == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(source)


def _argument(source: str, pos: int) -> tuple[str | None, int]:
    """The raw text of the braced argument at `pos` (spaces skipped), or None."""
    skipped = pos
    while skipped < len(source) and source[skipped] in " \t\n":
        skipped += 1
    if skipped < len(source) and source[skipped] == "{":
        end = _group_end(source, skipped)
        return source[skipped + 1 : end - 1], end
    return None, pos


def _accented(accent: str, argument: str) -> str:
    """`\\"{u}` -> ü, `\\'{$\\alpha$}` -> ά (a letter `latex.decode` does not accent, as
    our LaTeX writes Greek); an argument that is no letter (`\\u{\\}`) gives its own text."""
    decoded = latex.decode(f"\\{accent}{{{argument}}}")
    if "\\" not in decoded:
        return decoded
    text = render(parse(argument), markup=False)
    if len(text) == 1 and text.isalpha() and accent in latex.ACCENTS:
        return unicodedata.normalize("NFC", text + latex.ACCENTS[accent])
    return text


def _command(source: str, match: re.Match, nodes: list, depth: int) -> int:
    """Append what the command at `match` prints to `nodes`; return the position after it."""
    name, symbol, pos = match[1], match[2], match.end()
    if symbol is not None:
        if symbol in latex.ACCENTS:
            argument, end = _argument(source, pos)
            if argument is None:
                argument, end = source[pos : pos + 1], pos + 1
            nodes.append(_accented(symbol, argument))
            return end
        nodes.append(latex.ESCAPED.get(symbol, symbol) if symbol != "\\" else " ")
        return pos
    if name in LETTER_ACCENTS:
        argument, end = _argument(source, pos)
        if argument is None:
            argument, end = source[pos : pos + 1], pos + 1
        nodes.append(_accented(name, argument) if name != "t" else argument)
        return end
    if name in DECLARATIONS:
        rest, end = _parse(source, pos, depth)
        nodes.append(Span(DECLARATIONS[name], rest))
        return end - 1 if depth and source[end - 1 : end] == "}" else end
    argument, end = _argument(source, pos)
    if name in latex.VERBATIM_ARGUMENT and argument is not None:
        nodes.append(argument)
        return end
    if name in SILENT:
        return end
    if name in QUOTES and argument is not None:
        nodes.append(Span("quote", ["\u201c", *_parse(argument, 0, 0)[0], "\u201d"]))
        return end
    if name in STYLE_COMMANDS and argument is not None:
        nodes.append(Span(STYLE_COMMANDS[name], _parse(argument, 0, 0)[0]))
        return end
    if name == latex_scripts.CODE_POINT_COMMAND and argument is not None:
        char = latex_scripts.code_point(argument)  # `\\unichar{20013}`: the ASCII export's 中
        if char is not None:
            nodes.append(char)
            return end
    symbol_text = latex.SYMBOLS.get(name, WORDS.get(name))
    if symbol_text is not None:
        nodes.append(symbol_text)
        # `\\ss{}`, `\\emdash{}` end at their empty group; `\\emdash {A}` is followed by one.
        return end if argument is not None and not argument.strip() else pos
    # Unknown: the text of its arguments (`\\href{url}{text}`: the last), the command dropped.
    arguments = []
    while argument is not None:
        arguments.append(argument)
        argument, end_next = _argument(source, end)
        if argument is not None:
            end = end_next
    if arguments:
        nodes.append(Span(None, _parse(arguments[-1], 0, 0)[0]))
    return end


def _parse(source: str, pos: int, depth: int) -> tuple[list, int]:
    """Nodes from `pos` up to the brace closing this group (when depth > 0) or the end."""
    nodes: list = []
    while pos < len(source):
        char = source[pos]
        if char == "}":
            if depth:
                return nodes, pos + 1
            pos += 1  # a stray closing brace prints nothing
        elif char == "{":
            children, pos = _parse(source, pos + 1, depth + 1)
            nodes.append(Span("group", children))
        elif char == "$":
            end = source.find("$", pos + 1)
            if end == -1:
                nodes.append("$")
                pos += 1
            else:
                nodes.append(_math(source[pos : end + 1]))
                pos = end + 1
        elif char == "\\":
            match = COMMAND.match(source, pos)
            if match is None:  # a backslash ending the text
                pos += 1
            else:
                pos = _command(source, match, nodes, depth)
        else:
            run = TEXT_RUN.match(source, pos)
            nodes.append(run_text(run[0]))
            pos = run.end()
    return _joined(nodes), pos


def _joined(nodes: list) -> list:
    """Adjacent texts as one (`M\\"uller`, `$3$D` are one word each)."""
    out: list = []
    for node in nodes:
        if isinstance(node, str) and out and isinstance(out[-1], str):
            out[-1] += node
        else:
            out.append(node)
    return out


def parse(source: str) -> list:
    """A BibTeX value (LaTeX) as a tree of text and `Span`s."""
    return _parse(source, 0, 0)[0]


def _has_capital(nodes: list) -> bool:
    return any(
        any(c.isupper() for c in node) if isinstance(node, str) else _has_capital(node.children)
        for node in nodes
    )


def render(nodes: list, *, markup: bool = True, top: bool = True) -> str:
    """The tree as CSL rich text (`markup`) or plain text; a top-level braced group with a
    capital in it is a `nocase` span (a group without capitals has nothing to protect)."""
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            continue
        style = node.style
        if style == "group":
            style = "nocase" if top and _has_capital(node.children) else None
        inner = render(node.children, markup=markup, top=top and node.style != "group")
        if markup and style in TAGS and inner.strip():
            out.append(TAGS[style][0] + inner + TAGS[style][1])
        else:
            out.append(inner)
    return "".join(out)
