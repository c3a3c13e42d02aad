"""CSL rich text back to LaTeX (the CSL-JSON reader): each tag our export writes
(citations.text.rich), and the small-caps span, as the command it came from; any other span
keeps only its text."""

import html
import re

from citations.text import latex

CSL_TAG = re.compile(r'<span class="nocase">|<span style="[^"<>]*">|</span>|<(/?)(i|b|sup|sub)>')
CSL_OPENERS = {
    "i": r"\textit{",
    "b": r"\textbf{",
    "sup": r"\textsuperscript{",
    "sub": r"\textsubscript{",
}


def from_csl(value: str) -> tuple[str, str | None]:
    """CSL rich text -> (its plain text, its LaTeX), the LaTeX None when there was no markup
    (the text alone writes back the same)."""
    if "<" not in value or not CSL_TAG.search(value):
        return value, None  # no markup: the text as given ("p < 0.05" stays)
    text, source, closers, end = [], [], [], 0
    for tag in CSL_TAG.finditer(value):
        piece = html.unescape(value[end : tag.start()])
        text.append(piece)
        source.append(latex.encode(piece))
        end = tag.end()
        found = tag.group()
        if found == '<span class="nocase">':
            source.append("{")
            closers.append("}")
        elif found.startswith("<span"):
            small_caps = "small-caps" in found
            source.append(r"\textsc{" if small_caps else "")
            closers.append("}" if small_caps else "")
        elif found == "</span>" or tag.group(1):
            source.append(closers.pop() if closers else "")
        else:
            source.append(CSL_OPENERS[tag.group(2)])
            closers.append("}")
    piece = html.unescape(value[end:])
    text.append(piece)
    source.append(latex.encode(piece) + "".join(reversed(closers)))
    return "".join(text), "".join(source)
