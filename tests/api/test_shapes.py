"""What a claim, a reference and a topic look like on the API; anonymous throttling."""

import pytest
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle

from claims.models import Claim
from claims.pages import RETRACTED_WORDING
from evidence.wording import NOT_GRADED

pytestmark = pytest.mark.django_db


def test_claim_detail_shows_grade_wording_topics_and_evidence_with_references(anon, library):
    Claim.objects.filter(slug="prko-bone-mass").update(
        grade_level="high",
        grade_direction="supported",
        grade_reasons=["Starts high: animal (Rickard 2008)"],
        grade_rubric="grade-1",
        grade_override="moderate",
        override_rationale="Only one lab.",
    )

    claim = anon.get("/api/claims/prko-bone-mass/").json()

    assert claim["grade_level"] == "high"
    assert claim["grade_override"] == "moderate"
    assert claim["override_rationale"] == "Only one lab."
    assert claim["grade_reasons"] == ["Starts high: animal (Rickard 2008)"]
    assert claim["grade_rubric"] == "grade-1"
    assert claim["plain_language"] == "This is probably true."
    assert claim["topics"] == ["bone"]
    assert claim["page_url"] == "/claims/prko-bone-mass/"
    assert claim["api_url"] == "http://testserver/api/claims/prko-bone-mass/"
    references = [item["reference"] for item in claim["evidence"]]
    assert [r["citekey"] for r in references] == [
        "rickard2008progesterone",
        "prior1990progesterone",
    ]
    assert references[0]["api_url"] == "http://testserver/api/references/rickard2008progesterone/"
    assert references[0]["page_url"] == "/references/rickard2008progesterone/"


def test_ungraded_claim_says_so_in_plain_language(anon, library):
    assert anon.get("/api/claims/").json()["results"][0]["plain_language"] == NOT_GRADED


def test_retracted_claim_states_no_verdict_in_plain_language(anon, library):
    Claim.objects.filter(slug="prko-bone-mass").update(
        status="retracted",
        retraction_reason="Withdrawn.",
        grade_level="high",
        grade_direction="supported",
    )
    claim = anon.get("/api/claims/prko-bone-mass/").json()
    assert claim["plain_language"] == RETRACTED_WORDING
    assert claim["grade_level"] == "high"  # the grade when it was retracted, for tools


def test_reference_shows_contributors_identifiers_verification_and_as_cited(anon, library):
    reference = anon.get("/api/references/rickard2008progesterone/").json()

    assert [(c["family"], c["given"], c["role"]) for c in reference["contributors"]] == [
        ("Rickard", "David J.", "author"),
        ("Iwaniec", "Urszula T.", "author"),
    ]
    assert reference["identifiers"] == {"doi": "https://doi.org/10.1210/en.2007-1247"}
    assert reference["verification"] == "unverified"
    assert reference["as_cited"] == ""


def test_anonymous_traffic_is_throttled(anon, library, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    cache.clear()

    statuses = [anon.get("/api/claims/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    cache.clear()
