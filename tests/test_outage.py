"""A database outage: the API answers JSON 503 with Retry-After; pages a maintenance page.

The fault is injected where the backend opens a cursor (psycopg's OperationalError, which
Django wraps as its own), as if the server had gone away between two requests.
"""

from unittest import mock

import psycopg
import pytest

from config.middleware import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down():
    refused = psycopg.OperationalError("connection refused: the server is not running")
    target = "django.db.backends.postgresql.base.DatabaseWrapper.create_cursor"
    with mock.patch(target, side_effect=refused):
        yield


@pytest.mark.parametrize("url", ["/api/claims/", "/api/claims/x/?format=bibtex"])
def test_api_answers_json_503_with_retry_after_when_the_database_is_down(
    client, database_down, url
):
    response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}


@pytest.mark.parametrize("url", ["/", "/claims/", "/claims/some-claim/"])
def test_pages_show_a_maintenance_page_when_the_database_is_down(client, database_down, url):
    response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "Down for maintenance" in response.content.decode()
    assert DATABASE_UNAVAILABLE in response.content.decode()


def test_pages_answer_normally_with_the_database_up(client):
    assert client.get("/").status_code == 200
