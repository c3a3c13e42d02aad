"""Probes and metrics: /healthz, /readyz and /metrics (config/health.py, config/metrics.py)."""

import pytest
from django.core.cache import cache, caches
from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper
from prometheus_client.parser import text_string_to_metric_families

from config import task_queue
from tests import sample_tasks
from tests.factories import EvidenceFactory

DEAD_PORT = 9  # nothing listens on the discard port of the loopback address
PRODUCTION_LIKE = {"SECURE_SSL_REDIRECT": True, "ALLOWED_HOSTS": ["ledger.example.org"]}
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def metric_samples(response) -> dict:
    """{(name, sorted labels): value} of a Prometheus text exposition."""
    text = response.content.decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_healthz_answers_ok_without_the_database(client):
    # No django_db mark: any database access here would raise.
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


@pytest.mark.django_db
def test_probes_pass_the_https_redirect_and_host_check_a_load_balancer_would_trip(client, settings):
    for name, value in PRODUCTION_LIKE.items():
        setattr(settings, name, value)
    by_address = {"HTTP_HOST": "10.0.0.5"}

    assert client.get("/healthz", **by_address).status_code == 200
    assert client.get("/readyz", **by_address).status_code == 200
    assert client.get("/claims/", **by_address).status_code == 400  # the check is on
    assert client.get("/claims/", HTTP_HOST="ledger.example.org").status_code == 301


@pytest.mark.django_db
def test_readyz_reports_each_part_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "queue": "ok"}


@pytest.fixture
def database_down():
    """`default` pointed at a port where no server listens, as if PostgreSQL had stopped."""
    real = connections["default"]
    connections["default"] = DatabaseWrapper(
        {**real.settings_dict, "HOST": "127.0.0.1", "PORT": DEAD_PORT}, alias="default"
    )
    yield
    connections["default"].close()
    connections["default"] = real


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_database_when_it_is_down(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "down", "cache": "ok", "queue": "ok"}


@pytest.mark.django_db
def test_readyz_names_the_cache_when_redis_is_down(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{DEAD_PORT}/0",
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "down", "queue": "ok"}


@pytest.mark.django_db
def test_readyz_names_the_queue_when_its_redis_is_down(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{DEAD_PORT}/0"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "queue": "down"}


def test_metrics_are_not_found_for_outside_clients_or_a_wrong_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    outside = {"REMOTE_ADDR": "203.0.113.9"}

    assert client.get("/metrics", **outside).status_code == 404
    assert client.get("/metrics", **outside, HTTP_AUTHORIZATION="Bearer nope").status_code == 404
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # an outside client through our own proxy
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404


@pytest.mark.django_db
def test_metrics_are_read_with_the_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    response = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")


@pytest.mark.django_db
def test_metrics_count_latency_by_view_and_page_cache_hits(client, settings):
    settings.LEDGER_PAGE_CACHE_SECONDS = 60
    caches[settings.PAGE_CACHE].clear()
    url = EvidenceFactory().claim.get_absolute_url()
    before = metric_samples(client.get("/metrics"))

    client.get(url)
    client.get(url)
    after = metric_samples(client.get("/metrics"))

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after[key] - before.get(key, 0)

    latency = "ledger_request_duration_seconds_count"
    assert grew(latency, view="claim-detail", method="GET") == 2
    assert grew("ledger_page_cache_lookups_total", result="miss") == 1
    assert grew("ledger_page_cache_lookups_total", result="hit") == 1
    assert not any("/claims/" in str(key) for key in after)  # no raw paths as labels


@pytest.mark.django_db
def test_metrics_show_ready_tasks_and_finished_tasks_by_outcome(
    client, settings, django_assert_max_num_queries
):
    cache.delete_many([task_queue.OUTCOME_KEY.format(o) for o in ("succeeded", "failed")])
    # The test settings' immediate backend runs them at once and records how they ended.
    assert sample_tasks.add.enqueue(1, 2).return_value == 3
    assert sample_tasks.fail.enqueue().status == "FAILED"
    settings.TASKS = DB_TASKS
    sample_tasks.add.enqueue(2, 3)  # a database row waiting for db_worker

    with django_assert_max_num_queries(1):  # the ready count of the one queue
        samples = metric_samples(client.get("/metrics"))

    assert samples[("ledger_tasks_ready", (("queue", "default"),))] == 1
    assert samples[("ledger_tasks_finished_total", (("outcome", "succeeded"),))] == 1
    assert samples[("ledger_tasks_finished_total", (("outcome", "failed"),))] == 1
