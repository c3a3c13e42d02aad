"""Crossref REST API: a work by DOI, bibliographic search, editorial updates.

- `work(doi)`: `GET {CROSSREF_API_URL}/works/{doi}` -> `{"message": <work>}`.
- `search(text)`: `GET /works?query.bibliographic=<text>&rows=5` -> `{"message": {"items":
  [<work with "score">, ...]}}`, best first.
- `search_works(query, since=, until=)`: `GET /works?query=<text>&filter=from-pub-date:..,
  until-pub-date:..` -> the works as `Article`s (a saved search's run; never cached).
- `updates(doi)`: the work's own `updated-by` entries plus the notices that
  `GET /works?filter=updates:<doi>` finds (each notice's `update-to` names the work), as
  `Update`s (retraction, expression of concern, correction, ...).
A work found by DOI carries its `updated-by` entries (`Found.updates`: Crossref lists on the
updated work every notice whose `update-to` names it) and, when it is itself a notice, its
`update-to` entries (`Found.notice_of`).
"""

import re

from django.conf import settings

from citations.sources import http
from citations.sources.client import deadline
from citations.sources.csl import orcids, record_from_csl
from citations.sources.results import (
    Article,
    Found,
    NoticeOf,
    Update,
    date_from_parts,
    update_state,
)

SERVICE = "Crossref"
ROWS = 5
SEARCH_LIMIT = 500
WORK_TYPES = {
    "journal-article": "article",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-chapter": "incollection",
    "book-section": "incollection",
    "book-part": "incollection",
    "proceedings-article": "inproceedings",
    "report": "techreport",
    "dissertation": "phdthesis",
    "posted-content": "unpublished",
    "dataset": "misc",
}


def _url(path: str) -> str:
    return settings.CROSSREF_API_URL.rstrip("/") + path


def _message(data) -> dict:
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise http.SourceBadResponse(http.BAD_RESPONSE.format(service=SERVICE, kind="JSON"))
    return message


def work(doi: str) -> Found:
    """The work with this DOI; `SourceNotFound` when Crossref does not hold it."""
    path = f"/works/{http.doi_path(doi, service=SERVICE)}"
    data = http.get_json(_url(path), service=SERVICE, what=doi)
    return found_from_work(_message(data))


def search(text: str, rows: int = ROWS) -> list[Found]:
    """Works that best match a free citation string, best first, with their scores."""
    params = {"query.bibliographic": text[:1000], "rows": rows}
    data = http.get_json(_url("/works"), service=SERVICE, params=params)
    items = _message(data).get("items") or []
    return [found_from_work(item) for item in items if isinstance(item, dict)]


def search_works(
    text: str, *, since=None, until=None, filters: str = "", limit: int = SEARCH_LIMIT
) -> list[Article]:
    """Works Crossref finds for `text` published from `since` to `until` (either open)."""
    parts = [f.strip() for f in filters.split(",") if f.strip()]
    if since:
        parts.append(f"from-pub-date:{since.isoformat()}")
    if until:
        parts.append(f"until-pub-date:{until.isoformat()}")
    params = {"query": text[:1000], "rows": limit, "sort": "published", "order": "desc"}
    if parts:
        params["filter"] = ",".join(parts)
    data = http.get_json(_url("/works"), service=SERVICE, params=params, cached=False)
    items = _message(data).get("items") or []
    return [article_from_work(item) for item in items if isinstance(item, dict) and item.get("DOI")]


def article_from_work(item: dict) -> Article:
    titles = item.get("title") or [""]
    containers = item.get("container-title") or [""]
    issued = (item.get("issued") or {}).get("date-parts") or [[None]]
    year = issued[0][0] if issued and issued[0] else None
    abstract = re.sub(r"<[^>]+>", " ", str(item.get("abstract") or ""))
    return Article(
        title=" ".join(str(titles[0]).split()),
        doi=str(item["DOI"]).lower(),
        abstract=" ".join(abstract.split()),
        journal=str(containers[0]),
        year=str(year or ""),
        publication_types=tuple(t for t in [str(item.get("type") or "")] if t),
    )


def updates(doi: str) -> list[Update]:
    """Every editorial update Crossref knows for this DOI (the work's and notices')."""
    with deadline():  # the work and the notices: one budget
        known = list(work(doi).updates)
        params = {"filter": f"updates:{doi}", "rows": 20}
        notices = _message(http.get_json(_url("/works"), service=SERVICE, params=params))
    return merged(known + updates_from_notices(notices.get("items") or [], doi))


def found_from_work(item: dict) -> Found:
    return Found(
        record=record_from_csl(item, types=WORK_TYPES),
        source=SERVICE,
        orcids=orcids(item),
        updates=tuple(updates_from_work(item)),
        score=item.get("score"),
        notice_of=tuple(notice_of_work(item)),
    )


def notice_of_work(item: dict) -> list[NoticeOf]:
    """A notice's `update-to`: the works it retracts, corrects or expresses concern about."""
    found = []
    for entry in item.get("update-to") or []:
        state = update_state(str(entry.get("type", "")))
        if state and entry.get("DOI"):
            when = date_from_parts(entry.get("updated"))
            found.append(NoticeOf(state=state, work=str(entry["DOI"]).lower(), date=when))
    return found


def updates_from_work(item: dict) -> list[Update]:
    """A work's `updated-by`: notices that update it (retraction-watch or the publisher)."""
    found = []
    for entry in item.get("updated-by") or []:
        state = update_state(str(entry.get("type", "")))
        if state:
            found.append(
                Update(
                    state=state,
                    notice=str(entry.get("DOI", "")).lower(),
                    date=date_from_parts(entry.get("updated")),
                    source=f"{SERVICE} ({entry.get('source', 'publisher')})",
                )
            )
    return found


def updates_from_notices(items: list, doi: str) -> list[Update]:
    """Notices found with `filter=updates:<doi>`: their `update-to` entries naming `doi`."""
    found = []
    for item in items:
        for entry in item.get("update-to") or []:
            state = update_state(str(entry.get("type", "")))
            if state and str(entry.get("DOI", "")).lower() == doi.lower():
                when = date_from_parts(entry.get("updated")) or date_from_parts(item.get("issued"))
                notice = str(item.get("DOI", "")).lower()
                found.append(Update(state=state, notice=notice, date=when, source=SERVICE))
    return found


def merged(updates_: list[Update]) -> list[Update]:
    """One update per (state, notice): the same notice is often listed both ways."""
    seen: dict[tuple[str, str], Update] = {}
    for update in updates_:
        seen.setdefault((update.state, update.notice), update)
    return list(seen.values())
