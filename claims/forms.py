"""The claim list's search and filter form: validates `?q=&topic=&level=&direction=`.

Each option shows how many public claims it would give (topics: overall; certainty and
direction: among the claims matching the search words), counted in one query per field kind.

A search is bounded like the API's (`citations.search.newest_matches`): it lists and ranks at
most the `RANKED_MATCHES` most recently added matching claims (every filter applied), found
through the GIN index, and its certainty and direction counts are counted over those same
claims, once per search words for `LEDGER_FACET_CACHE_SECONDS` (with no other filter, in the
query that also ranks them: `claims.searching`). A search matching more is
*capped*: the page says "more than N" instead of counting every match, since counting (or
ranking) a common word's hundreds of thousands of matches reads every one of them.

The form costs a list page little of its own: the topics it offers are those of the public
counts, and a chosen topic is looked up among them (`TopicChoiceField`, no query; a slug not
among them, in one query: the counts may be older than the topic's first public claim); options
are built once as Django keeps them (`Options`), never normalized or deep-copied per form.
"""

import hashlib
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.choices import BaseChoiceIterator

from citations import search as full_text
from citations.search import newest_matches
from claims.counts import PublicOverview, public_overview
from claims.listing import BY_STATEMENT, PublicClaims
from claims.models import Claim, Direction, GradeLevel, Topic
from claims.searching import NewestSearch, RankedClaims, newest_search
from config.caching import facet_cached

INVALID_FILTER = "That is not one of the listed options; choose another."


class Options(BaseChoiceIterator):
    """A field's choices as Django's fields keep them, (value, label) pairs of strings, which
    a field and its widget take as they are (a `BaseChoiceIterator` is not normalized) and a
    form shares with its copies: normalizing fifty topics' labels, for the field and again
    for its widget, and deep-copying the options with each form's fields, cost a list page
    more than validating the form."""

    def __init__(self, pairs):
        self.pairs = tuple(pairs)

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def __copy__(self):
        return self  # immutable

    def __deepcopy__(self, memo):
        return self


NO_NUL = ProhibitNullCharactersValidator()


class TopicChoiceField(forms.ChoiceField):
    """A topic of the options (`offer`), by slug, cleaned to that `Topic`: the options are
    the public topics (`public_counted`), so the choice is looked up among them, not in a
    query. Errors as a `ModelChoiceField`'s: NUL refused first, then an unknown slug."""

    def __init__(self, *, empty_label: str, **kwargs):
        super().__init__(choices=Options([("", empty_label)]), **kwargs)
        self.empty_label = empty_label
        self.topics = {}

    def offer(self, topics) -> None:
        """Offer `topics` (each with its `claim_count`), by name as they come."""
        self.topics = {topic.slug: topic for topic in topics}
        self.choices = Options([("", self.empty_label), *map(topic_option, topics)])

    def to_python(self, value):
        if value in self.empty_values:
            return None
        NO_NUL(value)
        topic = self.topics.get(str(value)) or self.newly_public(str(value))
        if topic is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return topic

    def newly_public(self, slug: str):
        """The public topic of `slug` the options, kept for `LEDGER_FACET_CACHE_SECONDS`, do
        not yet have (its first public claim, or a new slug, is newer): one query, offered
        by name (no count) so the page shows it chosen; None for a slug no public topic has."""
        topic = Topic.objects.public().filter(slug=slug).first()
        if topic is not None:
            self.choices = Options([*self.choices, (topic.slug, topic.name)])
        return topic

    def validate(self, value):
        forms.Field.validate(self, value)  # required or not: `to_python` checked the choice


def topic_option(topic) -> tuple[str, str]:
    return topic.slug, f"{topic.name} ({topic.claim_count})"


PUBLIC_COUNTS_CACHE_KEY = "claims:public-counts"
FACETS_CACHE_KEY = "claims:facets"


def public_counted(counts_version=None) -> PublicOverview:
    """The public counts and the topics with a public claim, each with `claim_count`, read
    in one query from the public counts (claims.counts), not counted over the claims.

    Kept for `LEDGER_FACET_CACHE_SECONDS`: the home page and every claim list share one read.
    With a `counts_version` (claims.page_cache.list_version), kept under it: read again as
    soon as a public count changes.
    """
    return facet_cached(versioned(PUBLIC_COUNTS_CACHE_KEY, counts_version), public_overview)


def public_topics(counts_version=None) -> list:
    """Topics with at least one public claim, each with `claim_count` (`public_counted`)."""
    return public_counted(counts_version).topics


def versioned(key: str, counts_version) -> str:
    return key if counts_version is None else f"{key}@{counts_version}"


def public_facet_counts(counts: dict | None = None) -> dict[str, int]:
    """The facet counts (`total`, `level_<level>`, `direction_<direction>`) of every public
    claim, from the public counts (`counts`, as `public_counted` gives them; else read)."""
    counts = public_overview().counts if counts is None else counts
    levels = {f"level_{v}": counts.get(("level", v), 0) for v in GradeLevel.values}
    directions = {f"direction_{v}": counts.get(("direction", v), 0) for v in Direction}
    return {"total": counts.get(("total", ""), 0), **levels, **directions}


def search_facet_counts(words: str, counts_version=None) -> dict[str, int]:
    """Facet counts of the public claims matching `words` (at most the `RANKED_MATCHES`
    newest of them, the ones a search lists); without words, of every public claim. Cached
    like the topic counts, per search words."""
    if words:
        return cached_search(words, counts_version).counts
    return public_facet_counts(public_counted(counts_version).counts)


def cached_search(words: str, counts_version=None) -> NewestSearch:
    """`claims.searching.newest_search(words)`, cached like the topic counts, per search
    words (the ids with the counts: as long as the list page they make is kept)."""
    key = f"{FACETS_CACHE_KEY}:{hashlib.sha256(words.encode()).hexdigest()}"
    return facet_cached(versioned(key, counts_version), lambda: newest_search(words))


@cache
def public_claims():
    """`Claim.objects.public()`, what a list is filtered from, built once per process and
    never evaluated here (each list chains a copy of it): building its condition cost a
    list page more than reading it."""
    return Claim.objects.public()


ANY_LEVEL = ("", "Any certainty")
ANY_DIRECTION = ("", "Any direction")
LEVELS = tuple(GradeLevel.choices)
DIRECTIONS = tuple(Direction.choices)


def counted(choices, counts: dict[str, int], prefix: str) -> list[tuple[str, str]]:
    return [(value, f"{label} ({counts[f'{prefix}_{value}']})") for value, label in choices]


class ClaimFilterForm(forms.Form):
    q = forms.CharField(label="Search claims", required=False, max_length=200)
    topic = TopicChoiceField(
        label="Topic",
        empty_label="Any topic",
        required=False,
        error_messages={"invalid_choice": INVALID_FILTER},
    )
    level = forms.ChoiceField(
        label="Certainty",
        choices=Options([ANY_LEVEL, *LEVELS]),
        required=False,
        error_messages={"invalid_choice": INVALID_FILTER},
    )
    direction = forms.ChoiceField(
        label="Direction",
        choices=Options([ANY_DIRECTION, *DIRECTIONS]),
        required=False,
        error_messages={"invalid_choice": INVALID_FILTER},
    )

    def __init__(self, *args, counts_version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.counts_version = counts_version  # the counts' cache keys (public_topics)
        self.public = public_counted(counts_version)  # one read: topics, options, total
        self.topics = self.public.topics  # with their counts; list items name them
        self.fields["topic"].offer(self.topics)

    def count_options(self):
        """Put counts into the certainty and direction options (after `is_valid()`)."""
        words = (self.cleaned_data.get("q") if self.is_bound else "") or ""
        self.search = cached_search(words, self.counts_version) if words else None
        # Without words, what the public counts say, read with the topics.
        counts = self.search.counts if self.search else public_facet_counts(self.public.counts)
        self.searched_only = self.is_valid() and not any(
            value for name, value in self.cleaned_data.items() if name != "q"
        )
        # The list's total when the facets counted it: no filter but the search words.
        self.known_total = counts["total"] if self.searched_only else None
        self.capped = bool(words) and counts["total"] >= full_text.RANKED_MATCHES
        level, direction = self.fields["level"], self.fields["direction"]
        level.choices = Options([ANY_LEVEL, *counted(LEVELS, counts, "level")])
        direction.choices = Options([ANY_DIRECTION, *counted(DIRECTIONS, counts, "direction")])

    def filter(self, claims):
        """The public claims that match the cleaned data (call after `is_valid()`)."""
        data = self.cleaned_data
        claims = claims.search(data["q"])
        if data["topic"]:
            claims = claims.filter(topics=data["topic"])
        if data["level"]:
            claims = claims.with_level(data["level"])
        if data["direction"]:
            claims = claims.filter(grade_direction=data["direction"])
        return newest_matches(claims)

    def results(self):
        """Matching public claims in list order, none when the input is invalid: a queryset
        whose pages are read as ids, then rows (`claims.listing.page_claims`). A search with
        no other filter lists the ids its counts came with, best first (`claims.searching`);
        no search and no filter, every public claim (`claims.listing.PublicClaims`)."""
        claims = public_claims()
        valid = self.is_valid()
        self.count_options()
        if not valid:
            return claims.none()
        if self.searched_only and self.search:
            return RankedClaims(self.search.ranked)
        if self.searched_only:
            return PublicClaims(self.known_total)  # no words, no filter
        return self.filter(claims.order_by(BY_STATEMENT))  # search re-orders by rank
