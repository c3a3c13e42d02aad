"""CSL-JSON and RIS from plain records (no database)."""

import json

import pytest

from citations.formats import csl_item, render_csl, render_ris, render_ris_entry
from citations.text.records import BibRecord, Name

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
        "title": "Bone and hormones",  # white space as one space, as pandoc reads it
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
        "A2  - World Health Organization,\n"  # one family name
        "TI  - Bone and hormones\n"
        "T2  - Endocrinology\n"
        "PY  - 2001\n"
        "PB  - Elsevier\n"
        "SN  - 9780123456786\n"
        "DA  - 2001///\n"
        "SP  - 10\n"
        "EP  - 12\n"
        "ID  - vanbeek2001bone\n"
        "ER  - \n"
    )


def test_render_ris_separates_entries_with_a_blank_line():
    text = "".join(render_ris([BOOK, BOOK]))

    assert text.count("ER  - \n\n") == 2


def test_bibtex_and_others_is_no_csl_author_but_a_note_in_csl_and_ris():
    record = BibRecord("article", "doe2015", {"title": "T"}, [Name("Doe", "Jane"), Name("others")])
    item = csl_item(record)
    assert item["author"] == [{"family": "Doe", "given": "Jane"}]
    assert item["note"] == "The author list is incomplete (et al.)."
    ris = render_ris_entry(record)
    assert "AU  - Doe, Jane\n" in ris
    assert "AU  - others" not in ris
    assert "N1  - The author list is incomplete (et al.).\n" in ris


HANDBOOK = BibRecord(
    entry_type="book",
    key="smith2004handbook",
    fields={
        "title": "Bone ``biology'' in $3$D --- a handbook",
        "publisher": "Saunders",
        "address": "Philadelphia",
        "year": "2004",
        "month": "mar",
        "note": "Second printing",
        "isbn": "9780721600000",
        "pages": "M-1--M-11",
    },
    authors=[Name("Smith", "Ann"), Name("others")],
    editors=[Name("Jones", "Bo")],
)
ARTICLE = BibRecord(
    entry_type="article",
    key="rickard2008",
    fields={
        "title": "Progesterone receptor knockout",
        "journal": "Endocrinology",
        "issn": "0013-7227",
        "year": "2008",
        "month": "May",
        "pmid": "18276762",
        "pmcid": "PMC2329270",
        "pages": "2383--2390",
    },
    authors=[Name("Rickard", "David J.")],
)
THESIS = BibRecord(
    "phdthesis", "lee2010", {"title": "T", "school": "MIT", "year": "2010"}, [Name("Lee", "A")]
)


def test_csl_keeps_place_month_issn_note_publisher_of_theses_and_text_without_latex():
    book = csl_item(HANDBOOK)
    assert book["publisher-place"] == "Philadelphia"
    assert book["issued"] == {"date-parts": [[2004, 3]]}
    assert book["note"] == "Second printing\nThe author list is incomplete (et al.)."
    # "D" is protected as our BibTeX export protects it ("3{D}"), so pandoc reads both alike.
    assert book["title"] == 'Bone “biology” in 3<span class="nocase">D</span> — a handbook'
    assert book["page"] == "M-1\u2013M-11"
    article = csl_item(ARTICLE)
    assert (article["ISSN"], article["PMID"], article["PMCID"]) == (
        "0013-7227",
        "18276762",
        "PMC2329270",
    )
    assert article["issued"] == {"date-parts": [[2008, 5]]}
    assert csl_item(THESIS)["publisher"] == "MIT"


def test_ris_read_by_an_independent_parser_gives_back_the_fields():
    rispy = pytest.importorskip("rispy")
    entries = rispy.loads("".join(render_ris([HANDBOOK, ARTICLE, THESIS])))
    book, article, thesis = entries
    assert book["place_published"] == "Philadelphia"
    assert (book["start_page"], book["end_page"]) == ("M-1", "M-11")
    # ED: a book's editor, read by Zotero's RIS.js and pandoc (rispy keeps it as unknown)
    assert "ED  - Jones, Bo\n" in "".join(render_ris([HANDBOOK]))
    assert book["title"] == "Bone “biology” in 3D — a handbook"
    assert book["notes"] == ["Second printing", "The author list is incomplete (et al.)."]
    assert article["issn"] == "0013-7227"
    assert (article["accession_number"], article["name_of_database"]) == ("18276762", "PubMed")
    assert article["custom2"] == "PMC2329270"
    assert article["date"] == "2008/05//"  # RIS dates are YYYY/MM/DD/other
    assert thesis["publisher"] == "MIT"


def test_a_chapters_editors_are_a2():
    assert "A2  - World Health Organization,\n" in render_ris_entry(BOOK)
