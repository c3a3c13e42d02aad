"""Living evidence on the API and the command line: curators only, 400s with field errors."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from citations.sources import pace
from evidence.models import Candidate, SavedSearch
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pacing(monkeypatch):
    monkeypatch.setattr(pace, "per_second", lambda service: None)


@pytest.fixture
def claim(db):
    return ClaimFactory(slug="pr-bone")


def test_a_curator_saves_a_search_and_lists_it(curator_client, curator, claim):
    body = {"source": "pubmed", "query": "progesterone AND bone", "date_from": "2000-01-01"}
    created = curator_client.post(f"/api/claims/{claim.slug}/searches/", body, "application/json")
    assert created.status_code == 201, created.content
    assert created.json()["created_by"] == curator.username
    search = SavedSearch.objects.get()
    assert (search.claim, search.created_by, search.query) == (claim, curator, body["query"])
    listed = curator_client.get(f"/api/claims/{claim.slug}/searches/").json()
    assert [s["query"] for s in listed] == ["progesterone AND bone"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"source": "scopus", "query": "x"}, "source"),
        ({"source": "pubmed", "query": "  "}, "query"),
        ({"source": "pubmed"}, "query"),
        ({"source": "crossref", "query": "x", "date_from": "soon"}, "date_from"),
        (
            {
                "source": "crossref",
                "query": "x",
                "date_from": "2020-01-02",
                "date_until": "2020-01-01",
            },
            "date_until",
        ),
    ],
)
def test_a_bad_saved_search_is_a_400_naming_the_field(curator_client, claim, body, field):
    answer = curator_client.post(f"/api/claims/{claim.slug}/searches/", body, "application/json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert not SavedSearch.objects.exists()


def test_readers_and_other_users_see_no_searches_or_candidates(client, claim):
    for path in ("searches/", "candidates/"):
        assert client.get(f"/api/claims/{claim.slug}/{path}").status_code in (401, 403)
    client.force_login(UserFactory())
    assert client.get(f"/api/claims/{claim.slug}/candidates/").status_code == 403
    body = {"source": "pubmed", "query": "x"}
    assert client.post(f"/api/claims/{claim.slug}/searches/", body).status_code == 403


def test_an_unknown_claim_is_a_404(curator_client):
    assert curator_client.get("/api/claims/nothing-here/searches/").status_code == 404


def test_candidates_list_the_untriaged_with_identifiers_alerts_first(
    curator_client, claim, django_assert_max_num_queries
):
    Candidate.objects.create(claim=claim, source="pubmed", pmid="1", title="Plain")
    Candidate.objects.create(
        claim=claim,
        source="pubmed",
        pmid="2",
        doi="10.1/x",
        title="Trial",
        publication_types=["Randomized Controlled Trial"],
    )
    Candidate.objects.create(claim=claim, source="pubmed", pmid="3", decision="later")
    Candidate.objects.create(claim=ClaimFactory(), source="pubmed", pmid="4")
    with django_assert_max_num_queries(8):
        answer = curator_client.get(f"/api/claims/{claim.slug}/candidates/")
    rows = answer.json()["results"]
    assert [(r["pmid"], r["doi"], r["is_alert"]) for r in rows] == [
        ("2", "10.1/x", True),
        ("1", "", False),
    ]
    later = curator_client.get(f"/api/claims/{claim.slug}/candidates/?decision=later").json()
    assert [r["pmid"] for r in later["results"]] == ["3"]
    bad = curator_client.get(f"/api/claims/{claim.slug}/candidates/?decision=maybe")
    assert bad.status_code == 400
    assert "decision" in bad.json()


def test_triage_persists_and_not_relevant_needs_a_reason(curator_client, curator, claim):
    candidate = Candidate.objects.create(claim=claim, source="pubmed", pmid="1")
    url = f"/api/claims/{claim.slug}/candidates/{candidate.pk}/triage/"
    missing = curator_client.post(url, {"decision": "not_relevant"}, "application/json")
    assert missing.status_code == 400
    assert "reason" in missing.json()
    wrong = curator_client.post(url, {"decision": "untriaged"}, "application/json")
    assert wrong.status_code == 400
    assert "decision" in wrong.json()
    body = {"decision": "not_relevant", "reason": "Rats, not humans"}
    done = curator_client.post(url, body, "application/json")
    assert done.status_code == 200
    candidate.refresh_from_db()
    assert (candidate.decision, candidate.reason, candidate.decided_by) == (
        "not_relevant",
        "Rats, not humans",
        curator,
    )
    assert curator_client.get(f"/api/claims/{claim.slug}/candidates/").json()["results"] == []
    other = ClaimFactory()
    misplaced = f"/api/claims/{other.slug}/candidates/{candidate.pk}/triage/"
    assert curator_client.post(misplaced, body, "application/json").status_code == 404


def test_run_searches_runs_one_claims_searches_with_a_summary(sources, claim):
    SavedSearch.objects.create(claim=claim, source="crossref", query="bone")
    SavedSearch.objects.create(claim=ClaimFactory(), source="pubmed", query="never asked")
    sources.serve("/crossref/works", "crossref-works-living.json")
    out = StringIO()
    call_command("run_searches", "--claim", claim.slug, stdout=out)
    assert "Ran 1 searches: 3 records found, 0 already known, 3 new." in out.getvalue()
    assert Candidate.objects.filter(claim=claim).count() == 3
    out = StringIO()


def test_run_searches_due_skips_searches_run_this_week_and_reports_failures(sources, claim):
    ran = SavedSearch.objects.create(claim=claim, source="crossref", query="bone")
    sources.serve("/crossref/works", "crossref-works-living.json")
    call_command("run_searches", "--due", stdout=StringIO())
    ran.refresh_from_db()
    assert ran.last_run_at is not None
    failing = SavedSearch.objects.create(claim=claim, source="pubmed", query="bone")
    sources.fail("/eutils/esearch.fcgi", 404)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 searches failed"):
        call_command("run_searches", "--due", stdout=out, stderr=err)
    assert "Ran 0 searches" in out.getvalue()
    assert "pr-bone (pubmed: bone)" in err.getvalue()
    failing.refresh_from_db()
    assert failing.last_run_at is None  # still due


def test_run_searches_names_an_unknown_claim():
    with pytest.raises(CommandError, match="No claim has the slug"):
        call_command("run_searches", "--claim", "nope", stdout=StringIO())


def test_the_scheduled_job_runs_every_due_search_and_resumes_after_a_kill(sources, monkeypatch):
    from evidence import living, tasks

    searches = [
        SavedSearch.objects.create(claim=ClaimFactory(), source="crossref", query=f"q{n}")
        for n in range(3)
    ]
    sources.serve("/crossref/works", "crossref-works-living.json")
    real = living.search_run
    calls = []

    def killed_after_two(*, search, **kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt  # the worker is killed during the third search
        calls.append(search.pk)
        return real(search=search, **kwargs)

    monkeypatch.setattr(living, "search_run", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        tasks.run_due_searches.enqueue()
    assert [s.pk for s in living.searches_due()] == [searches[2].pk]
    monkeypatch.setattr(living, "search_run", real)
    tasks.run_due_searches.enqueue()
    assert not living.searches_due().exists()
    assert Candidate.objects.count() == 9


def test_the_claim_api_says_how_its_evidence_was_searched_without_candidates(client, claim):
    from datetime import date

    SavedSearch.objects.create(
        claim=claim, source="pubmed", query="progesterone", last_run_until=date(2026, 12, 1)
    )
    Candidate.objects.create(claim=claim, source="pubmed", pmid="1", title="Hidden")
    claim.status = "published"
    claim.save()
    data = client.get(f"/api/claims/{claim.slug}/").json()["evidence_searched"]
    assert data["systematic"] is True
    assert data["searches"] == [
        {"source": "PubMed", "query": "progesterone", "up_to": "2026-12-01"}
    ]
    assert data["under_review"] == 1
    other = ClaimFactory(status="published")
    assert client.get(f"/api/claims/{other.slug}/").json()["evidence_searched"] == {
        "systematic": False,
        "searches": [],
        "last_searched": None,
        "under_review": 0,
    }


def test_run_searches_mails_the_curators_a_digest_with_alerts_first(sources, claim, mailoutbox):
    from tests.factories import CuratorFactory

    CuratorFactory(email="ada@example.org")
    CuratorFactory(email="")
    SavedSearch.objects.create(claim=claim, source="pubmed", query="bone")
    sources.serve("/eutils/esearch.fcgi", "pubmed-esearch-living.json")
    sources.serve("/eutils/efetch.fcgi", "pubmed-efetch-living.xml")
    out = StringIO()
    call_command("run_searches", "--email", stdout=out)
    assert "Digest: 3 new studies mailed" in out.getvalue()
    (message,) = mailoutbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "Evidence Ledger: 3 new studies to screen"
    assert f"{claim.statement}: 3 new (2 alerts)" in message.body
    assert "Retraction of Publication" in message.body
    call_command("run_searches", "--email", stdout=StringIO())
    assert len(mailoutbox) == 1  # nothing new, nothing sent


def test_candidates_a_run_without_email_found_are_mailed_by_the_next_email_run_once(
    sources, claim, mailoutbox
):
    """The scheduled task and a plain `run_searches` mail nothing: what they found waits for
    the next digest, which lists it once (it used to list only its own run's finds)."""
    from tests.factories import CuratorFactory

    CuratorFactory(email="ada@example.org")
    SavedSearch.objects.create(claim=claim, source="pubmed", query="bone")
    sources.serve("/eutils/esearch.fcgi", "pubmed-esearch-living.json")
    sources.serve("/eutils/efetch.fcgi", "pubmed-efetch-living.xml")
    call_command("run_searches", stdout=StringIO())
    assert mailoutbox == []
    assert Candidate.objects.unmailed().count() == 3
    out = StringIO()
    call_command("run_searches", "--email", stdout=out)  # finds nothing new itself
    assert "Digest: 3 new studies mailed" in out.getvalue()
    (message,) = mailoutbox
    assert f"{claim.statement}: 3 new (2 alerts)" in message.body
    assert not Candidate.objects.unmailed().exists()
    call_command("run_searches", "--email", stdout=StringIO())
    assert len(mailoutbox) == 1


def test_a_triaged_candidate_is_not_mailed(sources, claim, mailoutbox):
    from tests.factories import CuratorFactory

    CuratorFactory(email="ada@example.org")
    SavedSearch.objects.create(claim=claim, source="pubmed", query="bone")
    sources.serve("/eutils/esearch.fcgi", "pubmed-esearch-living.json")
    sources.serve("/eutils/efetch.fcgi", "pubmed-efetch-living.xml")
    call_command("run_searches", stdout=StringIO())
    Candidate.objects.update(decision="not_relevant")
    call_command("run_searches", "--email", stdout=StringIO())
    assert mailoutbox == []
