"""A web-search query as an FTS5 MATCH expression: pure, checked against SQLite's own FTS5."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citations.fts5 import exclusion_expression, match_expression
from citations.search import FTS5_TOKENIZER, sqlite_has_fts5

pytestmark = pytest.mark.skipif(not sqlite_has_fts5(), reason="this SQLite has no FTS5")

DOCUMENTS = [
    ("Progesterone raises bone mass", "in mice"),
    ("Estrogen and bone", "osteoporosis AND near NEAR(a b) title:x"),
    ("Résumé of bones", "x-ray data"),
]


@pytest.fixture(scope="module")
def index():
    database = sqlite3.connect(":memory:")
    database.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='{FTS5_TOKENIZER}')")
    rows = [(rowid, *document) for rowid, document in enumerate(DOCUMENTS)]
    database.executemany("INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)", rows)
    yield database
    database.close()


def matching(index, query: str) -> list[int]:
    expression = match_expression(query)
    if not expression:
        return []
    rows = index.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", (expression,))
    return [rowid for (rowid,) in rows]


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("bone -mice", '(("bone") NOT ("mice"))'),
        ('"bone mass" or rat', '("bone mass") OR ("rat")'),
        ("the AND NOT near", '("near")'),
        ('a"b title:x', '("a""b" AND "title:x")'),
        ("-mice or bone", '("bone")'),
    ],
)
def test_terms_become_fts5_strings_and_only_we_write_operators(query, expression):
    assert match_expression(query) == expression


@pytest.mark.parametrize("query", ["***", "AND", "OR or", '""', "-", "* ^ : ( )", "the of"])
def test_a_query_without_a_word_to_look_up_asks_nothing(query):
    assert match_expression(query) == ""
    assert exclusion_expression(query) == ""


def test_a_query_that_only_excludes_names_the_words_to_leave_out():
    assert match_expression("-mice -rat") == ""
    assert exclusion_expression("-mice -rat") == '"mice" OR "rat"'


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ("bone", [0, 1, 2]),  # stemmed: "bones" too
        ("BONE -mice", [1, 2]),
        ('"bone mass"', [0]),
        ('"mass bone"', []),
        ("resume", [2]),  # diacritics removed
        ("estrogen or mice", [0, 1]),
        ("near", [1]),  # an operator of FTS5 is a word here
        ("NEAR(a", [1]),
        ("title:x", [1]),
        ("x-ray", [2]),
        ("the of bone", [0, 1, 2]),  # stop words are dropped, as PostgreSQL's english does
    ],
)
def test_expressions_match_as_the_postgresql_search_does(index, query, rows):
    assert matching(index, query) == rows


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_valid_match_expression(index, query):
    for expression in (match_expression(query), exclusion_expression(query)):
        if expression:
            index.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(['"', "-", " ", "or", "AND", "NEAR", "*", "^", ":", "(", ")", "a"]))
)
def test_any_mix_of_fts5_syntax_gives_a_valid_match_expression(index, pieces):
    for expression in (match_expression("".join(pieces)), exclusion_expression("".join(pieces))):
        if expression:
            index.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()
