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

The newest matches of a word in a few percent of the claims are read through its postings,
newest first (`claims.postings`: which word, and why), under the same select, filter and
limit: reading the table, PostgreSQL walked every claim between them.
"""

import time
from dataclasses import dataclass
from functools import lru_cache

from django.db import connections, router

from citations import search as full_text
from claims import postings
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
    ids in the order a search lists them (rank, then `SEARCH_TIEBREAK`), in one query,
    through the postings of the lexeme `walked_lexeme` names (`claims.postings`), if any."""
    return newest_through(words, walked_lexeme(words, int(time.monotonic() // WALK_SECONDS)))


def newest_through(words: str, lexeme: str | None) -> NewestSearch:
    """`newest_search` through the postings of `lexeme`, a lexeme every match holds (None:
    through the table): the same claims, counts and order whichever."""
    sql, params = newest_sql(full_text.RANKED_MATCHES, walked=lexeme is not None)
    values = {WORDS: words, LEXEME: lexeme}
    with connections[router.db_for_read(Claim)].cursor() as cursor:
        cursor.execute(sql, tuple(values.get(param, param) for param in params))
        rows = cursor.fetchall()
    ranked = next(row[4] for row in rows if row[3] == 0) or []  # no match: NULL
    return NewestSearch(tallied(row[:4] for row in rows if row[3]), ranked)


WALK_SECONDS = 60  # how long a process keeps its choice of lexeme for the same words


@lru_cache(maxsize=1024)
def walked_lexeme(words: str, period: int) -> str | None:
    """The lexeme whose postings a search for `words` walks, or None (`claims.postings`),
    chosen once a `period` per process. Only speed depends on it: any lexeme it names is
    one every match holds, so a choice made on older postings finds the same claims; asking
    on every search cost a round trip and a third of the time of a rare word's search."""
    with connections[router.db_for_read(Claim)].cursor() as cursor:
        cursor.execute(postings.WALKED_SQL, [words, postings.SAMPLE, postings.DENSE_PERCENT])
        return cursor.fetchone()[0]


WORDS = "\x00searched words\x00"  # where the words go in `newest_sql` (no text holds NUL)
LEXEME = "\x00walked lexeme\x00"  # where the walked lexeme goes
TABLE, NEWEST_FIRST = 'FROM "claims_claim" WHERE', "ORDER BY 1 DESC LIMIT"


@lru_cache(maxsize=4)
def newest_sql(matches: int, *, walked: bool = False) -> tuple[str, tuple]:
    """`NEWEST_SQL` over the `matches` newest public claims matching `WORDS`, and its
    parameters, built from the named querysets once per process: building and compiling
    the search's queryset cost the web process more than PostgreSQL took to run it.

    `walked`: the claims are the postings of `LEXEME`, newest first (`claims.postings`),
    instead of the table, under the same select, filter and limit."""
    newest = Claim.objects.public().search(WORDS).order_by("-pk")[:matches]
    columns = newest.values_list(
        "pk", SEARCH_TIEBREAK, "grade_override", "grade_level", "grade_direction", full_text.RANK
    )
    sql, params = columns.query.sql_with_params()
    if WORDS not in params or sql.count(TABLE) != 1 or sql.count(NEWEST_FIRST) != 1:
        raise RuntimeError("newest_sql: the search is not the query this module expects")
    if walked:
        before = sql[: sql.index(TABLE)].count("%s")
        params = (*params[:before], LEXEME, *params[before:])
        sql = sql.replace(TABLE, f'FROM {postings.CANDIDATES_SQL} AS "claims_claim" WHERE')
        sql = sql.replace(NEWEST_FIRST, "ORDER BY posting.claim_id DESC LIMIT")
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
