"""Two imports of overlapping files at the same time, each on its own PostgreSQL connection
(real threads, committed transactions): both succeed or one is told to retry (409), and
in the end every entry is stored exactly once."""

import threading

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from rest_framework.test import APIClient

from citations.models import Person, Reference
from claims.access import sync_curators_group
from tests.factories import CuratorFactory
from tests.pages.conftest import migrated_data_restored  # noqa: F401 - restores the groups

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/references/import/"
BIBTEX = "application/x-bibtex"


@pytest.fixture
def user(migrated_data_restored):  # noqa: F811 - the fixture imported above
    """A curator; the group is made again, as the emptying after the last test removed it."""
    sync_curators_group(Group, Permission)
    return CuratorFactory()


def entries(numbers: range, *, key: str, with_doi: bool) -> bytes:
    """Entries of works numbered `numbers`; two files give one work different keys, as
    two people's libraries do."""
    doi = "  doi = {{10.1000/study.{i}}},\n" if with_doi else ""
    entry = (
        "@article{{" + key + "{i},\n  title = {{Bone density study number {i}}},\n"
        "  author = {{Author{i}, Ann}},\n  year = {{2020}},\n" + doi + "}}\n"
    )
    return "".join(entry.format(i=i) for i in numbers).encode()


def import_at_once(user, files: list[bytes]) -> list:
    """POST each file from its own thread, released together."""
    barrier, answers = threading.Barrier(len(files)), [None] * len(files)

    def post(index: int) -> None:
        try:
            client = APIClient()
            client.force_authenticate(user)
            barrier.wait(timeout=30)
            answers[index] = client.post(URL, files[index], content_type=BIBTEX)
        finally:
            connection.close()  # This thread's own connection.

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.mark.parametrize("with_doi", [True, False], ids=["with-doi", "without-doi"])
def test_two_overlapping_imports_at_once_lose_nothing_and_store_nothing_twice(user, with_doi):
    # The authors are known already: no new person rows, whose unique names would make one
    # import wait for the other's commit anyway.
    Person.objects.bulk_create(Person(family=f"Author{i}", given="Ann") for i in range(750))
    files = [
        entries(range(0, 500), key="mine", with_doi=with_doi),
        entries(range(250, 750), key="yours", with_doi=with_doi),
    ]

    answers = import_at_once(user, files)

    assert sorted(answer.status_code for answer in answers) in ([201, 201], [201, 409])
    for index, answer in enumerate(answers):
        if answer.status_code == 409:  # Told to retry: a retry imports what is missing.
            client = APIClient()
            client.force_authenticate(user)
            answers[index] = client.post(URL, files[index], content_type=BIBTEX)
            assert answers[index].status_code == 201
    assert Reference.objects.count() == 750
    assert Reference.objects.values("title").distinct().count() == 750
    if with_doi:
        assert Reference.objects.values("doi").distinct().count() == 750
    assert sum(answer.json()["created"] for answer in answers) == 750
    assert sum(answer.json()["duplicates"] for answer in answers) == 250
