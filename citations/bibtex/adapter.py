"""The bibtexparser adapter: the one module that imports the library.

bibtexparser 2's splitter reads the blocks the fast path does not (`splitting`) and finds
their errors; here its blocks become ours (`blocks`), so no other module knows its types.
Its middlewares are not used: they lose data without a word (see `citations.bibtex`).
"""

import logging
import re

from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    Preamble,
    String,
)
from bibtexparser.splitter import Splitter

from citations.bibtex import blocks
from citations.bibtex.problems import BAD_STRING, REPEATED_FIELD, SYNTAX_ERROR

# We report every failed block ourselves, with its line; the library's log lines would
# only duplicate those reports on stderr.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def split(text: str) -> list[blocks.Block]:
    """The blocks bibtexparser's splitter finds in a text, as ours; comments are dropped."""
    return [ours for block in _library_blocks(text) if (ours := _our_block(block)) is not None]


def _library_blocks(text: str) -> list:
    """bibtexparser's blocks of a text; a failure of the library itself becomes a block."""
    try:
        return Splitter(text).split().blocks
    except Exception as exc:  # noqa: BLE001 - the library raises bare errors on its own bugs
        return [ParsingFailedBlock(error=exc, start_line=0, raw=text[:200])]


def _our_block(block) -> blocks.Block | None:
    if isinstance(block, DuplicateBlockKeyBlock):
        block = block.ignore_error_block  # Reported by the reader's own key check, with lines.
    if isinstance(block, DuplicateFieldKeyBlock) and isinstance(block.ignore_error_block, Entry):
        return blocks.RepeatedFields(
            _entry(block.ignore_error_block), tuple(sorted(block.duplicate_keys))
        )
    line = block.start_line or 0
    if isinstance(block, Entry):
        return _entry(block)
    if isinstance(block, String):
        return blocks.StringBlock(block.key, block.value, line)
    if isinstance(block, ParsingFailedBlock):
        return blocks.FailedBlock(line, _block_key(block), _failed_block_problem(block))
    if isinstance(block, Preamble):
        return blocks.PreambleBlock(line)
    return None  # A comment.


def _entry(entry: Entry) -> blocks.SplitEntry:
    fields = [(item.key, item.value) for item in entry.fields]
    return blocks.SplitEntry(entry.entry_type, entry.key, entry.start_line, fields)


def _failed_block_problem(block: ParsingFailedBlock) -> str:
    if isinstance(block, DuplicateFieldKeyBlock):
        return REPEATED_FIELD.format(names=", ".join(sorted(block.duplicate_keys)))
    reason = (getattr(block.error, "abort_reason", None) or str(block.error)).strip()
    if (block.raw or "").lower().startswith("@string"):
        return BAD_STRING.format(reason=reason)
    return SYNTAX_ERROR.format(reason=reason)


def _block_key(block: ParsingFailedBlock) -> str:
    match = re.match(r"@\w*\s*[{(]\s*([^,\s]*)", block.raw or "")
    return match.group(1) if match else ""
