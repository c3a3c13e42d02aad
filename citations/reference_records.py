"""A stored reference as plain data: the one mapping from the database to BibTeX fields
(`reference_record`), what the sameness rule compares (`sameness_record`) and what an export
says of a retracted work (`notice_text`). No ORM: a `Reference` or a row with its attribute
names goes in, plain records come out."""

from citations.choices import Retraction
from citations.text.records import BibRecord, Name
from citations.text.sameness import FIELDS as SAMENESS_FIELDS

BOOKTITLE_TYPES = {"inproceedings", "incollection", "inbook", "conference", "bookinbook"}


def bibtex_fields(reference) -> dict[str, object]:
    """The reference's columns under their BibTeX field names (`Reference.bibtex_fields`)."""
    container = "booktitle" if reference.entry_type in BOOKTITLE_TYPES else "journal"
    return {
        "title": reference.title,
        container: reference.container_title,
        "publisher": reference.publisher,
        "year": reference.year,
        "volume": reference.volume,
        "number": reference.issue,
        "pages": reference.pages,
        "edition": reference.edition,
        "doi": reference.doi,
        "pmid": reference.pmid,
        "pmcid": reference.pmcid,
        "isbn": reference.isbn,
        "url": reference.url,
        "abstract": reference.abstract,
    }


def sameness_record(reference) -> dict:
    """A stored reference as `citations.text.sameness` compares it (read `with_first_author()`)."""
    return {name: getattr(reference, name) for name in SAMENESS_FIELDS} | {
        "first_author": getattr(reference, "first_author", "")
    }


def reference_record(reference, authors: list[Name], editors: list[Name]) -> BibRecord:
    """A reference as a plain record: the one mapping from the database to BibTeX fields.

    `reference` is a `Reference`, or a row with its attribute names (`values_list(...,
    named=True)`): exports read rows, which spares building a model instance per reference.
    Extra fields come first; a column with a value overrides the extra field of its name.
    """
    fields = {name: str(value) for name, value in reference.extra_fields.items()}
    for name, value in bibtex_fields(reference).items():
        if value is not None and value != "":
            fields[name] = str(value)
    sources = dict(reference.latex_source) if reference.latex_source else {}
    return BibRecord(
        reference.entry_type,
        reference.citekey,
        fields,
        authors,
        editors,
        sources=sources,
        notice=notice_text(reference.retraction, reference.retraction_notice),
    )


NOTICE_LABELS = {
    Retraction.RETRACTED: "Retracted",
    Retraction.EXPRESSION_OF_CONCERN: "Expression of concern",
}


def notice_text(retraction: str, notice: str) -> str:
    """What an export says of a retracted work: 'Retracted: <notice DOI or URL>'; '' when
    the work is under no notice a reader must know of (a correction is not one)."""
    label = NOTICE_LABELS.get(retraction)
    if label is None:
        return ""
    return f"{label}: {notice}" if notice else label
