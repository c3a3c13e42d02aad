"""Two ways of not doing the same work twice: counts kept for a while, and HTML remembered
for what it shows.

`facet_cached(key, compute)`: `compute()`, kept in the page cache (`settings.PAGE_CACHE`:
each process's memory, or Redis) for `LEDGER_FACET_CACHE_SECONDS`, so a list page reads its
counts without a round trip to the database; with 0 (caches off) computed every time and the
cache left alone (a timeout of 0 still costs a cache a write and a delete per call).

`Memo(size).get(content, compute)`: the same for values other than HTML (a claim page's
evidence profile, recomputed from its grading values), in a memory of its own and bounded.

`remembered(content, render)`: the HTML `render()` gives, kept in this process's memory under a
digest of `content`, which must hold everything the HTML shows (the row's columns, the
related rows' columns, the numbers computed for it). An edit of any of these makes a new key,
so a remembered fragment is never stale and there is nothing to expire or switch off: the
page and facet caches' settings leave it alone. `MEMO_SIZE` fragments at most (the oldest
half dropped when full).
"""

import hashlib

from django.conf import settings
from django.core.cache import caches

MEMO_SIZE = 4096  # fragments of 0.5 to 6 kB: 20 MB at most
_memo: dict[str, str] = {}


def facet_cached(key: str, compute):
    seconds = settings.LEDGER_FACET_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    return caches[settings.PAGE_CACHE].get_or_set(key, compute, seconds)


def content_key(content) -> str:
    return hashlib.blake2b(repr(content).encode(), digest_size=20).hexdigest()


def remembered(content, render) -> str:
    """`render()`, once per process for each distinct `content` (see the module's text)."""
    key = content_key(content)
    html = _memo.get(key)
    if html is None:
        html = _memo[key] = render()
        if len(_memo) > MEMO_SIZE:
            for old in list(_memo)[: MEMO_SIZE // 2]:
                _memo.pop(old, None)
    return html


def recalled(contents: list) -> dict:
    """{content: html} of the `contents` remembered (each as `remembered` keys it)."""
    found = {}
    for content in contents:
        html = _memo.get(content_key(content))
        if html is not None:
            found[content] = html
    return found


def remember_many(htmls: dict) -> None:
    """Remember each {content: html} (as `remembered` would have)."""
    for content, html in htmls.items():
        remembered(content, lambda html=html: html)


MISSING = object()


class Memo:
    """`compute()` once per process for each distinct `content`, which must hold everything
    the value is computed from (keyed by its digest, as `remembered` keys HTML): never stale,
    nothing to expire. `size` values at most, the oldest half dropped when full."""

    def __init__(self, size: int):
        self.size = size
        self.values: dict = {}

    def get(self, content, compute):
        key = content_key(content)
        value = self.values.get(key, MISSING)  # one read: another thread may evict the key
        if value is not MISSING:
            return value
        value = self.values[key] = compute()
        if len(self.values) > self.size:
            for old in list(self.values)[: self.size // 2]:
                self.values.pop(old, None)
        return value


def forget_all() -> None:
    """Empty this process's memory of fragments (tests that count renders)."""
    _memo.clear()
