"""import_zotero against a stand-in Zotero Web API (the v3 item shape: key, version,
library, links, meta, data): a library of 2,000 items imports in pages of 100, and a second
run asks only for what changed since the version the first reached, and changes only that."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from werkzeug import Response

from citations.admin import zotero as admin_zotero
from citations.management.commands import import_zotero
from citations.models import Reference, ZoteroLibrary

pytestmark = pytest.mark.django_db
PATH = "/zotero/groups/4711/items"


def item(number: int, version: int, title: str = "") -> dict:
    """One item as the API answers it (`format=json`)."""
    key = f"K{number:07d}"
    data = {
        "key": key,
        "version": version,
        "itemType": "journalArticle",
        "title": title or f"Study {number} of bone density",
        "creators": [{"creatorType": "author", "firstName": "Ann", "lastName": f"Author{number}"}],
        "publicationTitle": "Bone",
        "date": str(1990 + number % 30),
        "DOI": f"10.5555/zotero.{number}",
        "extra": f"PMID: {100000 + number}",
        "tags": [],
        "collections": [],
        "relations": {},
    }
    return {
        "key": key,
        "version": version,
        "library": {"type": "group", "id": 4711, "name": "Bone group"},
        "links": {"self": {"href": f"https://api.zotero.org/groups/4711/items/{key}"}},
        "meta": {"numChildren": 0},
        "data": data,
    }


class StandInLibrary:
    """A Zotero group library: items by key, each with its version; answers `since`."""

    def __init__(self, server, size: int):
        self.items = {f"K{n:07d}": item(n, n) for n in range(1, size + 1)}
        self.requests = []
        server.expect_request(PATH, method="GET").respond_with_handler(self.answer)

    @property
    def version(self) -> int:
        return max(entry["version"] for entry in self.items.values())

    def change(self, number: int, title: str) -> None:
        self.items[f"K{number:07d}"] = item(number, self.version + 1, title)

    def answer(self, request):
        self.requests.append(request)
        since = int(request.args.get("since", 0))
        start, limit = int(request.args.get("start", 0)), int(request.args.get("limit", 25))
        changed = sorted(
            (e for e in self.items.values() if e["version"] > since), key=lambda e: e["version"]
        )
        headers = {
            "Last-Modified-Version": str(self.version),
            "Total-Results": str(len(changed)),
        }
        body = json.dumps(changed[start : start + limit])
        return Response(body, headers=headers, content_type="application/json")


@pytest.fixture
def zotero(httpserver, settings):
    settings.ZOTERO_API_URL = httpserver.url_for("/zotero")
    settings.ZOTERO_API_KEY = "stand-in-key"
    return lambda size: StandInLibrary(httpserver, size)


def run(*args) -> str:
    out = StringIO()
    call_command("import_zotero", "--group", "4711", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_library_of_2000_items_imports_then_a_second_run_changes_only_three(zotero):
    library = zotero(2000)
    output = run()
    assert Reference.objects.count() == 2000
    assert len(library.requests) == 21  # 20 full pages, then an empty one
    assert {r.headers["Zotero-API-Key"] for r in library.requests} == {"stand-in-key"}
    assert "library now at version 2000" in output
    assert ZoteroLibrary.objects.get().version == 2000
    reference = Reference.objects.get(extra_fields__zoterokey="K0000007")
    assert (reference.doi, reference.pmid, reference.container_title) == (
        "10.5555/zotero.7",
        "100007",
        "Bone",
    )
    before = dict(Reference.objects.values_list("pk", "updated"))
    for number in (5, 500, 1999):
        library.change(number, f"Revised study {number}")
    library.requests.clear()
    output = run()
    assert [r.args["since"] for r in library.requests] == ["2000"]
    assert "3 item(s) changed since version 2000" in output
    assert import_zotero.WRITTEN.format(created=0, updated=3, skipped=0, version=2003) in output
    after = dict(Reference.objects.values_list("pk", "updated"))
    changed = {pk for pk in after if after[pk] != before[pk]}
    titles = set(Reference.objects.filter(pk__in=changed).values_list("title", flat=True))
    assert titles == {"Revised study 5", "Revised study 500", "Revised study 1999"}
    assert Reference.objects.count() == 2000


def test_a_run_with_nothing_changed_fetches_one_empty_page_and_writes_nothing(zotero):
    library = zotero(3)
    run()
    library.requests.clear()
    output = run()
    assert "0 item(s) changed since version 3" in output
    assert len(library.requests) == 1


def test_import_zotero_exits_1_when_zotero_cannot_be_reached(settings):
    settings.ZOTERO_API_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError) as raised:
        run()
    assert raised.value.returncode == 1
    assert ZoteroLibrary.objects.get().version == 0


def test_import_zotero_needs_a_numeric_library_id():
    with pytest.raises(CommandError, match=import_zotero.NEEDS_LIBRARY) as raised:
        call_command("import_zotero", "--group", "abc")
    assert raised.value.returncode == 2


def test_the_admin_action_imports_what_changed_in_the_selected_libraries(zotero, admin_client):
    library_server = zotero(30)
    library = ZoteroLibrary.objects.create(kind="group", library_id="4711")
    url = "/admin/citations/zoterolibrary/"
    data = {"action": "sync_now", "_selected_action": [library.pk]}
    response = admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    text = admin_zotero.SYNCED.format(library=library, fetched=30, created=30, updated=0, skipped=0)
    assert [str(m) for m in response.context["messages"]] == [text]
    assert Reference.objects.count() == 30
    library.refresh_from_db()
    assert library.version == 30
    library_server.change(3, "Revised")
    admin_client.post(url, data)
    assert Reference.objects.get(extra_fields__zoterokey="K0000003").title == "Revised"
