"""Full-text search shared by claims and references.

On PostgreSQL: English stemming, web-search syntax ("bone -mice", quoted phrases), fields
weighted A (most) to D, best matches first. The weighted `tsvector` is stored in each
searched table's `search_vector` column, kept current by a trigger on every insert and update
(bulk writes and COPY included) and indexed with GIN, so a search reads the index instead of
computing `to_tsvector` for every row. `StoredSearchVector` is the migration operation that
installs the trigger and the index; the weights live in one place, `SEARCH_WEIGHTS`.
Elsewhere (SQLite for `make run`) the same rule without stemming or rank: every word (or
quoted phrase) must occur, case-insensitively, in any of the searched fields (those of
`SEARCH_WEIGHTS`), and a word with a leading "-" must occur in none of them.
"""

import re
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connections, migrations
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest

VECTOR_FIELD = "search_vector"
# table -> {column: weight}: what each stored vector holds.
SEARCH_WEIGHTS = {
    "claims_claim": {"statement": "A", "summary": "B", "source_text": "C"},
    "citations_reference": {"title": "A", "container_title": "C", "as_cited": "C", "abstract": "D"},
}


def ranked_search(queryset: QuerySet, query: str, *, tiebreak: str) -> QuerySet:
    if not query.strip():
        return queryset
    if connections[queryset.db].vendor != "postgresql":
        fields = tuple(SEARCH_WEIGHTS[queryset.model._meta.db_table])
        return queryset.filter(words_match(query, fields)).order_by(tiebreak)
    terms = SearchQuery(query, search_type="websearch", config="english")
    return (
        queryset.filter(**{VECTOR_FIELD: terms})
        .annotate(search_rank=SearchRank(F(VECTOR_FIELD), terms))
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


def vector_sql(table: str, row: str) -> str:
    """The SQL of the weighted vector of `row` (NEW in the trigger, the table in a backfill)."""
    parts = (
        f"setweight(to_tsvector('english'::regconfig, coalesce({row}.{column}, '')), '{weight}')"
        for column, weight in SEARCH_WEIGHTS[table].items()
    )
    return " || ".join(parts)


class StoredSearchVector(migrations.operations.base.Operation):
    """PostgreSQL only: trigger filling `search_vector`, a backfill, and a GIN index."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str):
        self.table = table

    def state_forwards(self, app_label, state):
        pass  # the column is an ordinary field; only the database gains a trigger and an index

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table, name = self.table, f"{self.table}_search_vector"
        schema_editor.execute(
            f"CREATE FUNCTION {name}_fill() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"NEW.{VECTOR_FIELD} := {vector_sql(table, 'NEW')}; RETURN NEW; END $$"
        )
        columns = ", ".join(SEARCH_WEIGHTS[table])  # a regrade does not recompute vectors
        schema_editor.execute(
            f"CREATE TRIGGER {name}_fill BEFORE INSERT OR UPDATE OF {columns} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_fill()"
        )
        schema_editor.execute(f"UPDATE {table} SET {VECTOR_FIELD} = {vector_sql(table, table)}")  # noqa: S608
        schema_editor.execute(f"CREATE INDEX {name}_gin ON {table} USING gin ({VECTOR_FIELD})")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        name = f"{self.table}_search_vector"
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}_gin")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_fill ON {self.table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}_fill()")

    def describe(self):
        return f"Stored, indexed full-text search vector of {self.table}"


def similar_to(queryset: QuerySet, term: str, fields: tuple[str, ...], also: Q = None) -> QuerySet:
    """Rows where a word of one of `fields` is close to `term`, typos allowed ("Seifret"
    finds Seifert), closest first: PostgreSQL's pg_trgm word similarity, read through the
    trigram indexes of `TrigramIndexes`. `also` adds rows matched another way (an author).
    Elsewhere a case-insensitive match of the whole term."""
    if not term.strip():
        return queryset
    lookup = similarity_lookup(queryset)
    match = reduce(or_, (Q(**{f"{field}__{lookup}": term}) for field in fields))
    matched = queryset.filter(match | also if also is not None else match)
    if lookup == "icontains":
        return matched
    closeness = [TrigramWordSimilarity(term, field) for field in fields]
    closest = Greatest(*closeness) if len(closeness) > 1 else closeness[0]
    return matched.annotate(closeness=closest).order_by("-closeness", "pk")


def similarity_lookup(queryset: QuerySet) -> str:
    """The lookup that matches a close word on this queryset's database."""
    postgresql = connections[queryset.db].vendor == "postgresql"
    return "trigram_word_similar" if postgresql else "icontains"


class TrigramIndexes(migrations.operations.base.Operation):
    """PostgreSQL only: the pg_trgm extension and a GIN trigram index per (table, column)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, columns: tuple[tuple[str, str], ...]):
        self.columns = columns

    def state_forwards(self, app_label, state):
        pass  # indexes the model state does not need to know: SQLite has no trigrams

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in self.columns:
            schema_editor.execute(
                f"CREATE INDEX {table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in self.columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")

    def describe(self):
        return "Trigram indexes for typo-tolerant look-ups"
