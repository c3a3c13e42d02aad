"""Membership look-ups (`matching`): strings travel as one text array literal built in Python
(`text_array`), read back by PostgreSQL as exactly the values given."""

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from citations.membership import matching, text_array
from citations.models import Reference

pytestmark = pytest.mark.django_db

AWKWARD = ['a"b', "c\\d", "é", "", "x,y", "{z}", " sp ", "NULL", "q's", "tab\there", "line\nnext"]
# Any text PostgreSQL stores: no NUL, no lone surrogate.
STORABLE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


def read_back(literal: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [literal])
        return cursor.fetchone()[0]


def test_the_server_reads_awkward_values_back_as_they_were():
    assert text_array(AWKWARD) != "{}"
    assert read_back(text_array(AWKWARD)) == AWKWARD
    assert read_back(text_array([])) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(STORABLE, max_size=8))
def test_any_list_of_strings_is_read_back_exactly(values):
    assert read_back(text_array(values)) == values


def test_matching_finds_the_rows_of_awkward_keys_and_no_other():
    for number, key in enumerate(['o"brien', "back\\slash", "{braced}", "NULL"]):
        Reference.objects.create(citekey=key, title=f"Title {number}")
    Reference.objects.create(citekey="other", title="Other")
    found = matching(Reference.objects, "citekey", ['o"brien', "back\\slash", "{braced}", "NULL"])
    assert sorted(found.values_list("citekey", flat=True)) == sorted(
        ['o"brien', "back\\slash", "{braced}", "NULL"]
    )
    assert not matching(Reference.objects, "citekey", []).exists()


def test_an_opaque_look_up_finds_the_same_rows_with_values_the_planner_does_not_see():
    keys = ["opaque1", "opaque2", 'odd"key', "missing"]
    for key in keys[:3]:
        Reference.objects.create(citekey=key, title=f"Title {key}")
    seen = matching(Reference.objects, "citekey", keys).values_list("citekey", flat=True)
    unseen = matching(Reference.objects, "citekey", keys, opaque=True)
    unseen = unseen.values_list("citekey", flat=True)

    assert sorted(unseen) == sorted(seen) == sorted(keys[:3])
    sql, params = unseen.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "InitPlan" in plan
    assert "opaque1" not in plan  # the planner saw a parameter, not the keys
    assert sorted(matching(Reference.objects, "citekey", [], opaque=True)) == []
