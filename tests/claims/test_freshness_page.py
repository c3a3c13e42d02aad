"""The claim page says how its evidence was gathered and how fresh it is (living evidence)."""

from datetime import date

import pytest
from django.utils import timezone

from evidence.models import Candidate, SavedSearch
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_a_claim_without_a_saved_search_says_curators_collected_its_evidence(client):
    claim = ClaimFactory()
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Evidence collected by curators, not by a systematic search." in html
    assert "Last searched" not in html


def test_the_page_names_the_search_its_reach_and_the_studies_under_review(client):
    claim = ClaimFactory()
    SavedSearch.objects.create(
        claim=claim,
        source="pubmed",
        query="progesterone AND <bone>",
        last_run_until=date(2026, 11, 30),
        last_run_at=timezone.make_aware(timezone.datetime(2026, 12, 1, 9)),
    )
    SavedSearch.objects.create(claim=claim, source="crossref", query="never run")
    Candidate.objects.create(claim=claim, source="pubmed", pmid="1", title="Secret title")
    Candidate.objects.create(claim=claim, source="pubmed", pmid="2", decision="later")
    Candidate.objects.create(claim=claim, source="pubmed", pmid="3", decision="not_relevant")
    html = client.get(claim.get_absolute_url()).content.decode()
    assert (
        "Evidence searched: PubMed, <q>progesterone AND &lt;bone&gt;</q>, up to 30 November 2026"
        in html
    )
    assert "Evidence searched: Crossref, <q>never run</q>, not yet run" in html
    assert "Last searched 1 December 2026 · 2 new studies under review" in html
    assert "Secret title" not in html  # readers see counts, never candidates


def test_a_search_run_moves_the_cached_page(client, sources, monkeypatch, settings):
    from citations.sources import pace
    from evidence import living

    monkeypatch.setattr(pace, "per_second", lambda service: None)
    settings.LEDGER_PAGE_CACHE_SECONDS = 300
    claim = ClaimFactory()
    search = SavedSearch.objects.create(claim=claim, source="crossref", query="bone")
    assert "Last searched" not in client.get(claim.get_absolute_url()).content.decode()
    sources.serve("/crossref/works", "crossref-works-living.json")
    living.search_run(search=search, today=date(2026, 12, 6))
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "up to 6 December 2026" in html
    assert "3 new studies under review" in html
