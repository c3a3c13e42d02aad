"""Merges and records (issue 21, item 4): the loser's "as cited" text is kept and attributed,
old citekeys answer 301 on the API as on the pages, redirects never loop, a merge that lost a
race answers 409, and `covers` names no citekey a reader cannot open."""

import threading
import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from citations.merge import RECORD_GONE, MergeConflict, reference_merge
from citations.models import Reference, ReferenceAlias
from tests.concurrency import backend_pid, run_together, wait_until_blocked
from tests.factories import ClaimFactory, CuratorFactory, EvidenceFactory, ReferenceFactory

MERGE = reverse("admin:citations_reference_merge")
SURVIVOR_CITED = "Prior JC. Spinal bone loss and ovulatory disturbances. NEJM 1990;323:1221-7."
LOSER_CITED = "Prior J et al. (1990) Spinal bone loss. N Engl J Med 323: 1221."


def public_pair(**loser):
    claim = ClaimFactory(status="published")
    survivor = ReferenceFactory(citekey="prior1990spinal", as_cited=SURVIVOR_CITED)
    loser = ReferenceFactory(citekey="prior1990spinalb", **loser)
    EvidenceFactory(claim=claim, reference=survivor, outcome="spine")
    EvidenceFactory(claim=claim, reference=loser, outcome="hip")
    return survivor, loser


@pytest.mark.django_db
def test_a_merge_keeps_both_as_cited_texts_each_attributed(client):
    survivor, loser = public_pair(as_cited=LOSER_CITED)
    reference_merge(survivor=survivor, loser=loser)
    survivor.refresh_from_db()
    assert survivor.as_cited == SURVIVOR_CITED
    alias = ReferenceAlias.objects.get(citekey="prior1990spinalb")
    assert alias.as_cited == LOSER_CITED
    page = client.get("/references/prior1990spinal/").content.decode()
    assert "Also cited as" in page
    assert f"<q>{LOSER_CITED}</q>" in page
    assert "(merged record <code>prior1990spinalb</code>)" in page


@pytest.mark.django_db
def test_a_survivor_without_as_cited_text_takes_the_losers():
    survivor = ReferenceFactory(as_cited="")
    loser = ReferenceFactory(as_cited=LOSER_CITED)
    reference_merge(survivor=survivor, loser=loser)
    survivor.refresh_from_db()
    assert survivor.as_cited == LOSER_CITED


@pytest.mark.django_db
def test_the_merge_admin_page_lists_the_old_citekeys_with_their_text(curator_client):
    survivor, loser = public_pair(as_cited=LOSER_CITED)
    reference_merge(survivor=survivor, loser=loser)
    url = reverse("admin:citations_reference_change", args=[survivor.pk])
    page = curator_client.get(url).content.decode()
    assert "prior1990spinalb" in page
    assert LOSER_CITED in page


@pytest.mark.django_db
def test_the_api_answers_301_for_an_old_citekey_keeping_the_query():
    survivor, loser = public_pair()
    reference_merge(survivor=survivor, loser=loser)
    api = APIClient()
    response = api.get("/api/references/prior1990spinalb/")
    assert response.status_code == 301
    assert response["Location"] == "/api/references/prior1990spinal/"
    export = api.get("/api/references/prior1990spinalb/?format=bibtex")
    assert export.status_code == 301
    assert export["Location"] == "/api/references/prior1990spinal/?format=bibtex"
    assert api.get(response["Location"]).status_code == 200
    assert api.get("/api/references/never-was/").status_code == 404


@pytest.mark.django_db
def test_the_api_does_not_redirect_a_reader_to_a_record_only_drafts_cite():
    survivor = ReferenceFactory(citekey="draftonly2020")
    EvidenceFactory(claim=ClaimFactory(status="draft"), reference=survivor)
    reference_merge(survivor=survivor, loser=ReferenceFactory(citekey="draftonly2020b"))
    assert APIClient().get("/api/references/draftonly2020b/").status_code == 404
    curator = APIClient()
    curator.force_authenticate(CuratorFactory())
    assert curator.get("/api/references/draftonly2020b/").status_code == 301


@pytest.mark.django_db
def test_a_rename_onto_a_merged_alias_never_redirects_to_itself(client):
    survivor = ReferenceFactory(citekey="smith2020bone")  # no claim cites it: it may be renamed
    reference_merge(survivor=survivor, loser=ReferenceFactory(citekey="smith2020boneb"))
    survivor.refresh_from_db()
    survivor.citekey = "smith2020boneb"  # renamed onto its own alias
    survivor.full_clean()
    survivor.save()
    response = client.get("/references/smith2020boneb/")
    assert response.status_code == 404  # no public claim cites it: not found, and no loop
    assert APIClient().get("/api/references/smith2020boneb/").status_code == 404
    EvidenceFactory(claim=ClaimFactory(status="published"), reference=survivor)
    assert client.get("/references/smith2020boneb/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_merges_of_one_record_at_once_one_wins_the_other_gets_a_conflict():
    loser = ReferenceFactory(citekey="dup2020")
    first, second = ReferenceFactory(citekey="keep2020a"), ReferenceFactory(citekey="keep2020b")
    EvidenceFactory(reference=loser)
    start = threading.Barrier(2)

    def merge_into(survivor):
        def work():
            start.wait(timeout=10)
            reference_merge(survivor=survivor, loser=loser)

        return work

    errors = run_together(merge_into(first), merge_into(second))
    assert [type(error) for error in errors] == [MergeConflict]
    assert not Reference.objects.filter(pk=loser.pk).exists()
    assert ReferenceAlias.objects.get(citekey="dup2020").reference_id in (first.pk, second.pk)


@pytest.mark.django_db(transaction=True)
def test_the_admin_answers_409_when_another_merge_took_the_record_meanwhile():
    survivor, loser = ReferenceFactory(citekey="keep2021"), ReferenceFactory(citekey="dup2021")
    other = ReferenceFactory(citekey="other2021")
    curator = CuratorFactory()
    locked, admin_pid, responses = threading.Event(), [], []

    def other_merge_first():
        with transaction.atomic():
            Reference.objects.select_for_update().get(pk=loser.pk)
            locked.set()
            deadline = time.monotonic() + 10
            while not admin_pid and time.monotonic() < deadline:
                time.sleep(0.02)
            wait_until_blocked(admin_pid[0])  # the admin's merge now waits for this one
            reference_merge(survivor=other, loser=loser)

    def admin_merge():
        locked.wait(timeout=10)
        client = Client()
        client.force_login(curator)
        admin_pid.append(backend_pid())
        data = {"ids": f"{survivor.pk},{loser.pk}", "survivor": survivor.pk, "confirm": "1"}
        responses.append(client.post(MERGE, data))

    assert run_together(other_merge_first, admin_merge) == []
    assert responses[0].status_code == 409
    assert RECORD_GONE.format(record=loser) in responses[0].content.decode()
    assert ReferenceAlias.objects.get(citekey="dup2021").reference_id == other.pk


@pytest.mark.django_db
def test_covers_names_no_citekey_only_a_draft_cites():
    public_study = ReferenceFactory(citekey="trial2019public")
    draft_study = ReferenceFactory(citekey="trial2019draft")
    claim = ClaimFactory(status="published")
    EvidenceFactory(claim=claim, reference=public_study, outcome="hip")
    EvidenceFactory(claim=ClaimFactory(status="draft"), reference=draft_study)
    review = EvidenceFactory(claim=claim, design="meta_analysis_rct", outcome="spine")
    review.covers.set([public_study, draft_study])
    anon = APIClient()
    detail = anon.get(f"/api/claims/{claim.slug}/").json()
    assert [item["covers"] for item in detail["evidence"] if item["id"] == review.pk] == [
        ["trial2019public"]
    ]
    listed = anon.get("/api/evidence/").json()["results"]
    assert [item["covers"] for item in listed if item["id"] == review.pk] == [["trial2019public"]]
    one = anon.get(f"/api/evidence/{review.pk}/").json()
    assert one["covers"] == ["trial2019public"]
    curator = APIClient()
    curator.force_authenticate(CuratorFactory())
    assert sorted(curator.get(f"/api/evidence/{review.pk}/").json()["covers"]) == [
        "trial2019draft",
        "trial2019public",
    ]
