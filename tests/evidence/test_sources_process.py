"""The project in a fresh interpreter, its service URLs from the environment, against
stand-in servers: check_retractions marks the seed's cited record and regrades its claim."""

import pytest

from tests.conftest import SOURCE_PREFIXES, SOURCES_DATA
from tests.processes import run_manage, scratch_database

pytestmark = pytest.mark.slow  # a fresh interpreter loads the seed each time

WAKEFIELD = "10.1016/s0140-6736(97)11096-0"
SCRIPT = f"""
from django.core.management import call_command
from citations.models import Reference
from claims.models import Claim
call_command("migrate", verbosity=0)
call_command("loaddata", "seed", verbosity=0)
call_command("regrade", verbosity=0)
Reference.objects.filter(citekey="rickard2008bone").update(doi="{WAKEFIELD}", pmid="")
claim = Claim.objects.get(slug="global-prko-mice-have-high-bone-mass")
def mentions_retraction(claim):
    return any("retract" in reason.lower() for reason in claim.grade_reasons)
before = mentions_retraction(claim)
try:
    call_command("check_retractions")
except SystemExit as exc:
    print("exit", exc.code)
except Exception as exc:
    print("failed", type(exc).__name__, exc)
reference = Reference.objects.get(citekey="rickard2008bone")
claim.refresh_from_db()
print("state", reference.retraction, reference.retraction_notice or "-")
print("claim", before, mentions_retraction(claim))
"""


@pytest.fixture
def database_url(migrated_scratch):
    with scratch_database("sources", template=migrated_scratch) as url:
        yield url


def environment(base: str, database_url: str) -> dict:
    env = {name: base + prefix for name, prefix in SOURCE_PREFIXES.items()}
    return {
        **env,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "LEDGER_SOURCES_BACKOFF_SECONDS": "0",
        "LEDGER_SOURCES_RETRIES": "1",
        "LEDGER_CONTACT_EMAIL": "ops@example.org",
    }


def answer(server, path, name, query=None):
    server.expect_request(path, query_string=query).respond_with_data(
        (SOURCES_DATA / name).read_bytes(), content_type="application/json"
    )


@pytest.mark.django_db
def test_check_retractions_runs_against_stand_ins_named_by_the_environment(
    httpserver, database_url
):
    answer(httpserver, f"/crossref/works/{WAKEFIELD}", "crossref-work-wakefield1998.json")
    query = {"filter": f"updates:{WAKEFIELD}", "rows": "20"}
    answer(httpserver, "/crossref/works", "crossref-updates-wakefield1998.json", query)
    env = environment(httpserver.url_for(""), database_url)
    result = run_manage("shell", "-c", SCRIPT, **env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == "state retracted 10.1016/s0140-6736(10)60175-4"
    assert lines[-1] == "claim False True"  # the grade's reasons now name the retraction
    agents = {request.headers["User-Agent"] for request, _ in httpserver.log}
    assert agents == {"EvidenceLedger/0.1 (mailto:ops@example.org)"}


def test_with_the_services_down_nothing_changes_and_the_command_says_why(database_url):
    result = run_manage("shell", "-c", SCRIPT, **environment("http://127.0.0.1:9", database_url))
    lines = result.stdout.strip().splitlines()
    assert "could not be reached (no connection)" in result.stdout + result.stderr
    assert lines[-2] == "state none -"
    assert lines[-1] == "claim False False"
