"""Search over the seed, as `make run` serves it: every word in any searched field, "-word"
excludes, quoted phrases, "or", English stemming and stop words."""

import pytest

from citations.models import Reference
from claims.models import Claim


@pytest.fixture
def seed(seed_once, db):
    """The seed, loaded once for this module (tests/conftest.py `seed_once`)."""


QUERIES = [
    "MICE",
    "progesterone bone",
    "bone -mice",
    '"bone mass"',
    "osteoclasts or mice",
    "the role of the receptor in bones",
    "-mice",
    "***",
]
PROGESTERONE_BONE = [
    "combined-therapy-with-progesterone-raises-bmd-more-than-estrogen",
    "estrogen-induces-pr-in-osteoblasts",
    "estrogen-progestin-raises-bmd-more-than-estrogen",
    "global-prko-mice-have-high-bone-mass",
    "hormone-optimization-protocols-support-bone",
    "micronized-progesterone-supports-bone-formation",
    "ovulatory-disturbances-linked-to-bone-loss",
    "pr-in-osteoblasts",
    "pr-in-osteoblasts-and-osteoclasts",
    "pr-in-osteoclasts",
    "pr-inactivation-in-mx1-cells-raises-calvarial-bone",
    "pr-inactivation-in-mx1-cells-raises-calvarial-osteogenesis",
    "pr-inactivation-in-mx1-cells-spares-long-bone",
    "progesterone-activates-erk-mapk-in-bone-cells",
    "progesterone-directly-stimulates-bone-formation",
    "progesterone-influences-alp-in-osteoblasts",
    "progesterone-raises-tgfb-and-alp-in-osteoblasts",
]


def public_slugs(query):
    return sorted(Claim.objects.public().search(query).values_list("slug", flat=True))


def test_a_word_finds_its_claims_whatever_its_case(seed):
    assert public_slugs("MICE") == [
        "global-prko-mice-have-high-bone-mass",
        "pr-inactivation-in-mx1-cells-raises-calvarial-bone",
        "pr-inactivation-in-mx1-cells-raises-calvarial-osteogenesis",
        "pr-inactivation-in-mx1-cells-spares-long-bone",
        "progesterone-directly-stimulates-bone-formation",
    ]


def test_every_word_must_occur_in_some_field(seed):
    assert public_slugs("progesterone bone") == PROGESTERONE_BONE


def test_excluded_word_phrase_and_or(seed):
    with_bone = set(public_slugs("bone"))
    without_mice = set(public_slugs("bone -mice"))
    assert without_mice == with_bone - set(public_slugs("mice"))
    assert set(public_slugs('"bone mass"')) <= with_bone
    assert set(public_slugs("osteoclasts or mice")) == set(public_slugs("osteoclasts")) | set(
        public_slugs("mice")
    )


def test_stop_words_are_ignored_and_punctuation_alone_finds_nothing(seed):
    assert public_slugs("***") == []
    assert public_slugs("the receptor in the bones") == public_slugs("receptor bone") != []


def test_references_and_counts(seed):
    found = Reference.objects.search("progesterone bone").values_list("citekey", flat=True)
    assert len(found) > 0
    assert Reference.objects.search("osteoporosis").count() == 3
    assert Claim.objects.search("").count() == 20
