"""Claim pages come from the cache until what they show changes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from citations.models import Reference
from evidence.services import evidence_delete, evidence_update
from tests.factories import ContributorFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def fetch(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response.text, len(queries)


def test_unchanged_page_costs_one_query_and_a_change_shows_at_once(client, page_cache):
    item = EvidenceFactory(population_detail="postmenopausal women")
    url = item.claim.get_absolute_url()
    first, rendering = fetch(client, url)
    again, cached = fetch(client, url)
    assert (again, cached) == (first, 1)
    assert rendering > 3

    evidence_update(evidence=item, population_detail="perimenopausal women")
    changed, _ = fetch(client, url)
    assert "perimenopausal women" in changed
    assert "postmenopausal women" not in changed


def test_reference_change_renders_the_page_again(client, page_cache):
    item = EvidenceFactory()
    url = item.claim.get_absolute_url()
    fetch(client, url)
    item.reference.title = "A corrected title"
    item.reference.save()
    assert "A corrected title" in fetch(client, url)[0]


def test_curators_and_query_strings_are_never_served_from_the_cache(curator, page_cache):
    url = EvidenceFactory().claim.get_absolute_url()
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(curator)
    assert fetch(anonymous, url)[1] > 1
    assert fetch(anonymous, url)[1] == 1
    assert fetch(signed_in, url)[1] > 1
    assert 'value="bone"' in fetch(anonymous, url + "?q=bone")[0]


def test_a_cached_page_reads_one_row_of_the_claim(client, page_cache):
    url = EvidenceFactory().claim.get_absolute_url()
    fetch(client, url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 1
    assert "JOIN" not in queries[0]["sql"]


def test_bulk_writes_and_deletions_render_the_page_again(client, page_cache):
    item = EvidenceFactory(population_detail="postmenopausal women")
    other = EvidenceFactory(claim=item.claim, population_detail="elderly men")
    url = item.claim.get_absolute_url()
    fetch(client, url)
    Reference.objects.filter(pk=item.reference_id).update(title="A title fixed in bulk")
    assert "A title fixed in bulk" in fetch(client, url)[0]
    evidence_delete(evidence=other)
    assert "elderly men" not in fetch(client, url)[0]


def test_an_author_renamed_renders_the_page_again(client, page_cache):
    item = EvidenceFactory()
    author = ContributorFactory(reference=item.reference, person__family="Smyth").person
    url = item.claim.get_absolute_url()
    assert "Smyth" in fetch(client, url)[0]
    author.family = "Smith"
    author.save()
    assert "Smith" in fetch(client, url)[0]
    ContributorFactory(reference=item.reference, person__family="Quokkason", position=1)
    assert "Quokkason" in fetch(client, url)[0]


def claim_updated(claim):
    return type(claim).objects.values_list("updated", flat=True).get(pk=claim.pk)


def test_a_check_that_changes_nothing_keeps_the_claims_date(client, page_cache):
    item = EvidenceFactory()
    person = ContributorFactory(reference=item.reference).person
    url, before = item.claim.get_absolute_url(), claim_updated(item.claim)
    fetch(client, url)
    checked = Reference.objects.filter(pk=item.reference_id)
    checked.update(retraction_checked_at=timezone.now(), verification_checked_at=timezone.now())
    item.reference.refresh_from_db()
    item.reference.save()  # only `updated` moves
    person.save()
    assert claim_updated(item.claim) == before
    assert fetch(client, url)[1] == 1

    checked.update(title="A corrected title")
    assert claim_updated(item.claim) > before
    person.family = "Renamed"
    moved = claim_updated(item.claim)
    person.save()
    assert claim_updated(item.claim) > moved


def test_the_host_headers_port_is_not_part_of_the_cache_key(client, page_cache, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    url = EvidenceFactory().claim.get_absolute_url()
    first, _ = fetch(client, url, HTTP_HOST="testserver:8001")
    again, queries = fetch(client, url, HTTP_HOST="testserver:8002")
    assert (again, queries) == (first, 1)
