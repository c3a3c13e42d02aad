"""Adding a reference from a DOI, PMID, PMCID or ISBN: admin page, API and service."""

import pytest
from django.urls import reverse

from citations.models import Reference, Verification
from citations.services import ADDED_FROM, reference_lookup
from citations.sources import http, lookup
from tests.factories import PersonFactory, ReferenceFactory

pytestmark = pytest.mark.django_db
RICKARD = "10.1210/en.2007-1247"
ADMIN_URL = reverse("admin:citations_reference_add_from_identifier")


def serve_rickard(sources):
    sources.serve(f"/crossref/works/{RICKARD}", "crossref-work-rickard2008.json")


def test_lookup_previews_citekey_people_and_writes_nothing(sources):
    serve_rickard(sources)
    turner = PersonFactory(family="Turner", given="Russell T.")
    result = reference_lookup(identifier=f"https://doi.org/{RICKARD}")
    assert result.item.citekey == "rickard2008bone"
    assert [m.how for m in result.people].count("new") == 10
    assert result.people[-1].person == turner
    assert result.duplicates == []
    assert Reference.objects.count() == 0


def test_people_are_matched_by_orcid_before_name(sources):
    sources.serve("/crossref/works/10.1371/journal.pone.0139490", "crossref-work-zhong2015.json")
    known = PersonFactory(family="Zhong", given="Z. A.", orcid="0000-0002-1825-0097")
    result = reference_lookup(identifier="10.1371/journal.pone.0139490")
    assert (result.people[0].person, result.people[0].how) == (known, "ORCID")


def test_admin_page_previews_then_saves_with_one_click(curator_client, sources):
    serve_rickard(sources)
    response = curator_client.post(ADMIN_URL, {"identifier": RICKARD, "lookup": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "rickard2008bone" in page
    assert 'name="save"' in page
    assert Reference.objects.count() == 0
    response = curator_client.post(ADMIN_URL, {"identifier": RICKARD, "save": "1"})
    reference = Reference.objects.get(doi=RICKARD)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:citations_reference_change", args=[reference.pk])
    assert reference.verification == Verification.VERIFIED
    assert [p.family for p in reference.authors][:3] == ["Rickard", "Iwaniec", "Evans"]
    reason = ADDED_FROM.format(source="Crossref", kind="DOI", value=RICKARD)
    assert reference.history.first().history_change_reason == reason


def test_admin_page_lists_duplicates_with_links_and_offers_no_save(curator_client, sources):
    serve_rickard(sources)
    stored = ReferenceFactory(doi=RICKARD, citekey="rickard2008prko")
    response = curator_client.post(ADMIN_URL, {"identifier": RICKARD, "lookup": "1"})
    page = response.content.decode()
    assert reverse("admin:citations_reference_change", args=[stored.pk]) in page
    assert 'name="save"' not in page


def test_admin_page_says_why_when_the_service_is_down(curator_client, sources_offline):
    response = curator_client.post(ADMIN_URL, {"identifier": RICKARD, "save": "1"})
    assert response.status_code == 200
    expected = http.UNAVAILABLE.format(service="Crossref", reason=http.OFFLINE)
    assert expected in response.content.decode()
    assert Reference.objects.count() == 0


def test_admin_page_refuses_what_is_no_identifier(curator_client, sources):
    response = curator_client.post(ADMIN_URL, {"identifier": "Rickard 2008", "lookup": "1"})
    assert lookup.UNRECOGNISED in response.content.decode()


def test_changelist_links_to_the_add_page(curator_client):
    response = curator_client.get(reverse("admin:citations_reference_changelist"))
    assert ADMIN_URL in response.content.decode()


def test_admin_page_opens_empty_and_needs_the_add_permission(curator_client, client):
    from tests.factories import UserFactory

    assert curator_client.get(ADMIN_URL).status_code == 200
    client.force_login(UserFactory(is_staff=True))
    assert client.get(ADMIN_URL).status_code == 403


def test_reference_change_page_links_to_match_as_cited(curator_client):
    reference = ReferenceFactory()
    page = curator_client.get(reverse("admin:citations_reference_change", args=[reference.pk]))
    expected = f"{reverse('admin:evidence_evidence_match')}?ids={reference.pk}"
    assert expected in page.content.decode()


def test_match_action_sends_the_selection_to_the_match_page(curator_client):
    first, second = ReferenceFactory(), ReferenceFactory()
    response = curator_client.post(
        reverse("admin:citations_reference_changelist"),
        {"action": "match_citations", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:evidence_evidence_match") + "?ids=")
    assert sorted(response["Location"].split("=")[1].split(",")) == sorted(
        [str(first.pk), str(second.pk)]
    )
