"""Exports read references in keyset chunks (citations.exports): every reference once, in
citekey order, across chunk boundaries, whatever is added or removed while they stream, with
a constant number of queries per chunk."""

import json

import pytest
import rispy

from citations import exports
from citations.exports import bibtex_stream, keyset_chunks, record_stream
from citations.models import Reference, Role
from claims.models import Claim
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db

KEYS = [f"key{n:02d}" for n in range(1, 12)]  # 11 references: chunks of 3 leave a short one


@pytest.fixture
def library():
    references = [ReferenceFactory(citekey=key, title=f"On {key}") for key in reversed(KEYS)]
    for reference in references:
        author = PersonFactory(family=f"Author of {reference.citekey}")
        ContributorFactory(reference=reference, person=author, role=Role.AUTHOR, position=0)
    return references


@pytest.mark.parametrize("size", [1, 3, 4, 11, 12, 100])
def test_chunks_hold_every_reference_once_in_citekey_order(library, size):
    chunks = list(keyset_chunks(Reference.objects.all(), ["id", "citekey"], size))

    assert [row.citekey for chunk in chunks for row in chunk] == KEYS
    assert all(len(chunk) == size for chunk in chunks[:-1])
    assert 0 < len(chunks[-1]) <= size


def test_records_keep_their_own_names_across_chunk_boundaries(library):
    records = list(record_stream(chunk_size=2))

    assert [r.key for r in records] == KEYS
    assert [[name.family for name in r.authors] for r in records] == [
        [f"Author of {key}"] for key in KEYS
    ]


def test_names_keep_their_roles_and_order():
    reference = ReferenceFactory(citekey="edited")
    people = [PersonFactory(family=family) for family in ("Zeta", "Alpha", "Mid", "Editor")]
    for position, person in enumerate(people[:3]):
        ContributorFactory(reference=reference, person=person, role=Role.AUTHOR, position=position)
    ContributorFactory(reference=reference, person=people[3], role=Role.EDITOR, position=0)

    (record,) = record_stream()

    assert [name.family for name in record.authors] == ["Zeta", "Alpha", "Mid"]
    assert [name.family for name in record.editors] == ["Editor"]


def test_references_added_or_removed_while_streaming_leave_the_others_once(library):
    stream = record_stream(chunk_size=3)
    seen = [next(stream).key for _ in range(3)]  # the first chunk: key01 to key03

    ReferenceFactory(citekey="key00")  # before the chunks read so far: not written
    ReferenceFactory(citekey="key05b")  # ahead: written in its place
    Reference.objects.filter(citekey="key09").delete()  # ahead, gone: not written
    seen += [record.key for record in stream]

    expected = [key for key in KEYS if key != "key09"]
    expected.insert(expected.index("key05") + 1, "key05b")
    assert seen == expected


def test_a_chunk_takes_two_queries_whatever_its_size(library, django_assert_num_queries):
    # Each chunk: its references, then their contributors with their names; the chunk that
    # comes back short ends the export without another query.
    with django_assert_num_queries(2 * 3):
        assert len(list(record_stream(chunk_size=4))) == len(KEYS)
    with django_assert_num_queries(2 * 4):  # 11 = 3 + 3 + 3 + 2
        assert len(list(record_stream(chunk_size=3))) == len(KEYS)


def test_a_full_last_chunk_costs_one_empty_query(library, django_assert_num_queries):
    Reference.objects.filter(citekey="key11").delete()  # 10 references, chunks of 5
    with django_assert_num_queries(2 + 2 + 1):
        assert len(list(record_stream(chunk_size=5))) == 10


def test_a_selection_is_walked_in_chunks_too(library):
    claim = ClaimFactory(slug="some", status="published")
    for reference in Reference.objects.filter(citekey__in=KEYS[::2]):
        EvidenceFactory(claim=claim, reference=reference)
    selected = Reference.objects.cited_by(Claim.objects.filter(slug="some"))

    assert [r.key for r in record_stream(selected, chunk_size=2)] == KEYS[::2]


def test_bibtex_export_across_chunks_is_every_entry_once(library):
    text = "".join(bibtex_stream(chunk_size=4))

    assert [line.split("{")[1].rstrip(",") for line in text.splitlines() if line[:1] == "@"] == (
        KEYS
    )


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)


def public_library(library):
    claim = ClaimFactory(slug="all", status="published")
    for reference in library:
        EvidenceFactory(claim=claim, reference=reference)


def test_api_exports_stream_every_entry_once_across_chunks(client, library, small_chunks):
    public_library(library)

    csl = json.loads(b"".join(client.get("/api/references/?format=csl").streaming_content).decode())
    ris = rispy.loads(
        b"".join(client.get("/api/references/?format=ris").streaming_content).decode()
    )
    bib = b"".join(client.get("/api/references/?format=bibtex").streaming_content).decode()

    assert [item["id"] for item in csl] == KEYS
    assert [entry["id"] for entry in ris] == KEYS
    assert bib.count("\n@") + bib.startswith("@") == len(KEYS)
