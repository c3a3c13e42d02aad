"""API tokens are stored as digests (django-rest-knox): shown once, expiring, last use kept."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import ApiToken
from claims.services import curator_token_create
from tests.factories import CuratorFactory

pytestmark = pytest.mark.django_db

hash_migration = importlib.import_module("claims.migrations.0014_api_token_hash_plaintext")


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def stored_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM claims_apitoken t")
        return " ".join(row[0] for row in cursor.fetchall())


def test_the_database_holds_a_digest_not_the_key():
    key = curator_token_create(user=CuratorFactory())
    token = ApiToken.objects.get()
    assert key not in stored_text()
    assert token.digest != key
    assert len(token.digest) == 128
    assert token.token_key == key[:15]


def test_a_copy_of_the_token_table_cannot_authenticate(library):
    key = curator_token_create(user=CuratorFactory())
    token = ApiToken.objects.get()
    assert api(key).post("/api/topics/", {"name": "A", "slug": "a"}).status_code == 201
    for stolen in (token.digest, token.token_key, token.digest[:64]):
        response = api(stolen).post("/api/topics/", {"name": "B", "slug": "b"})
        assert response.status_code == 401, stolen


def test_a_new_token_expires_after_its_lifetime_and_then_is_refused(library, settings):
    key = curator_token_create(user=CuratorFactory())
    token = ApiToken.objects.get()
    lifetime = settings.REST_KNOX["TOKEN_TTL"]
    assert abs(token.expiry - (timezone.now() + lifetime)) < timedelta(minutes=1)
    ApiToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))

    assert api(key).get("/api/claims/").status_code == 401
    assert not ApiToken.objects.exists()  # knox deletes an expired token when it is shown


def test_a_request_sets_last_used_once_a_minute(library, django_assert_max_num_queries):
    key = curator_token_create(user=CuratorFactory())
    assert ApiToken.objects.get().last_used is None
    assert api(key).get("/api/claims/").status_code == 200
    first = ApiToken.objects.get().last_used
    assert first is not None
    assert timezone.now() - first < timedelta(seconds=5)
    api(key).get("/api/claims/")
    assert ApiToken.objects.get().last_used == first  # not written again within the minute


def test_a_new_token_replaces_the_old_one(library):
    user = CuratorFactory()
    old = curator_token_create(user=user)
    new = curator_token_create(user=user)
    assert ApiToken.objects.filter(user=user).count() == 1
    assert api(old).get("/api/claims/").status_code == 401
    assert api(new).get("/api/claims/").status_code == 200


def test_the_migration_hashes_plaintext_tokens_so_their_keys_keep_working(library):
    user = CuratorFactory()
    plaintext = "0123456789abcdef0123456789abcdef01234567"  # a DRF key: 40 hex characters
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz,"
            " user_id integer)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", [plaintext, user.pk])

    with connection.schema_editor() as schema_editor:
        hash_migration.hash_plaintext_tokens(apps, schema_editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    assert plaintext not in stored_text()
    assert ApiToken.objects.get(user=user).expiry > timezone.now() + timedelta(days=1)
    assert api(plaintext).post("/api/topics/", {"name": "A", "slug": "a"}).status_code == 201


@pytest.mark.parametrize("header", ["Token abc\x00def", "Token " + "é" * 20, "Token zz" * 3])
def test_malformed_tokens_are_refused_with_401(library, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/claims/").status_code == 401
