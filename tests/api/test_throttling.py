"""Throttles count per real client address, in a cache every worker shares."""

import secrets

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from claims.services import curator_token_create
from config.settings import base
from config.throttling import AnonRateThrottle, FailedTokenThrottle, client_ip
from tests.factories import CuratorFactory
from tests.processes import run_python

pytestmark = pytest.mark.django_db

DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": base.DATABASE_CACHE_TABLE,
}


@pytest.fixture
def shared_cache(settings):
    """The default cache of production: the database table that migrations create."""
    settings.CACHES = {"default": DATABASE_CACHE}


@pytest.fixture
def three_a_minute(monkeypatch, shared_cache):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)


def test_rotating_x_forwarded_for_does_not_lift_the_anonymous_limit(anon, library, three_a_minute):
    statuses = [
        anon.get("/api/claims/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_behind_one_trusted_proxy_the_client_is_the_address_it_saw(
    anon, library, three_a_minute, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def get(client_address, spoofed):
        forwarded = f"{spoofed}, {client_address}"
        return anon.get("/api/claims/", HTTP_X_FORWARDED_FOR=forwarded).status_code

    first = [get("198.51.100.7", f"203.0.113.{n}") for n in range(4)]
    other = get("198.51.100.8", "203.0.113.1")

    assert (first, other) == ([200, 200, 200, 429], 200)


def wrong_key(n: int, prefix: str = "") -> str:
    """A well-formed wrong key: `prefix` then hexadecimal digits of its own."""
    return (prefix + secrets.token_hex(32))[:64]


@pytest.fixture
def three_failures_a_minute(monkeypatch, shared_cache):
    monkeypatch.setattr(FailedTokenThrottle, "rate", "3/minute", raising=False)


def test_wrong_tokens_for_one_prefix_are_throttled(library, three_failures_a_minute):
    key = curator_token_create(user=CuratorFactory())
    guesser = APIClient()

    guesses = []
    for n in range(4):  # a guesser who knows the first 15 characters of a key
        guesser.credentials(HTTP_AUTHORIZATION=f"Token {wrong_key(n, key[:15])}")
        guesses.append(guesser.get("/api/claims/").status_code)

    assert guesses == [401, 401, 401, 429]  # token auth comes first: 401 with WWW-Authenticate


def test_a_neighbours_wrong_tokens_do_not_lock_out_a_right_one(library, three_failures_a_minute):
    key = curator_token_create(user=CuratorFactory())
    same_address = APIClient()
    wrong = []
    for n in range(9):
        same_address.credentials(HTTP_AUTHORIZATION=f"Token {wrong_key(n)}")
        wrong.append(same_address.get("/api/claims/").status_code)
    same_address.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert wrong == [401] * 9
    assert same_address.get("/api/claims/").status_code == 200


def test_malformed_tokens_share_one_throttled_bucket(library, three_failures_a_minute):
    client = APIClient()
    statuses = []
    for n in range(4):
        client.credentials(HTTP_AUTHORIZATION=f"Token not-a-key-{n}")
        statuses.append(client.get("/api/claims/").status_code)
    assert statuses == [401, 401, 401, 429]


def test_right_tokens_are_not_counted_as_failures(library, shared_cache, monkeypatch):
    monkeypatch.setattr(FailedTokenThrottle, "rate", "2/minute", raising=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {curator_token_create(user=CuratorFactory())}")
    assert [client.get("/api/claims/").status_code for _ in range(4)] == [200] * 4


def cache_backend(**env) -> str:
    script = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = run_python(
        "-c",
        f"import django; django.setup(); {script}",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="1",
        **env,
    )
    return result.stdout.strip() or result.stderr


def test_the_default_cache_is_the_database_and_redis_when_configured():
    assert cache_backend(REDIS_URL="") == DATABASE_CACHE["BACKEND"]
    redis = cache_backend(REDIS_URL="redis://127.0.0.1:6379/0")
    assert redis == "django.core.cache.backends.redis.RedisCache"


def test_forwarding_headers_are_not_trusted_by_default():
    assert base.REST_FRAMEWORK["NUM_PROXIES"] == 0
    assert not hasattr(base, "SECURE_PROXY_SSL_HEADER")


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("192.0.2.10", "203.0.113.5, 198.51.100.7", "198.51.100.7"),  # via our proxy
        ("192.0.2.10", "203.0.113.5, 198.51.100.7, 192.0.2.11", "198.51.100.7"),  # two of ours
        ("198.51.100.7", "203.0.113.5", "198.51.100.7"),  # not via a proxy: header ignored
        ("192.0.2.10", "", "192.0.2.10"),
    ],
)
def test_trusted_proxies_by_address_name_the_client(settings, remote, forwarded, client):
    settings.TRUSTED_PROXIES = ["192.0.2.0/28"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client
