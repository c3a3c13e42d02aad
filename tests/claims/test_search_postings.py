"""Search postings (claims.postings): kept with the claims by a trigger, and a search read
through them finds the same newest matches, counts and order as one read through the table."""

import random

import pytest
from django.db import connection

from claims import postings
from claims.models import Claim, ClaimWord
from claims.searching import newest_search, newest_sql, newest_through
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
        cursor.execute(postings.WALKED_SQL, [words, sample, dense_percent])
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
    ],
)
def test_required_lexemes_are_those_every_match_holds(words, lexemes):
    assert required(words) == lexemes


def test_the_walked_lexeme_is_the_sparsest_required_one_and_none_when_dense():
    for i in range(6):
        ClaimFactory(statement=f"Bone trial {i}" + (" with progesterone" if i % 3 == 0 else ""))

    assert walked("bone progesterone") == "progesteron"
    assert walked("bone -progesterone") == "bone"
    assert walked("bone or progesterone") is None  # no lexeme every match holds
    assert walked("bone", dense_percent=50) is None  # in every claim: the primary key walk
    assert walked("progesterone", sample=3) is None  # fewer postings than the sample: GIN
    assert walked("bone") == "bone"


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


@pytest.mark.parametrize("matches", [5, 500])
def test_a_search_through_postings_finds_what_one_through_the_table_does(
    varied_claims, monkeypatch, matches
):
    monkeypatch.setattr("citations.search.RANKED_MATCHES", matches)
    tried = 0
    for words in SEARCHES:
        through_table = newest_through(words, None)
        for lexeme in required(words):
            assert newest_through(words, lexeme) == through_table, (words, lexeme)
            tried += 1
        assert newest_search(words) == through_table, words
        public = {claim.pk for claim in Claim.objects.public()}
        assert set(through_table.ranked) <= public
    assert tried > len(SEARCHES)
    assert Claim.objects.public().search("bone").count() > 5  # the newest 5 are a choice


def test_a_search_through_postings_reads_them_backwards_and_claims_by_key(varied_claims):
    sql, params = newest_sql(500, walked=True)
    values = {"\x00searched words\x00": "bone density", "\x00walked lexeme\x00": "densiti"}
    with connection.cursor() as cursor:
        # A few rows read whole cost less: as at scale (test_bounded_search's slow tests
        # show the planner's own choice at 100,000 claims).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", tuple(values.get(param, param) for param in params))
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Only Scan Backward using claims_claimword_pkey" in plan, plan
    assert "Index Scan using claims_claim_pkey on claims_claim" in plan, plan
    assert "Sort" not in plan.split("Aggregate")[0], plan  # newest first, as read
