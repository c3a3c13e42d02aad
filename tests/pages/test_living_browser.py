"""Acceptance of living evidence (issue 26), in a real headless Chromium: a saved search's run
brings three candidates; a curator screens them in the admin inbox (not relevant with a
reason, later, relevant); the relevant one becomes an evidence item of the published claim
through its pending revision (issue 21), and the claim page shows the new "last searched"
date and the studies still under review."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import dateformat, timezone

from citations.sources import pace
from claims.access import sync_curators_group
from claims.models import ClaimRevision
from evidence import living
from evidence.models import Candidate, SavedSearch
from tests.factories import ClaimFactory, CuratorFactory

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"  # tests.factories.UserFactory
RICKARD = "10.1210/en.2007-1247"
ZHONG = "10.1371/journal.pone.0139490"
PRIOR = "10.1210/edrv-11-2-386"


@pytest.fixture(autouse=True)
def curators_group(transactional_db):
    sync_curators_group(Group, Permission)


@pytest.fixture(autouse=True)
def no_pacing(monkeypatch):
    monkeypatch.setattr(pace, "per_second", lambda service: None)


def log_in(page, user):
    page.goto(reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(user.username, ignore_case=True)


def choose(page, doi: str, action: str, reason: str = "") -> None:
    row = page.locator("#result_list tbody tr", has=page.locator(f"text={doi}"))
    row.locator("input.action-select").check()
    if reason:
        page.fill("input[name=reason]", reason)
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def test_a_curator_screens_three_candidates_and_adds_one_as_evidence(page, sources):
    claim = ClaimFactory(status="published", slug="pr-bone", statement="Progesterone builds bone.")
    search = SavedSearch.objects.create(claim=claim, source="crossref", query="progesterone bone")
    sources.serve("/crossref/works", "crossref-works-living.json")
    sources.serve(f"/crossref/works/{RICKARD}", "crossref-work-rickard2008.json")
    page.goto(claim.get_absolute_url())
    expect(page.locator(".search-strategy")).to_contain_text("not yet run")

    living.search_run(search=search, today=date(2026, 12, 6))
    assert Candidate.objects.filter(claim=claim).count() == 3
    page.goto(claim.get_absolute_url())
    expect(page.locator(".last-searched")).to_contain_text("3 new studies under review")

    log_in(page, CuratorFactory())
    page.goto(reverse("admin:index"))
    expect(page.locator("#screening-inbox")).to_contain_text("Progesterone builds bone.")
    page.click("#screening-inbox caption a")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)

    choose(page, PRIOR, "mark_not_relevant", reason="A review, not a study")
    expect(page.locator(".messagelist")).to_contain_text("not relevant")
    choose(page, ZHONG, "mark_later")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    choose(page, RICKARD, "add_evidence")

    assert reverse("admin:evidence_evidence_add") in page.url
    page.select_option("#id_stance", "supports")
    page.select_option("#id_design", "rct")
    page.select_option("#id_population", "animals")
    page.fill("#id_outcome", "bone volume")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .warning")).to_contain_text("pending revision")

    revision = ClaimRevision.objects.get(claim=claim)
    assert [item["outcome"] for item in revision.snapshot["evidence"]] == ["bone volume"]
    decisions = {c.doi: (c.decision, c.reason) for c in Candidate.objects.filter(claim=claim)}
    assert decisions == {
        PRIOR: ("not_relevant", "A review, not a study"),
        ZHONG: ("later", ""),
        RICKARD: ("relevant", ""),
    }

    page.goto(claim.get_absolute_url())
    expect(page.locator(".search-strategy")).to_contain_text(
        "Evidence searched: Crossref, progesterone bone, up to 6 December 2026"
    )
    ran = dateformat.format(timezone.localtime(SavedSearch.objects.get().last_run_at), "j F Y")
    expect(page.locator(".last-searched")).to_contain_text(f"Last searched {ran}")
    expect(page.locator(".last-searched")).to_contain_text("1 new study under review")
    assert "journal.pone" not in page.content()
