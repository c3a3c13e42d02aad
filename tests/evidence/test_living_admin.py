"""The curator inbox in the admin: triage actions, adding evidence, counts, PRISMA CSV."""

import csv
import io

import pytest
from django.urls import reverse

from citations.models import Reference
from citations.sources import pace
from evidence.models import Candidate, SavedSearch
from tests.factories import ClaimFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

RICKARD = "10.1210/en.2007-1247"
INBOX = reverse("admin:evidence_candidate_changelist")


@pytest.fixture(autouse=True)
def no_pacing(monkeypatch):
    monkeypatch.setattr(pace, "per_second", lambda service: None)


def candidates(claim, n=3, **extra):
    return [
        Candidate.objects.create(
            claim=claim, source="pubmed", pmid=str(100 + i), title=f"Study {i}", **extra
        )
        for i in range(n)
    ]


def act(client, action, items, **data):
    body = {"action": action, "_selected_action": [c.pk for c in items], **data}
    return client.post(f"{INBOX}?decision__exact=untriaged", body)


def test_the_inbox_opens_on_untriaged_with_alerts_first(curator_client):
    claim = ClaimFactory()
    plain = Candidate.objects.create(claim=claim, source="pubmed", pmid="1", title="Plain study")
    Candidate.objects.create(
        claim=claim,
        source="pubmed",
        pmid="2",
        title="A meta-analysis",
        publication_types=["Meta-Analysis"],
        abstract="Pooled <b>data</b>.",
    )
    Candidate.objects.create(claim=claim, source="pubmed", pmid="3", title="Done", decision="later")
    assert curator_client.get(INBOX).url.endswith("?decision__exact=untriaged")
    html = curator_client.get(f"{INBOX}?decision__exact=untriaged").content.decode()
    assert html.index("A meta-analysis") < html.index("Plain study")
    assert "Pooled &lt;b&gt;data&lt;/b&gt;." in html  # abstracts are escaped
    assert "PMID 1" in html
    assert "Done" not in html
    assert plain.decision == "untriaged"


def test_bulk_not_relevant_keeps_the_reason_and_needs_one(curator_client, curator):
    items = candidates(ClaimFactory())
    act(curator_client, "mark_not_relevant", items[:2])
    assert set(Candidate.objects.values_list("decision", flat=True)) == {"untriaged"}
    act(curator_client, "mark_not_relevant", items[:2], reason="Animal study only")
    act(curator_client, "mark_later", items[2:])
    decided = {c.pmid: (c.decision, c.reason, c.decided_by) for c in Candidate.objects.all()}
    assert decided == {
        "100": ("not_relevant", "Animal study only", curator),
        "101": ("not_relevant", "Animal study only", curator),
        "102": ("later", "", curator),
    }


def test_relevant_creates_the_reference_and_opens_the_prefilled_evidence_form(
    curator_client, sources
):
    claim = ClaimFactory()
    (candidate,) = candidates(claim, n=1)
    Candidate.objects.filter(pk=candidate.pk).update(doi=RICKARD)
    sources.serve(f"/crossref/works/{RICKARD}", "crossref-work-rickard2008.json")
    answer = act(curator_client, "add_evidence", [candidate])
    reference = Reference.objects.get(doi=RICKARD)
    assert answer.status_code == 302
    assert answer.url == (
        f"{reverse('admin:evidence_evidence_add')}?claim={claim.pk}&reference={reference.pk}"
    )
    candidate.refresh_from_db()
    assert (candidate.decision, candidate.reference) == ("relevant", reference)
    form = curator_client.get(answer.url).content.decode()
    assert f'value="{reference.pk}" selected' in form


def test_relevant_reuses_a_stored_reference_and_takes_one_candidate_at_a_time(curator_client):
    claim = ClaimFactory()
    stored = ReferenceFactory(pmid="100")
    first, second = candidates(claim, n=2)
    act(curator_client, "add_evidence", [first, second])
    assert not Candidate.objects.filter(decision="relevant").exists()
    answer = act(curator_client, "add_evidence", [first])
    assert answer.url.endswith(f"?claim={claim.pk}&reference={stored.pk}")
    assert Reference.objects.count() == 1


def test_the_admin_index_counts_new_studies_per_claim(curator_client, client):
    claim = ClaimFactory(statement="Progesterone builds bone.")
    candidates(claim, n=3)
    html = curator_client.get(reverse("admin:index")).content.decode()
    assert "New studies to screen" in html
    assert "Progesterone builds bone." in html


def test_prisma_counts_export_as_csv(curator_client):
    claim = ClaimFactory(slug="pr-bone")
    SavedSearch.objects.create(
        claim=claim, source="pubmed", query="x", found_count=5, duplicate_count=2
    )
    one, two, three = candidates(claim)
    Candidate.objects.filter(pk=one.pk).update(decision="relevant")
    Candidate.objects.filter(pk=two.pk).update(decision="not_relevant")
    answer = curator_client.get(reverse("admin:evidence_prisma_csv"))
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert [
        (
            r["claim"],
            r["found"],
            r["duplicates"],
            r["screened"],
            r["screened_out"],
            r["included"],
            r["under_review"],
        )
        for r in rows
    ] == [("pr-bone", "5", "2", "2", "1", "1", "1")]


def test_readers_cannot_export_prisma_counts(client):
    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:evidence_prisma_csv")).status_code == 403
