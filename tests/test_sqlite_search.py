"""SQLite search (`make run`) reads FTS5 indexes that triggers keep current: run in fresh
interpreters on SQLite, since the suite itself runs on PostgreSQL."""

import json

import pytest

from citations.search import sqlite_has_fts5
from tests.processes import run_manage

pytestmark = pytest.mark.skipif(not sqlite_has_fts5(), reason="this SQLite has no FTS5")

SHADOW_TABLES = ["config", "data", "docsize", "idx"]
SQLITE = {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DJANGO_DEBUG": "1"}  # as `make run`
SETUP = """
import json
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from citations.models import Reference
from claims.models import Claim
from tests.factories import ClaimFactory, ReferenceFactory
setup_test_environment()
call_command("migrate", verbosity=0)
call_command("loaddata", "seed", verbosity=0)
found = {}
def slugs(query):
    return [claim.slug for claim in Claim.objects.search(query)]
def tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE '%fts%' ORDER BY name")
        return [name for (name,) in cursor.fetchall()]
"""
SCENARIO = """
in_abstract = ReferenceFactory(citekey="abstract2020", title="Bone", abstract="zyxomycin therapy")
in_title = ReferenceFactory(citekey="title2020", title="Zyxomycin and bone", abstract="")
found["ranked"] = [r.citekey for r in Reference.objects.search("zyxomycin")]
found["ranks_descend"] = [r.search_rank for r in Reference.objects.search("zyxomycin")]

claim = ClaimFactory(slug="edited", statement="Quokkanol raises bone density.")
found["created"] = slugs("quokkanol")
claim.statement = "Wallabine raises bone density."
claim.save()
found["saved"] = [slugs("quokkanol"), slugs("wallabine")]
Claim.objects.filter(pk=claim.pk).update(summary="Numbatase in mice.")
found["updated"] = slugs("numbatase")
claim.delete()
found["deleted"] = [slugs("wallabine"), slugs("numbatase")]

with connection.schema_editor() as editor:  # how Django's SQLite backend alters a table
    editor._remake_table(Claim)
found["remade"] = [name for name in tables() if name.startswith("claims_claim_fts_")]
Claim.objects.filter(slug="pr-in-osteoblasts").update(statement="Dingoline acts on PR.")
call_command("migrate", verbosity=0)
found["after_rebuild"] = slugs("dingoline")
ClaimFactory(slug="after", statement="Bilbyne acts on PR.")
found["after_rebuild_write"] = slugs("bilbyne")

client = Client()
awkward = ['***', 'AND', 'NEAR(', '"', 'title:bone', '-', 'bone OR', '^bone*', '-mice']
found["pages"] = sorted({client.get("/claims/", {"q": q}).status_code for q in awkward})
found["api"] = sorted({client.get("/api/references/", {"search": q}).status_code for q in awkward})
found["api_claims"] = client.get("/api/claims/", {"search": "mice"}).json()["count"]
found["stemmed"] = len(slugs("osteoblast")) == len(slugs("osteoblasts")) > 0
found["nothing"] = [slugs("***"), slugs("the of")]
found["excluded"] = Claim.objects.search("-mice").count() + Claim.objects.search("mice").count()
found["all"] = Claim.objects.count()
import citations.search
citations.search.RANKED_MATCHES = 1  # numbered pages rank the newest match only
public = Reference.objects.cited_by(Claim.objects.public()).search("bone")
newest = client.get("/api/references/", {"search": "bone"}).json()
found["newest"] = [
    public.count() > 1,
    newest["count"],
    [item["citekey"] for item in newest["results"]] == [public.order_by("-pk")[0].citekey],
]
citations.search.RANKED_MATCHES = 1000

call_command("migrate", "claims", "0007", verbosity=0)
call_command("migrate", "citations", "0010", verbosity=0)
found["reversed"] = tables()
call_command("migrate", verbosity=0)
found["again"] = [len(tables()), slugs("dingoline")]
print(json.dumps(found))
"""
WITHOUT_FTS5 = """
import citations.search
citations.search.sqlite_has_fts5 = lambda: False  # as a build of SQLite without FTS5
"""
FALLBACK = """
found["tables"] = tables()
found["mice"] = sorted(slugs("MICE"))
print(json.dumps(found))
"""


def run_script(script: str) -> dict:
    result = run_manage("shell", "-c", script, DATABASE_URL="sqlite:///:memory:", **SQLITE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def found():
    return run_script(SETUP + SCENARIO)


def test_title_match_outranks_abstract_only_match(found):
    assert found["ranked"] == ["title2020", "abstract2020"]
    assert found["ranks_descend"] == sorted(found["ranks_descend"], reverse=True)


def test_triggers_follow_create_save_update_and_delete(found):
    assert found["created"] == ["edited"]
    assert found["saved"] == [[], ["edited"]]
    assert found["updated"] == ["edited"]
    assert found["deleted"] == [[], []]


def test_migrate_restores_the_triggers_a_table_rebuild_dropped(found):
    assert found["remade"] == [f"claims_claim_fts_{shadow}" for shadow in SHADOW_TABLES]
    assert found["after_rebuild"] == ["pr-in-osteoblasts"]
    assert found["after_rebuild_write"] == ["after"]


def test_api_search_pages_rank_the_newest_matches(found):
    assert found["newest"] == [True, 1, True]


def test_no_query_gives_an_error(found):
    assert found["pages"] == [200]
    assert found["api"] == [200]
    assert found["api_claims"] == 5


def test_matching_stems_and_drops_what_cannot_be_looked_up(found):
    assert found["stemmed"]
    assert found["nothing"] == [[], []]
    assert found["excluded"] == found["all"]


def test_the_migrations_reverse_and_rebuild_the_index(found):
    assert found["reversed"] == []
    assert found["again"] == [2 * 8, ["pr-in-osteoblasts"]]  # each: table, 4 shadows, 3 triggers


def test_without_fts5_the_migrations_skip_and_search_falls_back():
    fallback = run_script(WITHOUT_FTS5 + SETUP + FALLBACK)
    assert fallback["tables"] == []
    assert "global-prko-mice-have-high-bone-mass" in fallback["mice"]


def test_make_run_path_searches_the_seed(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **SQLITE}
    for command in (["migrate", "--noinput"], ["load_seed_if_empty"]):
        assert run_manage(*command, **database).returncode == 0
    search = "from claims.models import Claim; print(Claim.objects.search('progesterone').count())"
    result = run_manage("shell", "-c", search, **database)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) >= 15
