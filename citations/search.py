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
wait for all of it; the newest thousand cost the same at any size. Fewer matches are all
ranked, as before.

On PostgreSQL the weighted `tsvector` is stored in each searched table's `search_vector`
column, kept current by a trigger on every insert and update (bulk writes and COPY included)
and indexed with GIN, so a search reads the index instead of computing `to_tsvector` for
every row. `StoredSearchVector` is the migration operation that installs the trigger and the
index; rank is `ts_rank`. A `tsvector` holds at most 1 MB of lexemes, so the vector indexes
the first `INDEXED_CHARACTERS` characters of each column (at most 4 bytes each in UTF-8,
so the columns together stay within it): the stored field is never cut, a 2 MiB title is saved
whole and found by its first 50,000 characters' words, and a dry run and the real import
agree (`SearchVectorFunction` replaced the trigger's function of databases migrated before).

On SQLite (`make run`) the index is an FTS5 table `<table>_fts` with external content (the
table's searched columns, read from the table itself; `porter` stemming over `unicode61
remove_diacritics 2`), kept current by insert, update and delete triggers and filled from
the rows there when `FullTextTable` (the migration operation) creates it; rank is `bm25()`
with `RANK_WEIGHTS`, ts_rank's weights. Django's SQLite backend alters a table by copying it
into a new one, which drops the triggers: after every `migrate`, `restore_fts5_triggers` puts
back the missing ones and refills that index. The query becomes a MATCH expression in
`citations.fts5`, which quotes every word, so no input is FTS5 syntax. Where SQLite lacks
FTS5 (`sqlite_has_fts5`, asked once), the migrations skip and search falls back to
`words_match`: every word (or quoted phrase) must occur, case-insensitively, in any of the
searched fields and a "-word" in none; no stemming, no rank, "or" read as a word to drop.
"""

import sqlite3
from contextlib import closing
from functools import cache, reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connections, migrations
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest

from citations import fts5
from citations.fts5 import TERM

VECTOR_FIELD = "search_vector"
# table -> {column: weight}: what each stored vector and each FTS5 table holds (a change
# here needs a migration that rebuilds both).
SEARCH_WEIGHTS = {
    "claims_claim": {"statement": "A", "summary": "B", "source_text": "C"},
    "citations_reference": {"title": "A", "container_title": "C", "as_cited": "C", "abstract": "D"},
}
# What a match in a field of each weight counts: PostgreSQL's ts_rank defaults, which the
# SQLite index's bm25() uses too.
RANK_WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
FTS5_TOKENIZER = "porter unicode61 remove_diacritics 2"
RANK = "search_rank"  # the annotation a ranked search orders by, best first
RANKED_MATCHES = 1000
TSVECTOR_MAX_BYTES = 1024 * 1024 - 1  # PostgreSQL's limit on a tsvector's lexemes
INDEXED_CHARACTERS = 50_000  # per column; 4 columns x 50,000 x 4 bytes stay within the limit


def ranked_search(queryset: QuerySet, query: str, *, tiebreak: str) -> QuerySet:
    if not query.strip():
        return queryset
    connection = connections[queryset.db]
    if uses_fts5(connection):
        return fts5_search(queryset, query, tiebreak=tiebreak)
    if connection.vendor != "postgresql":
        fields = tuple(SEARCH_WEIGHTS[queryset.model._meta.db_table])
        return queryset.filter(words_match(query, fields)).order_by(tiebreak)
    terms = SearchQuery(query, search_type="websearch", config="english")
    return (
        queryset.filter(**{VECTOR_FIELD: terms})
        .annotate(**{RANK: SearchRank(F(VECTOR_FIELD), terms)})
        .order_by(f"-{RANK}", tiebreak)
    )


def newest_matches(queryset: QuerySet) -> QuerySet:
    """A search ordered by rank, narrowed to its `RANKED_MATCHES` most recently added matches
    (the highest primary keys, every filter applied); any other queryset as it is. They are
    read from the primary key index newest first, so the database ranks at most
    `RANKED_MATCHES` rows whatever the number of matches."""
    if queryset.query.order_by[:1] != (f"-{RANK}",):
        return queryset  # not a search, or one the caller orders otherwise (`?ordering=`)
    newest = queryset.order_by("-pk").values("pk")[:RANKED_MATCHES]
    return queryset.filter(pk__in=newest)


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
    text = "left(coalesce({row}.{column}, ''), {limit})"
    parts = (
        f"setweight(to_tsvector('english'::regconfig, "
        f"{text.format(row=row, column=column, limit=INDEXED_CHARACTERS)}), '{weight}')"
        for column, weight in SEARCH_WEIGHTS[table].items()
    )
    return " || ".join(parts)


def fill_function_sql(table: str) -> str:
    """The trigger function setting NEW's vector (CREATE OR REPLACE: a migration may renew it)."""
    return (
        f"CREATE OR REPLACE FUNCTION {table}_search_vector_fill() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.{VECTOR_FIELD} := {vector_sql(table, 'NEW')}; RETURN NEW; END $$"
    )


class SearchVectorFunction(migrations.operations.base.Operation):
    """PostgreSQL only: renew the trigger function of `StoredSearchVector` (stored vectors
    stay: they were computed from the same text, whole texts that fitted the limit)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str):
        self.table = table

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(fill_function_sql(self.table))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # The earlier function failed on long texts: there is nothing to go back to.

    def describe(self):
        return f"Search vector of {self.table} indexes the first characters of long texts"


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
        schema_editor.execute(fill_function_sql(table))
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


@cache
def sqlite_has_fts5() -> bool:
    """Whether this process's SQLite library has FTS5 (asked once, of a scratch database)."""
    with closing(sqlite3.connect(":memory:")) as probe:
        try:
            probe.execute("CREATE VIRTUAL TABLE temp.probe USING fts5(a)")
        except sqlite3.OperationalError:
            return False
    return True


def uses_fts5(connection) -> bool:
    return connection.vendor == "sqlite" and sqlite_has_fts5()


def fts5_search(queryset: QuerySet, query: str, *, tiebreak: str) -> QuerySet:
    """`ranked_search` on SQLite: the rows the table's FTS5 index matches, best bm25() first."""
    table = queryset.model._meta.db_table
    index = f"{table}_fts"
    if wanted := fts5.match_expression(query):
        weights = ", ".join(str(RANK_WEIGHTS[weight]) for weight in SEARCH_WEIGHTS[table].values())
        # The ORM joins no table without a model: `extra` puts the index into FROM; SQLite
        # reads it first (MATCH) and each matched row by its primary key. Names come from
        # SEARCH_WEIGHTS; the user's words only ever travel as a parameter.
        matched = queryset.extra(tables=[index], where=[f'"{index}" MATCH %s'], params=[wanted])  # noqa: S610
        return (
            matched.filter(pk=RawSQL(f'"{index}".rowid', ()))  # noqa: S611
            .annotate(**{RANK: RawSQL(f'-bm25("{index}", {weights})', ())})  # noqa: S611
            .order_by(f"-{RANK}", tiebreak)
        )
    if unwanted := fts5.exclusion_expression(query):
        rows = f'SELECT rowid FROM "{index}" WHERE "{index}" MATCH %s'  # noqa: S608
        return queryset.exclude(pk__in=RawSQL(rows, (unwanted,))).order_by(tiebreak)  # noqa: S611
    return queryset.none()  # nothing to look up (punctuation, stop words): as PostgreSQL


TRIGGER_KINDS = ("insert", "delete", "update")


def fts5_triggers(table: str) -> list[str]:
    """The SQL of the triggers that keep `table`'s FTS5 index current, one per write kind."""
    index, columns = f"{table}_fts", list(SEARCH_WEIGHTS[table])
    names = ", ".join(["rowid", *columns])
    new = ", ".join(["new.id", *(f"new.{column}" for column in columns)])
    old = ", ".join(["old.id", *(f"old.{column}" for column in columns)])
    add = f"INSERT INTO {index}(rowid, {', '.join(columns)}) VALUES ({new});"  # noqa: S608
    remove = f"INSERT INTO {index}({index}, {names}) VALUES ('delete', {old});"  # noqa: S608
    return [
        f"CREATE TRIGGER IF NOT EXISTS {index}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_update AFTER UPDATE OF {', '.join(columns)} "
        f"ON {table} BEGIN {remove} {add} END",
    ]


def fts5_rebuild(table: str) -> str:
    """Refill `table`'s FTS5 index from the table (FTS5's 'rebuild' command)."""
    return f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')"  # noqa: S608


class FullTextTable(migrations.operations.base.Operation):
    """SQLite with FTS5 only: an external-content FTS5 table `<table>_fts` over the searched
    columns (porter stemming over unicode61 without diacritics), kept current by triggers
    and filled from the rows already there. A no-op elsewhere, and without FTS5."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str):
        self.table = table

    def state_forwards(self, app_label, state):
        pass  # a virtual table and triggers, which no model knows

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not uses_fts5(schema_editor.connection):
            return
        index, columns = f"{self.table}_fts", ", ".join(SEARCH_WEIGHTS[self.table])
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {index} USING fts5({columns}, content='{self.table}', "
            f"content_rowid='id', tokenize='{FTS5_TOKENIZER}')"
        )
        for trigger in fts5_triggers(self.table):
            schema_editor.execute(trigger)
        schema_editor.execute(fts5_rebuild(self.table))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return
        index = f"{self.table}_fts"
        for kind in TRIGGER_KINDS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {index}_{kind}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {index}")

    def describe(self):
        return f"FTS5 full-text index of {self.table} (SQLite)"


def restore_fts5_triggers(using: str) -> list[str]:
    """Put back the triggers of each FTS5 index whose table lost them, and refill that index;
    the tables whose index was refilled. Django's SQLite schema editor alters a table by
    copying it into a new one and dropping the old, triggers included (after `migrate`)."""
    connection = connections[using]
    if not uses_fts5(connection):
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for (name,) in cursor.fetchall()}
        restored = [
            table
            for table in SEARCH_WEIGHTS
            if f"{table}_fts" in present
            and any(f"{table}_fts_{kind}" not in present for kind in TRIGGER_KINDS)
        ]
        for table in restored:
            for trigger in fts5_triggers(table):
                cursor.execute(trigger)
            cursor.execute(fts5_rebuild(table))
    return restored


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
