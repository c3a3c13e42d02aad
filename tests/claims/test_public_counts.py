"""Public counts kept by the database (claims.counts) agree with counting the claims."""

import pytest
from django.db.models import Count

from claims.access import is_public
from claims.counts import public_count, public_counts, public_overview
from claims.models import Claim, PublicCount, Topic
from tests.factories import ClaimFactory, TopicFactory

pytestmark = pytest.mark.django_db


def counted() -> dict[tuple[str, str], int]:
    """The same counts, counted over every claim (what the triggers spare the readers)."""
    public = Claim.objects.public()
    truth = {("total", ""): public.count()}
    for claim in public:
        level = claim.grade_override or claim.grade_level
        truth[("level", level)] = truth.get(("level", level), 0) + 1
        key = ("direction", claim.grade_direction)
        truth[key] = truth.get(key, 0) + 1
    topics = Topic.objects.annotate(n=Count("claims", filter=is_public("claims__")))
    truth.update({("topic", str(topic.pk)): topic.n for topic in topics if topic.n})
    return truth


def test_counts_follow_every_kind_of_write():
    bone, heart = TopicFactory(), TopicFactory()
    first = ClaimFactory(status="published", grade_level="low", grade_direction="supported")
    first.topics.add(bone, heart)
    draft = ClaimFactory(status="draft", grade_level="high")
    draft.topics.add(bone)
    assert public_counts() == counted()

    draft.status = "published"  # published: counted, with the topic it already had
    draft.save()
    first.grade_override, first.override_rationale = "moderate", "Curator's judgement."
    first.save()
    first.topics.remove(heart)
    Claim.objects.filter(pk=draft.pk).update(grade_direction="contested")  # bulk update too
    assert public_counts() == counted()
    assert public_counts()[("level", "moderate")] == 1

    draft.status = "retracted"  # retracted claims stay public (with a banner)
    draft.save()
    first.delete()
    assert public_counts() == counted()
    assert public_count("topic", str(bone.pk)) == 1
    assert public_count("topic", str(heart.pk)) == 0


def test_the_overview_reads_the_counts_and_their_topics_in_one_query(
    django_assert_num_queries,
):
    bone, heart, plans = (TopicFactory(name=name) for name in ("Bone", "Heart", "Plans"))
    ClaimFactory(status="published", grade_level="low").topics.add(bone, heart)
    ClaimFactory(status="retracted").topics.add(bone)
    ClaimFactory(status="draft").topics.add(plans)
    Claim.objects.filter(topics=heart).update(status="draft")  # bone 1, heart 0
    with django_assert_num_queries(1):
        overview = public_overview()
    assert overview.counts == public_counts() == counted()
    assert [(topic.name, topic.claim_count) for topic in overview.topics] == [("Bone", 1)]
    assert list(Topic.objects.public()) == overview.topics
    assert overview.topics[0].get_absolute_url() == bone.get_absolute_url()


def test_many_deltas_are_folded_into_one_row_per_count(monkeypatch):
    monkeypatch.setattr("claims.counts.COMPACT_AT", 5)
    topic = TopicFactory()
    for _ in range(4):
        ClaimFactory(status="published").topics.add(topic)
    before = public_counts()  # reads the sums, then folds the rows
    assert PublicCount.objects.count() == len(before)
    assert public_counts() == before == counted()


def test_topic_page_reads_its_count_without_counting(client, django_assert_max_num_queries):
    topic = TopicFactory(slug="bone")
    for status in ("published", "published", "draft"):
        ClaimFactory(status=status).topics.add(topic)
    # topic, its count, the page's ids, their rows (claims.listing), the page's topics
    with django_assert_max_num_queries(5) as queries:
        response = client.get("/topics/bone/")
    assert response.context["page"].paginator.count == 2
    assert not any(query["sql"].startswith("SELECT COUNT(") for query in queries.captured_queries)


def test_home_and_list_topic_counts_come_from_the_public_counts(client):
    topic = TopicFactory(name="Bone")
    ClaimFactory(status="published").topics.add(topic)
    ClaimFactory(status="draft").topics.add(TopicFactory(name="Secret plans"))
    page = client.get("/claims/").text
    assert "Bone (1)" in page
    assert "Secret plans" not in page
