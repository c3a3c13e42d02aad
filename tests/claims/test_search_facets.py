"""A search's certainty and direction counts come from one grouped query over its newest
matches (`claims.forms.newest_facet_counts`): the same numbers as counting those claims with
one filtered aggregate per option, drafts never counted, and each number what a reader
lists by choosing that option."""

import pytest
from django.db.models import Count, Q

from citations.search import newest_matches
from claims.forms import newest_facet_counts
from claims.models import Claim, Direction, GradeLevel, level_is
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

# (status, computed level, override, direction): matching claims, oldest first
MATCHING = [
    ("published", "low", "", "supported"),
    ("published", "low", "high", "contested"),  # the override is its level
    ("draft", "high", "", "supported"),  # never counted
    ("retracted", "moderate", "", "contradicted"),  # public, with a banner
    ("published", "not_graded", "", "none"),
    ("published", "very_low", "moderate", "no_difference"),
    ("published", "moderate", "", "supported"),
]


@pytest.fixture
def matching_claims():
    claims = [
        ClaimFactory(
            statement=f"Osteon claim {i}.",
            status=status,
            grade_level=level,
            grade_override=override,
            override_rationale="Curated." if override else "",
            grade_direction=direction,
        )
        for i, (status, level, override, direction) in enumerate(MATCHING)
    ]
    ClaimFactory(statement="Unrelated estrogen claim.", grade_level="high")
    return claims


def counted_one_by_one(words: str) -> dict[str, int]:
    """What the claim list counted before: a filtered aggregate per option over the
    search's newest matches."""
    levels = {f"level_{v}": Count("pk", filter=level_is(v)) for v in GradeLevel.values}
    directions = {f"direction_{v}": Count("pk", filter=Q(grade_direction=v)) for v in Direction}
    matches = newest_matches(Claim.objects.public().search(words))
    return matches.aggregate(total=Count("pk"), **levels, **directions)


@pytest.mark.parametrize("ranked", [1000, 4, 1])
def test_the_grouped_counts_equal_one_aggregate_per_option(matching_claims, monkeypatch, ranked):
    monkeypatch.setattr("citations.search.RANKED_MATCHES", ranked)
    for words in ("osteon", "claim", "osteon -estrogen", "nothing-matches"):
        assert newest_facet_counts(words) == counted_one_by_one(words)


def test_counts_take_the_override_and_leave_drafts_out(matching_claims):
    counts = newest_facet_counts("osteon")
    assert counts["total"] == 6
    assert counts["level_high"] == 1  # the override, not the draft's computed level
    assert counts["level_low"] == 1
    assert counts["level_moderate"] == 3
    assert counts["level_very_low"] == 0
    assert counts["direction_supported"] == 2


def test_the_newest_matches_only_are_counted(matching_claims, monkeypatch):
    monkeypatch.setattr("citations.search.RANKED_MATCHES", 2)
    counts = newest_facet_counts("osteon")
    assert counts["total"] == 2
    assert counts["level_moderate"] == 2  # the last two public claims


def test_each_count_is_what_choosing_the_option_lists(client, matching_claims):
    page = client.get("/claims/?q=osteon")
    counts = newest_facet_counts("osteon")
    assert page.context["page"].paginator.count == counts["total"]
    for field, values in (("level", GradeLevel.values), ("direction", Direction.values)):
        for value in values:
            listed = client.get(f"/claims/?q=osteon&{field}={value}").context["claims"]
            assert len(listed) == counts[f"{field}_{value}"], (field, value)
            assert all(claim.status != "draft" for claim in listed)


def test_a_search_page_reads_topics_counts_and_the_page_in_three_queries(
    client, matching_claims, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get("/claims/?q=osteon")
    assert "6 claims matching “osteon”" in response.text
    assert '<option value="moderate">Moderate (3)</option>' in response.text
