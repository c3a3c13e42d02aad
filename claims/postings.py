"""Search postings: each public claim's search lexemes, read newest claim first.

A search lists its `RANKED_MATCHES` newest matches (citations.search.newest_matches). For a
word in some percent of the claims, PostgreSQL finds them either by walking the primary key
backwards, testing every claim's vector on the way (the walk grows with the claims between
the newest matches: 9,981 rows for the 500 newest of 4,500 matches, a word in 5 % of 100,000
claims), or through the GIN index, which holds every match of the word unordered (all read,
sorted, then cut). Neither is bounded by the 500 it keeps. A *posting* is one row (`lexeme`,
`claim_id`) of `claims_claimword` (`ClaimWord`): its primary key index, read backwards for
one lexeme, gives that lexeme's claims newest first, so the newest `RANKED_MATCHES` (then 500,
now 200) matches cost about that many claims read by key (claims.searching: at once when the
lexeme is the whole search, as all its postings match; else one at a time, each rechecked,
until enough match), not the rows between them.

Which lexeme (`FUNCTIONS_SQL`, `claims_claimword_walked`): only a lexeme every match must
hold (a *required* one: not under `or` or `-`, a phrase's words are) can stand for a search;
of those, the one sparsest among the newest claims: its newest `SAMPLE` postings (all, if
fewer) span the most claims (a bounded read, never a count). One with at least a tenth of
`SAMPLE` postings in more than `DENSE_PERCENT` of the claims they span keeps the primary key
walk (it reads fewer rows per match than lookups cost), and a search with no required lexeme
(only `or`, only `-word`, only stop words) keeps the plain search. A rare lexeme is read
through postings too: the GIN index would read its few matches for a little less, but the
planner, expecting 500 matches soon (the bound then), may walk the primary key through every
claim instead (a word in 450 of 9,000 public claims: 7.9 ms against 2.7 ms). The choice is made in a
search's first query and kept a minute (claims.searching.CHOICES). Whichever way, the result
is the same rows: a claim is kept only when its row passes the search's own test
(`search_vector @@ query`, public), and a one-word search that finds fewer than `RANKED_MATCHES`
through its newest postings while it has more (postings not kept, say) is read again walked.

Kept in the writing transaction by a trigger on `claims_claim` (`TRIGGERS_SQL`), like the
stored vector itself: the lexemes of a claim's stored `search_vector` while it is public
(`claims.counts.PUBLIC`), none while it is a draft or in review. It fires only on an insert,
a delete, or an update naming the status or a searched column, and rewrites nothing when the
vector and publicness stay (a regrade's UPDATE names neither). A write that bypasses triggers
(`session_replication_role = replica`, as `bench/scale.py` builds) must run `REBUILD_SQL`.
"""

from citations.search import RANKED_MATCHES, SEARCH_WEIGHTS, VECTOR_FIELD
from claims.counts import PUBLIC

# Postings read per required lexeme to judge how sparse it is among the newest claims.
SAMPLE = 2 * RANKED_MATCHES
DENSE_PERCENT = 20  # a lexeme in more of the newest claims: walk the primary key instead

UPDATED_COLUMNS = ", ".join(["status", VECTOR_FIELD, *SEARCH_WEIGHTS["claims_claim"]])

TRIGGERS_SQL = f"""
CREATE OR REPLACE FUNCTION claims_claimword_claim() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was boolean := TG_OP <> 'INSERT' AND OLD.status IN {PUBLIC};
    now_public boolean := TG_OP <> 'DELETE' AND NEW.status IN {PUBLIC};
BEGIN
    IF TG_OP = 'UPDATE' AND was = now_public
        AND (NOT was OR OLD.{VECTOR_FIELD} IS NOT DISTINCT FROM NEW.{VECTOR_FIELD}) THEN
        RETURN NULL;  -- the postings stay: most updates
    END IF;
    IF was THEN
        DELETE FROM claims_claimword
        WHERE claim_id = OLD.id AND lexeme = ANY (tsvector_to_array(OLD.{VECTOR_FIELD}));
    END IF;
    IF now_public THEN
        INSERT INTO claims_claimword (lexeme, claim_id)
        SELECT unnest(tsvector_to_array(NEW.{VECTOR_FIELD})), NEW.id
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER claims_claimword_claim
    AFTER INSERT OR DELETE OR UPDATE OF {UPDATED_COLUMNS} ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claimword_claim();
"""  # noqa: S608  (constants only)

# `claims_claimword_required(query)`: the lexemes every match of `query` holds. `querytree`
# drops what an index cannot test (`-word`; 'T' when nothing is left): without `|` every
# lexeme it keeps is required; with one, a lexeme is required when the query fails on a
# vector holding every other lexeme at every position from 1 to S + 1, S the sum of the
# query's phrase distances (0 without a phrase): no phrase of it spans more, so any match
# fits there (phrases need positions; a query whose phrases could span 256 or more has none,
# as has one with weights or prefixes). That costs about lexemes^2 x (S + 1), so a query of
# more than `REQUIRED_WORDS` distinct lexemes has none either (it is searched as it is:
# every lexeme's postings sampled would cost as much again).
# `claims_claimword_walked(query, sample, dense_percent)`: the required lexeme whose
# postings a search walks, or NULL (the search as it is); whether it is the whole query
# (`alone`: then its newest postings are its newest matches); its postings, up to `sample`.
# A lexeme's span of claims is at least 1: postings outliving their claims (deleted with
# triggers off) would make it 0 or less.
REQUIRED_WORDS = 32

FUNCTIONS_SQL = f"""
CREATE OR REPLACE FUNCTION claims_claimword_required(query tsquery) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    tree text := querytree(query);
    quoted text[];
    required text[] := '{{}}';
    span int;
    positions text;
    candidate text;
BEGIN
    IF tree IN ('', 'T') OR tree ~ ''':' THEN
        RETURN required;
    END IF;
    quoted := ARRAY(SELECT DISTINCT m[1]
                    FROM regexp_matches(tree, '(''(?:[^''\\\\]|''''|\\\\.)*'')', 'g') m);
    IF cardinality(quoted) > {REQUIRED_WORDS} THEN
        RETURN required;  -- too many to weigh: the search as it is
    END IF;
    IF strpos(tree, '|') = 0 THEN
        required := quoted;
    ELSE
        span := (SELECT coalesce(sum(CASE d[1] WHEN '-' THEN 1 ELSE d[1]::int END), 0)
                 FROM regexp_matches(tree, '<(-|\\d+)>', 'g') d);
        IF span < 256 THEN
            positions := (SELECT string_agg(i::text, ',') FROM generate_series(1, span + 1) i);
            FOREACH candidate IN ARRAY quoted LOOP
                IF NOT coalesce((SELECT string_agg(other || ':' || positions, ' ')
                                 FROM unnest(quoted) other WHERE other <> candidate)::tsvector,
                                ''::tsvector) @@ tree::tsquery THEN
                    required := required || candidate;
                END IF;
            END LOOP;
        END IF;
    END IF;
    RETURN ARRAY(SELECT (tsvector_to_array(q::tsvector))[1] FROM unnest(required) q);
END $$;

CREATE OR REPLACE FUNCTION claims_claimword_walked(
    query tsquery, sample int, dense_percent int,
    OUT walked text, OUT alone boolean, OUT postings int)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    newest bigint := (SELECT max(id) FROM claims_claim);
    oldest bigint;
BEGIN
    -- the sparsest: its newest `sample` postings (or all, if fewer) span the most claims
    SELECT r.lexeme, s.oldest, s.postings INTO walked, oldest, postings
    FROM unnest(claims_claimword_required(query)) r(lexeme),
        LATERAL (SELECT min(claim_id) AS oldest, count(*) AS postings FROM (
            SELECT w.claim_id FROM claims_claimword w WHERE w.lexeme = r.lexeme
            ORDER BY w.claim_id DESC LIMIT sample) n) s
    ORDER BY s.postings::float / greatest(newest - coalesce(s.oldest, newest) + 1, 1), 1
    LIMIT 1;
    IF postings * 10 >= sample AND postings * 100 > dense_percent * (newest - oldest + 1) THEN
        walked := NULL;  -- dense among the newest claims: the primary key walk reads less
    END IF;  -- (fewer than a tenth of `sample` postings: as many lookups at most, no verdict)
    alone := walked IS NOT NULL AND numnode(query) = 1;  -- the query is the lexeme
END $$;
"""  # noqa: S608  (constants only)

# The choice as a row of claims.searching.NEWEST_SQL (count -1), for its words (`%s`).
CHOICE_SQL = """
    SELECT walked, alone::text, postings::text, -1, NULL
    FROM claims_claimword_walked(websearch_to_tsquery('english'::regconfig, %s), %s, %s)
"""
CHOICE_PARAMS = (SAMPLE, DENSE_PERCENT)

# A TRUNCATE of the claims fires no row trigger: it empties the postings too (a statement
# trigger; like the row one, it does not fire with triggers off). A TRUNCATE naming both
# tables (Django's flush) holds the postings: they cannot be truncated again, only deleted
# (none are left by then).
TRUNCATE_SQL = """
CREATE OR REPLACE FUNCTION claims_claimword_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        TRUNCATE claims_claimword;
    EXCEPTION WHEN object_in_use THEN
        DELETE FROM claims_claimword;
    END;
    RETURN NULL;
END $$;

CREATE TRIGGER claims_claimword_truncated
    AFTER TRUNCATE ON claims_claim
    FOR EACH STATEMENT EXECUTE FUNCTION claims_claimword_truncated();
"""
DROP_TRUNCATE_SQL = """
DROP TRIGGER IF EXISTS claims_claimword_truncated ON claims_claim;
DROP FUNCTION IF EXISTS claims_claimword_truncated();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS claims_claimword_claim ON claims_claim;
DROP FUNCTION IF EXISTS claims_claimword_claim();
DROP FUNCTION IF EXISTS claims_claimword_walked(tsquery, int, int);
DROP FUNCTION IF EXISTS claims_claimword_required(tsquery);
"""

REBUILD_SQL = f"""
DELETE FROM claims_claimword;
INSERT INTO claims_claimword (lexeme, claim_id)
SELECT DISTINCT lexeme, claim.id FROM claims_claim claim,
    unnest(tsvector_to_array(claim.{VECTOR_FIELD})) AS lexeme
WHERE claim.status IN {PUBLIC};
"""  # noqa: S608  (constants only)

# Candidates newest first from one lexeme's postings (`%s`), each looked up by primary key
# (LATERAL ... OFFSET 0: the planner must not turn the lookups into a scan of every match).
CANDIDATES_SQL = """
    (SELECT claim_id FROM claims_claimword WHERE lexeme = %s) AS posting
    CROSS JOIN LATERAL (SELECT * FROM claims_claim WHERE id = posting.claim_id OFFSET 0)
"""
