"""Search postings (claims.postings): kept with the claims by a trigger, and a search read
through them finds the same newest matches, counts and order as one read through the table."""

import random
import re
import time

import pytest
from django.db import connection

from claims.models import Claim, ClaimWord
from claims.postings import FUNCTIONS_SQL, REQUIRED_WORDS
from claims.searching import (
    CHOICE_SECONDS,
    CHOICES,
    THROUGH_NEWEST_POSTINGS,
    THROUGH_POSTINGS,
    THROUGH_TABLE,
    newest_search,
    newest_sql,
    newest_through,
)
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

VOCABULARY = [
    "bone", "density", "fracture", "hip", "progesterone", "estrogen", "osteoporosis",
    "the", "of", "risk", "women", "men", "trial", "zyxomab", "O'Brien",
]  # fmt: skip


def lexemes_of(claim: Claim) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(search_vector) FROM claims_claim WHERE id = %s", [claim.pk]
        )
        return set(cursor.fetchone()[0])


def posted(claim: Claim) -> set[str]:
    return set(ClaimWord.objects.filter(claim_id=claim.pk).values_list("lexeme", flat=True))


def required(words: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT claims_claimword_required(websearch_to_tsquery('english', %s))", [words]
        )
        return sorted(cursor.fetchone()[0])


def walked(words: str, sample: int = 1, dense_percent: int = 100) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT walked FROM claims_claimword_walked("
            "websearch_to_tsquery('english', %s), %s, %s)",
            [words, sample, dense_percent],
        )
        return cursor.fetchone()[0]


def test_postings_hold_the_lexemes_of_public_claims_only():
    published = ClaimFactory(statement="Progesterone protects bone.")
    draft = ClaimFactory(statement="Estrogen and hip fracture.", status="draft")

    assert posted(published) == lexemes_of(published) == {"progesteron", "protect", "bone"}
    assert posted(draft) == set()

    draft.status = "in_review"
    draft.save()
    assert posted(draft) == set()
    draft.status = "published"
    draft.save()
    assert posted(draft) == lexemes_of(draft)

    Claim.objects.filter(pk=draft.pk).update(statement="Estrogen and wrist fracture.")
    assert posted(draft) == lexemes_of(draft) == {"estrogen", "wrist", "fractur"}
    Claim.objects.filter(pk=draft.pk).update(status="retracted")  # retracted is public
    assert posted(draft) == lexemes_of(draft)
    Claim.objects.filter(pk=draft.pk).update(status="draft")
    assert posted(draft) == set()

    published.delete()
    assert not ClaimWord.objects.filter(claim_id=published.pk).exists()


def test_a_regrade_or_a_save_that_keeps_the_words_does_not_rewrite_postings():
    claim = ClaimFactory(statement="Progesterone protects bone.")
    before = postings_versions()

    Claim.objects.filter(pk=claim.pk).update(grade_level="low")
    claim.refresh_from_db()
    claim.grade_direction = "supported"
    claim.save()  # every column written, the same words
    Claim.objects.filter(pk=claim.pk).update(status="retracted")  # public before and after

    assert postings_versions() == before


def postings_versions() -> list:
    """Each posting with the transaction that wrote it: a rewrite changes `xmin`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme, claim_id, xmin::text, ctid::text FROM claims_claimword")
        return sorted(cursor.fetchall())


@pytest.mark.parametrize(
    ("words", "lexemes"),
    [
        ("bone", ["bone"]),
        ("bone osteoporosis", ["bone", "osteoporosi"]),
        ('"bone density" fracture', ["bone", "densiti", "fractur"]),
        ("bone -fracture", ["bone"]),
        ("bone or fracture", []),
        ("bone or fracture density", []),
        ('"bone density" or "bone mass"', ["bone"]),
        ('"bone of the hip"', ["bone", "hip"]),
        ("bone (hip or knee)", []),  # websearch reads the parentheses as words: bone & hip | knee
        ("x or -y z", []),
        ("-fracture", []),
        ("-bone -hip", []),
        ("the of and", []),
        ("", []),
        ("O'Brien's trial", ["brien", "o", "trial"]),
        ('"bone of the hip" or "bone density"', ["bone"]),
        ('"hip bone" or "bone hip"', ["bone", "hip"]),
        ('"bone of the hip" or "hip of the bone" -fracture', ["bone", "hip"]),
        ('"bone density" "hip fracture" or trial', []),
        ('"bone density" hip or "density bone" hip', ["bone", "densiti", "hip"]),
    ],
)
def test_required_lexemes_are_those_every_match_holds(words, lexemes):
    assert required(words) == lexemes


RANDOM_WORDS = ["bone", "density", "hip", "of", "the", "fracture", "risk", "women", "trial"]


def random_search(rng: random.Random) -> str:
    """Words, phrases (stop words in them: distances over 1), `or` and `-word`."""
    parts = []
    for _ in range(rng.randint(1, 6)):
        kind = rng.choice(["word", "word", "phrase", "or", "not"])
        if kind == "phrase":
            phrase = " ".join(rng.choice(RANDOM_WORDS) for _ in range(rng.randint(2, 4)))
            parts.append(f'"{phrase}"')
        else:
            word = rng.choice(RANDOM_WORDS)
            parts.append({"or": "or", "not": f"-{word}"}.get(kind, word))
    return " ".join(parts)


def test_required_lexemes_are_those_found_with_every_position_to_256():
    """Positions 1 to S + 1 (S the query's phrase distances) decide as 1 to 256 did."""
    walked_function = FUNCTIONS_SQL.index("CREATE OR REPLACE FUNCTION claims_claimword_walked")
    reference = FUNCTIONS_SQL[:walked_function]
    assert reference.count("generate_series(1, span + 1)") == 1
    reference = reference.replace("generate_series(1, span + 1)", "generate_series(1, 256)")
    reference = reference.replace(
        "CREATE OR REPLACE FUNCTION claims_claimword_required", "CREATE FUNCTION pg_temp.required"
    )
    assert "pg_temp.required" in reference
    rng = random.Random(27)
    searches = [random_search(rng) for _ in range(400)]
    with connection.cursor() as cursor:
        cursor.execute(reference)
        cursor.execute(
            "SELECT claims_claimword_required(q), pg_temp.required(q) FROM ("
            " SELECT websearch_to_tsquery('english', w) q FROM unnest(%s::text[]) w) s",
            [searches],
        )
        found = [(sorted(new), sorted(old)) for new, old in cursor.fetchall()]
    assert [new for new, _ in found] == [old for _, old in found]
    assert sum(1 for new, _ in found if new) > 100  # most have some
    with_or = [
        new for (new, _), words in zip(found, searches, strict=True) if " or " in f" {words} "
    ]
    assert sum(1 for new in with_or if new) > 20  # the positions decide these


def test_a_search_of_more_words_than_weighed_has_no_required_lexeme(varied_claims, monkeypatch):
    """Past `REQUIRED_WORDS` lexemes the search is read as it is, with the same matches:
    weighing each lexeme against the others costs lexemes^2 x positions."""
    monkeypatch.setattr("citations.search.RANKED_MATCHES", 5)
    words = [f"zq{i}" for i in range(REQUIRED_WORDS)]
    assert required(" ".join(words)) == sorted(words)
    assert required(" ".join([*words, "bone"])) == []
    half = REQUIRED_WORDS // 2
    phrases = f'"bone {" ".join(words[:half])}" or "bone {" ".join(words[half:])}"'
    assert required(phrases) == []  # 33 lexemes: "bone" is required, but not weighed
    long_search = " ".join([*VOCABULARY, *words[:half], "or", *words[half:]])
    for search in (phrases, long_search, "bone or " + " ".join(words)):
        assert walked(search) is None
        through_table = newest_through(search, None, THROUGH_TABLE)
        assert newest_search(search) == through_table
        assert CHOICES[search][1] is None
    assert newest_through("bone or " + " ".join(words), None, THROUGH_TABLE).ranked


def test_the_walked_lexeme_is_the_sparsest_required_one_and_none_when_dense():
    for i in range(6):
        ClaimFactory(statement=f"Bone trial {i}" + (" with progesterone" if i % 3 == 0 else ""))

    assert walked("bone progesterone") == "progesteron"
    assert walked("bone -progesterone") == "bone"
    assert walked("bone or progesterone") is None  # no lexeme every match holds
    assert walked("bone", dense_percent=50) is None  # in every claim: the primary key walk
    assert walked("progesterone", sample=3) == "progesteron"  # rare: bounded by its postings
    assert walked("zyxomab") == "zyxomab"  # in no claim: nothing to read
    assert walked("bone") == "bone"


def test_postings_of_claims_deleted_with_triggers_off_cost_no_error():
    """Postings newer than the newest claim (deleted, triggers off, not rebuilt): a lexeme
    spanning no claim is never a division by zero, and the search finds no deleted claim."""
    kept = ClaimFactory(statement="Bone trial.")
    gone = ClaimFactory(statement="Zyxomab and bone.")
    assert gone.pk == kept.pk + 1  # zyxomab's oldest posting is one past the newest claim
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM claims_claim WHERE id = %s", [gone.pk])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert posted(gone) == {"zyxomab", "bone"}

    assert walked("zyxomab") is None  # spanning no claim: taken as dense, the table is read
    assert walked("zyxomab bone") is None
    assert newest_search("zyxomab").ranked == []
    assert newest_search("bone").ranked == [kept.pk]


def test_a_truncate_of_the_claims_empties_the_postings():
    ClaimFactory(statement="Progesterone protects bone.")
    assert ClaimWord.objects.exists()

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's inserts' checks done
        cursor.execute("TRUNCATE claims_claim CASCADE")
    assert not ClaimWord.objects.exists()

    ClaimFactory(statement="Estrogen and hip fracture.")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE claims_claim, claims_claimword CASCADE")  # as a flush does
    assert not ClaimWord.objects.exists()


@pytest.fixture
def varied_claims():
    """120 claims of random words from `VOCABULARY`: drafts, claims in review, retracted
    ones, and claims edited, unpublished or published after their postings were written."""
    rng = random.Random(27)
    claims = []
    for i in range(120):
        words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(2, 9)))
        status = rng.choice(["published"] * 6 + ["draft", "in_review", "retracted"])
        summary = " ".join(rng.choice(VOCABULARY) for _ in range(3)) if i % 4 == 0 else ""
        claims.append(ClaimFactory(statement=f"{words} {i}.", summary=summary, status=status))
    for claim in rng.sample(claims, 30):
        change = rng.choice(["statement", "unpublish", "publish"])
        if change == "statement":
            claim.statement = " ".join(rng.choice(VOCABULARY) for _ in range(5))
        claim.status = {"unpublish": "draft", "publish": "published"}.get(change, claim.status)
        claim.save()
    return claims


SEARCHES = [
    "bone", "progesterone", "osteoporosis", "zyxomab", "bone density", "density bone hip",
    '"bone density"', '"density bone"', "bone -fracture", "-fracture", "bone or hip",
    "progesterone or zyxomab women", '"bone of the hip"', "the", "the bone", "bones",
    "fractures of the hip", "O'Brien", "O'Brien trial -men", "women men -risk", "estrogen trial",
]  # fmt: skip


@pytest.fixture
def postings_for_any_word(monkeypatch):
    """Postings chosen for any word with one (the data is too small for the real sample)."""
    monkeypatch.setattr("claims.postings.CHOICE_PARAMS", (1, 100))


@pytest.mark.parametrize("matches", [5, 500])
def test_a_search_through_postings_finds_what_one_through_the_table_does(
    varied_claims, monkeypatch, postings_for_any_word, matches
):
    monkeypatch.setattr("citations.search.RANKED_MATCHES", matches)
    tried = 0
    for words in SEARCHES:
        through_table = newest_through(words, None, THROUGH_TABLE)
        for lexeme in required(words):
            assert newest_through(words, lexeme, THROUGH_POSTINGS) == through_table, words
            tried += 1
        if required(words) == [words.lower()[:-1]] or required(words) == [words.lower()]:
            alone = newest_through(words, required(words)[0], THROUGH_NEWEST_POSTINGS)
            assert alone == through_table, words
        assert newest_search(words) == through_table, words  # choosing
        assert newest_search(words) == through_table, words  # as chosen
        public = {claim.pk for claim in Claim.objects.public()}
        assert set(through_table.ranked) <= public
    assert tried > len(SEARCHES)
    assert Claim.objects.public().search("bone").count() > 5  # the newest 5 are a choice


def test_a_search_chooses_its_postings_in_its_first_query_and_reads_them_after(
    varied_claims, postings_for_any_word, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr("citations.search.RANKED_MATCHES", 5)  # "bone": more postings
    with django_assert_num_queries(1):
        first = newest_search("bone")
    assert CHOICES["bone"][1:3] == ("bone", True)
    with django_assert_num_queries(1):
        assert newest_search("bone") == first
    with django_assert_num_queries(1):
        newest_search("bone density")
    assert CHOICES["bone density"][1] in {"bone", "densiti"}
    assert CHOICES["bone density"][2] is False


def test_newest_postings_that_are_not_all_matches_are_read_again_walked(varied_claims, monkeypatch):
    """A choice that says a lexeme is the whole search when it is not (postings written
    with triggers off and not rebuilt, say) costs a second query, never a wrong list."""
    monkeypatch.setattr("citations.search.RANKED_MATCHES", 5)
    expected = newest_through("bone -fracture", None, THROUGH_TABLE)
    CHOICES["bone -fracture"] = (int(time.monotonic() // CHOICE_SECONDS), "bone", True, 9)

    assert newest_search("bone -fracture") == expected


def plan_of(through: str, words: str, lexeme: str) -> str:
    sql, params = newest_sql(500, through)
    values = {"\x00searched words\x00": words, "\x00walked lexeme\x00": lexeme}
    with connection.cursor() as cursor:
        # A few rows read whole cost less: as at scale (test_bounded_search's slow test
        # shows the planner's own choice at 100,000 claims).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", tuple(values.get(param, param) for param in params))
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_search_through_postings_reads_them_backwards_and_claims_by_key(varied_claims):
    plan = plan_of(THROUGH_POSTINGS, "bone density", "densiti")

    assert "Index Only Scan Backward using claims_claimword_pkey" in plan, plan
    assert "Index Scan using claims_claim_pkey on claims_claim" in plan, plan
    assert "Sort" not in plan.split("Aggregate")[0], plan  # newest first, as read


def test_a_search_through_newest_postings_reads_their_claims_by_key_at_once(varied_claims):
    plan = plan_of(THROUGH_NEWEST_POSTINGS, "bone", "bone")

    assert "Index Only Scan Backward using claims_claimword_pkey" in plan, plan
    assert re.search(r"Index Scan Backward using claims_claim_pkey.*\n.*= ANY", plan), plan
