"""A reader's Chromium on the seed graded by grade-3: three claim pages and /methodology/ say
nothing the methodologist's review (shared/seed/method-review-2.md, section 6) named as an
unjudged claim, and say what was judged instead."""

import re

import pytest
from django.core.management import call_command

from evidence.services import claims_regrade
from evidence.wording import LABORATORY_NOTE, PROGNOSTIC_NOTE, PROVISIONAL_NOTE
from tests.pages.conftest import DESKTOP, PHONE

pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the review found stated without anyone having judged it (section 6, items 1-7).
UNJUDGED_PHRASES = (
    "Not suspected",
    "Nothing suggests that studies with other results went unpublished",
    "The deciding results agree with one another",
    "The results are precise enough to rely on",
    "chance alone decided who got what",
    "controlled animal experiments and laboratory (cell) studies start at high certainty",
    "Randomised trials and controlled experiments start high",
    "grade-2 fixes these",
    "The grade follows the GRADE approach that systematic reviewers use",
    "including careful studies that found no effect",
    "No study has tested this",
)
ITEM_TALLY = re.compile(r"\d+ for · \d+ against")
# A CI derived from a P value, printed without saying so (Li 2014's, in either minus sign).
BARE_DERIVED_CI = re.compile(r"[−-]1\.68 to [−-]0\.04(?!, derived from a P value)")

OVULATORY = "/claims/ovulatory-disturbances-linked-to-bone-loss/"
MICRONIZED = "/claims/micronized-progesterone-supports-bone-formation/"
ONE_CELL_STUDY = "/claims/progesterone-influences-alp-in-osteoblasts/"


@pytest.fixture
def seed_graded_by_grade_3():
    call_command("loaddata", "seed", verbosity=0)
    claims_regrade(rubric="grade-3")


def read(page, url: str) -> str:
    """Every text of the page, hidden parts (closed details, JSON-LD) included."""
    response = page.goto(url)
    assert response.status == 200, url
    return page.locator("body").text_content()


def row(page, domain: str) -> str:
    return page.locator(f"tr.profile-{domain}").inner_text()


def assert_nothing_unjudged(text: str, url: str) -> None:
    for phrase in UNJUDGED_PHRASES:
        assert phrase not in text, (url, phrase)
    assert not ITEM_TALLY.search(text), url
    assert not BARE_DERIVED_CI.search(text), url


def test_claim_pages_and_methodology_say_only_what_was_judged(page, seed_graded_by_grade_3):
    for url in (OVULATORY, MICRONIZED, ONE_CELL_STUDY, "/methodology/", "/claims/"):
        assert_nothing_unjudged(read(page, url), url)


def test_prognostic_claim_with_a_derived_ci_and_no_risk_of_bias_assessment(
    page, seed_graded_by_grade_3, screenshot
):
    read(page, OVULATORY)
    screenshot(page, "judged-ovulatory")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(DESKTOP)
    notes = page.locator(".verdict-notes").inner_text()
    assert PROVISIONAL_NOTE in notes
    assert PROGNOSTIC_NOTE in notes
    risk = row(page, "risk_of_bias")
    assert "Not assessed" in risk
    assert "Serious" not in risk
    assert "derived from a P value" in row(page, "imprecision")
    assert "Not assessed" in row(page, "publication_bias")
    assert "Li 2014" in page.locator("p.deciding").inner_text()


def test_null_trials_read_no_difference_shown_not_contradicted(
    page, seed_graded_by_grade_3, screenshot
):
    read(page, MICRONIZED)
    screenshot(page, "judged-micronized")
    verdict = page.locator(".verdict").inner_text()
    assert "No difference shown" in page.locator(".verdict .direction").inner_text()
    assert "No difference shown; the evidence is very uncertain." in verdict
    assert "Contradicted" not in verdict
    assert "2 studies decide the grade" in page.locator("p.deciding").inner_text()


def test_one_study_is_not_applicable_for_inconsistency(page, seed_graded_by_grade_3):
    read(page, ONE_CELL_STUDY)
    assert "Not applicable (one study)" in row(page, "inconsistency")
    assert "1 study decides the grade" in page.locator("p.deciding").inner_text()


def test_methodology_says_adapted_curated_and_the_house_rules(page, seed_graded_by_grade_3):
    read(page, "/methodology/")
    main = page.locator("main").inner_text()
    assert "adapted from GRADE" in main
    assert "The evidence sets are curated, not systematic searches." in main
    assert "nothing but the genotype or dish decided the groups" in main
    assert page.locator(".house-rule").count() == 6
    for note in (PROVISIONAL_NOTE, PROGNOSTIC_NOTE, LABORATORY_NOTE):
        assert note in main


def test_lists_count_the_studies_that_decide(page, seed_graded_by_grade_3):
    read(page, "/claims/")
    counts = page.locator(".claim-meta .counts").all_inner_texts()
    assert counts
    assert all(re.fullmatch(r"1 study decides|\d+ studies decide", text) for text in counts)
