"""Full-text search shared by claims and references.

On PostgreSQL: English stemming, web-search syntax ("bone -mice", quoted phrases), fields
weighted A (most) to D, best matches first. Elsewhere (SQLite for `make run`) the same
rule without stemming or rank: every word (or quoted phrase) must occur, case-insensitively,
in any of the searched fields, and a word with a leading "-" must occur in none of them.
No GIN index yet: a sequential scan is fine at tens of thousands of rows.
"""

import re
from functools import reduce
from operator import add, and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Q, QuerySet


def ranked_search(
    queryset: QuerySet,
    query: str,
    *,
    weights: dict[str, str],
    tiebreak: str,
) -> QuerySet:
    if not query.strip():
        return queryset
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(words_match(query, tuple(weights))).order_by(tiebreak)
    vector = reduce(
        add,
        (SearchVector(field, weight=w, config="english") for field, w in weights.items()),
    )
    terms = SearchQuery(query, search_type="websearch", config="english")
    return (
        queryset.alias(search_vector=vector)
        .filter(search_vector=terms)
        .annotate(search_rank=SearchRank(vector, terms))
        .order_by("-search_rank", tiebreak)
    )


TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


def query_terms(query: str) -> list[tuple[bool, str]]:
    """(excluded, text) for each word or quoted phrase of a web-search style query."""
    found = []
    for quoted_minus, phrase, minus, word in TERM.findall(query):
        text = (phrase or word).strip()
        if text and text.lower() not in {"or", "-"}:
            found.append((bool(quoted_minus or minus) and bool(word or phrase), text))
    return found


def words_match(query: str, fields: tuple[str, ...]) -> Q:
    """Every term in some field; every excluded term in none (the SQLite fallback)."""
    conditions = []
    for excluded, text in query_terms(query):
        anywhere = reduce(or_, (Q(**{f"{field}__icontains": text}) for field in fields))
        conditions.append(~anywhere if excluded else anywhere)
    return reduce(and_, conditions) if conditions else Q()
