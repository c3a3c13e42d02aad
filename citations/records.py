"""Plain bibliographic records: the data the pure modules (bibtex, formats) read and write.

A `BibRecord` is one entry, independent of the ORM: `fields` holds BibTeX field names to
Unicode values (title, journal, year, doi, ...), `authors` and `editors` hold ordered `Name`s,
`sources` the LaTeX of imported fields that the text alone would not write back the same.
`citations.models.reference_record` builds one from the database (`Reference.to_record()`).
"""

from dataclasses import dataclass, field


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
