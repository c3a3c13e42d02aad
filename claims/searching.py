"""A claim search's newest matches, counted and ranked in one query.

A search lists at most the `RANKED_MATCHES` most recently added public claims matching its
words (`citations.search.newest_matches`). With no filter but the words, the list page needs
three things of that one set: how many there are, how many have each certainty level and
direction (the options' counts), and their order, best match first. `newest_search` reads
the set once, through the index a search reads, and gives all three: the grades grouped (a
dozen rows) and the ids ranked (one array), so the page itself reads only its 20 rows by id
(`RankedClaims`). Ranking and counting the same matches in the page's query and again in a
count query read each match twice, ranked every match in the wide rows of the page, and cost
the web process two large queries to build.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.db import connections, router

from citations import search as full_text
from claims.listing import listed_claims
from claims.models import SEARCH_TIEBREAK, Claim, Direction, GradeLevel

# The newest matches once: their grades grouped (a count each), then one row (count 0)
# holding their ids best first, as `Claim.objects.search` orders them.
NEWEST_SQL = """
    WITH newest (id, tiebreak, grade_override, grade_level, grade_direction, rank)
    AS MATERIALIZED ({newest})
    SELECT grade_override, grade_level, grade_direction, count(*), NULL FROM newest
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT NULL, NULL, NULL, 0, array_agg(id ORDER BY rank DESC, tiebreak) FROM newest
"""


@dataclass(frozen=True)
class NewestSearch:
    counts: dict[str, int]  # `total`, `level_<level>`, `direction_<direction>`
    ranked: list[int]  # the matches' ids, best first


def newest_search(words: str) -> NewestSearch:
    """The `RANKED_MATCHES` newest public claims matching `words`: their counts and their
    ids in the order a search lists them (rank, then `SEARCH_TIEBREAK`), in one query."""
    sql, params = newest_sql(full_text.RANKED_MATCHES)
    params = tuple(words if param == WORDS else param for param in params)
    with connections[router.db_for_read(Claim)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    ranked = next(row[4] for row in rows if row[3] == 0) or []  # no match: NULL
    return NewestSearch(tallied(row[:4] for row in rows if row[3]), ranked)


WORDS = "\x00searched words\x00"  # where the words go in `newest_sql` (no text holds NUL)


@lru_cache(maxsize=4)
def newest_sql(matches: int) -> tuple[str, tuple]:
    """`NEWEST_SQL` over the `matches` newest public claims matching `WORDS`, and its
    parameters, built from the named querysets once per process: building and compiling
    the search's queryset cost the web process more than PostgreSQL took to run it."""
    newest = Claim.objects.public().search(WORDS).order_by("-pk")[:matches]
    columns = newest.values_list(
        "pk", SEARCH_TIEBREAK, "grade_override", "grade_level", "grade_direction", full_text.RANK
    )
    sql, params = columns.query.sql_with_params()
    if WORDS not in params:
        raise RuntimeError("newest_sql: the search words are not a parameter of the query")
    return NEWEST_SQL.format(newest=sql), params


def tallied(rows) -> dict[str, int]:
    """Facet counts from (override, computed level, direction, count) rows: a claim's level
    is its override when set, else the computed one (`claims.models.level_is`)."""
    counts = dict.fromkeys(
        ["total"]
        + [f"level_{value}" for value in GradeLevel.values]
        + [f"direction_{value}" for value in Direction.values],
        0,
    )
    for override, level, direction, count in rows:
        counts["total"] += count
        for key in (f"level_{override or level}", f"direction_{direction}"):
            if key in counts:
                counts[key] += count
    return counts


class RankedClaims:
    """The public claims of `ranked` ids in that order, as a Paginator reads a list: its
    length, and slices of it, each one query for its rows (`claims.listing.listed_claims`;
    a claim no longer public is left out)."""

    ordered = True  # Paginator warns of an unordered list

    def __init__(self, ranked: list[int]):
        self.ranked = ranked

    def __len__(self) -> int:
        return len(self.ranked)

    def count(self) -> int:
        return len(self.ranked)

    def __getitem__(self, window: slice) -> list:
        return listed_claims(self.ranked[window])
