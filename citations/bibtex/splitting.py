"""Splitting a file into blocks, in file order, with their lines.

The fast path: an entry in the shape nearly every file uses (braced, quoted, numeric or
macro values, braces nested up to three deep, no `%` lines or `@` inside), or an @string
definition of that shape, is read with the expressions below in one pass; any other block
goes to bibtexparser's splitter (`adapter`), which finds its errors. Either way the same
`SplitEntry` or `StringBlock` comes out, so both paths agree.
"""

import re
import sys
from collections.abc import Iterator

from citations.bibtex import adapter
from citations.bibtex.blocks import Block, SplitEntry, StringBlock

_TEXT = r"(?:[^{}\\@]++|\\+[^\\@])"
_BRACED = r"\{" + _TEXT + r"*\}"
for _depth in range(2):
    _BRACED = r"\{(?:" + _TEXT + "|" + _BRACED + r")*\}"
# A quoted value may hold brace groups, which may hold quotes: "{Ein Handbuch f{"u}r ...}".
_VALUE = _BRACED + r'|"(?:[^"{}\\@]++|\\+[^\\@{}]|' + _BRACED + r')*"|\d+|[A-Za-z_][\w\-:.+]*'
_VALUE = r"(?:" + _VALUE + r")(?:\s*\#\s*(?:" + _VALUE + r"))*"  # `#` joins parts.
FAST_HEAD = re.compile(r"@(\w+)[ \t]*\{[ \t]*([^\s,{}()\"#%'=\\@]+)[ \t]*,")
# One field, and its comma: there is none after an entry's last field.
FAST_FIELD = re.compile(r"\s*([A-Za-z][\w\-:.+]*)\s*=\s*(" + _VALUE + r")\s*(,?)")
FAST_END = re.compile(r"\s*\}")
# An @string definition of the same shape: `@string{name = value}`, braces only.
FAST_STRING = re.compile(
    r"@[Ss][Tt][Rr][Ii][Nn][Gg][ \t]*\{[ \t]*([A-Za-z][\w\-:.+]*)[ \t]*=\s*(" + _VALUE + r")\s*\}"
)
BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")
NEXT_BLOCK = re.compile(r"\n(?=[ \t]*@\w*[ \t]*[{(])")
SPECIAL_BLOCKS = {"string", "comment", "preamble"}
# Field name as written -> lower case, interned (one copy per name): a file names a few
# dozen fields 100,000 times. Bounded: past it, names are folded each time.
FOLDED_NAMES: dict[str, str] = {}
MAX_FOLDED_NAMES = 10_000


def folded_name(name: str) -> str:
    found = FOLDED_NAMES.get(name)
    if found is None:
        found = sys.intern(name.lower())
        if len(FOLDED_NAMES) < MAX_FOLDED_NAMES:
            FOLDED_NAMES[name] = found
    return found


def fast_entry(text: str, start: int, line: int) -> tuple[SplitEntry, int] | None:
    """The entry at `start` and the index after it, when it has the common shape; its field
    names folded (`folded_name`)."""
    head = FAST_HEAD.match(text, start)
    if head is None or head.group(1).lower() in SPECIAL_BLOCKS:
        return None
    fields, pos, comma = [], head.end(), ","
    # Field after field, each read once where the last one ended (`scanner().match()`
    # anchors each match there): a regular expression of the whole entry, then one finding
    # its fields, read every entry twice.
    next_field, fold = FAST_FIELD.scanner(text, pos).match, FOLDED_NAMES.get
    while comma and (field := next_field()) is not None:
        name, value, comma = field.groups()
        fields.append((fold(name) or folded_name(name), value))
        pos = field.end()
    end = FAST_END.match(text, pos)
    if end is None:
        return None
    if len({name for name, _value in fields}) < len(fields):
        return None  # A repeated field: the splitter reports it.
    return SplitEntry(head.group(1), head.group(2), line, fields, True), end.end()


def fast_string(text: str, start: int, line: int) -> tuple[StringBlock, int] | None:
    """The @string definition at `start` and the index after it, when it has that shape."""
    found = FAST_STRING.match(text, start)
    if found is None:
        return None
    return StringBlock(found.group(1), found.group(2), line), found.end()


def split_blocks(text: str, *, fast: bool = True) -> Iterator[tuple[Block, int]]:
    """(block, line offset) pairs in file order: the fast path's entries, and the blocks
    of `adapter.split` for the rest (for every block when not `fast`, in tests).

    A block the fast path cannot read goes to bibtexparser's splitter together with the text
    up to the next line that starts a block (where the splitter would end it anyway).
    """
    pos, line = 0, 0
    while (start := BLOCK_START.search(text, pos)) is not None:
        line += text.count("\n", pos, start.start())
        found = None
        if fast:
            found = fast_entry(text, start.start(), line) or fast_string(text, start.start(), line)
        if found is not None:
            yield found[0], 0
            end = found[1]
        else:
            cut = NEXT_BLOCK.search(text, start.end())
            end = cut.end() if cut else len(text)
            yield from ((block, line) for block in adapter.split(text[start.start() : end]))
        line += text.count("\n", start.start(), end)
        pos = end
