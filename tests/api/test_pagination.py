"""API pagination: page numbers read from the nearer end; `?cursor=` walks any depth."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db
KEYS = [f"ref{n:02d}" for n in range(7)]


@pytest.fixture
def references():
    for number, key in enumerate(KEYS):
        ReferenceFactory(citekey=key, year=2000 + number % 2)


def walk_pages(api, query: str) -> list[str]:
    keys, page = [], 1
    while True:
        body = api.get(f"/api/references/?page_size=2&page={page}{query}").json()
        keys += [item["citekey"] for item in body["results"]]
        if not body["next"]:
            return keys
        page += 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", KEYS), ("&ordering=-citekey", KEYS[::-1]), ("&search=bone", KEYS)],
)
def test_pages_past_the_middle_hold_the_same_rows(curator_api, references, query, expected):
    assert walk_pages(curator_api, query) == expected


def test_non_unique_ordering_pages_forwards_and_loses_nothing(curator_api, references):
    assert sorted(walk_pages(curator_api, "&ordering=year")) == KEYS


def test_last_page_is_read_from_the_end_without_offset(curator_api, references):
    with CaptureQueriesContext(connection) as queries:
        body = curator_api.get("/api/references/?page_size=2&page=4").json()
    assert [item["citekey"] for item in body["results"]] == ["ref06"]
    page_query = next(
        q["sql"] for q in queries if "citations_reference" in q["sql"] and "LIMIT" in q["sql"]
    )
    assert "OFFSET" not in page_query
    assert body["count"] == 7


def test_cursor_walks_every_row_in_key_order_without_count(curator_api, references):
    url, keys = "/api/references/?cursor=&page_size=3", []
    while url:
        body = curator_api.get(url).json()
        assert "count" not in body
        keys += [item["citekey"] for item in body["results"]]
        url = body["next"]
    assert keys == KEYS


def test_bad_cursor_is_not_found(curator_api, references):
    response = curator_api.get("/api/references/?cursor=not-a-cursor")
    assert response.status_code == 404


def test_count_is_cached_per_list(curator_api, references, settings):
    from django.core.cache import cache

    settings.LEDGER_FACET_CACHE_SECONDS = 60
    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            curator_api.get("/api/references/?page_size=2&page=2")
        counts.append(sum("COUNT(*)" in q["sql"] for q in queries))
    filtered = curator_api.get("/api/references/?year_min=2001").json()["count"]
    cache.clear()
    assert (counts, filtered) == ([1, 0], 3)


OSTEON_MATCHES = ["old1", "old2", "new3", "new4", "new5"]


@pytest.fixture
def osteon_matches():
    """Five matches, oldest first: the oldest is a title match, as is the second newest."""
    titles = ["Osteon remodeling", "Cortical bone", "Trabecular bone", "Osteon canals", "Marrow"]
    abstracts = ["", "The osteon.", "An osteon.", "", "Osteon again."]
    for key, title, abstract in zip(OSTEON_MATCHES, titles, abstracts, strict=True):
        ReferenceFactory(citekey=key, title=title, abstract=abstract)


@pytest.fixture
def ranked_matches(monkeypatch):
    monkeypatch.setattr("citations.search.RANKED_MATCHES", 3)


def test_search_pages_rank_only_the_newest_matches(curator_api, osteon_matches, ranked_matches):
    body = curator_api.get("/api/references/?search=osteon").json()

    assert [item["citekey"] for item in body["results"]] == ["new4", "new3", "new5"]
    assert body["count"] == 3
    assert walk_pages(curator_api, "&search=osteon") == ["new4", "new3", "new5"]


def test_search_with_fewer_matches_ranks_them_all(curator_api, osteon_matches):
    body = curator_api.get("/api/references/?search=osteon").json()

    assert [item["citekey"] for item in body["results"]] == [
        "new4",
        "old1",
        "new3",
        "new5",
        "old2",
    ]
    assert body["count"] == 5


@pytest.mark.parametrize("query", ["&cursor=", "&ordering=citekey"])
def test_search_walked_by_cursor_or_ordered_otherwise_lists_every_match(
    curator_api, osteon_matches, ranked_matches, query
):
    body = curator_api.get(f"/api/references/?search=osteon{query}").json()

    assert sorted(item["citekey"] for item in body["results"]) == sorted(OSTEON_MATCHES)


def test_search_export_holds_every_match(curator_api, osteon_matches, ranked_matches):
    response = curator_api.get("/api/references/?search=osteon&format=bibtex")

    exported = b"".join(response.streaming_content).decode()
    assert all(f"{{{key}," in exported for key in OSTEON_MATCHES)


def test_a_cursor_holding_a_nul_is_a_400_not_a_500(curator_api, references):
    from base64 import b64encode

    from config.pagination import CURSOR_HAS_NUL

    cursor = b64encode(b"p=prior%001990").decode()
    response = curator_api.get(f"/api/references/?cursor={cursor}")
    assert response.status_code == 400
    assert response.json() == {"cursor": [CURSOR_HAS_NUL]}


def test_long_lists_give_the_planners_estimate_and_say_so(curator_api, monkeypatch):
    monkeypatch.setattr("config.pagination.ESTIMATE_ABOVE", 2)
    ReferenceFactory.create_batch(4)
    body = curator_api.get("/api/references/?page_size=1").json()

    assert body["count_estimated"] is True
    assert body["count"] >= 3  # at least what was counted before estimating
    last = -(-body["count"] // 1)
    assert curator_api.get(f"/api/references/?page_size=1&page={last}").status_code == 200


def test_short_lists_count_exactly_and_say_nothing(curator_api):
    ReferenceFactory.create_batch(4)
    body = curator_api.get("/api/references/").json()

    assert body["count"] == 4
    assert "count_estimated" not in body
