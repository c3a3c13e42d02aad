"""How fast a service may be asked: at most N requests a second, per process.

NCBI's E-utilities allow 3 requests a second without an API key and 10 with one
(`NCBI_API_KEY`; `NCBI_REQUESTS_PER_SECOND` overrides both); asking faster earns 429s and,
repeated, a blocked address. `wait(service)` sleeps until the service's next request is
allowed, so a run over many saved searches stays within the limit however fast the answers
come; the limit is per process (workers sharing one address: set a lower pace). A service
without a limit here is not paced (Crossref's polite pool asks only for the contact
address, which every request carries).
"""

import threading
import time

from django.conf import settings

_lock = threading.Lock()
_next: dict[str, float] = {}


def per_second(service: str) -> float | None:
    """The service's allowed requests a second, or None when it is not paced."""
    if service == "PubMed":
        return settings.NCBI_REQUESTS_PER_SECOND or (10.0 if settings.NCBI_API_KEY else 3.0)
    return None


def wait(service: str, *, clock=time.monotonic, sleep=time.sleep) -> float:
    """Sleep until `service` may be asked again; the seconds slept."""
    rate = per_second(service)
    if not rate:
        return 0.0
    with _lock:
        now = clock()
        start = max(now, _next.get(service, 0.0))
        _next[service] = start + 1.0 / rate
    slept = start - now
    if slept > 0:
        sleep(slept)
    return slept
