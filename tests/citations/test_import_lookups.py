"""An import's look-ups by citekey and family name go through the btree indexes, never the
trigram ones: right after a large import, before autovacuum, PostgreSQL may otherwise take
the trigram index and its pending list for `citekey = ANY(keys)` (3 s for one look-up)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from citations import services
from citations.importing.duplicates import Stored
from citations.membership import matching, through_btrees
from citations.models import Person, Reference, ReferenceAlias

pytestmark = pytest.mark.django_db(transaction=True)


def big_file(count: int, prefix: str = "k") -> str:
    return "".join(
        f"@article{{{prefix}{n}, title = {{Bone remodelling, study {prefix}{n}}},"
        f" author = {{Author{n}, Ann}}, year = {{2001}}}}\n"
        for n in range(count)
    )


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_look_ups_after_a_large_import_read_the_btrees():
    services.reference_import_bibtex(data=big_file(1000, prefix="old"))
    with connection.cursor() as cursor:  # a library autovacuum has analysed (not vacuumed)
        cursor.execute("ANALYZE citations_reference; ANALYZE citations_person")
    services.reference_import_bibtex(data=big_file(3000))  # and a large import since
    keys = [f"k{n}" for n in range(0, 3000, 6)]
    families = [f"Author{n}" for n in range(0, 3000, 6)]
    by_key = matching(Reference.objects, "citekey", keys).values_list("citekey")
    by_family = matching(Person.objects, "family", families).values_list("pk")

    with transaction.atomic():
        unguarded = list(by_key), list(by_family)
        with through_btrees():
            guarded = plan_of(by_key), plan_of(by_family)
            assert (list(by_key), list(by_family)) == unguarded

    # PostgreSQL 15 here plans both look-ups on the trigram indexes without the guard.
    assert "trgm" not in guarded[0]
    assert "trgm" not in guarded[1]
    assert len(unguarded[0]) == len(unguarded[1]) == 500


def test_the_guard_is_local_and_puts_the_setting_back():
    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_bitmapscan")
            return cursor.fetchone()[0]

    with transaction.atomic():
        with through_btrees():
            assert setting() == "off"
        assert setting() == "on"
    with through_btrees():  # outside a transaction: it opens one
        assert setting() == "off"
    assert setting() == "on"


def test_a_second_import_right_after_a_large_one_finds_its_keys_taken():
    services.reference_import_bibtex(data=big_file(3000))
    outcome = services.reference_import_bibtex(data=big_file(600, prefix="k"))

    assert outcome.plan.counts["duplicate"] + outcome.plan.counts["new"] == 600
    new = outcome.plan.with_status("new")
    assert all(item.citekey != item.key for item in new)  # each key was taken: renamed


def citekey_look_ups_outside_the_guard(queries: list[dict]) -> list[str]:
    """The queries by citekey (`= ANY`, `IN`) that ran with bitmap scans on."""
    outside, guarded = [], False
    for query in queries:
        sql = query["sql"]
        if "set_config('enable_bitmapscan'" in sql:
            guarded = "'off'" in sql
        elif not guarded and ('"citekey" = ANY' in sql or '"citekey" IN (' in sql):
            outside.append(sql[:200])
    return outside


def test_an_import_of_second_keys_looks_citekeys_up_through_the_btrees():
    """Aliases too: the duplicates' keys and their targets are looked up by citekey. Unguarded,
    importing Beebe's bibliographies one after another spent 4 s on one such look-up."""
    with_doi = "".join(
        f"@article{{old{n}, title = {{Bone study {n}}}, author = {{Author{n}, Ann}},"
        f" year = {{2001}}, doi = {{10.1000/b{n}}}}}\n"
        for n in range(300)
    )
    services.reference_import_bibtex(data=with_doi)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE citations_reference; ANALYZE citations_referencealias")
    services.reference_import_bibtex(data=big_file(3000))
    second_keys = with_doi.replace("@article{old", "@article{second")

    with CaptureQueriesContext(connection) as captured:
        outcome = services.reference_import_bibtex(data=second_keys)

    assert outcome.plan.counts["duplicate"] == 300
    assert ReferenceAlias.objects.filter(citekey__startswith="second").count() == 300
    assert any('"citekey" IN (' in query["sql"] for query in captured.captured_queries)
    assert citekey_look_ups_outside_the_guard(captured.captured_queries) == []


def isbn13(n: int) -> str:
    digits = f"978{n:09d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return digits + str(check)


def test_book_look_ups_by_isbn_read_the_isbn_index_not_the_table():
    """A batch's ISBNs against the stored books: through `reference_isbn`, so the look-up
    stays flat as the library grows (a scan compared every row with every ISBN)."""
    Reference.objects.bulk_create(
        Reference(
            citekey=f"r{n}",
            title=f"Work {n}",
            entry_type="book" if n % 10 == 0 else "article",
            isbn=isbn13(n) if n % 10 == 0 else "",
        )
        for n in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE citations_reference")
    wanted = {isbn13(n) for n in range(0, 5000, 20)}

    with CaptureQueriesContext(connection) as captured:
        found = Stored._books(wanted)

    assert set(found) == wanted
    (look_up,) = [q["sql"] for q in captured.captured_queries if '"isbn" = ANY' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {look_up}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "reference_isbn" in plan
    assert "Seq Scan" not in plan
