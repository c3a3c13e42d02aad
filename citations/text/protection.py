"""Case protection that survives an edit: the words a title's LaTeX braced, braced again.

BibTeX styles lower-case titles except inside braces, so an imported title keeps its
`{von Neumann}`, `{T}he`, `{DNA}` in its LaTeX (`BibRecord.sources`). Once the text is
edited, that LaTeX no longer says the same and the title is encoded from its text, where
`latex.encode` braces only the words any style would spoil (DNA, Mx1): "von Neumann" would be
printed "von neumann". So `protections(source)` reads which words the imported LaTeX
protected (each braced group with the whole words around it: `{T}he` is "The" with its
first letter braced), and `encode_title` braces them again wherever the edited text still
has them. A curator protects more words by listing them (`PROTECTED_WORDS`, set in the
admin): CSL-JSON gets each braced group as a `nocase` span (`citations.text.rich`).
"""

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from citations.text import latex

# `BibRecord.sources[PROTECTED_WORDS]`: the words a curator protects in the record's titles,
# comma-separated ("von Neumann, DNA"); braced by the BibTeX export, `nocase` in CSL.
PROTECTED_WORDS = "@protect"
# Each protection is looked for in the whole text: a title braced word by word holds a few
# dozen; a hostile 5 MB one could hold 100,000.
MAX_PROTECTIONS = 200
TOKEN = re.compile(r"\\[A-Za-z@]+\s*|\\.|\$[^$]*\$|[{}]")
WORD_CHAR = r"[^\W_]"
KEPT_LATEX = re.compile(latex.MATH.pattern + "|" + latex.COMMAND.pattern)


@dataclass(frozen=True)
class Protection:
    """Braces around `context[start:end]`, `context` being whole words of a text."""

    context: str
    start: int
    end: int


def _groups(source: str) -> list[tuple[int, int]]:
    """(start, end) of the braced groups that protect case: at the top level, neither a
    command's argument (`\\emph{X}`) nor a special character (`{\\"U}`); [] if unbalanced."""
    groups, depth, start, argument_at = [], 0, -1, -1
    for match in TOKEN.finditer(source):
        lexeme = match.group()
        if lexeme == "{":
            if depth == 0:
                protects = match.start() != argument_at and not source.startswith("\\", match.end())
                start = match.start() if protects else -1
            depth += 1
        elif lexeme == "}":
            depth -= 1
            if depth < 0:
                return []
            if depth == 0:
                if start >= 0:
                    groups.append((start, match.end()))
                else:
                    argument_at = match.end()  # A command's next argument may follow.
                start = -1
        elif depth == 0 and lexeme[1:2].isalpha():
            argument_at = match.end()
    return groups if depth == 0 else []


def _whole_words(text: str, start: int, end: int) -> Protection:
    begin, stop = start, end
    while begin > 0 and re.match(WORD_CHAR, text[begin - 1]):
        begin -= 1
    while stop < len(text) and re.match(WORD_CHAR, text[stop]):
        stop += 1
    return Protection(text[begin:stop], start - begin, end - begin)


@functools.lru_cache(maxsize=10_000)
def protections(source: str) -> tuple[Protection, ...]:
    """What a LaTeX value's braces protect, each with the whole words around it (the words
    it was braced in); () when its pieces do not decode to its text."""
    if "{" not in source:
        return ()
    pieces, spans, position, text = [], [], 0, ""
    for start, end in _groups(source):
        before, group = latex.decode(source[position:start]), latex.decode(source[start:end])
        text += before
        spans.append((len(text), len(text) + len(group)))
        text += group
        position = end
    text += latex.decode(source[position:])
    if text != latex.decode(source):
        return ()
    pieces = [_whole_words(text, a, b) for a, b in spans if latex.HAS_CAPITAL.search(text[a:b])]
    return tuple(pieces)


def curated(words: str) -> tuple[Protection, ...]:
    """A curator's list ("von Neumann, DNA") as protections of the whole words."""
    found = (word.strip() for word in words.split(","))
    return tuple(Protection(word, 0, len(word)) for word in found if word)


def spans(text: str, wanted: Iterable[Protection]) -> list[tuple[int, int]]:
    """Where the text still has each protected context, the part to brace; sorted, merged,
    never inside math or a LaTeX command the text kept."""
    found = []
    for protection in list(dict.fromkeys(wanted))[:MAX_PROTECTIONS]:
        pattern = f"(?<!{WORD_CHAR}){re.escape(protection.context)}(?!{WORD_CHAR})"
        for match in re.finditer(pattern, text):
            found.append((match.start() + protection.start, match.start() + protection.end))
    if "$" in text or "\\" in text:
        kept = [match.span() for match in KEPT_LATEX.finditer(text)]
        found = [(a, b) for a, b in found if not any(a < end and start < b for start, end in kept)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def encode_title(
    text: str, sources: Mapping[str, str], names: Iterable[str], *, unicode: bool = False
) -> str:
    """A title's LaTeX from its (edited) text: encoded with case protection (`latex.encode`),
    and braces again around what the LaTeX it was imported with (`sources` of `names`)
    protected and the curator's words (`sources[PROTECTED_WORDS]`), where the text has them."""
    wanted = list(curated(sources.get(PROTECTED_WORDS, "")))
    for name in names:
        if source := sources.get(name):
            wanted += protections(source)
    found = spans(text, wanted) if wanted else []
    if not found:
        return latex.encode(text, protect_case=True, unicode=unicode)
    out, position = [], 0
    for start, end in found:
        out.append(latex.encode(text[position:start], protect_case=True, unicode=unicode))
        out.append("{" + latex.encode(text[start:end], unicode=unicode) + "}")
        position = end
    out.append(latex.encode(text[position:], protect_case=True, unicode=unicode))
    encoded = "".join(out)
    if latex.decode(encoded) != text:  # Never at the cost of the text itself.
        return latex.encode(text, protect_case=True, unicode=unicode)
    return encoded
