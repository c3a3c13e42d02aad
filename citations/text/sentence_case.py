"""pandoc's sentence case of an English title, on a LaTeX tree (citations.text.latex_tree):
outside protected spans, a word capitalised like "Title" (first letter upper, the rest lower,
"A" included) is lower-cased, the first word of the title and the first word after a colon or
sentence end get a capital first letter, words with other capitals ("DNA", "McDonald",
"COVID-19", "iPhone") stay. As pandoc 3's BibTeX reader applies it
(Text.Pandoc.Citeproc.BibTeX); tested against pandoc 3.9 on the seed."""

import re

from citations.text.latex_tree import Span, render

SENTENCE_BREAK = re.compile(
    r"[)\]\"\u201d\u2019']*\s*[:.?!]+[)\]\"\u201d\u2019']*\s+[(\[\"\u201c\u2018]*"
)
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def _is_capitalised(word: str) -> bool:
    return word[0].isupper() and not any(c.isupper() for c in word[1:])


class _Caser:
    """Walks the words in order, carrying whether the next one starts a sentence.

    `words` is the number of words of the title (from a first, counting walk): pandoc treats
    the last word as a middle word even after a colon ("Bone biology: Basics" -> "...: basics").
    """

    def __init__(self, words: int = -1) -> None:
        self.at_start, self.first = True, True
        self.last = ""  # the last word, as written
        self.seen, self.words = 0, words

    def word(self, match: re.Match) -> str:
        word, starting, first = match[0], self.at_start, self.first
        self.seen += 1
        self.at_start = self.first = False
        self.last = word
        if first or (starting and self.seen != self.words):
            return word[0].upper() + word[1:] if word.islower() else word
        return word.lower() if _is_capitalised(word) else word

    def text(self, text: str) -> str:
        out, pos = [], 0
        for match in WORD.finditer(text):
            self.punctuation(text[pos : match.start()], pos == 0)
            out.append(text[pos : match.start()] + self.word(match))
            pos = match.end()
        self.punctuation(text[pos:], pos == 0)
        out.append(text[pos:])
        return "".join(out)

    def punctuation(self, between: str, continues: bool) -> None:
        """Between two words: a colon, full stop, ? or ! right before spaces starts a sentence
        ("A: the" -> "A: The"; not "3.5", not "? -- The"), except the full stop of an initial
        ("Alpha B. Gamma")."""
        if not between:
            return
        if not SENTENCE_BREAK.fullmatch(between):
            if not (continues and self.at_start and between.isspace()):
                self.at_start = False
            return
        initial = len(self.last) == 1 and self.last.isupper() and between[0] == "."
        self.at_start = not initial

    def protected(self, node: Span) -> None:
        text = render(node.children, markup=False)
        if WORD.search(text):
            self.seen += 1
            self.first = False
            self.last = "protected"
            self.at_start = text.rstrip()[-1:] in (".", ":", "?", "!")  # "{STET!} Tricks"

    def nodes(self, nodes: list, *, top: bool = True) -> list:
        result = []
        for node in nodes:
            if isinstance(node, str):
                result.append(self.text(node))
            elif node.style == "quote" or (node.style == "group" and top):
                self.protected(node)
                result.append(node)
            else:
                inner = self.nodes(node.children, top=top and node.style != "group")
                result.append(Span(node.style, inner))
        return result


def sentence_case(nodes: list) -> list:
    """The tree with pandoc's sentence case applied outside protected groups (see above)."""
    counter = _Caser()
    counter.nodes(nodes)
    return _Caser(counter.seen).nodes(nodes)
