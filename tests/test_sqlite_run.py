"""`make run` uses SQLite: the seed loads, and search gives the same results as PostgreSQL's
(every word in any searched field; "-word" excludes; quoted phrases; "or"; stop words)."""

import pytest

from citations.models import Reference
from claims.models import Claim
from tests.processes import run_manage

pytestmark = pytest.mark.slow  # a fresh interpreter migrates SQLite and loads the seed

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
SCRIPT = """
from django.core.management import call_command
from citations.models import Reference
from claims.models import Claim
call_command("migrate", verbosity=0)
call_command("loaddata", "seed", verbosity=0)
for query in {queries!r}:
    print(sorted(Claim.objects.public().search(query).values_list("slug", flat=True)))
print(sorted(Reference.objects.search("progesterone bone").values_list("citekey", flat=True)))
print(Reference.objects.search("osteoporosis").count(), Claim.objects.search("").count())
"""
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


def postgres_results():
    claims = [
        str(sorted(Claim.objects.public().search(q).values_list("slug", flat=True)))
        for q in QUERIES
    ]
    refs = sorted(Reference.objects.search("progesterone bone").values_list("citekey", flat=True))
    counts = (
        f"{Reference.objects.search('osteoporosis').count()} {Claim.objects.search('').count()}"
    )
    return [*claims, str(refs), counts]


@pytest.fixture(scope="module")
def sqlite_lines():
    result = run_manage(
        "shell",
        "-c",
        SCRIPT.format(queries=QUERIES),
        DATABASE_URL="sqlite:///:memory:",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="1",  # as `make run`
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-len(QUERIES) - 2 :]


def test_seed_and_search_on_sqlite(sqlite_lines):
    mice, progesterone_bone = sqlite_lines[0], sqlite_lines[1]
    assert mice == str(
        [
            "global-prko-mice-have-high-bone-mass",
            "pr-inactivation-in-mx1-cells-raises-calvarial-bone",
            "pr-inactivation-in-mx1-cells-raises-calvarial-osteogenesis",
            "pr-inactivation-in-mx1-cells-spares-long-bone",
            "progesterone-directly-stimulates-bone-formation",
        ]
    )
    assert progesterone_bone == str(PROGESTERONE_BONE)
    assert sqlite_lines[-1] == "3 20"


def test_multi_word_search_is_the_same_on_sqlite_and_postgresql(seed, sqlite_lines):
    assert postgres_results() == sqlite_lines
