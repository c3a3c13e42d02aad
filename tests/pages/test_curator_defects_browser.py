"""Issue 21's smaller defects, in a real Chromium at 1280 px: the admin reference list shows
every column, the match page's header key is readable, the claim filters show whole labels."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from claims.access import sync_curators_group
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    CuratorFactory,
    EvidenceFactory,
    ReferenceFactory,
    TopicFactory,
)
from tests.pages.conftest import SCREENSHOTS
from tests.pages.test_curation_workspace import log_in

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = (
    "Progesterone receptor knockout mice have an improved bone balance supporting a role "
    "for progesterone in the regulation of bone formation in the adult skeleton"
)
LONG_JOURNAL = "Journal of Bone and Mineral Research: the Official Journal of the American Society"
# Each select shown at least as wide as it would be with room to spare (labels not cut).
SELECT_WIDTHS = """() => [...document.querySelectorAll('.filters select')].map(select => {
  const copy = select.cloneNode(true);
  copy.style.cssText = 'position:absolute;visibility:hidden;width:auto;max-width:none;min-width:0';
  document.body.appendChild(copy);
  const natural = copy.getBoundingClientRect().width;
  copy.remove();
  return {name: select.name, natural, shown: select.getBoundingClientRect().width};
})"""
RESULTS_FIT = """() => {
  const results = document.querySelector('#changelist .results');
  return results.scrollWidth <= results.clientWidth;
}"""
CONTRAST = """(selector) => {
  const link = document.querySelector(selector);
  const rgb = value => value.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  let box = link;
  while (box && getComputedStyle(box).backgroundColor.startsWith('rgba(0, 0, 0, 0)')) {
    box = box.parentElement;
  }
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const a = lum(rgb(getComputedStyle(link).color));
  const b = lum(rgb(getComputedStyle(box).backgroundColor));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.fixture(autouse=True)
def curators_group(transactional_db):
    sync_curators_group(Group, Permission)


def test_the_reference_list_shows_every_column_at_1280_px(browser, live_server):
    for number in range(3):
        reference = ReferenceFactory(
            title=f"{LONG_TITLE} {number}",
            container_title=LONG_JOURNAL,
            doi=f"10.1359/jbmr.2008.23.supplement.s1.long-identifier-{number}",
            verification="discrepancy",
            retraction="expression_of_concern",
        )
        ContributorFactory(reference=reference)
        EvidenceFactory(reference=reference)
    page = log_in(browser, live_server, CuratorFactory())
    page.goto(reverse("admin:citations_reference_changelist"))
    visible = page.locator("#changelist .results").bounding_box()
    for column in ("verification", "retraction", "evidence_count"):
        box = page.locator(f"#result_list th.column-{column}").bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= visible["x"] + visible["width"], f"{column} is hidden"
    assert page.evaluate(RESULTS_FIT)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-reference-list-desktop.png"))


def test_the_match_page_header_key_is_readable(browser, live_server, settings):
    settings.CROSSREF_API_URL = "http://127.0.0.1:9"  # offline: the page still shows the header
    reference = ReferenceFactory(as_cited="Seifert M. Bone growth in PRKO mice. JBMR 2008.")
    page = log_in(browser, live_server, CuratorFactory())
    page.goto(reverse("admin:evidence_evidence_match") + f"?ids={reference.pk}")
    assert page.evaluate(CONTRAST, ".match-section h2 a") >= 4.5


def test_claim_filter_dropdowns_show_their_whole_labels(page, screenshot):
    topic = TopicFactory(name="Bone health and osteoporosis in postmenopausal women")
    claim = ClaimFactory(grade_level="very_low", grade_direction="contested")
    claim.topics.add(topic)
    page.goto(reverse("claim-list"))
    page.select_option("select[name=topic]", index=1)
    page.select_option("select[name=level]", value="very_low")
    page.select_option("select[name=direction]", value="contested")
    for select in page.evaluate(SELECT_WIDTHS):
        assert select["shown"] >= select["natural"] - 0.5, select
    screenshot(page, "claim-filters")
