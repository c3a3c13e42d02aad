"""The admin's BibTeX preview offers Import only when importing would write (issue 21)."""

import pytest
from django.urls import reverse

from citations.importing.applying import REFUSED_DUPLICATE, REFUSED_INVALID
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db
URL = reverse("admin:citations_reference_import_bibtex")
BIB = "@article{smith2020, title = {Bone and {DNA}}, author = {Smith, Ann}, year = 2020}\n"
BROKEN = BIB + "@article{broken,\n  title = {A}\n  year = {2000},\n}\n"
IMPORT_BUTTON = 'name="confirm" value="Import"'


def test_a_preview_with_an_invalid_entry_offers_no_import_and_says_why(curator_client):
    page = curator_client.post(URL, {"text": BROKEN, "on_duplicate": "skip"}).content.decode()
    assert IMPORT_BUTTON not in page
    assert REFUSED_INVALID.format(count=1, ies="y is") in page
    assert "Start again" in page


def test_skipping_invalid_entries_offers_the_import(curator_client):
    data = {"text": BROKEN, "on_duplicate": "skip", "skip_invalid": "on"}
    page = curator_client.post(URL, data).content.decode()
    assert IMPORT_BUTTON in page


def test_a_duplicate_with_fail_offers_no_import(curator_client):
    ReferenceFactory(doi="10.1000/bone-dna")
    text = "@article{smith2020, title = {Bone and DNA}, doi = {10.1000/bone-dna}, year = 2020}"
    page = curator_client.post(URL, {"text": text, "on_duplicate": "fail"}).content.decode()
    assert IMPORT_BUTTON not in page
    assert REFUSED_DUPLICATE.format(count=1) in page


def test_a_clean_preview_offers_the_import(curator_client):
    page = curator_client.post(URL, {"text": BIB, "on_duplicate": "skip"}).content.decode()
    assert IMPORT_BUTTON in page
