"""Full-text search shared by claims and references.

On PostgreSQL: English stemming, web-search syntax ("bone -mice", quoted phrases), fields
weighted A (most) to D, best matches first. Elsewhere (SQLite for `make run`): a
case-insensitive match on the fallback fields. No GIN index yet: a sequential scan is fine at
tens of thousands of rows.
"""

from functools import reduce
from operator import add, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Q, QuerySet


def ranked_search(
    queryset: QuerySet,
    query: str,
    *,
    weights: dict[str, str],
    fallback: tuple[str, ...],
    tiebreak: str,
) -> QuerySet:
    if not query.strip():
        return queryset
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": query}) for f in fallback)))
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
