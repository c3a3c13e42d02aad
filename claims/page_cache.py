"""Rendered public pages kept in the cache, keyed on a version of what they show.

A claim page renders every evidence item with its citation, identifier links and BibTeX
(about a millisecond an item); the page only changes when the claim, one of its evidence
items, their references or the references' authors do (`ClaimQuerySet.page_version`: one
indexed row). `serve_cached` keeps the rendered HTML in the `settings.PAGE_CACHE` cache
(each process's memory, or Redis) under a key made of the page's address and that version,
so a change shows at once, in every process, and an unchanged page costs that one query.
The address leaves out the Host header's port: a client that names 400 ports gets one
rendering, not 400.
Only anonymous GETs without a query string are cached (a signed-in
curator sees extra links; `?q=` fills the header search box); LEDGER_PAGE_CACHE_SECONDS
bounds how long a page may miss a change its version does not cover (a related claim's grade;
publishing or retracting a claim moves the version of the public claims related to it:
evidence.relations.status_change_regrade).

List pages (home, claim list and searches, topic pages) are kept the same way by
`serve_list_cached`, for anonymous GETs, under their whole address (query string included)
and the newest change of the public counts (`list_version`: one indexed row; it moves when a
claim is published, withdrawn, regraded or given a topic), for LEDGER_FACET_CACHE_SECONDS, as
long as the counts they show are kept: an edit of a listed claim's wording shows within that.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db.models import Max
from django.http import HttpResponse
from django.http.request import split_domain_port

from claims.models import PublicCount
from config.metrics import PAGE_CACHE_LOOKUPS


def is_cacheable(request) -> bool:
    return (
        settings.LEDGER_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.GET
        and not request.user.is_authenticated
    )


def serve_cached(request, version, render_page) -> HttpResponse:
    """The page `render_page()` gives, from the cache when `version` was rendered before."""
    if not is_cacheable(request):
        return render_page()
    host, _port = split_domain_port(request.get_host())  # a port renders the same page
    address = f"{request.scheme}://{host}{request.path}|{version}"
    key = "page:" + hashlib.sha256(address.encode()).hexdigest()
    cache = caches[settings.PAGE_CACHE]
    html = cache.get(key)
    PAGE_CACHE_LOOKUPS.labels(result="miss" if html is None else "hit").inc()
    if html is not None:
        return HttpResponse(html)
    response = render_page()
    if response.status_code == 200:
        cache.set(key, response.content, settings.LEDGER_PAGE_CACHE_SECONDS)
    return response


def list_is_cacheable(request) -> bool:
    return (
        settings.LEDGER_FACET_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.user.is_authenticated
    )


def list_version():
    """The newest change of the public counts (claims.counts): a new one with each claim
    published, withdrawn, regraded, retopiced or deleted."""
    return PublicCount.objects.aggregate(newest=Max("pk"))["newest"]


def serve_list_cached(request, render_page) -> HttpResponse:
    """The list page `render_page(version)` gives, from the cache while its address and the
    `list_version` are those it was rendered for (at most LEDGER_FACET_CACHE_SECONDS); the
    page keeps the counts it shows under the same version. Not kept: `render_page(None)`."""
    if not list_is_cacheable(request):
        return render_page(None)
    version = list_version()
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    key = "list:" + hashlib.sha256(f"{address}|{version}".encode()).hexdigest()
    cache = caches[settings.PAGE_CACHE]
    html = cache.get(key)
    PAGE_CACHE_LOOKUPS.labels(result="miss" if html is None else "hit").inc()
    if html is not None:
        return HttpResponse(html)
    response = render_page(version)
    if response.status_code == 200:
        cache.set(key, response.content, settings.LEDGER_FACET_CACHE_SECONDS)
    return response
