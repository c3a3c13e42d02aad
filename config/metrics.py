"""Prometheus metrics, served at /metrics in Prometheus' text format (config.health).

- `ledger_request_duration_seconds{view,method}`: a histogram of the seconds from the
  request entering the middleware to its response, labelled by the resolved URL name
  (`claims:claim-detail`, never the raw path, so a million claims are one series);
  requests no URL resolved (static files, 404s) are `view="unresolved"`.
- `ledger_page_cache_lookups_total{result}`: claims.page_cache look-ups, "hit" or "miss";
  the hit rate is hits over both.
- `ledger_tasks_ready{queue}`: tasks waiting for a worker, read from the queue at scrape time.
- `ledger_tasks_finished_total{outcome}`: task runs that "succeeded" or "failed", counted by
  the workers in the shared cache (config.task_queue), the same on every app server. On RQ a
  failed run that is retried counts as failed too (a run whose process was killed does not).

Request and cache counters live in each process: under gunicorn set PROMETHEUS_MULTIPROC_DIR
to an empty directory per server (prometheus-client's multiprocess mode) and scrape each
server. This module imports no app: claims.page_cache counts its own look-ups here.
"""

import time

from django.conf import settings
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from config import task_queue

REQUEST_SECONDS = Histogram(
    "ledger_request_duration_seconds",
    "Seconds from request to response, by resolved view",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}  # others: "other"
PAGE_CACHE_LOOKUPS = Counter(
    "ledger_page_cache_lookups", "Claim page cache look-ups, hit or miss", ["result"]
)


class TaskQueueCollector(Collector):
    """Reads the queue and the shared outcome counts when Prometheus scrapes."""

    def collect(self):
        ready = GaugeMetricFamily(
            "ledger_tasks_ready", "Tasks waiting for a worker", labels=["queue"]
        )
        for queue, count in task_queue.ready_counts().items():
            ready.add_metric([queue], count)
        yield ready
        finished = CounterMetricFamily(
            "ledger_tasks_finished", "Tasks finished, by outcome", labels=["outcome"]
        )
        for outcome, count in task_queue.outcome_counts().items():
            finished.add_metric([outcome], count)
        yield finished


def exposition() -> tuple[bytes, str]:
    """The metrics text and its content type."""
    registry = CollectorRegistry()  # no auto-describe: each collector runs once a scrape
    if settings.METRICS_MULTIPROCESS:
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = _with_process_metrics(registry)
    registry.register(TaskQueueCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


def _with_process_metrics(registry: CollectorRegistry) -> CollectorRegistry:
    registry.register(_Forward(REGISTRY))
    return registry


class _Forward(Collector):
    """This process's own metrics (the default registry), inside a scrape's registry."""

    def __init__(self, source):
        self.source = source

    def collect(self):
        yield from self.source.collect()


class RequestMetricsMiddleware:
    """Times every request and labels it with the view its URL resolved to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match._func_path) if match else "unresolved"
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(view=view, method=method).observe(time.perf_counter() - started)
        return response
