"""Acceptance of staged revisions (issue 21), in a real headless Chromium: curator A edits a
published claim in the admin; the public page, the API, the BibTeX export and the page cache
keep the published version; A cannot approve; curator B approves; the new text shows."""

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.urls import reverse

from claims.access import sync_curators_group
from claims.models import Claim
from evidence.revisions import AUTHOR_CANNOT_APPROVE
from evidence.services import claim_regrade
from tests.factories import ClaimFactory, CuratorFactory, EvidenceFactory, ReferenceFactory

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"  # tests.factories.UserFactory
OLD = "Osteoblasts express progesterone receptors."
NEW = "Osteoblasts do NOT express progesterone receptors."


@pytest.fixture(autouse=True)
def curators_group(transactional_db):
    """Each transactional test ends by emptying the tables: the group a migration made is
    made again."""
    sync_curators_group(Group, Permission)


@pytest.fixture
def page_cache(settings):
    settings.LEDGER_PAGE_CACHE_SECONDS = 60
    caches[settings.PAGE_CACHE].clear()
    yield
    caches[settings.PAGE_CACHE].clear()


def context_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in(browser, live_server, user):
    page = context_page(browser, live_server)
    page.goto(reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(user.username, ignore_case=True)
    return page


def published_claim():
    claim = ClaimFactory(status="published", statement=OLD, slug="pr-osteoblasts")
    EvidenceFactory(claim=claim, reference=ReferenceFactory(citekey="kept2001study"))
    EvidenceFactory(claim=claim, reference=ReferenceFactory(citekey="dropped1999study"))
    claim_regrade(claim=claim)
    return claim


def what_readers_get(reader, claim) -> tuple[str, str, str]:
    """The public page's heading, the API's statement and the BibTeX export, anonymously."""
    reader.goto(claim.get_absolute_url())
    heading = reader.locator("h1").inner_text()
    api = json.loads(reader.request.get(f"/api/claims/{claim.slug}/").text())["statement"]
    bib = reader.request.get(f"/api/claims/{claim.slug}/?format=bibtex").text()
    return heading, api, bib


def test_a_published_claim_changes_only_when_a_second_curator_approves(
    browser, live_server, page_cache
):
    claim = published_claim()
    author, reviewer = CuratorFactory(), CuratorFactory()
    reader = context_page(browser, live_server)
    heading, api, bib = what_readers_get(reader, claim)  # the page is now in the cache
    assert (OLD in heading, api) == (True, OLD)
    cached_version = Claim.objects.page_version(claim.slug)  # the key of the cached page
    change = reverse("admin:claims_claim_change", args=[claim.pk])

    page = log_in(browser, live_server, author)
    page.goto(change)
    page.fill("#id_statement", NEW)
    dropped = page.locator(".inline-related", has_text="dropped1999study")
    dropped.locator("input[name$='-DELETE']").check()
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .warning")).to_contain_text("pending revision")
    expect(page.locator("table.pending-revision")).to_contain_text("NOT")
    expect(page.locator("table.pending-revision ins").first).to_have_text("do NOT")

    heading, api, bib = what_readers_get(reader, claim)
    assert (OLD in heading, NEW in heading, api) == (True, False, OLD)
    assert "dropped1999study" in bib
    assert "kept2001study" in bib
    assert Claim.objects.get(pk=claim.pk).statement == OLD
    assert Claim.objects.page_version(claim.slug) == cached_version  # still served from cache

    page.click("button.revision-approve")
    expect(page.locator(".messagelist .error")).to_contain_text(AUTHOR_CANNOT_APPROVE)
    assert what_readers_get(reader, claim)[1] == OLD

    page = log_in(browser, live_server, reviewer)
    page.goto(change)
    page.click("button.revision-approve")
    expect(page.locator(".messagelist .success")).to_contain_text("approved")
    expect(page.locator("table.revision-history")).to_contain_text(reviewer.username)

    assert Claim.objects.page_version(claim.slug) != cached_version  # the cache refreshes
    heading, api, bib = what_readers_get(reader, claim)
    assert (NEW in heading, api) == (True, NEW)
    assert "dropped1999study" not in bib
    assert "kept2001study" in bib
