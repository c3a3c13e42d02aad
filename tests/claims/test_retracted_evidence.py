"""Retracted and doubtful papers where readers look: the claim page (headline, notice, cards,
evidence groups, forest plot, JSON-LD), claim lists, the API and the exports (issue 21, item 2)."""

import json
import re
from datetime import date

import pytest
from rest_framework.test import APIClient

from citations.models import Retraction
from citations.sources.results import EXPRESSION_OF_CONCERN, RETRACTED, Update
from claims import integrity
from evidence.models import Evidence
from evidence.services import claim_regrade
from evidence.verification import reference_record_retraction
from evidence.wording import (
    ALL_RETRACTED,
    NO_COUNTED_STUDY,
    RETRACTED_ONLY,
    UNTESTED,
    plain_language,
)
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    ReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
NOTICE = "10.1016/s0140-6736(10)60175-4"
NOTICE_URL = "https://doi.org/10.1016/s0140-6736%2810%2960175-4"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def claim_with_one_study(state=RETRACTED, **evidence):
    """A published claim whose one randomised trial (with an effect) is then put under a notice."""
    reference = ReferenceFactory(verification="verified", doi="10.1234/trial")
    ContributorFactory(reference=reference, person__family="Wakefield")
    claim = ClaimFactory(statement="Progesterone builds bone in women.")
    defaults = {"effect_value": 1.5, "ci_low": 0.5, "ci_high": 2.5, "effect_unit": "BMD, %"}
    EvidenceFactory(claim=claim, reference=reference, **{**defaults, **evidence})
    claim_regrade(claim=claim)
    update = Update(state=state, notice=NOTICE, date=date(2010, 2, 6), source="Crossref")
    assert reference_record_retraction(reference=reference, updates=[update])
    claim.refresh_from_db()
    return claim, reference


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_claim_whose_only_study_was_retracted_says_so_everywhere_on_its_page(client):
    claim, _ = claim_with_one_study()
    assert (claim.grade_level, claim.grade_direction) == ("insufficient", "none")
    html = client.get(claim.get_absolute_url()).content.decode()
    page = text_of(html)
    assert f'<p class="verdict-wording">{RETRACTED_ONLY}</p>' in html
    assert UNTESTED not in page
    assert f'<meta name="description" content="{RETRACTED_ONLY}' in html
    (ld,) = JSON_LD.findall(html)
    review = json.loads(ld)
    assert review["reviewRating"]["alternateName"] == RETRACTED_ONLY
    assert review["itemReviewed"]["appearance"][0]["creativeWorkStatus"] == "Retracted"
    assert f"{integrity.CITES_RETRACTED}: Wakefield 2020" in page
    assert f'href="{NOTICE_URL}">Read the retraction notice' in html
    assert "Evidence for (0)" in page
    assert f"{integrity.RETRACTED_HEADING} (1)" in page


def test_the_card_of_retracted_evidence_is_flagged_with_its_notice(client):
    claim, _ = claim_with_one_study()
    html = client.get(claim.get_absolute_url()).content.decode()
    card = re.search(r'<li class="evidence-item retraction-retracted">.*?</li>', html, re.S)
    assert card is not None
    assert "This article has been retracted (6 February 2010)." in text_of(card.group(0))
    assert f'href="{NOTICE_URL}">Read the notice' in card.group(0)


def test_the_forest_plot_draws_a_retracted_study_hollow_grey_and_labelled(client):
    claim, _ = claim_with_one_study()
    html = client.get(claim.get_absolute_url()).content.decode()
    svg = re.search(r"<svg class=\"forest-plot\".*?</svg>", html, re.S).group(0)
    assert 'class="fp-mark fp-retracted"' in svg
    assert "fp-for" not in svg
    assert '<text class="fp-mark-label"' in svg
    assert ">retracted</text>" in svg
    assert "Wakefield 2020: 1.5 (95% CI 0.5 to 2.5), retracted" in svg  # the <desc>
    assert "<td>Retracted (was: supports)</td>" in html


def test_an_expression_of_concern_stays_counted_and_is_flagged(client):
    claim, _ = claim_with_one_study(state=EXPRESSION_OF_CONCERN)
    html = client.get(claim.get_absolute_url()).content.decode()
    page = text_of(html)
    assert "Evidence for (1)" in page
    assert integrity.RETRACTED_HEADING not in page
    assert f"{integrity.CITES_CONCERN}: Wakefield 2020" in page
    assert integrity.CITES_RETRACTED not in page
    assert 'class="fp-mark fp-for"' in html
    assert "The publisher has issued an expression of concern about this article" in page


def test_a_claim_with_other_evidence_keeps_its_grade_wording_and_names_the_retraction(client):
    claim, _ = claim_with_one_study()
    EvidenceFactory(claim=claim, reference=ReferenceFactory(verification="verified"))
    claim_regrade(claim=claim)
    page = text_of(client.get(claim.get_absolute_url()).content.decode())
    assert RETRACTED_ONLY not in page
    assert "Evidence for (1)" in page
    assert integrity.CITES_RETRACTED in page


def test_claim_lists_do_not_count_retracted_evidence_for_the_claim(client):
    claim, _ = claim_with_one_study()
    page = text_of(client.get("/claims/").content.decode())
    assert claim.statement in page
    assert "1 retracted" in page
    assert "decide" not in page  # no study counts: the retracted one is not "deciding"


def test_api_claim_detail_and_list_carry_the_retraction():
    claim, reference = claim_with_one_study()
    api = APIClient()
    detail = api.get(f"/api/claims/{claim.slug}/").json()
    assert detail["cites_retracted"] is True
    assert detail["plain_language"] == RETRACTED_ONLY
    cited = detail["evidence"][0]["reference"]
    assert (cited["retraction"], cited["retraction_notice"], cited["retraction_date"]) == (
        "retracted",
        NOTICE,
        "2010-02-06",
    )
    (listed,) = api.get("/api/claims/").json()["results"]
    assert listed["plain_language"] == RETRACTED_ONLY
    topic = TopicFactory()
    claim.topics.add(topic)
    (in_topic,) = api.get(f"/api/topics/{topic.slug}/").json()["claims"]
    assert in_topic["plain_language"] == RETRACTED_ONLY


def test_api_claim_detail_of_a_clean_claim_cites_nothing_retracted():
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    assert APIClient().get(f"/api/claims/{claim.slug}/").json()["cites_retracted"] is False


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_exports_of_a_retracted_paper_carry_the_notice_beside_the_users_note():
    claim, reference = claim_with_one_study()
    api = APIClient()
    bib = body(api.get(f"/api/references/{reference.citekey}/?format=bibtex"))
    assert f"note = {{Retracted: {NOTICE}}}" in bib
    reference.extra_fields = {"note": "Read for the 2024 review"}
    reference.save()
    bib = body(api.get(f"/api/references/{reference.citekey}/?format=bibtex"))
    assert "note = {Read for the 2024 review}" in bib
    assert f"annote = {{Retracted: {NOTICE}}}" in bib
    csl = json.loads(body(api.get(f"/api/claims/{claim.slug}/?format=csl")))
    assert csl[0]["note"] == f"Read for the 2024 review. Retracted: {NOTICE}"
    ris = body(api.get(f"/api/claims/{claim.slug}/?format=ris"))
    assert "N1  - Read for the 2024 review\n" in ris
    assert f"N1  - Retracted: {NOTICE}\n" in ris


def test_exports_of_a_corrected_paper_carry_no_notice():
    reference = ReferenceFactory(retraction=Retraction.CORRECTED, retraction_notice=NOTICE)
    EvidenceFactory(reference=reference)
    bib = body(APIClient().get(f"/api/references/{reference.citekey}/?format=bibtex"))
    assert "note" not in bib


def test_claim_page_queries_do_not_grow_with_retracted_evidence(
    client, django_assert_max_num_queries
):
    claim, _ = claim_with_one_study()
    for _ in range(5):
        reference = ReferenceFactory(retraction=Retraction.RETRACTED, retraction_notice=NOTICE)
        EvidenceFactory(claim=claim, reference=reference)
    with django_assert_max_num_queries(12):
        assert client.get(claim.get_absolute_url()).status_code == 200


def test_wording_when_every_test_was_retracted():
    assert plain_language("insufficient", "none", retracted=1) == RETRACTED_ONLY
    assert plain_language("insufficient", "none", retracted=3) == ALL_RETRACTED.format(count=3)
    assert plain_language("insufficient", "none", rubric="grade-2") == UNTESTED
    assert plain_language("insufficient", "none") == NO_COUNTED_STUDY
    assert plain_language("moderate", "supported", retracted=2) == "This is probably true."


def test_a_cached_claim_page_shows_a_retraction_recorded_after_it_was_cached(client, page_cache):
    reference = ReferenceFactory(verification="verified")
    ContributorFactory(reference=reference, person__family="Wakefield")
    claim = ClaimFactory()
    EvidenceFactory(claim=claim, reference=reference)
    claim_regrade(claim=claim)
    assert integrity.CITES_RETRACTED not in client.get(claim.get_absolute_url()).content.decode()
    update = Update(state=RETRACTED, notice=NOTICE, source="Crossref")
    assert reference_record_retraction(reference=reference, updates=[update])
    page = client.get(claim.get_absolute_url()).content.decode()
    assert integrity.CITES_RETRACTED in page
    assert RETRACTED_ONLY in page


@pytest.mark.parametrize(
    "stance", [value for value, _ in Evidence._meta.get_field("stance").choices]
)
def test_plot_tables_name_each_stance_as_its_display_does(stance):
    item = EvidenceFactory.build(stance=stance, reference=ReferenceFactory.build())
    assert integrity.table_stance(item) == item.get_stance_display()
    item.reference.retraction = "retracted"
    assert integrity.table_stance(item) == f"Retracted (was: {item.get_stance_display().lower()})"
