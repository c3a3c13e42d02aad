"""The models of citations, one module per concept, all named here (Django finds them here):

- `references`: references, the people who wrote or edited them, their order, merged
  citekeys (`ReferenceAlias`), and the rules and field lists they keep;
- `imports`: where imports stand (`ImportJob`, `ZoteroLibrary`);
- `querysets`: the read vocabulary (`Reference.objects.by_doi(doi)`, `.search(q)`).

The vocabularies (citations.choices) and a reference as plain data
(citations.reference_records) are re-exported too: callers name them here."""

from citations.choices import UNKNOWN_ENTRY_TYPE, EntryType, Retraction, Role, Verification
from citations.models.imports import ImportJob, ZoteroLibrary
from citations.models.querysets import ImportJobQuerySet, ReferenceQuerySet
from citations.models.references import (
    BIBLIOGRAPHIC_FIELDS,
    CITEKEY_FROZEN,
    CONTRIBUTOR_ROWS,
    IDENTIFIER_FIELDS,
    RETRACTION_DETAILS_NEED_STATE,
    URL_UNSAFE,
    URL_UNSAFE_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    YEAR_OUT_OF_RANGE,
    Contributor,
    ContributorManager,
    Person,
    PersonManager,
    Reference,
    ReferenceAlias,
    ReferenceManager,
)
from citations.reference_records import (
    BOOKTITLE_TYPES,
    NOTICE_LABELS,
    bibtex_fields,
    notice_text,
    reference_record,
    sameness_record,
)

__all__ = [
    "BIBLIOGRAPHIC_FIELDS",
    "BOOKTITLE_TYPES",
    "CITEKEY_FROZEN",
    "CONTRIBUTOR_ROWS",
    "IDENTIFIER_FIELDS",
    "NOTICE_LABELS",
    "RETRACTION_DETAILS_NEED_STATE",
    "UNKNOWN_ENTRY_TYPE",
    "URL_UNSAFE",
    "URL_UNSAFE_CHARS",
    "YEAR_MAX",
    "YEAR_MIN",
    "YEAR_OUT_OF_RANGE",
    "Contributor",
    "ContributorManager",
    "EntryType",
    "ImportJob",
    "ImportJobQuerySet",
    "Person",
    "PersonManager",
    "Reference",
    "ReferenceAlias",
    "ReferenceManager",
    "ReferenceQuerySet",
    "Retraction",
    "Role",
    "Verification",
    "ZoteroLibrary",
    "bibtex_fields",
    "notice_text",
    "reference_record",
    "sameness_record",
]
