"""Field mappings of CSL-JSON and RIS (citations/formats.py, citations/text/dates.py).

CSL variables as pandoc's BibTeX reader maps biblatex fields (`pandoc -f biblatex -t csljson`);
RIS tags as Zotero's RIS.js `fieldMap` reads them per type.
"""

import pytest

from citations.formats import csl_item, render_ris_entry
from citations.text import dates
from citations.text.records import BibRecord, Name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-03-15", {"date-parts": [[2021, 3, 15]]}),
        ("2021-03", {"date-parts": [[2021, 3]]}),
        ("2021-21", {"date-parts": [[2021, 21]]}),  # spring 2021, as pandoc writes it
        ("2021-03/2021-05", {"date-parts": [[2021, 3], [2021, 5]]}),
        ("2021/", {"date-parts": [[2021]]}),
        ("in press", {"literal": "in press"}),
        ("2021-13", {"literal": "2021-13"}),
    ],
)
def test_biblatex_dates_become_csl_date_parts(value, expected):
    assert dates.csl_date(value) == expected


def test_bibtex_season_months_are_csl_seasons():
    assert dates.csl_year_date("1999", "spring") == {"date-parts": [[1999, 21]]}
    assert dates.csl_year_date("1999", "Fall") == {"date-parts": [[1999, 23]]}
    assert dates.csl_year_date("1999", "mar", "15") == {"date-parts": [[1999, 3, 15]]}


ARTICLE = BibRecord(
    "article",
    "kim2021",
    {
        "title": "Bone {DNA}",
        "journaltitle": "PLoS One",
        "date": "2021-03-15",
        "urldate": "2022-01-02",
        "eid": "e0245",
        "number": "3",
        "pmid": "33705400",
        "issn": "1932-6203",
    },
    [Name("Kim", "Ann")],
)


def test_csl_keeps_date_access_date_article_number_genre_and_chapter():
    item = csl_item(ARTICLE)
    assert item["issued"] == {"date-parts": [[2021, 3, 15]]}
    assert item["accessed"] == {"date-parts": [[2022, 1, 2]]}
    assert (item["number"], item["issue"]) == ("e0245", "3")
    chapter = csl_item(
        BibRecord("inbook", "k", {"title": "T", "chapter": "4", "type": "Research Report"})
    )
    assert (chapter["chapter-number"], chapter["genre"]) == ("4", "Research Report")


def test_ris_of_an_article_has_full_date_access_date_issn_and_pmid_for_zotero():
    ris = render_ris_entry(ARTICLE)
    assert "DA  - 2021/03/15/\n" in ris
    assert "Y2  - 2022/01/02/\n" in ris
    assert "PY  - 2021\n" in ris
    assert "SN  - 1932-6203\n" in ris
    assert "AN  - 33705400\n" in ris


def test_ris_of_a_conference_paper_is_conf_with_the_proceedings_title_in_c3_and_place_in_c1():
    paper = BibRecord(
        "inproceedings",
        "lee2019",
        {
            "title": "T",
            "booktitle": "Proceedings of the Bone Society",
            "eventtitle": "Bone Society Meeting",
            "address": "Oslo",
        },
        editors=[Name("Berg", "Per")],
    )
    ris = render_ris_entry(paper)
    assert ris.startswith("TY  - CONF\n")
    assert "C3  - Proceedings of the bone society\n" in ris  # sentence case, as pandoc reads it
    assert "T2  - Bone society meeting\n" in ris
    assert "C1  - Oslo\n" in ris
    assert "CY  -" not in ris
    assert "A2  - Berg, Per\n" in ris


def test_ris_of_a_report_has_its_number_in_sn_and_kind_in_m3():
    report = BibRecord(
        "techreport",
        "who2020",
        {"title": "T", "number": "TR-12", "type": "Technical report", "institution": "WHO"},
    )
    ris = render_ris_entry(report)
    assert "SN  - TR-12\n" in ris
    assert "IS  -" not in ris
    assert "M3  - Technical report\n" in ris
    assert "PB  - WHO\n" in ris


def test_a_proceedings_volume_is_a_book_with_its_editors_in_ed():
    ris = render_ris_entry(
        BibRecord("proceedings", "p", {"title": "T", "address": "Oslo"}, editors=[Name("Berg")])
    )
    assert ris.startswith("TY  - BOOK\n")
    assert "ED  - Berg,\n" in ris
    assert "CY  - Oslo\n" in ris
