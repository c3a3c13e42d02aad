"""Topic counts are counted once and shared by the home page and the claim list for a while."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.forms import public_topics
from tests.factories import ClaimFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    """The counts kept for a while, as deployed, in the page cache (each process's memory)."""
    settings.LEDGER_FACET_CACHE_SECONDS = 60
    caches[django_settings.PAGE_CACHE].clear()
    yield
    caches[django_settings.PAGE_CACHE].clear()


def queries_of(client, url) -> int:
    return len(sql_of(client, url))


def sql_of(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries]


def test_topic_counts_are_counted_once_for_home_and_list(client, cached):
    topic = TopicFactory(name="Bone")
    for status in ("published", "published", "draft"):
        ClaimFactory(status=status).topics.add(topic)

    counting_topics = "JOIN claims_topic"  # the public counts with their topics (claims.counts)
    assert any(counting_topics in sql for sql in sql_of(client, "/"))
    assert not any(counting_topics in sql for sql in sql_of(client, "/claims/?q=bone"))
    listing = client.get("/claims/")
    assert "Bone (2)" in listing.text
    assert [(t.name, t.claim_count) for t in public_topics()] == [("Bone", 2)]


def test_a_topic_only_drafts_use_is_not_offered(client):
    topic = TopicFactory(name="Secret plans")
    ClaimFactory(status="draft").topics.add(topic)
    assert "Secret plans" not in client.get("/claims/").text
    assert client.get(f"/claims/?topic={topic.slug}").status_code == 400


def test_unfiltered_list_takes_its_count_and_facets_from_the_cache(client, cached):
    ClaimFactory.create_batch(3, grade_level="low", grade_direction="supported")
    # the counts' version, the public counts with their topics (the options' counts, the
    # total: no separate COUNT), the page's rows with their topics' ids, read by their ids
    # (claims.listing.PublicClaims); then the version only (the page as kept)
    assert queries_of(client, "/claims/") == 3
    assert queries_of(client, "/claims/") == 1
    page = client.get("/claims/")
    assert "3 claims" in page.text
    assert "Low (3)" in page.text
    # a search counts its own matches, its total with its facets: no separate COUNT
    assert queries_of(client, "/claims/?q=bone") == 3  # version, facets of the words, page
    assert queries_of(client, "/claims/?q=bone") == 1
