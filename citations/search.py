"""Full-text search shared by claims and references.

One query language everywhere, PostgreSQL's web-search syntax: every word must occur,
`"quoted words"` as a phrase, `-word` must not occur, a bare `or` between words means either
side; English stemming and stop words; fields weighted A (most) to D (`SEARCH_WEIGHTS`, the
one place the weights live), best matches first, ties in the caller's `tiebreak` order.

Ranked pages rank at most `RANKED_MATCHES` matches (`newest_matches`, for the API's page
numbers): a search matching more lists its `RANKED_MATCHES` most recently added matches (the
highest primary keys), best first, and the older ones not at all. Ranking reads every ranked
row's vector from the table, so ranking a common word's 50,000 matches costs what reading
50,000 scattered rows does (about 250 ms at a million references), and the first page would
wait for all of it; the newest 200 cost the same at any size. 200 (500 until issue 27's last
round, 1,000 before): a claim search for a word in 5 % of 100,000 claims ranks all 200 by key
in 0.7 ms of PostgreSQL against 1.8 ms for 500, which took it from 8 % to 11 % of a trivial
view's requests per second under gunicorn (docs/scale.md, round eight); ten pages of twenty is
more than a reader pages through, and every filter narrows before the newest are chosen.
Fewer matches are all ranked, as before.

The weighted `tsvector` is stored in each searched table's `search_vector` column, kept
current on every insert and update (bulk writes and COPY included) and indexed with GIN, so a
search reads the index instead of computing `to_tsvector` for every row. References' is a
generated column (`stored_vector`, citations migration 0021: COPY then stores an import's
rows in batches); claims' is filled by a trigger (`StoredSearchVector`, the migration
operation that installs the trigger and the index), which their postings trigger follows
(docs/architecture.md says why). Both follow one rule, `vector_sql`; rank is `ts_rank`. A
`tsvector` holds at most 1 MB of lexemes, so the vector indexes the first
`INDEXED_CHARACTERS` characters of each column (at most 4 bytes each in UTF-8, so the columns
together stay within it): the stored field is never cut, a 2 MiB title is saved whole and
found by its first 50,000 characters' words, and a dry run and the real import agree
(`SearchVectorFunction` replaced the trigger's function of databases migrated before).
"""

from functools import reduce
from operator import or_

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import migrations
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest

VECTOR_FIELD = "search_vector"
# table -> {column: weight}: what each stored vector holds (a change here needs a migration
# that rebuilds the vectors).
SEARCH_WEIGHTS = {
    "claims_claim": {"statement": "A", "summary": "B", "source_text": "C"},
    "citations_reference": {"title": "A", "container_title": "C", "as_cited": "C", "abstract": "D"},
}
RANK = "search_rank"  # the annotation a ranked search orders by, best first
RANKED_MATCHES = 200
TSVECTOR_MAX_BYTES = 1024 * 1024 - 1  # PostgreSQL's limit on a tsvector's lexemes
INDEXED_CHARACTERS = 50_000  # per column; 4 columns x 50,000 x 4 bytes stay within the limit


def ranked_search(queryset: QuerySet, query: str, *, tiebreak: str) -> QuerySet:
    if not query.strip():
        return queryset
    terms = SearchQuery(query, search_type="websearch", config="english")
    return (
        queryset.filter(**{VECTOR_FIELD: terms})
        .annotate(**{RANK: SearchRank(F(VECTOR_FIELD), terms)})
        .order_by(f"-{RANK}", tiebreak)
    )


def newest_matches(queryset: QuerySet) -> QuerySet:
    """A search ordered by rank, narrowed to its `RANKED_MATCHES` most recently added matches
    (the highest primary keys, every filter applied); any other queryset as it is. They are
    read from the primary key index newest first (or the GIN index, for rarer words), so the
    database ranks at most `RANKED_MATCHES` rows whatever the number of matches.

    The outer query picks those rows as `pk = ANY(ARRAY(newest))`, an array computed once and
    looked up in the primary key index: written `pk IN (newest)`, the planner may join the
    newest to a sequential scan of every row matching the search again."""
    if queryset.query.order_by[:1] != (f"-{RANK}",):
        return queryset  # not a search, or one the caller orders otherwise (`?ordering=`)
    newest = queryset.order_by("-pk").values("pk")[:RANKED_MATCHES]
    return queryset.filter(EqualsAny(F("pk"), ArraySubquery(newest)))


class EqualsAny(Func):
    """`value = ANY(array)`: true when the array holds the value."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def vector_sql(table: str, row: str) -> str:
    """The SQL of the weighted vector of `row` (NEW in the trigger, the table in a backfill)."""
    text = "left(coalesce({row}{column}, ''), {limit})"
    row = f"{row}." if row else ""
    parts = (
        f"setweight(to_tsvector('english'::regconfig, "
        f"{text.format(row=row, column=column, limit=INDEXED_CHARACTERS)}), '{weight}')"
        for column, weight in SEARCH_WEIGHTS[table].items()
    )
    return " || ".join(parts)


def stored_vector(table: str) -> RawSQL:
    """The weighted vector of a row of `table`, for a `GeneratedField` (the same rule as the
    trigger's, `vector_sql`)."""
    sql = vector_sql(table, "")  # from SEARCH_WEIGHTS: column names and constants only
    return RawSQL(sql, [], output_field=SearchVectorField())  # noqa: S611


def fill_function_sql(table: str) -> str:
    """The trigger function setting NEW's vector (CREATE OR REPLACE: a migration may renew it)."""
    return (
        f"CREATE OR REPLACE FUNCTION {table}_search_vector_fill() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.{VECTOR_FIELD} := {vector_sql(table, 'NEW')}; RETURN NEW; END $$"
    )


class TableOperation(migrations.operations.base.Operation):
    """A migration operation on one table's database objects (triggers, functions, indexes)
    that the model state does not know."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str):
        self.table = table

    def state_forwards(self, app_label, state):
        pass


class DropVectorTrigger(TableOperation):
    """Drop the trigger and function of `StoredSearchVector` (the vector becomes a generated
    column); backwards, install them again, with the backfill and the GIN index."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        name = f"{self.table}_search_vector"
        schema_editor.execute(f"DROP TRIGGER {name}_fill ON {self.table}")
        schema_editor.execute(f"DROP FUNCTION {name}_fill()")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        StoredSearchVector(self.table).database_forwards(
            app_label, schema_editor, from_state, to_state
        )

    def describe(self):
        return f"Drop the search vector trigger of {self.table}"


class SearchVectorFunction(TableOperation):
    """Renew the trigger function of `StoredSearchVector` (stored vectors
    stay: they were computed from the same text, whole texts that fitted the limit)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(fill_function_sql(self.table))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # The earlier function failed on long texts: there is nothing to go back to.

    def describe(self):
        return f"Search vector of {self.table} indexes the first characters of long texts"


class StoredSearchVector(TableOperation):
    """A trigger filling `search_vector`, a backfill, and a GIN index."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table, name = self.table, f"{self.table}_search_vector"
        schema_editor.execute(fill_function_sql(table))
        columns = ", ".join(SEARCH_WEIGHTS[table])  # a regrade does not recompute vectors
        schema_editor.execute(
            f"CREATE TRIGGER {name}_fill BEFORE INSERT OR UPDATE OF {columns} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_fill()"
        )
        schema_editor.execute(f"UPDATE {table} SET {VECTOR_FIELD} = {vector_sql(table, table)}")  # noqa: S608
        schema_editor.execute(f"CREATE INDEX {name}_gin ON {table} USING gin ({VECTOR_FIELD})")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        name = f"{self.table}_search_vector"
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}_gin")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_fill ON {self.table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}_fill()")

    def describe(self):
        return f"Stored, indexed full-text search vector of {self.table}"


def similar_to(queryset: QuerySet, term: str, fields: tuple[str, ...], also: Q = None) -> QuerySet:
    """Rows where a word of one of `fields` is close to `term`, typos allowed ("Seifret"
    finds Seifert), closest first: PostgreSQL's pg_trgm word similarity, read through the
    trigram indexes of `TrigramIndexes`. `also` adds rows matched another way (an author)."""
    if not term.strip():
        return queryset
    match = reduce(or_, (Q(**{f"{field}__trigram_word_similar": term}) for field in fields))
    matched = queryset.filter(match | also if also is not None else match)
    closeness = [TrigramWordSimilarity(term, field) for field in fields]
    closest = Greatest(*closeness) if len(closeness) > 1 else closeness[0]
    return matched.annotate(closeness=closest).order_by("-closeness", "pk")


class TrigramIndexes(migrations.operations.base.Operation):
    """The pg_trgm extension and a GIN trigram index per (table, column)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, columns: tuple[tuple[str, str], ...]):
        self.columns = columns

    def state_forwards(self, app_label, state):
        pass  # indexes the model state does not need to know

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in self.columns:
            schema_editor.execute(
                f"CREATE INDEX {table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for table, column in self.columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")

    def describe(self):
        return "Trigram indexes for typo-tolerant look-ups"
