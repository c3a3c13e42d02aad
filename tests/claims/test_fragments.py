"""A claim page's evidence items and reference entries come from the cache until what
they show changes (claims/templatetags/fragments.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citations.models import Reference
from evidence.services import evidence_update
from tests.factories import ContributorFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

FRAGMENTS = {"claims/_evidence_item.html", "claims/_reference.html"}


@pytest.fixture
def item():
    item = EvidenceFactory(reference__title="A first title")
    ContributorFactory(reference=item.reference, person__family="Smyth", position=0)
    return item


def rendered(client, item):
    """The page rendered (a query string bypasses the page cache) and the fragment
    templates that had to be rendered for it."""
    response = client.get(item.claim.get_absolute_url() + "?render")
    assert response.status_code == 200
    return response.text, {t.name for t in response.templates} & FRAGMENTS


def test_unchanged_fragments_are_rendered_once(client, page_cache, item):
    first, drawn = rendered(client, item)
    again, drawn_again = rendered(client, item)
    assert drawn == FRAGMENTS
    assert drawn_again == set()
    assert again == first


def test_editing_a_reference_shows_in_the_next_render(client, page_cache, item):
    rendered(client, item)
    item.reference.title = "A corrected title"
    item.reference.save()
    page, drawn = rendered(client, item)
    assert "A corrected title" in page
    assert "A first title" not in page
    assert drawn == FRAGMENTS


def test_renaming_an_author_shows_in_the_next_render(client, page_cache, item):
    """A person's new name leaves the reference's `updated` alone; the key still changes."""
    rendered(client, item)
    author = item.reference.contributors.get().person
    author.family = "Smythe"
    author.save()
    page, _ = rendered(client, item)
    assert "Smythe" in page
    assert "Smyth " not in page


def test_adding_an_author_shows_in_the_next_render(client, page_cache, item):
    rendered(client, item)
    ContributorFactory(reference=item.reference, person__family="Quokkason", position=1)
    assert "Quokkason" in rendered(client, item)[0]


def test_a_bulk_update_of_a_reference_shows_in_the_next_render(client, page_cache, item):
    """`update()` leaves `updated` as it was: the key covers every column."""
    rendered(client, item)
    Reference.objects.filter(pk=item.reference_id).update(retraction="retracted")
    assert "This article has been retracted" in rendered(client, item)[0]


def test_editing_an_item_shows_in_the_next_render(client, page_cache, item):
    rendered(client, item)
    evidence_update(evidence=item, population_detail="perimenopausal women")
    page, drawn = rendered(client, item)
    assert "perimenopausal women" in page
    assert drawn == {"claims/_evidence_item.html"}


def test_a_reference_renumbered_on_the_page_is_rendered_again(client, page_cache, item):
    rendered(client, item)
    EvidenceFactory(claim=item.claim, design="meta_analysis_rct")  # sorts first: reference 1
    page, _ = rendered(client, item)
    assert 'id="ref-2"' in page
    assert page.count('href="#ref-2"') == 1


def test_the_page_reads_no_search_vector(client, page_cache, item):
    """Only PostgreSQL reads the stored vectors (a long abstract makes a long one): the page
    neither selects them nor, digesting every column, fetches them one reference at a time."""
    EvidenceFactory(claim=item.claim, reference__abstract="Bone density " * 2000)
    with CaptureQueriesContext(connection) as queries:
        page, drawn = rendered(client, item)
    assert drawn == FRAGMENTS
    assert "A first title" in page
    assert [query["sql"] for query in queries if "search_vector" in query["sql"]] == []
