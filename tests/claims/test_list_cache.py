"""List pages: each claim's item and the search form rendered once a process for what they
show (config.caching.remembered, with the caches off too), and the whole page kept for
anonymous readers while the public counts do not change (claims.page_cache.serve_list_cached,
with the facet cache on)."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

from claims.models import Claim
from config.caching import forget_all
from tests.factories import ClaimFactory, TopicFactory

pytestmark = pytest.mark.django_db

ITEM, FORM = "claims/_claim_item.html", "claims/_filters.html"
LISTS = ["/", "/claims/", "/claims/?q=bone", "/topics/bones/"]


@pytest.fixture
def listed():
    forget_all()
    topic = TopicFactory(name="Bones", slug="bones")
    claims = [ClaimFactory(statement=f"Bone claim {n}.", grade_level="low") for n in range(3)]
    for claim in claims:
        claim.topics.add(topic)
    return claims


@pytest.fixture
def kept(settings):
    """The counts and list pages kept a while, as deployed (the test settings turn it off)."""
    settings.LEDGER_FACET_CACHE_SECONDS = 60
    caches[django_settings.PAGE_CACHE].clear()
    yield
    caches[django_settings.PAGE_CACHE].clear()


def drawn(client, url: str) -> tuple[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return response.text, [t.name for t in response.templates if t.name in (ITEM, FORM)]


def test_items_and_form_are_rendered_once_for_what_they_show(client, listed):
    first, templates = drawn(client, "/claims/")
    assert templates.count(ITEM) == 3
    assert templates.count(FORM) == 1
    again, templates_again = drawn(client, "/claims/")
    assert templates_again == []
    assert again == first


def test_an_edited_claim_shows_at_once_with_the_caches_off(client, listed):
    drawn(client, "/claims/")
    Claim.objects.filter(pk=listed[0].pk).update(statement="Bone claim, reworded.")
    page, templates = drawn(client, "/claims/")
    assert "Bone claim, reworded." in page
    assert templates == [ITEM]  # the other items and the form as they were


def test_a_renamed_topic_shows_on_every_item_that_names_it(client, listed):
    drawn(client, "/claims/")
    listed[0].topics.first().__class__.objects.filter(slug="bones").update(name="Skeleton")
    page, templates = drawn(client, "/claims/")
    assert page.count(">Skeleton</a>") == 3
    assert templates.count(ITEM) == 3


def test_list_items_name_their_topics_without_a_query_each(
    client, listed, django_assert_max_num_queries
):
    for n in range(20):
        ClaimFactory(statement=f"Another claim {n}.").topics.add(TopicFactory())
    forget_all()
    # topic counts, facets with the total, the page with its claims' topic ids
    with django_assert_max_num_queries(3):
        page = client.get("/claims/").text
    assert page.count('class="tag" href="/topics/') == 20  # 3 + 20 on two pages of 20


@pytest.mark.parametrize("url", LISTS)
def test_an_anonymous_list_is_kept_while_the_counts_stand(
    client, listed, kept, url, django_assert_max_num_queries
):
    first = client.get(url).text
    with django_assert_max_num_queries(1):  # the counts' newest change: the page's version
        assert client.get(url).text == first


@pytest.mark.parametrize("url", LISTS)
def test_a_published_claim_shows_on_the_kept_list_at_once(client, listed, kept, url):
    client.get(url)
    ClaimFactory(statement="Bone claim, just published.", status="draft").topics.add(
        listed[0].topics.first()
    )
    assert "just published" not in client.get(url).text
    claim = Claim.objects.get(statement="Bone claim, just published.")
    claim.status = "published"
    claim.save()
    assert "just published" in client.get(url).text


def test_a_search_is_kept_under_its_own_words(client, listed, kept):
    ClaimFactory(statement="Calcium intake.")
    assert "Calcium intake." not in client.get("/claims/?q=bone").text
    assert "Calcium intake." in client.get("/claims/?q=calcium").text


def test_a_signed_in_curator_never_gets_the_kept_list(curator_client, listed, kept):
    curator_client.get("/claims/")
    Claim.objects.filter(pk=listed[0].pk).update(statement="Bone claim, reworded.")
    assert "Bone claim, reworded." in curator_client.get("/claims/").text


def test_an_invalid_filter_is_not_kept(client, listed, kept):
    assert client.get("/claims/?level=nonsense").status_code == 400
    assert client.get("/claims/?level=nonsense").status_code == 400
