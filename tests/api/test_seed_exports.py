"""Exports of the seed data set, re-read by independent parsers, match the database."""

import io
import json
import re

import bibtexparser  # noqa: TID251 - an independent parser checks what we render
import pytest
import rispy

from citations.models import Reference
from citations.text.latex import plain_text
from claims.models import Claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_references(seed):
    cited = Reference.objects.cited_by(Claim.objects.public()).with_contributors()
    return {reference.citekey: reference for reference in cited}


def export(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def test_seed_bibtex_export_parses_with_every_public_reference(anon, public_references):
    library = bibtexparser.parse_string(export(anon, "/api/references/?format=bibtex"))

    assert library.failed_blocks == []
    entries = {entry.key: entry for entry in library.entries}
    assert set(entries) == set(public_references)
    for key, reference in public_references.items():
        year = entries[key].fields_dict.get("year")
        assert (year.value if year else None) == (str(reference.year) if reference.year else None)


def test_seed_csl_export_matches_titles_dois_and_authors(anon, public_references):
    items = {item["id"]: item for item in json.loads(export(anon, "/api/references/?format=csl"))}

    assert set(items) == set(public_references)
    for key, reference in public_references.items():
        # Sentence case, as pandoc reads the BibTeX export: the same words, re-cased.
        title = re.sub(r"<[^>]+>", "", items[key]["title"])
        assert title.casefold() == " ".join(plain_text(reference.title).split()).casefold()
        assert items[key].get("DOI") == reference.doi
        families = [name.get("family") for name in items[key].get("author", [])]
        assert families == [person.family for person in reference.authors]


def test_seed_ris_export_matches_titles_and_dois(anon, public_references):
    entries = rispy.load(io.StringIO(export(anon, "/api/references/?format=ris")))

    by_id = {entry["id"]: entry for entry in entries}
    assert set(by_id) == set(public_references)
    for key, reference in public_references.items():
        title = " ".join(plain_text(reference.title).split())
        assert by_id[key]["title"].casefold() == title.casefold()  # in sentence case
        assert by_id[key].get("doi") == reference.doi
        assert len(by_id[key].get("authors", [])) == len(reference.authors)


def test_seed_claim_exports_hold_exactly_the_claims_references(anon, public_references):
    for claim in Claim.objects.public().prefetch_related("evidence__reference"):
        expected = {item.reference.citekey for item in claim.evidence.all()}
        items = json.loads(export(anon, f"/api/claims/{claim.slug}/?format=csl"))
        assert {item["id"] for item in items} == expected, claim.slug
