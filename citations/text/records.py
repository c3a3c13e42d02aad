"""Plain bibliographic records: the data the pure modules (bibtex, formats) read and write.

A `BibRecord` is one entry, independent of the ORM: `fields` holds BibTeX field names to
Unicode values (title, journal, year, doi, ...), `authors` and `editors` hold ordered `Name`s,
`sources` the LaTeX of imported fields that the text alone would not write back the same,
`notice` an editorial notice every export prints ("Retracted: 10.1016/s0140-6736(10)60175-4").
`citations.reference_records.reference_record` builds one from the database
(`Reference.to_record()`).
"""

from dataclasses import dataclass, field

# The entry type a record gets when its source's type has no BibTeX counterpart.
DEFAULT_ENTRY_TYPE = "misc"
# Entry types whose container is a book (`booktitle`), not a journal.
IN_BOOK_TYPES = {"incollection", "inproceedings"}


@dataclass(frozen=True)
class Name:
    family: str
    given: str = ""
    prefix: str = ""
    suffix: str = ""

    @property
    def is_others(self) -> bool:
        """BibTeX's "and others": the list goes on (et al.), not a person named "others"."""
        return self == OTHERS


OTHERS = Name("others")


@dataclass
class BibRecord:
    entry_type: str
    key: str
    fields: dict[str, str] = field(default_factory=dict)
    authors: list[Name] = field(default_factory=list)
    editors: list[Name] = field(default_factory=list)
    line: int | None = None
    # Field name ("title", "author", ...) -> its LaTeX as imported, where the text alone would
    # not write it back the same (`Reference.latex_source`): exports write it while unedited.
    sources: dict[str, str] = field(default_factory=dict)
    # What the publisher later said of the work, for readers of an export; never a user's field.
    notice: str = ""
    # What a source says the publisher did ("retracted": PubMed's "Retracted Publication"),
    # a `citations.models.Retraction` value the import stores; "" when it says nothing.
    retraction: str = ""


def with_notice(fields: dict[str, str], notice: str, names: tuple[str, ...]) -> dict[str, str]:
    """`fields` with `notice` in the first of `names` that is empty, so a user's own note stays
    as written beside it (as Zotero keeps its retraction note apart); appended to the last
    one when none is free; unchanged when there is no notice or it is already there."""
    if not notice or any(notice in fields.get(name, "") for name in names):
        return fields
    free = next((name for name in names if not fields.get(name, "").strip()), None)
    if free is not None:
        return {**fields, free: notice}
    last = names[-1]
    return {**fields, last: f"{fields[last].rstrip().rstrip('.')}. {notice}"}
