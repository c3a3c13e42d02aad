"""The match-as-cited admin page, the Integrity page, and retraction marks on reader pages."""

import pytest
from django.urls import reverse

from citations.models import Retraction, Verification
from citations.sources.results import RETRACTED, Update
from evidence.admin import ACCEPTED, NO_GOOD_CANDIDATE
from evidence.verification import reference_record_retraction
from tests.factories import ClaimFactory, ContributorFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db
MATCH_URL = reverse("admin:evidence_evidence_match")
INTEGRITY_URL = reverse("admin:evidence_evidence_integrity")
RICKARD = "10.1210/en.2007-1247"
NOTICE = "10.1016/s0140-6736(10)60175-4"
NOTICE_URL = "https://doi.org/10.1016/s0140-6736%2810%2960175-4"
SEIFERT_CITED = (
    "Seifert M, et al. Bone growth and turnover in progesterone receptor knockout mice. "
    "Journal of Bone and Mineral Research. 2008."
)
WEI_CITED = (
    "Wei LL, et al. Evidence for progesterone receptors in human osteoblast-like cells. "
    "Biochemical and Biophysical Research Communications. 1993."
)


def cited(as_cited):
    return ReferenceFactory(title="(as cited)", as_cited=as_cited)


def test_match_page_ranks_candidates_with_a_field_comparison(curator_client, sources):
    reference = cited(SEIFERT_CITED)
    sources.serve("/crossref/works", "crossref-search-seifert2008.json")
    response = curator_client.get(f"{MATCH_URL}?ids={reference.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("score 98.6") < page.index("score 41.2") < page.index("score 30.5")
    assert "Accept (discrepancy)" in page
    assert NO_GOOD_CANDIDATE not in page


def test_accepting_a_candidate_on_the_match_page(curator_client, sources):
    reference = cited(SEIFERT_CITED)
    sources.serve("/crossref/works", "crossref-search-seifert2008.json")
    url = f"{MATCH_URL}?ids={reference.pk}"
    response = curator_client.post(url, {"reference": reference.pk, "candidate": RICKARD})
    assert response.status_code == 302
    reference.refresh_from_db()
    assert (reference.doi, reference.verification) == (RICKARD, Verification.DISCREPANCY)
    assert reference.as_cited == SEIFERT_CITED
    done = ACCEPTED.format(citekey=reference.citekey, source="Crossref", outcome="discrepancy")
    sources.serve(f"/crossref/works/{RICKARD}", "crossref-work-rickard2008.json")
    page = curator_client.get(url).content.decode()
    assert done in page


def test_no_good_candidate_offers_not_found_and_never_sets_it(curator_client, sources):
    reference = cited(WEI_CITED)
    sources.serve("/crossref/works", "crossref-search-wei1993.json")
    page = curator_client.get(f"{MATCH_URL}?ids={reference.pk}").content.decode()
    assert NO_GOOD_CANDIDATE in page
    assert 'name="not_found"' in page
    reference.refresh_from_db()
    assert reference.verification == Verification.UNVERIFIED
    curator_client.post(
        f"{MATCH_URL}?ids={reference.pk}", {"reference": reference.pk, "not_found": "1"}
    )
    reference.refresh_from_db()
    assert reference.verification == Verification.NOT_FOUND


def test_match_page_says_why_when_offline(curator_client, sources_offline):
    reference = cited(SEIFERT_CITED)
    page = curator_client.get(f"{MATCH_URL}?ids={reference.pk}").content.decode()
    assert "Crossref could not be reached (no connection)" in page
    reference.refresh_from_db()
    assert reference.verification == Verification.UNVERIFIED


def test_match_page_needs_a_curator(client, db):
    assert client.get(MATCH_URL).status_code == 302  # to the admin login


def test_integrity_page_lists_claims_on_doubtful_records(curator_client):
    retracted = ReferenceFactory(
        retraction=Retraction.RETRACTED, retraction_notice=NOTICE, verification="verified"
    )
    missing = ReferenceFactory(verification=Verification.NOT_FOUND)
    fine = ReferenceFactory(verification=Verification.VERIFIED)
    claim = ClaimFactory(statement="Progesterone builds bone.")
    for reference in (retracted, missing, fine):
        EvidenceFactory(claim=claim, reference=reference)
    page = curator_client.get(INTEGRITY_URL).content.decode()
    assert "Progesterone builds bone." in page
    assert retracted.citekey in page
    assert missing.citekey in page
    assert fine.citekey not in page
    assert NOTICE_URL in page


def test_integrity_query_count_does_not_grow_with_rows(
    curator_client, django_assert_max_num_queries
):
    for _ in range(5):
        EvidenceFactory(reference=ReferenceFactory(verification=Verification.NOT_FOUND))
    with django_assert_max_num_queries(12):
        assert curator_client.get(INTEGRITY_URL).status_code == 200


def test_a_recorded_retraction_reaches_the_reader_pages(client):
    reference = ReferenceFactory(verification="verified")
    ContributorFactory(reference=reference)
    claim = ClaimFactory(status="published")
    EvidenceFactory(claim=claim, reference=reference)
    update = Update(state=RETRACTED, notice=NOTICE, source="Crossref")
    assert reference_record_retraction(reference=reference, updates=[update])
    claim_page = client.get(claim.get_absolute_url()).content.decode()
    assert "This article has been retracted." in claim_page
    assert f'href="{NOTICE_URL}">Read the notice' in claim_page
    reference_page = client.get(reference.get_absolute_url()).content.decode()
    assert "This article has been retracted." in reference_page


def test_a_check_never_lowers_a_retraction(db):
    reference = ReferenceFactory(retraction=Retraction.RETRACTED, retraction_notice=NOTICE)
    correction = Update(state="corrected", notice="10.1/correction")
    assert not reference_record_retraction(reference=reference, updates=[correction])
    reference.refresh_from_db()
    assert (reference.retraction, reference.retraction_notice) == ("retracted", NOTICE)
    assert reference.retraction_checked_at is not None
