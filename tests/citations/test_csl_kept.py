"""CSL-JSON read and written back: variables as the file wrote them while unedited
(`citations.formats.CSL_KEPT`), and the reader's other fixes found by the round trip over
real files (test_csl_real_files)."""

import json
from dataclasses import replace

import pytest

from citations import readers
from citations.formats import csl_item
from citations.models import Reference
from citations.readers import csl
from citations.services import reference_import_bibtex
from citations.text import latex, rich
from tests.citations.csl_compare import compare, first_last, isbn13

ITEM = {
    "id": "steinbeck2003",
    "type": "article-magazine",
    "title": "The Chemistry Development Kit (CDK): an open-source Java library",
    "container-title": "Ποιήματα και πεζά",
    "publisher": "Conseil Suprême des Antiquités de l'Égypte",
    "note": "Two  spaces.",
    "issued": {"date-parts": [[2005, 11, 15], [2006, 12, 20]]},
    "author": [{"family": "Άγρας", "given": "Τέλλος"}],
}


def read(item: dict):
    return csl.read(json.dumps([item])).records[0]


def test_variables_go_back_as_the_file_wrote_them():
    exported = csl_item(read(ITEM))
    assert {name: exported[name] for name in ITEM} == ITEM


def test_an_edited_field_is_written_from_the_ledger_again():
    record = read(ITEM)
    edited = replace(record, fields={**record.fields, "title": "A new title", "year": "2007"})
    exported = csl_item(edited)
    assert exported["title"] == "A new title"
    assert exported["issued"] == {"date-parts": [[2007, 11, 15]]}
    assert exported["publisher"] == ITEM["publisher"]  # unedited: still as written


def test_a_type_we_map_to_another_goes_back_unless_the_entry_type_changed():
    record = read(ITEM)
    assert record.entry_type == "article"
    assert csl_item(record)["type"] == "article-magazine"
    assert csl_item(replace(record, entry_type="book"))["type"] == "book"


def test_legacy_dates_issue_with_number_and_unmapped_variables():
    item = {
        "id": "a",
        "type": "book",
        "title": "T",
        "issued": {"day": 5, "month": "7", "year": "1974"},
        "issue": "3",
        "number": "1<sup>er</sup>",
        "annote": "kept  as  written",
        "_graph": [{"data": "TY  - JOUR\n"}],
    }
    record = read(item)
    assert (record.fields["year"], record.fields["month"], record.fields["day"]) == (
        "1974",
        "7",
        "5",
    )
    exported = csl_item(record)
    assert (exported["issue"], exported["number"]) == ("3", "1<sup>er</sup>")
    assert exported["annote"] == item["annote"]
    assert exported["_graph"] == item["_graph"]
    alone = csl_item(read({"id": "b", "type": "book", "title": "T", "number": "7"}))
    assert alone["number"] == "7"
    assert "issue" not in alone


def test_accents_on_greek_letters_survive_our_latex():
    for text in ("Άγρας", "Ποιήματα και πεζά", "l'Égypte"):
        assert rich.plain(latex.encode(text)) == text


def test_comparison_conventions():
    assert isbn13("0521417805") == "9780521417808"
    assert first_last("1492-7") == first_last("1492\u20131497") == ("1492", "1497")
    others = {"author": [{"family": "Doe"}, {"literal": "others"}]}
    exported = csl_item(read({"id": "x", "type": "book", "title": "T", **others}))
    assert compare(others, exported)["lost"] == []
    assert compare({"title": "T"}, {"title": "t"})["lost"] == [("title", "T", "t")]


@pytest.mark.django_db
def test_what_is_kept_survives_the_database():
    outcome = reference_import_bibtex(data=json.dumps([ITEM]), format=readers.CSL)
    assert outcome.ok
    stored = Reference.objects.with_contributors().get(citekey=ITEM["id"])
    exported = csl_item(stored.to_record())
    assert {name: exported[name] for name in ITEM} == ITEM
    stored.title = "Edited"
    assert csl_item(stored.to_record())["title"] == "Edited"
