"""What reading a file reports: `ParseProblem`s (a line, the entry's key, a message) and
the reader's messages, constants that tests assert by name. The messages about values,
names and decoding live with them (`values`, `names`, `decoding`)."""

from dataclasses import dataclass

EMPTY_INPUT = "The file holds no BibTeX entries."
NOTHING_TO_IMPORT = "The file holds no entries: nothing to import."
MISSING_KEY = "The entry has no citation key."
BAD_KEY = "The citation key {key!r} contains spaces or commas."
DUPLICATE_KEY = "The key {key!r} is used again; it was first used at line {first}."
REPEATED_FIELD = "A field is given more than once in the entry: {names}."
REPEATED_FIELD_KEPT = (
    "line {line} [{key}]: a field is given more than once ({names}); the first value is kept."
)
SYNTAX_ERROR = "The entry cannot be read: {reason}"
BAD_FIELD_NAME = "Invalid field name {name!r}."
BAD_STRING = "A malformed @string definition: {reason}"
PREAMBLE_KEPT = (
    "The @preamble at line {line} is kept with the entries that use commands it may define."
)


@dataclass(frozen=True)
class ParseProblem:
    """Something wrong in a file: its line (from 1), the entry's key (or ""), a message."""

    line: int
    key: str
    message: str
