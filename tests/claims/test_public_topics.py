"""A topic is public only through a public claim: one only drafts use is not listed."""

import pytest
from rest_framework.test import APIClient

from claims.models import Topic
from tests.factories import ClaimFactory, CuratorFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics():
    """ "bone" has a published claim, "pipeline" only a draft, "withdrawn" a retracted one."""
    for slug, status in [("bone", "published"), ("pipeline", "draft"), ("withdrawn", "retracted")]:
        topic = TopicFactory(slug=slug, name=f"Topic {slug}")
        ClaimFactory(status=status).topics.add(topic)
    TopicFactory(slug="empty", name="Topic empty")


def test_public_topics_are_those_of_public_claims(topics):
    assert sorted(Topic.objects.public().values_list("slug", flat=True)) == ["bone", "withdrawn"]


def test_topics_used_only_by_drafts_are_not_listed_on_the_api(topics):
    anon = APIClient()
    listed = [topic["slug"] for topic in anon.get("/api/topics/").json()["results"]]

    assert listed == ["bone", "withdrawn"]
    assert anon.get("/api/topics/pipeline/").status_code == 404
    assert anon.get("/api/topics/empty/").status_code == 404


def test_curators_see_every_topic_on_the_api(topics):
    curator = APIClient()
    curator.force_authenticate(CuratorFactory())
    assert curator.get("/api/topics/").json()["count"] == 4
    assert curator.get("/api/topics/pipeline/").status_code == 200


def test_topics_used_only_by_drafts_are_not_on_the_pages(client, topics):
    home = client.get("/").content.decode()
    claim_list = client.get("/claims/").content.decode()

    assert "Topic bone" in home
    assert "Topic pipeline" not in home
    assert "Topic empty" not in home
    assert "Topic pipeline" not in claim_list
    assert client.get("/topics/pipeline/").status_code == 404
    assert client.get("/topics/bone/").status_code == 200
