"""Zotero items (the Web API's JSON, Zotero's own field names) -> records the import plans."""

import pytest

from citations import importing
from citations.importing import NEW
from citations.text.records import Name
from citations.zotero.items import zotero_record

# The shape of one item's `data` as GET /users/{id}/items returns it (Zotero API v3).
ARTICLE = {
    "key": "X42A7DEE",
    "version": 1287,
    "itemType": "journalArticle",
    "title": "Spinal bone loss and ovulatory disturbances",
    "creators": [
        {"creatorType": "author", "firstName": "Jerilynn C.", "lastName": "Prior"},
        {"creatorType": "author", "firstName": "Yvette M.", "lastName": "Vigna"},
        {"creatorType": "editor", "name": "Canarie, Inc."},
    ],
    "abstractNote": "",
    "publicationTitle": "New England Journal of Medicine",
    "volume": "323",
    "issue": "18",
    "pages": "1221-1227",
    "date": "1990-11-01",
    "DOI": "10.1056/NEJM199011013231801",
    "ISSN": "0028-4793",
    "url": "",
    "extra": "PMID: 2215605\nPMCID: PMC1234567\nRead twice.",
    "tags": [{"tag": "bone"}, {"tag": "ovulation", "type": 1}],
    "collections": ["BCDE3456"],
    "relations": {},
    "dateAdded": "2024-01-02T10:00:00Z",
    "dateModified": "2024-01-03T10:00:00Z",
}


def test_a_journal_article_maps_to_bibtex_names_with_extra_identifiers():
    record = zotero_record(ARTICLE)
    assert (record.entry_type, record.key) == ("article", "")
    assert record.fields == {
        "journal": "New England Journal of Medicine",
        "title": "Spinal bone loss and ovulatory disturbances",
        "volume": "323",
        "number": "18",
        "pages": "1221-1227",
        "doi": "10.1056/NEJM199011013231801",
        "issn": "0028-4793",
        "year": "1990",
        "date": "1990-11-01",
        "pmid": "2215605",
        "pmcid": "PMC1234567",
        "note": "Read twice.",
        "keywords": "bone, ovulation",
        "zoterokey": "X42A7DEE",
    }
    assert record.authors == [Name("Prior", "Jerilynn C."), Name("Vigna", "Yvette M.")]
    assert record.editors == [Name("Canarie, Inc.")]


@pytest.mark.parametrize(
    ("item_type", "entry_type"),
    [
        ("bookSection", "incollection"),
        ("conferencePaper", "inproceedings"),
        ("thesis", "phdthesis"),
        ("webpage", "online"),
        ("podcast", "misc"),
    ],
)
def test_item_types_follow_zoteros_bibtex_export(item_type, entry_type):
    assert zotero_record({"itemType": item_type, "title": "T"}).entry_type == entry_type


def test_a_citation_key_in_extra_is_the_records_key():
    record = zotero_record({"itemType": "book", "title": "T", "extra": "Citation Key: knuth1984"})
    assert (record.key, "note" in record.fields) == ("knuth1984", False)


@pytest.mark.django_db
def test_zotero_records_go_through_the_import_plan_with_normalised_identifiers():
    plan = importing.plan([zotero_record(ARTICLE)])
    item = plan.items[0]
    assert (item.status, item.citekey) == (NEW, "prior1990spinal")
    assert (item.values["doi"], item.values["pmid"], item.values["pmcid"]) == (
        "10.1056/nejm199011013231801",
        "2215605",
        "PMC1234567",
    )
    assert item.values["container_title"] == "New England Journal of Medicine"
    assert item.values["extra_fields"]["zoterokey"] == "X42A7DEE"
