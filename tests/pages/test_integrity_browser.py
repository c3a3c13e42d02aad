"""A claim whose only study was retracted, in a real Chromium at desktop and phone width: no
green marker, nothing counted for it, a headline that says it was retracted (issue 21)."""

from datetime import date

import pytest

from citations.sources.results import RETRACTED, Update
from evidence.services import claim_regrade
from evidence.verification import reference_record_retraction
from evidence.wording import RETRACTED_ONLY
from tests.factories import ClaimFactory, ContributorFactory, EvidenceFactory, ReferenceFactory
from tests.pages.conftest import PHONE

pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOR_GREEN = "rgb(27, 107, 50)"  # --for in site.css
MARK_COLOURS = """() => [...document.querySelectorAll('svg.forest-plot .fp-mark')].map(mark => {
  const style = getComputedStyle(mark);
  return {fill: style.fill, stroke: style.stroke, kind: mark.getAttribute('class')};
})"""
OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_a_claim_whose_only_study_was_retracted(page, screenshot):
    reference = ReferenceFactory(verification="verified", doi="10.1234/only-trial")
    ContributorFactory(reference=reference, person__family="Wakefield")
    claim = ClaimFactory(statement="Progesterone builds bone in postmenopausal women.")
    EvidenceFactory(
        claim=claim,
        reference=reference,
        effect_value=1.5,
        ci_low=0.5,
        ci_high=2.5,
        effect_unit="BMD, % change per year",
    )
    claim_regrade(claim=claim)
    notice = Update(
        state=RETRACTED,
        notice="10.1016/s0140-6736(10)60175-4",
        date=date(2010, 2, 6),
        source="Crossref",
    )
    assert reference_record_retraction(reference=reference, updates=[notice])

    page.goto(claim.get_absolute_url())
    assert page.locator(".verdict-wording").inner_text() == RETRACTED_ONLY
    assert "cites a retracted paper" in page.locator(".banner-integrity").inner_text()
    assert page.locator("#group-supports .count").inner_text() == "(0)"
    assert page.locator(".group-supports .evidence-item").count() == 0
    assert page.locator(".group-retracted .evidence-item").count() == 1
    marks = page.evaluate(MARK_COLOURS)
    assert marks, "the forest plot draws the study"
    assert all(FOR_GREEN not in (mark["fill"], mark["stroke"]) for mark in marks)
    assert [mark["fill"] for mark in marks] == ["rgb(255, 255, 255)"]  # hollow
    assert page.locator("svg.forest-plot .fp-mark-label").text_content() == "retracted"
    screenshot(page, "retracted-only-study")
    page.set_viewport_size(PHONE)
    assert page.evaluate(OVERFLOW)
