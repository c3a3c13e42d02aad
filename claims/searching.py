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

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, router
from django.db.models import F

from citations import search as full_text
from claims import postings
from claims.listing import listed_claims
from claims.models import SEARCH_TIEBREAK, Claim, ClaimWord, Direction, GradeLevel

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
    ids in the order a search lists them (rank, then `SEARCH_TIEBREAK`), in one query
    through the table, or through the postings of the lexeme chosen for these words
    (`claims.postings`): its newest postings when the lexeme is the whole search (all of
    them match; a second query should some not), else walked until enough match."""
    period = int(time.monotonic() // CHOICE_SECONDS)
    chosen = CHOICES.get(words)
    if chosen is None or chosen[0] != period:
        found, choice = newest_choosing(words)
        if len(CHOICES) >= CHOICES_KEPT:
            CHOICES.clear()
        CHOICES[words] = (period, *choice)
        return found
    _, lexeme, alone, posted = chosen
    if alone:
        found = newest_through(words, lexeme, THROUGH_NEWEST_POSTINGS)
        if len(found.ranked) == full_text.RANKED_MATCHES or posted < full_text.RANKED_MATCHES:
            return found  # all found, or every posting read
    return newest_through(words, lexeme, THROUGH_POSTINGS if lexeme else THROUGH_TABLE)


# words -> (period, lexeme, alone, postings): each process's choice of postings for a
# search, made by its first search in a period of `CHOICE_SECONDS` in the same query
# (`newest_choosing`).
# Only speed depends on it: any lexeme chosen is one every match holds, so a choice made on
# older postings finds the same claims. Asking in a query of its own cost a round trip, a
# third of a rare word's search.
CHOICES: dict[str, tuple[int, str | None, bool, int]] = {}
CHOICES_KEPT = 1024
CHOICE_SECONDS = 60
THROUGH_TABLE, THROUGH_POSTINGS, THROUGH_NEWEST_POSTINGS = "table", "postings", "newest postings"


def newest_through(words: str, lexeme: str | None, through: str) -> NewestSearch:
    """`newest_search` read `through` the table (`lexeme` None), through the postings of
    `lexeme` (a lexeme every match holds) walked until `RANKED_MATCHES` match, or through
    its `RANKED_MATCHES` newest postings only: the same claims, counts and order, but for
    the last when some of those postings are not matches."""
    found, _ = newest_rows(words, lexeme, newest_sql(full_text.RANKED_MATCHES, through))
    return found


def newest_choosing(words: str) -> tuple[NewestSearch, tuple[str | None, bool, int]]:
    """`newest_search` through the table, and the postings to read for `words` from now on
    (`claims.postings.CHOICE_SQL`: a lexeme or None, whether it is the whole search, and
    how many postings it has, up to `claims.postings.SAMPLE`)."""
    sql, params = newest_sql(full_text.RANKED_MATCHES, THROUGH_TABLE)
    choosing = f"{sql} UNION ALL {postings.CHOICE_SQL}", (*params, WORDS, *postings.CHOICE_PARAMS)
    found, (lexeme, alone, posted) = newest_rows(words, None, choosing)
    return found, (lexeme, alone == "true", int(posted or 0))


def newest_rows(words: str, lexeme: str | None, query: tuple[str, tuple]):
    """The `NewestSearch` of `newest_sql`'s `query`, and its `CHOICE_SQL` row (count -1)."""
    sql, params = query
    values = {WORDS: words, LEXEME: lexeme}
    with connections[router.db_for_read(Claim)].cursor() as cursor:
        cursor.execute(sql, tuple(values.get(param, param) for param in params))
        rows = cursor.fetchall()
    ranked = next(row[4] for row in rows if row[3] == 0) or []  # no match: NULL
    choice = next((row[:3] for row in rows if row[3] == -1), None)
    return NewestSearch(tallied(row[:4] for row in rows if row[3] > 0), ranked), choice


WORDS = "\x00searched words\x00"  # where the words go in `newest_sql` (no text holds NUL)
LEXEME = "\x00walked lexeme\x00"  # where the walked lexeme goes
TABLE, NEWEST_FIRST = 'FROM "claims_claim" WHERE', "ORDER BY 1 DESC LIMIT"


@lru_cache(maxsize=8)
def newest_sql(matches: int, through: str = THROUGH_TABLE) -> tuple[str, tuple]:
    """`NEWEST_SQL` over the `matches` newest public claims matching `WORDS`, and its
    parameters, built from the named querysets once per process: building and compiling
    the search's queryset cost the web process more than PostgreSQL took to run it.

    Through postings (`newest_through`), the claims are those of `LEXEME`'s postings
    (`claims.postings`), under the same select, filter and limit: the `matches` newest
    looked up by key at once, or each looked up newest first until `matches` match."""
    newest = Claim.objects.public().search(WORDS)
    if through == THROUGH_NEWEST_POSTINGS:
        posted = ClaimWord.objects.filter(lexeme=LEXEME).order_by("-claim_id")[:matches]
        newest_posted = ArraySubquery(posted.values("claim_id"))
        newest = newest.filter(full_text.EqualsAny(F("pk"), newest_posted))
    columns = newest.order_by("-pk")[:matches].values_list(
        "pk", SEARCH_TIEBREAK, "grade_override", "grade_level", "grade_direction", full_text.RANK
    )
    sql, params = columns.query.sql_with_params()
    newest_first = f"{NEWEST_FIRST} {matches}"
    if WORDS not in params or sql.count(TABLE) != 1 or not sql.endswith(newest_first):
        raise RuntimeError("newest_sql: the search is not the query this module expects")
    if through == THROUGH_POSTINGS:
        before = sql[: sql.index(TABLE)].count("%s")
        params = (*params[:before], LEXEME, *params[before:])
        sql = sql.replace(TABLE, f'FROM {postings.CANDIDATES_SQL} AS "claims_claim" WHERE')
        sql = sql.removesuffix(newest_first) + f"ORDER BY posting.claim_id DESC LIMIT {matches}"
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
