"""The Content-Security-Policy holds in a real browser: no page breaks any of its rules.

Chromium reports each blocked script, style or image as a `securitypolicyviolation` event
(and a console error); an init script, which the policy does not govern, collects them.
"""

import pytest

from tests.factories import ClaimFactory, EvidenceFactory, TopicFactory, UserFactory

pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and console error of what it loads collected."""
    page.add_init_script(COLLECT_VIOLATIONS)
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__violations") + [
        text for text in page.console_errors if "Content Security Policy" in text
    ]


def claim_with_a_forest_plot():
    claim = ClaimFactory(slug="csp-claim", grade_level="moderate", grade_direction="supported")
    claim.topics.add(TopicFactory(slug="csp-topic"))
    EvidenceFactory(claim=claim, effect_value=1.5, ci_low=1.1, ci_high=2.0, effect_unit="mg")
    return claim


def test_public_pages_break_no_csp_rule(watched):
    claim = claim_with_a_forest_plot()
    for url in ["/", "/claims/", "/topics/csp-topic/", claim.get_absolute_url()]:
        response = watched.goto(url)
        watched.wait_for_load_state("networkidle")
        assert response.status == 200, url
        assert "content-security-policy" in response.headers, url
        assert violations(watched) == [], url
    assert watched.locator("svg.forest-plot").count() >= 1  # the claim's forest plot is drawn


def test_admin_login_and_claim_pages_break_no_csp_rule(watched):
    claim = claim_with_a_forest_plot()
    curator = UserFactory(is_staff=True, is_superuser=True)  # groups do not survive a flush
    watched.goto("/admin/login/")
    watched.fill("#id_username", curator.username)
    watched.fill("#id_password", "pw-for-tests")
    watched.click("input[type=submit]")
    watched.wait_for_url("**/admin/")
    for url in ["/admin/claims/claim/", f"/admin/claims/claim/{claim.pk}/change/"]:
        assert watched.goto(url).status == 200, url
        watched.wait_for_load_state("networkidle")
    assert violations(watched) == []


def test_api_docs_load_swagger_ui_under_the_csp(watched):
    watched.goto("/api/docs/")
    watched.wait_for_selector(".swagger-ui .info", timeout=15_000)
    assert violations(watched) == []
