"""The public pages in a real headless Chromium: what a reader sees and can click."""

from itertools import pairwise

import pytest
from django.core.management import call_command
from django.urls import reverse

from citations import bibtex
from citations.models import Reference
from claims.models import Claim, ClaimRelation
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
    TopicFactory,
)

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
PHONE_WIDTH = 390


def reference(family, year, **kwargs):
    ref = ReferenceFactory(year=year, **kwargs)
    ContributorFactory(reference=ref, person=PersonFactory(family=family, given="Ann B."))
    return ref


def bone_claim():
    topic = TopicFactory(name="Bone health", slug="bone-health")
    claim = ClaimFactory(
        slug="ep-bmd",
        statement="Estrogen plus progestin increases bone mineral density after menopause.",
        summary="Randomised trials in postmenopausal women.",
        grade_level="moderate",
        grade_direction="supported",
        grade_reasons=["Starts high: rct (Writing 1996)", "Down 1: inconsistency"],
        grade_rubric="grade-1",
    )
    claim.topics.add(topic)
    effect = {"effect_unit": "BMD, % change per year", "population_detail": "postmenopausal"}
    EvidenceFactory(
        claim=claim,
        reference=reference("Writing", 1996, doi="10.1001/jama.1996.03530290039035"),
        effect_value=1.7,
        ci_low=1.2,
        ci_high=2.2,
        sample_size=875,
        quote="Bone mineral density increased.",
        locator="Table 3",
        **effect,
    )
    EvidenceFactory(
        claim=claim,
        reference=reference("Cauley", 2003),
        effect_value=1.1,
        ci_low=0.6,
        ci_high=1.6,
        sample_size=16608,
        **effect,
    )
    EvidenceFactory(
        claim=claim,
        reference=reference("Prior", 1990),
        stance="contradicts",
        design="cohort",
        effect_value=-0.4,
        ci_low=-1.0,
        ci_high=0.2,
        sample_size=66,
        **effect,
    )
    EvidenceFactory(
        claim=claim,
        stance="asserts",
        design="popular",
        sample_size=None,
        reference=reference(
            "Lee", 1999, verification="discrepancy", as_cited="Lee J. Natural hormones. 1998."
        ),
    )
    ClaimRelation.objects.create(
        from_claim=ClaimFactory(statement="Progesterone alone builds bone."),
        to_claim=claim,
        kind="refines",
    )
    return claim


def test_claim_page_shows_badge_both_sides_and_forest_plot(page, screenshot):
    claim = bone_claim()
    page.goto(claim.get_absolute_url())
    assert page.locator("h1").inner_text() == claim.statement
    assert page.locator(".verdict .grade").inner_text() == "Moderate certainty"
    assert page.locator(".verdict-wording").inner_text() == "This is probably true."
    assert page.locator("#group-supports").inner_text() == "Evidence for (2)"
    assert page.locator("#group-contradicts").inner_text() == "Evidence against (1)"
    plot = page.get_by_role("img", name="Forest plot")
    assert plot.is_visible()
    assert plot.locator(".fp-row").count() == 3
    assert page.get_by_text("Cited with errors.").is_visible()
    paths = screenshot(page, "factory-claim")
    assert all(path.stat().st_size > 10_000 for path in paths)


def test_claim_page_fits_a_phone_without_sideways_scrolling(page):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    page.goto(bone_claim().get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert page.get_by_role("img", name="Forest plot").bounding_box()["width"] <= PHONE_WIDTH


def test_search_and_filters_work_by_clicking(page):
    claim = bone_claim()
    ClaimFactory(
        statement="Vitamin D prevents falls.", grade_level="low", grade_direction="contested"
    )
    page.goto("/")
    page.get_by_label("Search claims").fill("bone density")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/claims/?*")
    assert page.locator(".results-count").inner_text() == "1 claim matching “bone density”"
    page.get_by_label("Search claims").fill("")
    page.get_by_label("Certainty").select_option("low")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**level=low**")
    assert page.locator(".claim-link").all_inner_texts() == ["Vitamin D prevents falls."]
    page.get_by_label("Certainty").select_option("")
    page.get_by_label("Topic").select_option("bone-health")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**topic=bone-health**")
    page.get_by_role("link", name=claim.statement).click()
    page.wait_for_url(f"**{claim.get_absolute_url()}")
    assert page.locator("h1").inner_text() == claim.statement


def test_copy_button_puts_one_bibtex_entry_on_the_clipboard(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(bone_claim().get_absolute_url())
    entry = page.locator("#ref-1 details.bibtex")
    entry.locator("summary").click()
    entry.get_by_role("button", name="Copy BibTeX").click()
    expect(entry.get_by_role("status")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@article{")
    assert "author = {Cauley, Ann B.}" in copied


def test_keyboard_user_can_skip_to_content_and_see_focus(page):
    page.goto(bone_claim().get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"


def test_bibtex_download_returns_a_file_that_parses(page):
    claim = bone_claim()
    page.goto(claim.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="BibTeX", exact=True).click()
    text = download_info.value.path().read_text(encoding="utf-8")
    result = bibtex.parse(text)
    assert result.problems == []
    keys = {record.key for record in result.records}
    expected = {ev.reference.citekey for ev in claim.evidence.select_related("reference")}
    assert keys == expected


@pytest.mark.slow
def test_seed_pages_screenshots(page, screenshot):
    call_command("loaddata", "seed", verbosity=0)
    claims = list(Claim.objects.public().order_by("slug"))
    assert claims, "the seed has no public claim"
    for claim in claims:
        page.goto(claim.get_absolute_url())
        assert page.locator("h1").inner_text() == claim.statement
        screenshot(page, f"seed-claim-{claim.slug}")
    page.goto(reverse("claim-list"))
    screenshot(page, "seed-claim-list")
    page.goto(reverse("home"))
    screenshot(page, "seed-home")
    wrongly_cited = Reference.objects.cited_by(Claim.objects.public()).filter(
        verification="discrepancy"
    )
    for reference in wrongly_cited[:2]:
        page.goto(reference.get_absolute_url())
        expect(page.locator(".as-cited mark").first).to_be_visible()
        screenshot(page, f"seed-reference-{reference.citekey.replace(':', '-')}")


HEADING_LEVELS = "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
UNLABELLED = (
    "[...document.querySelectorAll('input,select,textarea,button')]"
    ".filter(e => !e.hidden && !(e.labels && e.labels.length) && !e.textContent.trim()"
    " && !e.getAttribute('aria-label')).map(e => e.outerHTML)"
)


def test_pages_have_landmarks_ordered_headings_and_labelled_controls(page):
    claim = bone_claim()
    cited = claim.evidence.get(stance="asserts").reference
    for url in ("/", "/claims/", claim.get_absolute_url(), cited.get_absolute_url()):
        page.goto(url)
        for role in ("banner", "main", "contentinfo", "navigation"):
            assert page.get_by_role(role).count() >= 1, (url, role)
        levels = page.evaluate(HEADING_LEVELS)
        assert levels.count(1) == 1, url
        assert all(after <= before + 1 for before, after in pairwise(levels)), url
        assert page.evaluate(UNLABELLED) == [], url


def test_print_shows_the_argument_without_search_or_download_buttons(page):
    page.goto(bone_claim().get_absolute_url())
    page.emulate_media(media="print")
    assert not page.locator(".downloads").is_visible()
    assert not page.locator(".header-search").is_visible()
    assert page.get_by_role("img", name="Forest plot").is_visible()
    assert page.pdf()[:4] == b"%PDF"
