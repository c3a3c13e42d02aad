"""LaTeX -> the text CSL-JSON and RIS carry: CSL rich text, plain text, pandoc's sentence case.

CSL processors (citeproc-js, pandoc's citeproc) read a small HTML-like markup inside CSL-JSON
strings, "rich text": `<i>`, `<b>`, `<sup>`, `<sub>`, `<span style="font-variant:small-caps;">`
and `<span class="nocase">` (text a style must not re-case). `rich` turns a BibTeX value into
that markup, `plain` into text without it (RIS has no markup): both resolve every command, so
no backslash reaches a consumer. Font commands (`\\textit{..}`, `\\emph{..}`, `{\\it ..}`,
`\\textbf`, `\\textsc`, `\\textsuperscript`, ...) become markup; accents and symbols their
characters; a command we do not know gives the text of its arguments and is itself dropped
(`\\acro{DNA}` -> DNA), or nothing when it has none.

Braces: in a BibTeX title `{...}` protects its letters from re-casing. pandoc's BibTeX reader
(pandoc 3, Text.Pandoc.Citeproc.BibTeX) keeps every braced group as a `nocase` span, including
`{\\it ...}` and `{\\"U}`, while a command's argument (`\\emph{A B}`) is not protected.
`sentence_case` is the conversion that reader applies to titles of English entries (`langid`
unset or English): outside protected spans, a word capitalised like "Title" (first letter
upper, the rest lower, "A" included) is lower-cased, the first word of the title and the first
word after a colon or sentence end get a capital first letter, words with other capitals
("DNA", "McDonald", "COVID-19", "iPhone") stay. Tested against pandoc 3.9 on the seed.

The tree is read and written by citations.text.latex_tree, re-cased by
citations.text.sentence_case; CSL rich text goes back to LaTeX in citations.text.csl_markup.
Their names are importable from here too.
"""

import re

from citations.text import latex
from citations.text.csl_markup import CSL_OPENERS, CSL_TAG, from_csl
from citations.text.latex_tree import TAGS, Span, parse, render, run_text
from citations.text.sentence_case import sentence_case

__all__ = [
    "CSL_OPENERS",
    "CSL_TAG",
    "MAX_NESTING",
    "TAGS",
    "Span",
    "flat",
    "from_csl",
    "parse",
    "plain",
    "render",
    "rich",
    "sentence_case",
    "too_deep",
]


# Groups nested deeper than this are read flat (their text, no markup): the parser recurses
# once per level, and no real value nests this deep (a crafted one of 200,000 levels would
# exhaust Python's stack).
MAX_NESTING = 100


def too_deep(source: str) -> bool:
    """Whether braces nest deeper than MAX_NESTING (linear; cheap when few braces)."""
    if source.count("{") <= MAX_NESTING:
        return False
    depth = 0
    for char in source:
        if char == "{":
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif char == "}" and depth:
            depth -= 1
    return False


def flat(source: str) -> str:
    """A value too deep to parse as its decoded text."""
    return _squeeze(run_text(latex.decode(source)))


def rich(source: str, *, title: bool = False) -> str:
    """A BibTeX value as CSL rich text; with `title`, in pandoc's sentence case."""
    if too_deep(source):
        return flat(source)
    nodes = parse(source)
    return _squeeze(render(sentence_case(nodes) if title else nodes))


def plain(source: str, *, title: bool = False) -> str:
    """A BibTeX value as plain Unicode text (RIS, names); with `title`, in sentence case."""
    if too_deep(source):
        return flat(source)
    nodes = parse(source)
    return _squeeze(render(sentence_case(nodes) if title else nodes, markup=False))


SPACES = re.compile(r"[ \t\r\n]+")


def _squeeze(text: str) -> str:
    return SPACES.sub(" ", text).strip()
