"""A file's @preamble as pieces: the definitions of commands, and the other text.

Several files' preambles meet in one export, and an export is imported again: a preamble
must neither clash with another's (`\\newcommand{\\noopsort}` twice is a LaTeX error) nor
grow on each round trip. So `split` reads a preamble into `Piece`s, each definition written
so that a second one of its name is harmless: `\\newcommand`, `\\renewcommand`,
`\\DeclareRobustCommand` and a `\\def` with plain arguments become `\\providecommand`; other
definitions (`\\let`, `\\edef`, a `\\def` with delimited arguments) are guarded by
`\\ifx\\name\\undefined ... \\fi`, and a file's own guards (`\\ifx \\undefined \\TUB \\def
\\TUB {...} \\fi`) are read as the definition of their name. Text that defines nothing
(`\\input path.sty`, `\\hyphenation{...}`, conditionals) is kept as written, in pieces.

An export writes a piece once: the first definition of a name wins (`Written`), and what
`split` writes, `split` reads back the same (a round trip is a fixed point). An entry keeps
the definitions of the commands it uses (`for_commands`), with what they use in turn.
"""

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from citations.bibtex.values import braced_end

NAME = r"\\([A-Za-z@]+|[^A-Za-z@\s])"
COMMAND = re.compile(NAME)
PREFIXES = r"(?:\\(?:global|long|outer|protected)(?![A-Za-z@])\s*){0,4}"
NEWCOMMAND = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand|DeclareRobustCommand)(\*?)\s*"
    r"(?:\{\s*" + NAME + r"\s*\}|" + NAME + r")\s*"
    r"(?:\[\s*(\d)\s*\]\s*(\[[^\[\]{}]*\])?\s*)?(?=\{)"
)
DEF = re.compile(PREFIXES + r"\\([gex]?def)(?![A-Za-z@])\s*" + NAME + r"([^{}]{0,200})(?=\{)")
LET = re.compile(PREFIXES + r"\\let\s*" + NAME + r"\s*=?\s?(\\(?:[A-Za-z@]+|.)|[^\\\s])")
NEWIF = re.compile(r"\\newif\s*\\if([A-Za-z@]+)")
GUARD = re.compile(r"\\ifx\s*(?:\\undefined\s*" + NAME + r"|" + NAME + r"\s*\\undefined)")
# TeX's conditionals (and a file's `\\newif`s): what counts when TeX skips to a `\\fi`.
PRIMITIVE_IFS = [
    "",
    "x",
    "num",
    "dim",
    "odd",
    "vmode",
    "hmode",
    "mmode",
    "inner",
    "void",
    "hbox",
    "vbox",
    "eof",
    "true",
    "false",
    "case",
    "cat",
    "defined",
    "csname",
    "fontchar",
]
PLAIN_ARGUMENTS = re.compile(r"\s*((?:#\d)*)\Z")
# A preamble of more pieces is kept whole with each entry (in one string): choosing what each
# entry needs costs time in the number of pieces, for each set of commands entries use.
MAX_SELECTED = 500
# Other text is cut before these, so that `\input path.sty` of two files is written once.
STATEMENT = re.compile(r"\\(?:input|hyphenation|usepackage|RequirePackage)(?![A-Za-z@])")
# Text that changes how later text is read: written wherever it comes, never left out.
CATCODES = re.compile(r"\\(?:makeatletter|makeatother|catcode)(?![A-Za-z@])")
START = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand|DeclareRobustCommand|newif"
    r"|global|long|outer|protected|[gex]?def|let|if[A-Za-z@]*)(?![A-Za-z@])"
)


@dataclass(frozen=True)
class Piece:
    """A definition (the `names` it defines, written so a repeat is harmless) or other text."""

    text: str
    names: frozenset[str] = frozenset()
    uses: frozenset[str] = frozenset()
    kept_always: bool = False  # Changes how later text is read (`CATCODES`): never left out.


def _piece(text: str, names: Iterable[str] = ()) -> Piece:
    names = frozenset(names)
    uses = frozenset(COMMAND.findall(text)) - names
    return Piece(text, names, uses, bool(CATCODES.search(text)))


def _provided(name: str, star: str, count: str, default: str, body: str) -> str:
    arguments = f"[{count}]{default}" if count and count != "0" else ""
    return f"\\providecommand{star}{{\\{name}}}{arguments}{{{body}}}"


def _guarded(name: str, text: str) -> str:
    return f"\\ifx\\{name}\\undefined {text.strip()} \\fi"


@functools.lru_cache(maxsize=100)
def _conditionals(newifs: tuple[str, ...]) -> re.Pattern:
    names = "|".join(re.escape(name) for name in [*PRIMITIVE_IFS, *newifs])
    return re.compile(r"\\(fi|if(?:" + names + r"))(?![A-Za-z@])")


def _conditional_end(text: str, start: int, ifs: re.Pattern) -> int:
    """Index past the `\\fi` that closes the conditional opening at `start` (-1: none)."""
    depth = 0
    for match in ifs.finditer(text, start):
        depth += -1 if match.group(1) == "fi" else 1
        if depth == 0:
            return match.end()
    return -1


def _definition(text: str, start: int) -> tuple[Piece, int] | None:
    """The definition starting at `start`, rewritten, and the index past it."""
    if match := NEWCOMMAND.match(text, start):
        end = braced_end(text, match.end())
        if end > 0:
            star, braced, bare, count, default = match.groups()
            name = braced or bare
            body = text[match.end() + 1 : end - 1]
            return _piece(_provided(name, star, count, default or "", body), [name]), end
    if match := DEF.match(text, start):
        end = braced_end(text, match.end())
        if end > 0:
            kind, name, parameters = match.groups()
            plain = PLAIN_ARGUMENTS.match(parameters)
            numbers = plain and plain.group(1)[1::2]
            if kind == "def" and plain and numbers == "123456789"[: len(numbers)]:
                count = str(len(numbers))
                body = text[match.end() + 1 : end - 1]
                return _piece(_provided(name, "", count, "", body), [name]), end
            return _piece(_guarded(name, text[start:end]), [name]), end
    if match := LET.match(text, start):
        name = match.group(1)
        return _piece(_guarded(name, text[start : match.end()]), [name]), match.end()
    if match := NEWIF.match(text, start):
        name = match.group(1)
        return _piece(match.group(0), [f"if{name}", f"{name}true", f"{name}false"]), match.end()
    return None


def _guard(text: str, start: int, ifs: re.Pattern) -> tuple[Piece, int] | None:
    """`\\ifx \\undefined \\name ... \\fi` (or `\\ifx\\name\\undefined`) at `start`: one
    definition of `name`, a `\\providecommand` when it holds one that can be."""
    match = GUARD.match(text, start)
    end = _conditional_end(text, start, ifs) if match else -1
    if end < 0:
        return None
    name = match.group(1) or match.group(2)
    inner = text[match.end() : end - len("\\fi")].strip()
    found = _definition(inner, 0) if inner else None
    if found and found[1] == len(inner) and found[0].names == {name}:
        return found[0], end
    return _piece(_guarded(name, inner), [name]), end


def _others(text: str) -> list[Piece]:
    """Text that defines nothing, cut before each `\\input`, `\\hyphenation`, ... ."""
    cuts = [0] + [m.start() for m in STATEMENT.finditer(text) if m.start() > 0] + [len(text)]
    pieces = (text[a:b].strip() for a, b in zip(cuts, cuts[1:], strict=False))
    return [_piece(piece) for piece in pieces if piece]


def _next_start(text: str, pos: int) -> int:
    """Where the next definition or conditional may start, outside brace groups."""
    depth = 0
    index = pos
    while index < len(text):
        ch = text[index]
        if ch == "\\":
            if depth == 0 and START.match(text, index):
                return index
            index += 2
            continue
        depth += (ch == "{") - (ch == "}")
        index += 1
    return len(text)


@functools.lru_cache(maxsize=1000)
def split(preamble: str) -> tuple[Piece, ...]:
    """A preamble's pieces, in order, each definition rewritten (see the module's doc)."""
    ifs = _conditionals(tuple(sorted(set(NEWIF.findall(preamble)))))
    pieces: list[Piece] = []
    pos = 0
    while pos < len(preamble):
        start = _next_start(preamble, pos)
        pieces += _others(preamble[pos:start])
        if start == len(preamble):
            break
        found = _guard(preamble, start, ifs) or _definition(preamble, start)
        if found is None and ifs.match(preamble, start):
            # Never closed: TeX skips all that follows, and so is it kept (one scan).
            end = _conditional_end(preamble, start, ifs)
            end = len(preamble) if end < 0 else end
            found = (_piece(preamble[start:end].strip()), end)
        if found is None:  # A prefix or conditional we cannot read: kept as text.
            end = _next_start(preamble, COMMAND.match(preamble, start).end())
            found = (_piece(preamble[start:end].strip()), end)
        pieces.append(found[0])
        pos = found[1]
    return tuple(pieces)


def normalised(preamble: str) -> str:
    """A preamble as an export writes it: its pieces, a repeated definition left out."""
    return joined(Written().new(split(preamble)))


def joined(pieces: Iterable[Piece]) -> str:
    return "\n".join(piece.text for piece in pieces)


def for_commands(pieces: Iterable[Piece], used: set[str]) -> list[Piece]:
    """The pieces an entry using the commands `used` needs: the first definition of each
    command it uses (and of those these use in turn), and all text that defines nothing."""
    pieces = Written().new(pieces)  # The first definition of each name.
    needed = set(used)
    for piece in pieces:
        if not piece.names:
            needed |= piece.uses
    by_name = {name: piece for piece in pieces for name in piece.names}
    wanted = [name for name in needed if name in by_name]
    while wanted:
        for name in by_name[wanted.pop()].uses:
            if name not in needed and name in by_name:
                needed.add(name)
                wanted.append(name)
    return [piece for piece in pieces if not piece.names or piece.names & needed]


def for_entry(blocks: list[tuple[Piece, ...]], before: int, used: Iterable[str]) -> str:
    """The preamble kept with an entry using the commands `used`, from a file's @preamble
    `blocks`: definitions from any block, the other text of the first `before` blocks."""
    pieces = [p for index, ps in enumerate(blocks) for p in ps if p.names or index < before]
    return joined(for_commands(pieces, set(used)))


class Written:
    """What an export wrote of its preambles: a name is defined once, a text written once."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.texts: set[str] = set()

    def new(self, pieces: Iterable[Piece]) -> list[Piece]:
        """The pieces not written yet, in order; they count as written from now on."""
        fresh = []
        for piece in pieces:
            if piece.names & self.names or (piece.text in self.texts and not piece.kept_always):
                continue
            self.names |= piece.names
            self.texts.add(piece.text)
            fresh.append(piece)
        return fresh
