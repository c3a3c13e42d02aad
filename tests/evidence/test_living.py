"""Living evidence: saved searches run against stand-in PubMed and Crossref servers."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from citations.sources import pace
from evidence import living
from evidence.models import Candidate, SavedSearch
from evidence.search_models import Decision
from tests.factories import ClaimFactory, CuratorFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

RICKARD_DOI = "10.1210/en.2007-1247"
TODAY = date(2026, 12, 6)


def serve_pubmed(sources, esearch="pubmed-esearch-living.json"):
    sources.serve("/eutils/esearch.fcgi", esearch)
    sources.serve("/eutils/efetch.fcgi", "pubmed-efetch-living.xml")


@pytest.fixture
def no_pacing(settings, monkeypatch):
    monkeypatch.setattr(pace, "per_second", lambda service: None)


@pytest.fixture
def pubmed_search(db):
    return SavedSearch.objects.create(
        claim=ClaimFactory(), source="pubmed", query="progesterone AND bone"
    )


def test_a_pubmed_search_keeps_each_record_as_a_candidate_with_identifiers_and_types(
    sources, no_pacing, pubmed_search
):
    serve_pubmed(sources)
    result = living.search_run(search=pubmed_search, today=TODAY)
    assert (result.found, result.duplicates, result.new) == (3, 0, 3)
    by_pmid = {c.pmid: c for c in Candidate.objects.filter(claim=pubmed_search.claim)}
    assert set(by_pmid) == {"18276762", "9500320", "20137807"}
    rickard = by_pmid["18276762"]
    assert rickard.doi == RICKARD_DOI
    assert rickard.title == "Bone growth and turnover in progesterone receptor knockout mice"
    assert "Bone mass was higher." in rickard.abstract
    assert "Retraction of Publication" in by_pmid["20137807"].publication_types
    assert all(c.decision == Decision.UNTRIAGED for c in by_pmid.values())
    pubmed_search.refresh_from_db()
    assert pubmed_search.last_run_until == TODAY
    assert pubmed_search.last_run_at is not None


def test_a_saved_search_run_twice_yields_its_new_candidates_only_once(
    sources, no_pacing, pubmed_search
):
    serve_pubmed(sources)
    first = living.search_run(search=pubmed_search, today=TODAY)
    second = living.search_run(search=pubmed_search, today=date(2026, 12, 13))
    assert (first.new, second.new, second.duplicates) == (3, 0, 3)
    assert Candidate.objects.filter(claim=pubmed_search.claim).count() == 3
    esearches = [r for r in sources.requests() if r.path.endswith("esearch.fcgi")]
    assert len(esearches) == 2  # a search's answer is never taken from the cache
    assert esearches[1].args["mindate"] == "2026/12/06"  # since the last run
    assert esearches[1].args["maxdate"] == "2026/12/13"
    assert esearches[1].args["tool"] == "evidence-ledger"


def test_a_record_already_stored_as_a_reference_is_not_offered(sources, no_pacing, pubmed_search):
    ReferenceFactory(doi=RICKARD_DOI)
    ReferenceFactory(pmid="9500320", doi=None)
    serve_pubmed(sources)
    result = living.search_run(search=pubmed_search, today=TODAY)
    assert (result.found, result.duplicates, result.new) == (3, 2, 1)
    assert list(Candidate.objects.values_list("pmid", flat=True)) == ["20137807"]


def test_a_reference_with_the_same_title_and_year_is_the_same_work(sources, no_pacing):
    ReferenceFactory(
        title="Bone Growth and Turnover in Progesterone Receptor Knockout Mice", year=2008
    )
    search = SavedSearch.objects.create(claim=ClaimFactory(), source="crossref", query="bone")
    sources.serve("/crossref/works", "crossref-works-living.json")
    result = living.search_run(search=search, today=TODAY)
    assert (result.found, result.duplicates, result.new) == (3, 1, 2)
    assert RICKARD_DOI not in set(Candidate.objects.values_list("doi", flat=True))


def test_crossref_searches_ask_for_the_date_window_and_filters(sources, no_pacing):
    search = SavedSearch.objects.create(
        claim=ClaimFactory(),
        source="crossref",
        query="progesterone bone",
        date_from=date(2000, 1, 1),
        filters="type:journal-article",
    )
    sources.serve("/crossref/works", "crossref-works-living.json")
    living.search_run(search=search, today=TODAY)
    (request,) = sources.requests()
    assert request.args["query"] == "progesterone bone"
    assert request.args["filter"] == (
        "type:journal-article,from-pub-date:2000-01-01,until-pub-date:2026-12-06"
    )
    dois = set(Candidate.objects.values_list("doi", flat=True))
    assert dois == {RICKARD_DOI, "10.1371/journal.pone.0139490", "10.1210/edrv-11-2-386"}


def test_a_study_judged_not_relevant_never_comes_back(sources, no_pacing, pubmed_search):
    serve_pubmed(sources)
    curator = CuratorFactory()
    living.search_run(search=pubmed_search, today=TODAY)
    notice = Candidate.objects.get(pmid="20137807")
    living.candidate_triage(
        candidate=notice, decision="not_relevant", reason="A notice, not a study", actor=curator
    )
    pubmed_search.last_run_at = None
    pubmed_search.save()
    again = living.search_run(search=pubmed_search, today=TODAY)
    assert again.new == 0
    notice.refresh_from_db()
    assert (notice.decision, notice.reason, notice.decided_by) == (
        "not_relevant",
        "A notice, not a study",
        curator,
    )


def test_not_relevant_needs_a_reason_and_untriaged_is_no_decision(pubmed_search):
    candidate = Candidate.objects.create(claim=pubmed_search.claim, source="pubmed", pmid="1")
    curator = CuratorFactory()
    with pytest.raises(ValidationError) as missing:
        living.candidate_triage(candidate=candidate, decision="not_relevant", actor=curator)
    assert "reason" in missing.value.message_dict
    with pytest.raises(ValidationError):
        living.candidate_triage(candidate=candidate, decision="untriaged", actor=curator)
    living.candidate_triage(candidate=candidate, decision="later", actor=curator)
    candidate.refresh_from_db()
    assert candidate.decision == "later"
    assert candidate.decided_at is not None


def test_prisma_counts_add_up(sources, no_pacing, pubmed_search):
    ReferenceFactory(doi=RICKARD_DOI)
    serve_pubmed(sources)
    living.search_run(search=pubmed_search, today=TODAY)
    living.search_run(search=pubmed_search, today=TODAY)
    curator = CuratorFactory()
    retracted, notice = Candidate.objects.order_by("pmid")
    living.candidate_triage(candidate=notice, decision="not_relevant", reason="x", actor=curator)
    living.candidate_triage(candidate=retracted, decision="relevant", actor=curator)
    counts = living.prisma_counts(pubmed_search.claim)
    assert counts == {
        "found": 6,
        "duplicates": 4,
        "candidates": 2,
        "screened": 2,
        "screened_out": 1,
        "included": 1,
        "under_review": 0,
    }
    assert counts["found"] == counts["duplicates"] + counts["candidates"]
    assert counts["candidates"] == (
        counts["screened_out"] + counts["included"] + counts["under_review"]
    )


def test_searches_due_are_those_never_run_or_run_a_week_ago(pubmed_search, settings):
    from django.utils import timezone

    settings.LEDGER_SEARCH_EVERY_DAYS = 7
    ran = SavedSearch.objects.create(claim=ClaimFactory(), source="pubmed", query="x")
    ran.last_run_at = timezone.now()
    ran.save()
    assert list(living.searches_due()) == [pubmed_search]
    later = timezone.now() + timezone.timedelta(days=8)
    assert set(living.searches_due(now=later)) == {pubmed_search, ran}


def test_pubmed_is_asked_at_most_three_times_a_second_without_a_key(settings, monkeypatch):
    settings.NCBI_API_KEY, settings.NCBI_REQUESTS_PER_SECOND = "", 0
    monkeypatch.setattr(pace, "_next", {})
    now, slept = [100.0], []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    waits = [pace.wait("PubMed", clock=lambda: now[0], sleep=sleep) for _ in range(4)]
    assert waits == pytest.approx([0, 1 / 3, 1 / 3, 1 / 3])
    settings.NCBI_API_KEY = "k"
    assert pace.per_second("PubMed") == 10.0
    assert pace.per_second("Crossref") is None
    settings.NCBI_REQUESTS_PER_SECOND = 1.0  # several workers sharing one address
    assert pace.per_second("PubMed") == 1.0
