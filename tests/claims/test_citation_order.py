"""A claim's citation order (claims.citation_order): its page's order, each reference at its
first use. Pure: no database."""

from citations.text.records import BibRecord
from claims.citation_order import cited_order, evidence_key, in_cited_order


def test_strongest_design_first_then_newest_then_the_items_own_order():
    rows = [
        ("cohort-old", "cohort", 1990),
        ("rct", "rct", 2000),
        ("cohort-new", "cohort", 2010),
        ("cohort-tie", "cohort", 2010),
    ]

    assert cited_order(rows) == ["rct", "cohort-new", "cohort-tie", "cohort-old"]


def test_a_reference_cited_twice_is_numbered_at_its_first_use():
    rows = [("shared", "cohort", 2000), ("meta", "rct", 2001), ("shared", "rct", 2000)]

    assert cited_order(rows) == ["meta", "shared"]


def test_no_year_sorts_as_oldest():
    assert evidence_key("rct", None) > evidence_key("rct", 1950)


def test_records_follow_the_order_and_one_it_does_not_name_comes_last():
    records = [BibRecord(entry_type="article", key=key) for key in ("a", "late", "b", "c")]

    ordered = in_cited_order(records, ["c", "a", "b"])

    assert [record.key for record in ordered] == ["c", "a", "b", "late"]
