"""One entry -> a `BibRecord`.

Field names are cleaned and checked, values read (`values`), author and editor lists split
into names (`names`), verbatim fields unescaped and every other field decoded from LaTeX to
Unicode, its LaTeX kept beside the text when the text alone would not write it back the
same (`BibRecord.sources`). Also an @string definition added to a file's macros, and the
`crossref` rule (a record inherits the fields it leaves out from its parent).
"""

import re
import sys

from citations.bibtex.blocks import SplitEntry, StringBlock
from citations.bibtex.names import parse_names
from citations.bibtex.problems import BAD_FIELD_NAME, BAD_KEY, BAD_STRING, MISSING_KEY
from citations.bibtex.values import (
    INHERITANCE_TOO_LARGE,
    RAW_VALUE,
    TITLE_FIELDS,
    VERBATIM_FIELDS,
    FieldValueError,
    Macros,
    ValueTooLarge,
    normal_space,
    read_value,
    unescape_verbatim,
)
from citations.text.records import BibRecord

FIELD_NAME = re.compile(r"[A-Za-z][\w\-:.+]*\Z")
BAD_KEY_CHARS = re.compile(r"[\s,]")


def clean_field_name(raw: str) -> str:
    """The field name, without `%` comment lines a file put before it."""
    if "%" not in raw:
        return sys.intern(raw.strip().lower())  # Interned: one copy per name, not per entry.
    lines = [line for line in raw.splitlines() if not line.lstrip().startswith("%")]
    return " ".join(lines).strip().lower()


def _keep_undefined(name: str, raw_value: str, macros: Macros, raw: dict[str, str]) -> None:
    """Remember a value that uses macros no @string defines, as written (`raw`)."""
    if macros.undefined:
        raw[name] = normal_space(raw_value)
        macros.undefined.clear()


def _well_formed_fields(
    entry: SplitEntry, macros: Macros, raw: dict[str, str]
) -> tuple[dict, list[str]]:
    """Fields the fast path read: braced or quoted groups, numbers and macros, maybe joined."""
    values, errors = {}, []
    for name, raw_value in entry.fields:  # Names folded by the fast path.
        first = raw_value[0]
        if "#" in raw_value:  # Concatenation (or a `\#` inside a value): read in full.
            try:
                values[name] = read_value(raw_value, name, macros)
            except FieldValueError as exc:
                errors.append(str(exc))
            _keep_undefined(name, raw_value, macros, raw)
        elif first == "{" or first == '"':
            values[name] = raw_value[1:-1]
        elif first.isdigit():
            values[name] = raw_value
        elif raw_value.lower() in macros:
            try:
                values[name] = macros[raw_value.lower()]
            except FieldValueError as exc:
                errors.append(str(exc))
        else:  # A macro no @string of the file defines: kept, shown as its name.
            values[name] = raw[name] = raw_value
    return values, errors


def _entry_fields(entry: SplitEntry, macros: Macros, raw: dict[str, str]) -> tuple[dict, list[str]]:
    if entry.well_formed:
        return _well_formed_fields(entry, macros, raw)
    values, errors = {}, []
    for raw_name, raw_value in entry.fields:
        name = clean_field_name(raw_name)
        if not FIELD_NAME.match(name):
            errors.append(BAD_FIELD_NAME.format(name=raw_name.strip()))
            continue
        try:
            values[name] = read_value(raw_value, name, macros)
        except FieldValueError as exc:
            errors.append(str(exc))
        _keep_undefined(name, raw_value, macros, raw)
    return values, errors


def _names_source(value: str) -> str | None:
    """An author or editor list's LaTeX, when names alone would not write it back."""
    return normal_space(value) if "{" in value or "\\" in value else None


def entry_record(entry: SplitEntry, macros: Macros, offset: int = 0) -> tuple[BibRecord, list[str]]:
    """A split entry -> a record, and the problems found in it (each a message).

    A value using macros no @string of the file defines is kept: its text shows their
    names, its LaTeX is kept (`sources`) and the value as written under `RAW_VALUE + name`,
    which exports write back bare."""
    raw: dict[str, str] = {}
    values, errors = _entry_fields(entry, macros, raw)
    record = BibRecord(entry_type=sys.intern(entry.entry_type.lower()), key=entry.key.strip())
    record.line = entry.start_line + offset + 1
    limit = macros.max_value
    sources = record.sources
    for name, value in raw.items():
        if name in values and name not in VERBATIM_FIELDS and name not in ("author", "editor"):
            sources[RAW_VALUE + name] = value
            sources[name] = normal_space(values[name])
    for name, value in values.items():
        try:
            if len(value) > limit:  # Inline: this runs for every field of every entry.
                macros.check_size(name, len(value))
            if name == "author" or name == "editor":
                names = parse_names(value)
                if name == "author":
                    record.authors = names
                else:
                    record.editors = names
                if (source := _names_source(value)) is not None:
                    sources[name] = source
            elif name in VERBATIM_FIELDS:
                record.fields[name] = unescape_verbatim(normal_space(value))
            else:
                source, text, keep = macros.field(value, name in TITLE_FIELDS)
                record.fields[name] = text
                if keep and name not in raw:
                    sources[name] = source
        except FieldValueError as exc:
            errors.append(str(exc))
    if not record.key:
        errors.insert(0, MISSING_KEY)
    elif BAD_KEY_CHARS.search(record.key):
        errors.insert(0, BAD_KEY.format(key=record.key))
    return record, errors


def string_definition(block: StringBlock, macros: Macros) -> str | None:
    """Add an @string macro; return a problem message when it is malformed or too large."""
    name = block.key.strip().lower()
    macros.undefined.clear()  # A macro of another file within a macro: its name stands for it.
    if not FIELD_NAME.match(name):
        return BAD_STRING.format(reason=f"invalid name {block.key.strip()!r}.")
    try:
        macros[name] = read_value(block.value, name, macros)
    except ValueTooLarge as exc:
        macros.refused.add(name)
        return str(exc)
    except FieldValueError as exc:
        return BAD_STRING.format(reason=str(exc))
    return None


def inherit(child: BibRecord, parent: BibRecord, macros: Macros) -> None:
    """Fill fields a record leaves out from its `crossref` parent (the BibTeX rule).

    What is copied counts against the file's expansion budget of `macros`, and the child's
    values are checked against its value limit afterwards: ValueTooLarge, nothing copied.
    """
    fields = {name: value for name, value in parent.fields.items() if name not in child.fields}
    sources = {name: src for name, src in parent.sources.items() if name not in child.sources}
    if "title" in parent.fields and child.entry_type in {"inproceedings", "incollection"}:
        if "booktitle" not in child.fields and "booktitle" not in fields:
            fields["booktitle"] = parent.fields["title"]
        if "title" in parent.sources and "booktitle" not in child.sources | sources:
            sources["booktitle"] = parent.sources["title"]
    authors = [] if child.authors else list(parent.authors)
    editors = [] if child.editors else list(parent.editors)
    copied = sum(map(len, fields.values())) + sum(map(len, sources.values()))
    copied += sum(len(name.family) + len(name.given) + 2 for name in authors + editors)
    refused = INHERITANCE_TOO_LARGE.format(parent=parent.key, limit=macros.max_expansion)
    macros.charge(copied, refused)
    for name, value in fields.items():
        macros.check_size(name, len(value))
    child.fields.update(fields)
    child.sources.update(sources)
    child.authors = child.authors or authors
    child.editors = child.editors or editors
