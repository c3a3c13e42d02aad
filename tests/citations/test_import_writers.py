"""The writers of an import: one interface; `CopyWriter` stores references, search vectors,
ordered contributors and history rows."""

import json

import pytest
from django.db import connection, transaction
from django.utils import timezone

from citations.importing import NEW, copying, writers
from citations.importing.copying import NEXT_IDS, next_ids
from citations.importing.people import People
from citations.importing.writers import (
    HISTORY_REASON,
    CopyWriter,
    UpdateWriter,
    Writer,
)
from citations.models import Contributor, Person, Reference
from citations.services import reference_import_bibtex, reference_import_plan

pytestmark = pytest.mark.django_db

BIB = r"""@article{prior1990,
  author = {Prior, Jerilynn C. and Vigna, Yvette M.},
  editor = {Seifert-Klauss, Vanadin},
  title = {Spinal bone loss and ovulatory disturbances},
  journal = {New England Journal of Medicine}, year = {1990}, doi = {10.1056/x1},
  month = nov, keywords = {bone},
}
@book{seifert2010, editor = {Seifert-Klauss, Vanadin}, title = {Progesterone and bone},
  publisher = {Springer}, year = 2010, isbn = {978-3-16-148410-0}, edition = {2}}
@misc{taken, title = {M{\"u}ller's note}, url = {https://example.org/a}}
@misc{nobody, title = {Anonymous}}
"""
IGNORED = {"id", "created", "updated"}


def stored_rows() -> dict:
    """What an import stored, without ids and timestamps."""
    fields = [f.attname for f in Reference._meta.concrete_fields if f.attname not in IGNORED]
    references = Reference.objects.order_by("citekey").values(*fields)
    contributors = Contributor.objects.order_by("reference__citekey", "role", "position")
    history = Reference.history.order_by("citekey")
    return {
        "references": list(references),
        "contributors": list(
            contributors.values_list("reference__citekey", "role", "position", "person__family")
        ),
        "people": sorted(Person.objects.values_list("family", "given")),
        "history": list(
            history.values_list("citekey", "title", "history_type", "history_change_reason")
        ),
        "history_users": set(history.values_list("history_user", flat=True)),
    }


def write_new(writer: type[Writer], user) -> list[tuple[int, int]]:
    """Plan BIB and write its new entries with `writer`; the progress it reported."""
    calls = []
    items = reference_import_plan(data=BIB).with_status(NEW)
    with transaction.atomic():
        writer(People(), user=user, progress=lambda *call: calls.append(call)).write(items)
    return calls


def test_the_writers_share_one_interface():
    assert all(issubclass(w, Writer) for w in (CopyWriter, UpdateWriter))


def test_the_copy_writer_stores_references_contributors_vectors_and_history(curator):
    assert write_new(CopyWriter, curator) == [(4, 4)]
    stored = stored_rows()
    assert [row["citekey"] for row in stored["references"]] == [
        "nobody",
        "prior1990",
        "seifert2010",
        "taken",
    ]
    assert stored["contributors"] == [
        ("prior1990", "author", 0, "Prior"),
        ("prior1990", "author", 1, "Vigna"),
        ("prior1990", "editor", 0, "Seifert-Klauss"),
        ("seifert2010", "editor", 0, "Seifert-Klauss"),
    ]
    assert stored["history"][0] == ("nobody", "Anonymous", "+", HISTORY_REASON)
    assert len(stored["history"]) == 4
    assert stored["history_users"] == {curator.pk}
    assert all(row["search_vector"] for row in stored["references"])


def test_the_history_rows_name_no_user_when_none_imports():
    write_new(CopyWriter, None)
    assert set(Reference.history.values_list("history_user", flat=True)) == {None}


def index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {row[0] for row in cursor.fetchall()}


def test_an_import_writes_no_citekey_index_that_no_query_reads():
    """Migration 0020: the `_like` index of Reference.citekey and both citekey indexes of its
    history are gone; the unique index and the trigram index (similar_to) stay."""
    references = index_names(Reference._meta.db_table)
    history = index_names(Reference.history.model._meta.db_table)
    assert not {name for name in references if name.endswith("_like")}
    assert {"citations_reference_citekey_key", "citations_reference_citekey_trgm"} <= references
    assert not {name for name in history if "citekey" in name}


def test_contributors_have_no_second_index_on_their_reference():
    """Migration 0022: the unique (reference, role, position) index serves look-ups by
    reference, and the planner uses it for them."""
    assert index_names(Contributor._meta.db_table) == {
        "citations_contributor_pkey",
        "citations_contributor_person_id_57dd54e6",
        "contributor_unique_position",
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT * FROM citations_contributor WHERE reference_id = ANY(%s)", [[1, 2]]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "contributor_unique_position" in plan


def test_an_imported_long_text_is_compressed_with_lz4_where_the_server_has_it():
    """Migration 0022: lz4 for the references' and their history's long texts, when the
    server was built with it (this machine's is; the embedded one is not: pglz)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        expected = "lz4" if cursor.fetchone()[0] else "pglz"
    note = " ".join(f"word{n} and more words, {n * 7}" for n in range(400))  # 12 KB
    reference_import_bibtex(data=f"@misc{{long, title = {{Long}}, note = {{{note}}}}}")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(r.extra_fields), pg_column_compression(h.extra_fields) "
            "FROM citations_reference r JOIN citations_historicalreference h USING (id)"
        )
        assert cursor.fetchall() == [(expected, expected)]


def test_new_ids_name_the_sequence_once():
    """`next_ids` gives consecutive new ids from the table's sequence, naming the sequence
    in an InitPlan (once), not for each id."""
    ids = next_ids(Person, 3)
    assert ids == list(range(ids[0], ids[0] + 3))
    assert next_ids(Person, 1)[0] > ids[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {NEXT_IDS}", [Person._meta.db_table, 3])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "InitPlan" in plan


def test_the_copy_stores_extra_fields_and_latex_as_json_dumps_would():
    """The COPY's JSON comes from orjson (compact, UTF-8); the stored `jsonb` is the one
    `json.dumps`'s escaped ASCII gives, and a string orjson refuses goes to `json.dumps`."""
    value = {"note": 'Caf\u00e9 "\\path|a|"\t\u2028', "keywords": "\U0001f9b4 \\'e"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::jsonb = %s::jsonb", [copying.json_text(value).decode(), json.dumps(value)]
        )
        assert cursor.fetchone() == (True,)
    assert copying.json_text({}) == b"{}"
    assert copying.json_text({"note": "\ud800"}) == json.dumps({"note": "\ud800"})


def test_the_binary_copy_stores_each_type_as_the_text_copy_did():
    """Binary COPY: text with tabs, newlines, backslashes and astral characters, jsonb,
    timestamps, integers and nulls arrive as sent."""
    pk, now = next_ids(Reference, 1)[0], timezone.now()
    text = 'Tab\there, line\nbreak, back\\slash \\N, "quotes", \U0001f9b4 and Caf\u00e9'
    values = {"title": text, "year": 1990, "abstract": "", "doi": None}
    row = dict(writers.REFERENCE_POSITION)
    columns = ["id"] + [f.column for f in writers.REFERENCE_COLUMNS]
    sent = [pk, *writers.REFERENCE_DEFAULTS]
    for name, value in {**values, "citekey": "k1", "created": now, "updated": now}.items():
        sent[1 + row[name]] = value
    sent[1 + row["latex_source"]] = {"title": text}
    sent[1 + row["extra_fields"]] = {"note": ["a", 1, None]}
    copying.copy_rows(Reference, columns, [sent])

    stored = Reference.objects.get(pk=pk)
    assert (stored.title, stored.year, stored.doi, stored.citekey) == (text, 1990, None, "k1")
    assert stored.latex_source == {"title": text}
    assert stored.extra_fields == {"note": ["a", 1, None]}
    assert stored.created == now
