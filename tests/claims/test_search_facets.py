"""A search's certainty and direction counts and its order come from one query over its
newest matches (`claims.searching.newest_search`): the same numbers as counting those claims
with one filtered aggregate per option, drafts never counted, each number what a reader
lists by choosing that option, and the same claims in the same order as ranking them in the
page's query."""

import pytest
from django.db.models import Count, Q

from citations.search import newest_matches
from claims.models import Claim, Direction, GradeLevel, level_is
from claims.searching import newest_search
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
    # ranks that differ: the statement counts most, then the summary, then the source's words
    ClaimFactory(statement="Osteon osteon osteon.", summary="osteon", grade_level="low")
    ClaimFactory(statement="Bone.", source_text="An osteon.", grade_level="low")
    ClaimFactory(statement="Another bone.", summary="Osteon.", grade_level="low")
    return claims


def newest_facet_counts(words: str) -> dict[str, int]:
    return newest_search(words).counts


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
    assert counts["total"] == 9
    assert counts["level_high"] == 1  # the override, not the draft's computed level
    assert counts["level_low"] == 4
    assert counts["level_moderate"] == 3
    assert counts["level_very_low"] == 0
    assert counts["direction_supported"] == 2


def test_the_newest_matches_only_are_counted(matching_claims, monkeypatch):
    monkeypatch.setattr("citations.search.RANKED_MATCHES", 4)
    counts = newest_facet_counts("osteon")
    assert counts["total"] == 4
    assert counts["level_moderate"] == 1  # the newest four public claims: one moderate
    assert counts["level_low"] == 3


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
    assert "9 claims matching “osteon”" in response.text
    assert '<option value="moderate">Moderate (3)</option>' in response.text


def ranked_in_the_page_query(words: str) -> list[int]:
    """The order the page's own query gave: rank, then statement, over the newest matches."""
    return list(newest_matches(Claim.objects.public().search(words)).values_list("pk", flat=True))


@pytest.mark.parametrize("ranked", [1000, 4, 1])
def test_the_ranked_ids_are_the_page_querys_order(matching_claims, monkeypatch, ranked):
    monkeypatch.setattr("citations.search.RANKED_MATCHES", ranked)
    for words in ("osteon", "claim", "bone or osteon", "nothing-matches"):
        assert newest_search(words).ranked == ranked_in_the_page_query(words)


def test_the_best_match_comes_first(matching_claims):
    ranked = newest_search("osteon").ranked
    best = Claim.objects.get(statement="Osteon osteon osteon.")
    in_source_only = Claim.objects.get(statement="Bone.")
    assert ranked[0] == best.pk
    assert ranked[-1] == in_source_only.pk  # the source's words weigh least


def test_pages_list_the_ranked_claims_in_order(client, matching_claims, monkeypatch):
    monkeypatch.setattr("claims.views.PAGE_SIZE", 4)
    expected = ranked_in_the_page_query("osteon")
    listed = []
    for number in (1, 2, 3):
        page = client.get(f"/claims/?q=osteon&page={number}")
        listed += [claim.pk for claim in page.context["claims"]]
        assert all(claim.topic_ids == [] for claim in page.context["claims"])  # list columns
    assert listed == expected
    assert "9 claims matching" in page.text
