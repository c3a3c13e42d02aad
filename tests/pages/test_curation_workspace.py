"""The curation workspace in a real headless Chromium: what a curator clicks in the admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from citations.models import Reference
from claims.access import sync_curators_group
from claims.models import Claim
from evidence.services import claim_regrade
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    CuratorFactory,
    EvidenceFactory,
    ReferenceFactory,
)
from tests.test_seed_search import PROGESTERONE_BONE

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROGESTERONE_BONE_PUBLIC = PROGESTERONE_BONE  # every one is published in the seed
PASSWORD = "pw-for-tests"  # tests.factories.UserFactory
LONG_STATEMENT = (
    "Progesterone, given cyclically for at least ten days a month to premenopausal women with "
    "ovulatory disturbances, prevents the loss of spinal bone mineral density over one year."
)


@pytest.fixture(autouse=True)
def curators_group(transactional_db):
    """Each transactional test ends by emptying the tables: the group a migration made is
    made again (its permissions come back with every flush)."""
    sync_curators_group(Group, Permission)


def log_in(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(user.username.upper(), ignore_case=True)
    return page


def graded_claim(**fields):
    claim = ClaimFactory(status="draft", **fields)
    EvidenceFactory(claim=claim)
    claim_regrade(claim=claim)
    return claim


@pytest.mark.slow
def test_the_submitter_cannot_publish_and_a_second_curator_can(browser, live_server):
    claim = graded_claim(statement=LONG_STATEMENT)
    author, reviewer = CuratorFactory(), CuratorFactory()
    change = reverse("admin:claims_claim_change", args=[claim.pk])

    page = log_in(browser, live_server, author)
    page.goto(change)
    page.click("button.workflow-submit")
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review")
    page.click("button.workflow-publish")
    expect(page.locator(".messagelist .error")).to_contain_text(
        "published by a curator other than the one who submitted it"
    )
    assert Claim.objects.get(pk=claim.pk).status == "in_review"

    page = log_in(browser, live_server, reviewer)
    page.goto(change)
    page.click("button.workflow-publish")
    expect(page.locator(".messagelist .success")).to_contain_text("Published")
    assert Claim.objects.get(pk=claim.pk).status == "published"


def test_history_and_view_on_site_do_not_cover_a_long_title(browser, live_server):
    claim = graded_claim(statement=LONG_STATEMENT)
    page = log_in(browser, live_server, CuratorFactory())
    page.goto(reverse("admin:claims_claim_change", args=[claim.pk]))
    title = page.locator("#content > h2").bounding_box()
    tools = page.locator("ul.object-tools").bounding_box()
    overlap_x = min(title["x"] + title["width"], tools["x"] + tools["width"]) > max(
        title["x"], tools["x"]
    )
    overlap_y = min(title["y"] + title["height"], tools["y"] + tools["height"]) > max(
        title["y"], tools["y"]
    )
    assert not (overlap_x and overlap_y), (title, tools)


def test_a_typed_author_list_becomes_ordered_contributors(browser, live_server):
    page = log_in(browser, live_server, CuratorFactory())
    page.goto(reverse("admin:citations_reference_add"))
    page.fill("#id_authors", "Prior, Jerilynn C.; Vigna, Yvette M. and Martin T. Schechter")
    page.fill("#id_title", "Spinal bone loss and ovulatory disturbances")
    page.fill("#id_year", "1990")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    reference = Reference.objects.get()
    assert reference.citekey == "prior1990spinal"
    assert [p.family for p in reference.authors] == ["Prior", "Vigna", "Schechter"]


def test_a_reference_merge_moves_evidence_and_redirects_the_old_citekey(browser, live_server):
    claim = ClaimFactory(status="published")
    survivor = ReferenceFactory(citekey="prior1990spinal")
    loser = ReferenceFactory(citekey="prior1990spinalb")
    EvidenceFactory(claim=claim, reference=survivor, outcome="spine")
    EvidenceFactory(claim=claim, reference=loser, outcome="hip")
    page = log_in(browser, live_server, CuratorFactory())
    page.goto(reverse("admin:citations_reference_changelist"))
    page.check(f"input[name=_selected_action][value='{survivor.pk}']")
    page.check(f"input[name=_selected_action][value='{loser.pk}']")
    page.select_option("select[name=action]", "merge_selected")
    page.click("button[name=index]")
    expect(page.locator("#merge-moves")).to_contain_text("1 evidence")
    page.click("input[name=confirm]")
    expect(page.locator(".messagelist .success")).to_contain_text("Merged")
    assert set(claim.evidence.values_list("reference__citekey", flat=True)) == {"prior1990spinal"}
    page.goto("/references/prior1990spinalb/")
    assert page.url.endswith("/references/prior1990spinal/")


def test_the_reference_list_counts_evidence_correctly_while_searching(browser, live_server):
    item = EvidenceFactory(reference__title="Ovulatory disturbances and bone")
    EvidenceFactory(reference=item.reference)
    EvidenceFactory(reference=item.reference)
    for position in range(11):
        ContributorFactory(reference=item.reference, position=position)
    page = log_in(browser, live_server, CuratorFactory())
    page.goto(reverse("admin:citations_reference_changelist") + "?q=Family")
    expect(page.locator("td.field-evidence_count")).to_have_text("3")


def test_an_invalid_entry_type_is_refused(browser, live_server):
    page = log_in(browser, live_server, CuratorFactory())
    page.goto(reverse("admin:citations_reference_add"))
    # The select offers only BibTeX and biblatex types; a forged one comes back as an error.
    page.eval_on_selector(
        "#id_entry_type",
        "s => { s.add(new Option('journal article', 'journal article')); "
        "s.value = 'journal article'; }",
    )
    page.fill("#id_title", "Spinal bone loss and ovulatory disturbances")
    page.click("input[name=_save]")
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-entry_type .errorlist")).to_contain_text("not one of")
    assert not Reference.objects.exists()


@pytest.mark.slow
def test_progesterone_bone_finds_the_seed_claims(browser, live_server):
    call_command("loaddata", "seed", verbosity=0)
    page = browser.new_page(base_url=live_server.url)
    page.goto(reverse("claim-list") + "?q=progesterone+bone")
    expect(page.locator(".claim-item")).to_have_count(len(PROGESTERONE_BONE_PUBLIC))
    expect(page.locator(".claim-item").first).to_be_visible()
    page.close()
