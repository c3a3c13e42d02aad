"""grade-2 for readers in a real Chromium: the methodology page, the evidence profile, forest
plots on a log axis, and a retracted claim, at desktop (1280 px) and phone (390 px) width."""

import pytest
from django.core.management import call_command

from claims import pages
from claims.models import Claim
from evidence.rubrics.grade2 import ClaimFacts, ItemFacts, grade
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
)
from tests.pages.conftest import DESKTOP, PHONE, SCREENSHOTS

pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
# Every text of every forest plot: inside the drawing, and its on-screen font size.
FOREST_TEXTS = """() => [...document.querySelectorAll('svg.forest-plot')].flatMap(svg => {
  const view = svg.viewBox.baseVal;
  const scale = svg.getBoundingClientRect().width / view.width;
  return [...svg.querySelectorAll('text')].map(text => {
    const box = text.getBBox();
    return {text: text.textContent, left: box.x, right: box.x + box.width,
            top: box.y, bottom: box.y + box.height, width: view.width, height: view.height,
            px: parseFloat(getComputedStyle(text).fontSize) * scale};
  });
})"""
MIN_PHONE_PX = 11.5  # the smallest text of a forest plot on a 390 px phone


def reference(family, year, **kwargs):
    ref = ReferenceFactory(year=year, **kwargs)
    ContributorFactory(reference=ref, person=PersonFactory(family=family, given="Ann"))
    return ref


def profile_claim():
    claim = ClaimFactory(
        slug="pg-bone",
        statement="Progesterone directly stimulates bone formation in women.",
        grade_level="very_low",
        grade_direction="contradicted",
        grade_rubric="grade-2",
        grade_reasons=["Starts high: randomised controlled trial (Prior 2018)"],
    )
    ratio = {"effect_measure": "ratio", "effect_unit": "fracture risk ratio"}
    EvidenceFactory(
        claim=claim,
        reference=reference("Writing Group for the PEPI Trial", 1996),
        stance="contradicts",
        sample_size=875,
        effect_value=0.95,
        ci_low=0.6,
        ci_high=1.5,
        **ratio,
    )
    EvidenceFactory(
        claim=claim,
        reference=reference("Cauley", 2003),
        design="meta_analysis_rct",
        sample_size=16608,
        effect_value=0.15,
        ci_low=0.1,
        ci_high=0.22,
        **ratio,
    )
    EvidenceFactory(
        claim=claim,
        reference=reference("Seifert-Klauss", 2010),
        stance="mixed",
        design="cohort",
        effect_value=-1250.5,
        ci_low=-2500.25,
        ci_high=75.125,
        effect_unit="spinal BMD, % change per year (estrogen-progestin minus estrogen)",
    )
    return claim


def engine_profile():
    items = [
        ItemFacts(
            label="Prior 2018",
            citekey="prior2018",
            stance="no_effect",
            design="rct",
            population="humans",
            via="narrative_review",
            outcome_match="related",
        ),
        ItemFacts(
            label="Rickard 2008",
            citekey="r2008",
            stance="contradicts",
            design="animal",
            population="animals",
        ),
        ItemFacts(
            label="Scheven 1992",
            citekey="s1992",
            stance="supports",
            design="in_vitro",
            population="cells",
        ),
        ItemFacts(
            label="Lee 1996",
            citekey="lee1996",
            stance="asserts",
            design="popular",
            population="humans",
        ),
    ]
    return grade(ClaimFacts(population="humans"), items).profile


def assert_fits(page):
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert page.evaluate(OVERFLOW), viewport


def test_methodology_page_reads_at_desktop_and_phone_width(page, screenshot):
    page.goto("/methodology/")
    assert page.locator("h1").inner_text() == "How we grade evidence"
    assert page.locator(".domain").count() == 7
    assert_fits(page)
    page.get_by_role("link", name="What moves a grade up or down").click()
    page.wait_for_url("**/methodology/#domains")
    screenshot(page, "methodology")
    page.set_viewport_size(PHONE)
    levels = page.locator("section", has=page.locator("#levels"))
    levels.screenshot(path=str(SCREENSHOTS / "methodology-levels-phone.png"))


def test_badge_on_a_claim_page_leads_to_its_level_explained(page):
    claim = profile_claim()
    page.goto(claim.get_absolute_url())
    page.locator(".verdict .grade").click()
    page.wait_for_url("**/methodology/#level-very_low")
    assert page.locator("#level-very_low").is_visible()


def test_claim_page_evidence_profile_and_log_axis_fit_a_phone(page, screenshot, monkeypatch):
    monkeypatch.setattr(pages, "grade_profile", lambda claim: engine_profile())
    claim = profile_claim()
    page.goto(claim.get_absolute_url())
    assert page.locator(".evidence-profile tbody tr").count() == 7
    assert page.get_by_role("img", name="log scale").count() == 1
    assert_fits(page)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        texts = page.evaluate(FOREST_TEXTS)
        assert texts
        for text in texts:
            inside = (
                text["left"] >= 0,
                text["right"] <= text["width"],
                text["top"] >= 0,
                text["bottom"] <= text["height"],
            )
            assert all(inside), (viewport, text)
            if viewport == PHONE:
                assert text["px"] >= MIN_PHONE_PX, text
    screenshot(page, "profile-claim")
    page.set_viewport_size(PHONE)  # close-ups of what is hardest to fit on a phone
    for selector, name in ((".grade-reasons", "profile"), (".effects", "forest")):
        page.locator(selector).screenshot(path=str(SCREENSHOTS / f"profile-claim-{name}-phone.png"))


def test_retracted_claim_page_shows_no_verdict(page, screenshot):
    claim = ClaimFactory(
        status="retracted",
        retraction_reason="The trial it rested on was retracted for fabricated data.",
        grade_level="high",
        grade_direction="supported",
        grade_rubric="grade-1",
        grade_reasons=["Starts high: rct (Smith 2020)"],
    )
    page.goto(claim.get_absolute_url())
    banner = page.get_by_role("alert")
    assert "has been retracted" in banner.inner_text()
    assert page.get_by_text("The evidence shows this is true.").count() == 0
    assert page.locator(".verdict-caption").inner_text() == "The grade when it was retracted"
    assert_fits(page)
    screenshot(page, "retracted-claim")


@pytest.mark.slow
def test_seed_claim_pages_and_their_profiles_fit_a_phone(page):
    call_command("loaddata", "seed", verbosity=0)
    claims = list(Claim.objects.public().order_by("slug"))
    assert claims
    page.set_viewport_size(PHONE)
    for claim in claims:
        page.goto(claim.get_absolute_url())
        assert page.evaluate(OVERFLOW), claim.slug
    profiled = [claim for claim in claims if claim.grade_level not in ("insufficient", "")]
    page.goto(profiled[0].get_absolute_url())
    assert page.locator(".evidence-profile tbody tr").count() == 7
