"""Probes for load balancers and Prometheus, answered before the rest of the middleware.

- `/healthz` (liveness): 200 "ok" while the process serves requests; touches nothing else.
- `/readyz` (readiness): 200 when the database, the cache and the task queue all answer,
  503 otherwise; the JSON body names each part, "ok" or "down".
- `/metrics`: config.metrics in Prometheus' text format, for clients in
  METRICS_ALLOWED_NETWORKS (by config.throttling.client_ip, so never a public client
  behind our proxy) or with `Authorization: Bearer <METRICS_TOKEN>`; 404 for anyone else.

ProbeMiddleware is first in MIDDLEWARE: a probe by address (Host: 10.0.0.5) or over plain
HTTP passes ALLOWED_HOSTS and the HTTPS redirect, and costs no session, user or CSRF work.
"""

import hmac
import ipaddress
import logging

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse

from config import metrics, task_queue
from config.throttling import client_ip

logger = logging.getLogger(__name__)
OK, DOWN = "ok", "down"


def healthz(request) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    caches["default"].get("readyz")


CHECKS = {"database": _database, "cache": _cache, "queue": task_queue.ping}


def readyz(request) -> JsonResponse:
    parts = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure of a dependency means: not ready
            logger.warning("Readiness: %s is down", name, exc_info=True)
            parts[name] = DOWN
        else:
            parts[name] = OK
    status = 200 if all(state == OK for state in parts.values()) else 503
    return JsonResponse(parts, status=status, headers={"Cache-Control": "no-store"})


def may_read_metrics(request) -> bool:
    header = request.headers.get("Authorization", "")
    if settings.METRICS_TOKEN and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer "), settings.METRICS_TOKEN)
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    allowed = settings.METRICS_ALLOWED_NETWORKS
    return any(address in ipaddress.ip_network(net, strict=False) for net in allowed)


def metrics_view(request) -> HttpResponse:
    if not may_read_metrics(request):
        return HttpResponseNotFound()
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


PROBES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        return probe(request)
