"""The Zotero Web API (v3): the items of a library changed since a library version.

`changed_items(path, since=V)` pages through `GET {ZOTERO_API_URL}{path}?since=V&start=N&
limit=100&format=json` with the key in the `Zotero-API-Key` header (`ZOTERO_API_KEY`),
through the one shared HTTP client (`sources.http.fresh_json`: never cached), and yields each
item's `data`; attachments and notes are no references and are left out. A page shorter
than the limit is the last. Why not pyzotero: its current releases pin bibtexparser < 2
(the ledger reads BibTeX with bibtexparser 2) and bring their own HTTP client (httpx2),
which would bypass the shared client's address checks and deadline.
"""

from collections.abc import Iterator

from django.conf import settings

from citations.sources.http import fresh_json

SERVICE = "Zotero"
PAGE = 100  # The API's largest page.
NOT_REFERENCES = {"attachment", "note", "annotation"}


def changed_items(path: str, *, since: int) -> Iterator[dict]:
    """The `data` of every item under `path` whose version is above `since`."""
    headers = {"Zotero-API-Version": "3"}
    if settings.ZOTERO_API_KEY:
        headers["Zotero-API-Key"] = settings.ZOTERO_API_KEY
    url = settings.ZOTERO_API_URL.rstrip("/") + path
    start = 0
    while True:
        params = {"since": since, "start": start, "limit": PAGE, "format": "json"}
        page = fresh_json(url, service=SERVICE, params=params, headers=headers)
        for item in page:
            data = item.get("data", item)
            if data.get("itemType") not in NOT_REFERENCES:
                yield data | {"version": item.get("version", data.get("version", 0))}
        if len(page) < PAGE:
            return
        start += PAGE
