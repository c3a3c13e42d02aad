"""A web-search style query as an SQLite FTS5 MATCH expression (pure: no Django, no database).

The query language is PostgreSQL's `websearch_to_tsquery`, the one the PostgreSQL path reads:
words must all occur, `"quoted words"` occur as a phrase, `-word` must not occur, and a bare
`or` between words means either side. English stop words ("the", "of", "and", "not": the
list PostgreSQL's `english` configuration drops) are dropped alone, kept inside a phrase.

User input never becomes FTS5 syntax: every term is written as an FTS5 string (double quotes
doubled), so `AND`, `NEAR`, `*`, `^` and `column:` in a query are words like any other, and a
term FTS5's tokenizer would find no word in (punctuation only) is dropped, since an empty
phrase would match nothing. Only this module writes the operators (AND, OR, NOT, brackets).
"""

import re

# (-)"a phrase" or (-)word: the grammar of websearch_to_tsquery, quotes and minus only.
TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
# PostgreSQL's english.stop (share/tsearch_data), in its order: what `english` drops.
ENGLISH_STOP = """i me my myself we our ours ourselves you your yours yourself yourselves he
    him his himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now"""
STOP_WORDS = frozenset(ENGLISH_STOP.split())
# A run of word characters as FTS5's unicode61 tokenizer sees them (letters and digits).
WORD = re.compile(r"[^\W_]+")


def match_expression(query: str) -> str:
    """The MATCH expression of `query`, or "" when no group of it has a word to look up
    (only punctuation, stop words or excluded words): then nothing in the index is asked."""
    groups = [group_expression(group) for group in or_groups(query)]
    return " OR ".join(f"({group})" for group in groups if group)


def exclusion_expression(query: str) -> str:
    """For a query that only excludes words ("-mice"), the MATCH expression of the words it
    excludes, whose rows the caller leaves out (FTS5 cannot say "all but"); "" otherwise."""
    terms = [term for group in or_groups(query) for term in group]
    if not terms or not all(excluded for excluded, _ in terms):
        return ""
    return " OR ".join(fts5_string(text) for _, text in terms)


def or_groups(query: str) -> list[list[tuple[bool, str]]]:
    """(excluded, text) terms with a word to look up, in groups a bare `or` separates."""
    groups: list[list[tuple[bool, str]]] = [[]]
    # SQLite reads a string up to its first NUL character: a NUL separates words here.
    for quoted_minus, phrase, minus, word in TERM.findall(query.replace("\0", " ")):
        if word.lower() == "or" and not minus:
            groups.append([])
        elif searchable(phrase or word, phrase=bool(phrase)):
            groups[-1].append((bool(quoted_minus or minus), phrase or word))
    return [group for group in groups if group]


def searchable(text: str, *, phrase: bool) -> bool:
    words = [word.lower() for word in WORD.findall(text)]
    return bool(words) if phrase else any(word not in STOP_WORDS for word in words)


def group_expression(terms: list[tuple[bool, str]]) -> str:
    """Every wanted term AND-ed, NOT any excluded one; "" without a wanted term."""
    wanted = [fts5_string(text) for excluded, text in terms if not excluded]
    unwanted = [fts5_string(text) for excluded, text in terms if excluded]
    if not wanted:
        return ""
    expression = " AND ".join(wanted)
    return f"({expression}) NOT ({' OR '.join(unwanted)})" if unwanted else expression


def fts5_string(text: str) -> str:
    """`text` as an FTS5 string: a phrase of its words, never an operator."""
    return '"' + text.replace('"', '""') + '"'
