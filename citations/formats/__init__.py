"""CSL-JSON and RIS from plain records: the two export formats besides BibTeX.

CSL-JSON is the citation data of Citation Style Language processors (Zotero, Pandoc,
citeproc-js), what doi.org answers for `application/vnd.citationstyles.csl+json`: a JSON
array of items with `id`, `type`, `title`, `author: [{family, given}]`, `issued:
{date-parts: [[year]]}`. RIS is the tagged format of reference managers (EndNote, Zotero,
Mendeley), what doi.org answers for `application/x-research-info-systems`: one `TAG  - value`
line per field, an entry from `TY` to `ER`.

Both render lazily, one entry at a time, so an export of any size streams.

One module each (`csl`, `ris`), over what they share (`fields`); every name is importable
from here, as callers always have.
"""

from citations.formats.csl import (
    CSL_DEFAULT_TYPE,
    CSL_FIELDS,
    CSL_KEPT,
    CSL_MORE_FIELDS,
    CSL_TYPES,
    NUMBERED_TYPES,
    OTHER_NUMBER,
    csl_item,
    csl_name,
    csl_pages,
    kept_variables,
    render_csl,
)
from citations.formats.fields import (
    CSL_EXTRA_PREFIX,
    ENGLISH,
    ET_AL_NOTE,
    IDENTIFIER_FIELDS,
    RIS_EXTRA_PREFIX,
    TITLE_FIELDS,
    UNKNOWN,
    field_text,
    is_english,
    latex_of,
    named,
    page_range,
    text,
    title_latex,
)
from citations.formats.ris import (
    RIS_BOOK_TYPES,
    RIS_DEFAULT_TYPE,
    RIS_FIELDS,
    RIS_PMCID,
    RIS_PMID,
    RIS_PMID_DATABASE,
    RIS_TYPE_TAGS,
    RIS_TYPES,
    render_ris,
    render_ris_entry,
    ris_dates,
    ris_fields,
    ris_line,
    ris_name,
    ris_pages,
)

__all__ = [
    "CSL_DEFAULT_TYPE",
    "CSL_EXTRA_PREFIX",
    "CSL_FIELDS",
    "CSL_KEPT",
    "CSL_MORE_FIELDS",
    "CSL_TYPES",
    "ENGLISH",
    "ET_AL_NOTE",
    "IDENTIFIER_FIELDS",
    "NUMBERED_TYPES",
    "OTHER_NUMBER",
    "RIS_BOOK_TYPES",
    "RIS_DEFAULT_TYPE",
    "RIS_EXTRA_PREFIX",
    "RIS_FIELDS",
    "RIS_PMCID",
    "RIS_PMID",
    "RIS_PMID_DATABASE",
    "RIS_TYPES",
    "RIS_TYPE_TAGS",
    "TITLE_FIELDS",
    "UNKNOWN",
    "csl_item",
    "csl_name",
    "csl_pages",
    "field_text",
    "is_english",
    "kept_variables",
    "latex_of",
    "named",
    "page_range",
    "render_csl",
    "render_ris",
    "render_ris_entry",
    "ris_dates",
    "ris_fields",
    "ris_line",
    "ris_name",
    "ris_pages",
    "text",
    "title_latex",
]
