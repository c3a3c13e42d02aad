"""How the metadata adapters ask a service, what they accept back, and what can go wrong.

`get_json(url, params=...)` and `get_text(...)` answer a parsed body or raise a
`SourceError` whose message a curator can act on:
- `SourceUnavailable`: offline, the look-up's deadline passed, a 5xx, or 429 after the last
  retry;
- `SourceNotFound`: a 404 (e.g. a DOI the service does not hold);
- `SourceBadResponse`: a body that is not what the service promises (malformed JSON or XML);
- `SourceRefused` (a bad response too): an answer that is not read or followed: a redirect
  off the allowed hosts, an address that is not public, more than `SOURCES_MAX_REDIRECTS`
  redirects, a body over `SOURCES_MAX_BYTES` (counted after decompression, so a gzip bomb
  stops at the limit), JSON or XML nested deeper than `SOURCES_MAX_DEPTH`, or an identifier
  that is not one (a DOI with a `..` segment, also when another service's answer gave it).

Every request goes through `client.shared_client()` (connection reuse, the bound on requests
in flight, retries honouring `Retry-After`, the deadline, public addresses only) and carries
`User-Agent: EvidenceLedger/<version> (mailto:<contact>)` (`LEDGER_CONTACT_EMAIL`).

Redirects are followed here, one at a time, at most `SOURCES_MAX_REDIRECTS`: to a configured
service's scheme, host and port, or a host of `SOURCES_ALLOWED_HOSTS`; and, when the look-up
started under the DOI resolver's URL (`DOI_RESOLVER_URL`), which hands DOIs on to
registration agencies and publishers, to any host over HTTPS (whose address
`client.GuardedBackend` then checks is public). Nothing else.

Successful answers are kept in Django's cache for `SOURCES_CACHE_SECONDS`, keyed by URL,
query and media type.
"""

import hashlib
import io
import json
import re
import zlib
from itertools import accumulate

import defusedxml.ElementTree as ET
import httpx
from django.conf import settings
from django.core.cache import cache

from citations.identifiers import InvalidIdentifier, normalize_doi, quoted_doi
from citations.sources import pace
from citations.sources.client import (
    RETRIED_STATUSES,
    BlockedAddress,
    deadline,
    origin,
    retry,
    service_origins,
    shared_client,
    timeout,
)

VERSION = "0.1"

UNAVAILABLE = "{service} could not be reached ({reason}). Nothing was changed; try again later."
NOT_FOUND = "{service} has no record for {what}."
BAD_RESPONSE = "{service} answered with something that is not valid {kind}. Nothing was changed."
REDIRECT_REFUSED = (
    "{service} redirected the look-up to {host}, which look-ups do not follow. Nothing was changed."
)
ADDRESS_REFUSED = (
    "{service}: {host} is not a public address; look-ups do not go there. Nothing was changed."
)
TOO_MANY_REDIRECTS = (
    "{service} redirected the look-up more than {limit} times. Nothing was changed."
)
TOO_LARGE = "{service} answered with more than {limit:,} bytes; the answer was not read."
TOO_DEEP = "{service} answered with {kind} nested deeper than {limit} levels; it was not read."
NOT_AN_IDENTIFIER = "{service}: {what!r} is not a valid identifier; it was not looked up."
RATE_LIMITED = "rate limited (HTTP 429)"
SERVER_ERROR = "HTTP {status}"
TIMED_OUT = "timed out"
OFFLINE = "no connection"
# What is asked for (never brotli or zstd, even when installed): `inflated` reads these.
ACCEPT_ENCODING = "gzip, deflate"
WBITS = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
INFLATE_STEP = 256 * 1024
# A JSON string (escapes included): what is inside one is not nesting.
JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


class SourceError(Exception):
    """A metadata service could not give an answer; the message says why, for a curator."""


class SourceUnavailable(SourceError):
    pass


class SourceNotFound(SourceError):
    pass


class SourceBadResponse(SourceError):
    pass


class SourceRefused(SourceBadResponse):
    """An answer that is not read or followed (see the module docstring)."""


def user_agent() -> str:
    contact = settings.LEDGER_CONTACT_EMAIL
    return f"EvidenceLedger/{VERSION}" + (f" (mailto:{contact})" if contact else "")


def doi_path(doi: str, *, service: str) -> str:
    """A DOI as URL path segments, each percent-encoded; `SourceRefused` if it is not a DOI."""
    try:
        return quoted_doi(normalize_doi(doi))
    except InvalidIdentifier as exc:
        raise SourceRefused(NOT_AN_IDENTIFIER.format(service=service, what=doi)) from exc


def get_json(
    url: str, *, service: str, params=None, accept="application/json", what="", cached=True
):
    """The JSON body at `url` (cached once it parses); raises a `SourceError`."""

    def parse(text: str):
        return parse_json(text, service=service)

    text = get_text(
        url, service=service, params=params, accept=accept, what=what, check=parse, cached=cached
    )
    return parse(text)


def fresh_json(url: str, *, service: str, params=None, headers=None):
    """The JSON body at `url`, never cached (a sync asks what changed since a version):
    for services that need a credential header (Zotero's `Zotero-API-Key`)."""
    status, text = _request(
        url, service=service, params=params, accept="application/json", extra=headers
    )
    if status == 404:
        raise SourceNotFound(NOT_FOUND.format(service=service, what=url))
    return parse_json(text, service=service)


def get_text(
    url: str, *, service: str, params=None, accept="*/*", what="", check=None, cached=True
) -> str:
    """The body at `url` as text; raises a `SourceError`. Only an answer that passes
    `check` (e.g. parses) is cached, so a garbled answer is asked for again next time.
    `cached=False` (a saved search's run: what is new is the point) neither reads nor keeps
    the cache."""
    key = cache_key(url, params, accept)
    kept = cache.get(key) if cached else None
    if kept is not None:
        return kept
    pace.wait(service)
    status, text = _request(url, service=service, params=params, accept=accept)
    if status == 404:
        raise SourceNotFound(NOT_FOUND.format(service=service, what=what or url))
    if check is not None:
        check(text)
    if cached:
        cache.set(key, text, settings.SOURCES_CACHE_SECONDS)
    return text


def cache_key(url: str, params, accept: str) -> str:
    query = json.dumps(sorted((params or {}).items()))
    digest = hashlib.sha256(f"{url}\n{query}\n{accept}".encode()).hexdigest()
    return f"sources:{digest}"


def _request(url: str, *, service: str, params, accept: str, extra=None) -> tuple[int, str]:
    """One GET with its retries and redirects, within one deadline: (status, body)."""
    client = shared_client()
    headers = {"User-Agent": user_agent(), "Accept": accept, "Accept-Encoding": ACCEPT_ENCODING}
    headers |= extra or {}
    with deadline():
        try:
            request = client.build_request(
                "GET", url, params=params, headers=headers, timeout=timeout()
            )
            request.extensions["retry"] = retry()
            return _follow(client, request, service)
        except httpx.TimeoutException as exc:
            raise SourceUnavailable(UNAVAILABLE.format(service=service, reason=TIMED_OUT)) from exc
        except httpx.TransportError as exc:
            raise SourceUnavailable(UNAVAILABLE.format(service=service, reason=OFFLINE)) from exc
        except BlockedAddress as exc:
            raise SourceRefused(ADDRESS_REFUSED.format(service=service, host=exc.host)) from exc


def _follow(client: httpx.Client, request: httpx.Request, service: str) -> tuple[int, str]:
    start = request.url
    for _hop in range(settings.SOURCES_MAX_REDIRECTS + 1):
        response = client.send(request, stream=True)
        try:
            if not response.has_redirect_location:
                return _answer(response, service)
            request = response.next_request
            if not redirect_allowed(request.url, start=start):
                host = request.url.netloc.decode("ascii")
                raise SourceRefused(REDIRECT_REFUSED.format(service=service, host=host))
        finally:
            response.close()
    limit = settings.SOURCES_MAX_REDIRECTS
    raise SourceRefused(TOO_MANY_REDIRECTS.format(service=service, limit=limit))


def redirect_allowed(target: httpx.URL, *, start: httpx.URL) -> bool:
    """To a configured service or allowed host; or anywhere over HTTPS when the DOI resolver
    sent us on."""
    if target.scheme not in ("http", "https"):
        return False
    allowed = {name.lower() for name in settings.SOURCES_ALLOWED_HOSTS}
    if origin(target) in service_origins() or target.host in allowed:
        return True
    resolver = settings.DOI_RESOLVER_URL.rstrip("/") + "/"
    return str(start).startswith(resolver) and target.scheme == "https"


def _answer(response: httpx.Response, service: str) -> tuple[int, str]:
    status = response.status_code
    if status in RETRIED_STATUSES:  # still, after the last retry
        reason = RATE_LIMITED if status == 429 else SERVER_ERROR.format(status=status)
        raise SourceUnavailable(UNAVAILABLE.format(service=service, reason=reason))
    if status == 404:
        read_limited(response, service)  # read, so that the connection is kept
        return status, ""
    if not response.is_success:
        reason = SERVER_ERROR.format(status=status)
        raise SourceUnavailable(UNAVAILABLE.format(service=service, reason=reason))
    return status, read_limited(response, service)


def read_limited(response: httpx.Response, service: str) -> str:
    """The body as text, read as it arrives; `SourceRefused` once past `SOURCES_MAX_BYTES`
    (sent or, after decompression, received)."""
    limit = settings.SOURCES_MAX_BYTES
    too_large = SourceRefused(TOO_LARGE.format(service=service, limit=limit))
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    try:
        for chunk in inflated(response):
            body += chunk
            if len(body) > limit:
                raise too_large
    except zlib.error as exc:
        raise SourceBadResponse(
            BAD_RESPONSE.format(service=service, kind="gzip or deflate")
        ) from exc
    return body.decode(response.encoding or "utf-8", errors="replace")


def inflated(response: httpx.Response):
    """The body decompressed `INFLATE_STEP` bytes at a time. Hand-written because httpx's
    decoder inflates each 64 KiB read whole: one read of a gzip bomb became 67 MB at once
    (measured), more than the worker's whole budget; here memory stays within a step."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        yield from response.iter_raw()
        return
    if encoding not in WBITS:
        raise zlib.error(f"unsupported Content-Encoding {encoding!r}")
    decompressor = zlib.decompressobj(WBITS[encoding])
    for data in response.iter_raw():
        while data:
            yield decompressor.decompress(data, INFLATE_STEP)
            data = decompressor.unconsumed_tail


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in `text`, counted without recursion."""
    brackets = re.findall(r"[\[\]{}]", JSON_STRING.sub("", text))
    return max(accumulate(1 if b in "[{" else -1 for b in brackets), default=0)


def parse_json(text: str, *, service: str):
    limit = settings.SOURCES_MAX_DEPTH
    if json_depth(text) > limit:
        raise SourceRefused(TOO_DEEP.format(service=service, kind="JSON", limit=limit))
    try:
        return json.loads(text)
    except ValueError as exc:
        raise SourceBadResponse(BAD_RESPONSE.format(service=service, kind="JSON")) from exc


def parse_xml(text: str, *, service: str):
    """The root element (defusedxml: no entities, no DTD tricks), refused past the depth."""
    limit, depth = settings.SOURCES_MAX_DEPTH, 0
    try:
        events = ET.iterparse(io.StringIO(text), events=("start", "end"))
        for event, _element in events:
            depth += 1 if event == "start" else -1
            if depth > limit:
                raise SourceRefused(TOO_DEEP.format(service=service, kind="XML", limit=limit))
    except (ET.ParseError, ValueError) as exc:
        raise SourceBadResponse(BAD_RESPONSE.format(service=service, kind="XML")) from exc
    return events.root
