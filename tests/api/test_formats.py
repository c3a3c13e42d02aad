"""CSL-JSON and RIS from plain records (no database)."""

import json

from citations.formats import csl_item, render_csl, render_ris, render_ris_entry
from citations.records import BibRecord, Name

BOOK = BibRecord(
    entry_type="incollection",
    key="vanbeek2001bone",
    fields={
        "title": "Bone and\n  hormones",
        "booktitle": "Endocrinology",
        "year": "2001",
        "pages": "10\u201312",
        "publisher": "Elsevier",
        "isbn": "9780123456786",
    },
    authors=[Name(family="Beek", given="Jan", prefix="van", suffix="Jr.")],
    editors=[Name(family="World Health Organization")],
)


def test_csl_item_maps_types_names_pages_and_dates():
    assert csl_item(BOOK) == {
        "id": "vanbeek2001bone",
        "citation-key": "vanbeek2001bone",
        "type": "chapter",
        "title": "Bone and\n  hormones",
        "container-title": "Endocrinology",
        "publisher": "Elsevier",
        "ISBN": "9780123456786",
        "page": "10-12",
        "issued": {"date-parts": [[2001]]},
        "author": [
            {"family": "Beek", "given": "Jan", "non-dropping-particle": "van", "suffix": "Jr."}
        ],
        "editor": [{"family": "World Health Organization"}],
    }


def test_csl_item_keeps_a_non_numeric_year_literal_and_defaults_the_type():
    item = csl_item(BibRecord(entry_type="misc", key="k", fields={"year": "in press"}))

    assert item["issued"] == {"literal": "in press"}
    assert item["type"] == "document"


def test_render_csl_is_a_json_array_even_when_empty():
    assert json.loads("".join(render_csl([]))) == []
    assert [item["id"] for item in json.loads("".join(render_csl([BOOK, BOOK])))] == [
        "vanbeek2001bone",
        "vanbeek2001bone",
    ]


def test_ris_entry_has_one_line_per_tag_and_splits_pages():
    assert render_ris_entry(BOOK) == (
        "TY  - CHAP\n"
        "AU  - van Beek, Jan, Jr.\n"
        "A2  - World Health Organization\n"
        "TI  - Bone and hormones\n"
        "T2  - Endocrinology\n"
        "PY  - 2001\n"
        "PB  - Elsevier\n"
        "SN  - 9780123456786\n"
        "SP  - 10\n"
        "EP  - 12\n"
        "ID  - vanbeek2001bone\n"
        "ER  - \n"
    )


def test_render_ris_separates_entries_with_a_blank_line():
    text = "".join(render_ris([BOOK, BOOK]))

    assert text.count("ER  - \n\n") == 2


def test_bibtex_and_others_is_left_out_of_csl_and_ris_authors():
    record = BibRecord("article", "doe2015", {"title": "T"}, [Name("Doe", "Jane"), Name("others")])
    assert csl_item(record)["author"] == [{"family": "Doe", "given": "Jane"}]
    ris = "TY  - JOUR\nAU  - Doe, Jane\nTI  - T\nID  - doe2015\nER  - \n"
    assert render_ris_entry(record) == ris
