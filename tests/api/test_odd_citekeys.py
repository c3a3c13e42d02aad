"""Every key BibTeX accepts is addressable: its page, its API record, the API list and its
exports. BibTeX ends a key only at "," or whitespace (and braces delimit the entry), so real
files hold keys with "/", ":", "+", "%", ".", "#", "?", "&" and non-ASCII letters."""

import re
from html import escape
from urllib.parse import quote

import pytest

from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

ODD_KEYS = [
    "Ahonen:EPODD-8-2/3-195",  # from a real TeX Live .bib file
    "a/b/c",
    "trailing/",
    "Knuth+Plass:1981",
    "100%sure",
    "Dören.2003",
    "smith#2",
    "why?2020",
    "R&D:2019",
    "key=value",
    "import",  # A list action's name, as a key: its page at least is addressable.
]


def exported_key(key: str, fmt: str) -> str:
    """The key as an export writes it: BibTeX replaces the characters biber ends a key at
    (citations.bibtex.render.SAFE_KEY) with "_"; CSL-JSON and RIS keep it as it is."""
    return re.sub(r"[\s,{}()\"#%'=\\@]", "_", key) if fmt == "bibtex" else key


@pytest.fixture
def odd_library(db):
    claim = ClaimFactory(slug="odd-keys", statement="Odd keys are addressable.")
    for key in ODD_KEYS:
        EvidenceFactory(claim=claim, reference=ReferenceFactory(citekey=key, title=f"On {key}"))
    return claim


@pytest.mark.parametrize("key", ODD_KEYS)
def test_reference_page_of_an_odd_key_is_found(client, odd_library, key):
    from citations.models import Reference

    url = Reference.objects.get(citekey=key).get_absolute_url()
    response = client.get(url)

    assert response.status_code == 200
    assert escape(f"On {key}") in response.content.decode()


@pytest.mark.parametrize("key", [k for k in ODD_KEYS if k != "import"])
def test_api_record_of_an_odd_key_is_found_at_the_url_the_list_gives(anon, odd_library, key):
    listing = anon.get("/api/references/", {"search": ""}).json()
    assert listing  # the list itself answers (it was a 500 with "/" in a key)
    records = {}
    url = "/api/references/"
    while url:
        page = anon.get(url).json()
        records.update({r["citekey"]: r for r in page["results"]})
        url = page["next"]
    record = records[key]

    detail = anon.get(record["api_url"])
    page = anon.get(record["page_url"])

    assert detail.status_code == 200
    assert detail.json()["citekey"] == key
    assert page.status_code == 200


@pytest.mark.parametrize("key", [k for k in ODD_KEYS if k != "import"])
def test_api_record_of_an_odd_key_answers_by_quoted_path(anon, odd_library, key):
    response = anon.get(f"/api/references/{quote(key, safe='/')}/")

    assert response.status_code == 200
    assert response.json()["citekey"] == key


@pytest.mark.parametrize("fmt", ["bibtex", "csl", "ris"])
@pytest.mark.parametrize("key", ["Ahonen:EPODD-8-2/3-195", "100%sure", "Dören.2003"])
def test_export_of_an_odd_key_keeps_the_key(anon, odd_library, key, fmt):
    response = anon.get(f"/api/references/{quote(key, safe='/')}/", {"format": fmt})
    text = b"".join(response.streaming_content).decode()

    assert response.status_code == 200
    assert exported_key(key, fmt) in text


@pytest.mark.parametrize("fmt", ["bibtex", "csl", "ris"])
def test_list_export_with_odd_keys_holds_them_all(anon, odd_library, fmt):
    response = anon.get("/api/references/", {"format": fmt})
    text = b"".join(response.streaming_content).decode()

    assert response.status_code == 200
    assert all(exported_key(key, fmt) in text for key in ODD_KEYS)


def test_claim_page_links_every_odd_key_to_its_page(client, odd_library):
    from citations.models import Reference

    html = client.get(odd_library.get_absolute_url()).content.decode()

    for reference in Reference.objects.filter(citekey__in=ODD_KEYS):
        assert f'href="{escape(reference.get_absolute_url())}"' in html
