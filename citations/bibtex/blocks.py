"""The blocks a file splits into, as plain data, in the order the file gives them.

Entries (`SplitEntry`: raw field names and values), @string definitions, @preambles,
blocks that cannot be read and entries that give a field twice. The fast path
(`splitting`) and the bibtexparser adapter (`adapter`) both produce these, so the reader
never sees the library's own types. Lines are 0-based, counted from the start of the text
that was split.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SplitEntry:
    """An entry as split from the text: raw field names and values, 0-based start line."""

    entry_type: str
    key: str
    start_line: int
    fields: list[tuple[str, str]]
    well_formed: bool = False  # Read by the fast path: folded names, balanced values.


@dataclass(frozen=True)
class StringBlock:
    """An @string definition: the macro's name and its raw value."""

    key: str
    value: str
    start_line: int


@dataclass(frozen=True)
class PreambleBlock:
    """A @preamble (its LaTeX is read from the text itself, see `reader`)."""

    start_line: int


@dataclass(frozen=True)
class FailedBlock:
    """A block that cannot be read: the key it seems to have (or "") and why."""

    start_line: int
    key: str
    message: str


@dataclass(frozen=True)
class RepeatedFields:
    """An entry that gives a field more than once: every field as given, the repeated
    names sorted."""

    entry: SplitEntry
    names: tuple[str, ...]


Block = SplitEntry | StringBlock | PreambleBlock | FailedBlock | RepeatedFields
