"""Reading a .bib file: `parse(data)` and `Reader(data).entries()`.

`parse` turns the text (or bytes) of a file into plain `BibRecord`s with line numbers, plus
the `ParseProblem`s it found (each naming its line and entry); `Reader(data).entries()`
yields the same one by one, in little memory. Bytes are decoded first (`decoding`), the
text split into blocks (`splitting`), each entry read into a record (`entries`) with the
file's @string macros; a @preamble is kept with the entries that use commands it may
define, a repeated key is a problem, and `crossref` children come last, once their parent
has been read.
"""

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from citations.bibtex import preamble
from citations.bibtex.blocks import (
    Block,
    FailedBlock,
    PreambleBlock,
    RepeatedFields,
    SplitEntry,
    StringBlock,
)
from citations.bibtex.decoding import BINARY_INPUT, UndecodableInput, decode_bytes, looks_binary
from citations.bibtex.entries import entry_record, inherit, string_definition
from citations.bibtex.problems import (
    DUPLICATE_KEY,
    EMPTY_INPUT,
    NOTHING_TO_IMPORT,
    PREAMBLE_KEPT,
    REPEATED_FIELD_KEPT,
    ParseProblem,
)
from citations.bibtex.splitting import split_blocks
from citations.bibtex.values import (
    MACRO_KEPT,
    MAX_EXPANSION,
    MAX_VALUE,
    PREAMBLE_SOURCE,
    RAW_VALUE,
    FieldValueError,
    Macros,
    ValueTooLarge,
    braced_end,
    read_value,
)
from citations.text import latex, latex_scripts
from citations.text.latex import COMMAND_NAME
from citations.text.records import BibRecord


@dataclass
class ParseResult:
    """What `parse` found: records sorted by line, problems sorted by line, notes."""

    records: list[BibRecord] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# Matched in the lower-cased text: one pass at memory speed (case-insensitive matching, and a
# `\b` before the name, made the scan an eighth of bibtexparser's whole parse). It may find
# more keys than are parents (`xcrossref = {k}`): those are only kept in memory a while.
CROSSREF = re.compile(r"crossref\s*=\s*[{\"]?\s*([^\s,{}\"]+)")
PREAMBLE = re.compile(r"@preamble\s*\{", re.IGNORECASE)


def _preambles(text: str) -> list[tuple[int, str]]:
    """The line and LaTeX of each of a file's @preamble blocks: the commands its entries use."""
    blocks = []
    if "@preamble" in text.lower():
        for match in PREAMBLE.finditer(text):
            end = braced_end(text, match.end() - 1)
            if end > 0:
                try:
                    value = read_value(text[match.end() : end - 1].strip(), "", Macros())
                except FieldValueError:
                    continue
                # Without the definitions an ASCII export of ours added (written again
                # where needed), so reading back an export does not grow them.
                value = latex_scripts.without_provided(value.strip())
                if value:
                    blocks.append((text.count("\n", 0, match.start()) + 1, value))
    return blocks


def _only_comments(text: str) -> bool:
    """Blank, `%` comment lines, or blocks that are no entries (@comment, @string, ...)."""
    if "@" in text:
        return True  # Blocks were read and none was an entry (or each was reported).
    return all(not line.strip() or line.lstrip().startswith("%") for line in text.splitlines())


class Reader:
    """Reads one file entry by entry, in little memory.

    `entries()` yields `BibRecord`s and `ParseProblem`s in file order, except that records
    using `crossref` come last, once the parent they inherit from has been read.
    """

    def __init__(
        self,
        data: str | bytes,
        *,
        fast: bool = True,
        encoding: str | None = None,
        max_value: int = MAX_VALUE,
        max_expansion: int = MAX_EXPANSION,
    ):
        self.fast = fast  # False: every block through bibtexparser's splitter (for tests).
        self.notes: list[str] = []
        self.undecodable: list[ParseProblem] = []
        if isinstance(data, bytes):
            data = self._decode(data, encoding)
        self.text = data.removeprefix("\ufeff")
        self.macros = Macros(max_value=max_value, max_expansion=max_expansion)
        self.first_line_of_key: dict[str, int] = {}
        self.commands_of: dict[str, tuple[bool, frozenset[str]]] = {}  # `_commands`

    def _decode(self, data: bytes, encoding: str | None) -> str:
        if looks_binary(data):
            return "\x00"  # Reported as binary by `entries()`.
        try:
            return decode_bytes(data, encoding)
        except UndecodableInput as exc:
            self.undecodable = exc.problems
        except ValueError as exc:  # An unknown encoding name.
            self.undecodable = [ParseProblem(1, "", str(exc))]
        return ""

    def entries(self) -> Iterator[BibRecord | ParseProblem]:
        if self.undecodable:
            yield from self.undecodable
            return
        if looks_binary(self.text):
            yield ParseProblem(1, "", BINARY_INPUT)
            return
        parent_keys = set(CROSSREF.findall(self.text.lower()))
        self._read_preambles()
        parents: dict[str, BibRecord] = {}
        children: list[BibRecord] = []
        found = False
        for block, offset in split_blocks(self.text, fast=self.fast):
            for item in self._block(block, offset):
                found = True
                if isinstance(item, BibRecord) and item.key.lower() in parent_keys:
                    parents[item.key.lower()] = item
                if isinstance(item, BibRecord) and "crossref" in item.fields:
                    children.append(item)
                else:
                    yield item
        for child in children:
            parent = parents.get(child.fields["crossref"].lower())
            try:
                if parent is not None and parent is not child:
                    inherit(child, parent, self.macros)
                    self._keep_preamble(child)  # For the commands it inherited too.
            except ValueTooLarge as exc:
                yield ParseProblem(child.line, child.key, str(exc))
                continue
            yield child
        if not found and _only_comments(self.text):
            self.notes.append(NOTHING_TO_IMPORT)  # An empty file: nothing to do, no error.
        elif not found:
            yield ParseProblem(1, "", EMPTY_INPUT)

    def _entry(self, entry: SplitEntry, offset: int) -> list[BibRecord | ParseProblem]:
        record, errors = entry_record(entry, self.macros, offset)
        for name, value in record.sources.items():
            if name.startswith(RAW_VALUE):
                name = name.removeprefix(RAW_VALUE)
                note = MACRO_KEPT.format(line=record.line, key=record.key, name=name, value=value)
                self.notes.append(note)
        self._keep_preamble(record)
        folded = record.key.lower()
        if record.key and folded in self.first_line_of_key:
            first = self.first_line_of_key[folded]
            errors.append(DUPLICATE_KEY.format(key=record.key, first=first))
        elif record.key:
            self.first_line_of_key[folded] = record.line
        if not errors:
            return [record]
        return [ParseProblem(record.line, record.key, message) for message in errors]

    def _read_preambles(self) -> None:
        found = _preambles(self.text)
        self.preamble_lines = [line for line, _value in found]
        self.preambles = [preamble.split(value) for _line, value in found]
        self.kept_preambles: dict[tuple, str] = {}
        self.whole_preamble = None  # Kept with every entry needing one, when very long.
        if sum(map(len, self.preambles)) > preamble.MAX_SELECTED:
            self.whole_preamble = preamble.normalised("\n".join(value for _line, value in found))

    def _keep_preamble(self, record: BibRecord) -> None:
        """Keep with an entry using commands of its own (`\\TUB`) the preamble it needs: the
        definitions of the commands it uses, and the text that defines nothing of the blocks
        before it (all of them when none is before it: the export of our own output writes a
        block before the first entry needing it)."""
        if not self.preamble_lines:
            return
        values = [v for k, v in record.sources.items() if "\\" in v and k != PREAMBLE_SOURCE]
        commands = [self._commands(value) for value in values]
        if not any(unknown for unknown, _names in commands):
            return
        if self.whole_preamble is not None:
            record.sources[PREAMBLE_SOURCE] = self.whole_preamble
            return
        used = frozenset().union(*(names for _unknown, names in commands))
        before = bisect.bisect_left(self.preamble_lines, record.line or 0)
        found = self.kept_preambles.get((used, before))
        if found is None:
            found = preamble.for_entry(self.preambles, before or len(self.preambles), used)
            self.kept_preambles[(used, before)] = found
        if found:
            record.sources[PREAMBLE_SOURCE] = found

    def _commands(self, value: str) -> tuple[bool, frozenset[str]]:
        """Does `value` use a command `decode` does not know, and the names of those it uses.
        Once per distinct value of the file: files repeat long ones (TUGboat's 800-character
        acknowledgement, in 3,800 entries)."""
        found = self.commands_of.get(value)
        if found is None:
            names = frozenset(COMMAND_NAME.findall(value))
            found = self.commands_of[value] = (bool(latex.unknown_commands(value)), names)
        return found

    def _block(self, block: Block, offset: int) -> list[BibRecord | ParseProblem]:
        if isinstance(block, SplitEntry):
            return self._entry(block, offset)
        if isinstance(block, RepeatedFields):
            return self._entry(self._first_values(block, offset), offset)
        line = block.start_line + offset + 1
        if isinstance(block, StringBlock):
            message = string_definition(block, self.macros)
            return [ParseProblem(line, block.key.strip(), message)] if message else []
        if isinstance(block, FailedBlock):
            return [ParseProblem(line, block.key, block.message)]
        if isinstance(block, PreambleBlock):
            self.notes.append(PREAMBLE_KEPT.format(line=line))
        return []

    def _first_values(self, block: RepeatedFields, offset: int) -> SplitEntry:
        """BibTeX keeps a repeated field's first value and warns: so do we."""
        entry = block.entry
        seen: set[str] = set()
        fields = []
        for name, value in entry.fields:
            if name.strip().lower() not in seen:
                seen.add(name.strip().lower())
                fields.append((name, value))
        line = entry.start_line + offset + 1
        names = ", ".join(block.names)
        self.notes.append(REPEATED_FIELD_KEPT.format(line=line, key=entry.key, names=names))
        return SplitEntry(entry.entry_type, entry.key, entry.start_line, fields)


def parse(data: str | bytes, *, fast: bool = True, **options) -> ParseResult:
    """A .bib file's content -> records (with line numbers) and problems; never raises.

    `options` are those of `Reader`: `encoding`, `max_value`, `max_expansion`."""
    reader = Reader(data, fast=fast, **options)
    result = ParseResult(notes=reader.notes)
    for item in reader.entries():
        (result.records if isinstance(item, BibRecord) else result.problems).append(item)
    result.records.sort(key=lambda record: record.line)
    result.problems.sort(key=lambda problem: problem.line)
    return result
