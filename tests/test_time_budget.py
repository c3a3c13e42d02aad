"""The request-level time budget: PostgreSQL cancels a web request's statement at
`DJANGO_STATEMENT_TIMEOUT_MS` and the request answers 503 with Retry-After (JSON for the
API, a page otherwise), never a worker gunicorn kills; commands and jobs have no such limit;
gunicorn.conf.py gives workers longer than the statement timeout."""

import runpy

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper

from config.middleware import RETRY_AFTER_SECONDS, SERVER_BUSY
from config.settings.base import with_search_options
from tests.processes import ROOT, run_manage, run_python

PRINT_TIMEOUT = "from django.conf import settings; print(settings.STATEMENT_TIMEOUT_MS)"


@pytest.fixture
def slow_claims():
    """Every read of claims (or their counts) first runs a statement longer than the
    connection's timeout (however the view builds its queries: some are compiled once per
    process)."""

    def slow_first(execute, sql, params, many, context):
        if "claims_" in sql:
            execute("SELECT pg_sleep(2)", None, False, context)
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 100")  # undone with the test's transaction
    with connection.execute_wrapper(slow_first):
        yield


@pytest.mark.django_db
def test_an_api_request_over_its_statement_timeout_answers_json_503_with_retry_after(
    client, slow_claims
):
    response = client.get("/api/claims/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {"detail": SERVER_BUSY}


@pytest.mark.django_db
def test_a_page_over_its_statement_timeout_answers_a_busy_page_with_retry_after(
    client, slow_claims
):
    response = client.get("/claims/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert SERVER_BUSY in response.content.decode()
    assert "<h1>Busy</h1>" in response.content.decode()


@pytest.mark.django_db
def test_the_statement_timeout_is_set_when_a_connection_opens():
    settings_dict = with_search_options(
        {**connection.settings_dict, "OPTIONS": {}}, statement_timeout_ms=1500
    )
    probe = DatabaseWrapper(settings_dict)  # a second connection to the test database
    try:
        with probe.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("1500ms",)
    finally:
        probe.close()


def test_no_statement_timeout_leaves_the_server_default():
    database = with_search_options(
        {"ENGINE": "django.db.backends.postgresql"}, statement_timeout_ms=0
    )
    assert "statement_timeout" not in database["OPTIONS"]["options"]


def test_web_processes_read_the_timeout_and_management_commands_run_without_it():
    web = run_python(
        "-c", f"import django; django.setup(); {PRINT_TIMEOUT}", DJANGO_STATEMENT_TIMEOUT_MS="1234"
    )
    command = run_manage(
        "shell", "--no-imports", "-c", PRINT_TIMEOUT, DJANGO_STATEMENT_TIMEOUT_MS="1234"
    )

    assert (web.returncode, web.stdout.strip()) == (0, "1234"), web.stderr
    assert (command.returncode, command.stdout.strip()) == (0, "0"), command.stderr


def gunicorn_config(monkeypatch, **env) -> dict:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_gives_workers_longer_than_the_statement_timeout(monkeypatch):
    config = gunicorn_config(monkeypatch, DJANGO_STATEMENT_TIMEOUT_MS="45000", GUNICORN_WORKERS="3")

    assert config["timeout"] >= 45 + 5
    assert config["graceful_timeout"] >= config["timeout"]
    assert config["workers"] == 3
    assert config["wsgi_app"] == "config.wsgi:application"


def test_gunicorn_defaults_match_the_default_statement_timeout(monkeypatch):
    monkeypatch.delenv("DJANGO_STATEMENT_TIMEOUT_MS", raising=False)
    config = gunicorn_config(monkeypatch)

    assert config["timeout"] > 20  # the settings' default: 20 s
    assert config["workers"] >= 1
