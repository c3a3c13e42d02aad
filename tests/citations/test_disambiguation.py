"""Year suffixes ("2001a", "2001b") as a style's `disambiguate-add-year-suffix` asks, and a
formatted list in the style's own order. Pure: no database."""

import pytest

from citations import bibliography_stream, citing
from citations.disambiguation import Disambiguation, ambiguity_key, suffix, year_suffixes
from citations.text.records import BibRecord, Name

APA = Disambiguation(
    add_names=True,
    add_givenname=True,
    givenname_rule="primary-name-with-initials",
    et_al_min=3,
    et_al_use_first=1,
)


def item(*families, year=2001, given="John", title="T", **extra) -> dict:
    names = [{"family": family, "given": given} for family in families]
    issued = {"issued": {"date-parts": [[year]]}} if year else {}
    return {"title": title, **({"author": names} if names else {}), **issued, **extra}


def article(title: str, family: str = "Smith", year: str = "2001", given: str = "John"):
    return BibRecord(
        entry_type="article",
        key=title.lower(),
        fields={"title": title, "journal": "Bone", "year": year},
        authors=[Name(family=family, given=given)],
    )


def test_suffixes_run_a_to_z_then_aa():
    assert [suffix(n) for n in (0, 1, 25, 26, 27, 51, 52)] == [
        "a",
        "b",
        "z",
        "aa",
        "ab",
        "az",
        "ba",
    ]


def test_shared_author_and_year_get_letters_in_the_order_given():
    keyed = [
        ("first", ambiguity_key(item("Smith"), APA)),
        ("other", ambiguity_key(item("Adams"), APA)),
        ("second", ambiguity_key(item("Smith"), APA)),
        ("older", ambiguity_key(item("Smith", year=1999), APA)),
    ]

    assert year_suffixes(keyed) == {"first": "a", "second": "b"}


def test_names_that_more_names_or_initials_tell_apart_get_no_suffix():
    one = item("Smith", "Jones", "Brown")  # APA cites both "Smith et al., 2001"
    two = item("Smith", "Jones", "Green")
    other_initial = item("Smith", given="Karl")

    keys = [ambiguity_key(value, APA) for value in (one, two, item("Smith"), other_initial)]

    assert year_suffixes(enumerate(keys)) == {}


def test_without_add_names_et_al_hides_the_difference():
    no_add_names = Disambiguation(et_al_min=3, et_al_use_first=1)
    one, two = item("Smith", "Jones", "Brown"), item("Smith", "Jones", "Green")

    assert ambiguity_key(one, no_add_names) == ambiguity_key(two, no_add_names)
    assert ambiguity_key(one, APA) != ambiguity_key(two, APA)


def test_only_the_first_given_name_counts_under_primary_name_rules():
    first = item("Smith", "Jones", given="A")
    second = {**first, "author": [first["author"][0], {"family": "Jones", "given": "B"}]}

    assert ambiguity_key(first, APA) == ambiguity_key(second, APA)


def test_works_without_names_or_date_are_told_apart_by_title_and_n_d():
    untitled = [item(year=None, title="Report"), item(year=None, title="Report")]
    keys = [ambiguity_key(value, APA) for value in untitled]

    assert year_suffixes(enumerate(keys)) == {0: "a", 1: "b"}
    assert ambiguity_key(item(title="A"), APA) != ambiguity_key(item(title="B"), APA)


def test_a_style_without_year_suffixes_has_no_options():
    assert Disambiguation.of_citation({"disambiguate-add-names": "true"}) is None
    assert citing.disambiguation("vancouver") is None
    assert citing.disambiguation("apa") == APA


def test_apa_list_sorts_by_author_year_title_with_suffixes():
    records = [article("Zeta"), article("Alpha"), article("Beta", family="Adams")]
    records.append(article("Gamma", year="1999"))

    entries = citing.bibliography(records, "apa")

    assert [entry.split(". ", 2)[1] for entry in entries] == [
        "(2001)",
        "(1999)",
        "(2001a)",
        "(2001b)",
    ]
    assert entries[0].startswith("Adams, J. (2001). Beta.")
    assert entries[2].startswith("Smith, J. (2001a). Alpha.")
    assert entries[3].startswith("Smith, J. (2001b). Zeta.")


def test_one_entry_alone_has_no_suffix():
    assert citing.entry(article("Alpha"), "apa").startswith("Smith, J. (2001). Alpha.")


def test_numbered_style_keeps_citation_order_and_numbers_it():
    records = [article("Zeta"), article("Alpha"), article("Beta", family="Adams")]

    entries = citing.bibliography(records, "vancouver")

    assert entries == [
        "1. Smith J. Zeta. Bone. 2001.",
        "2. Smith J. Alpha. Bone. 2001.",
        "3. Adams J. Beta. Bone. 2001.",
    ]


def test_entries_come_with_their_records_in_the_styles_order():
    records = [article("Zeta"), article("Alpha")]

    keys = [record.key for record, _text in citing.bibliography_entries(records, "apa")]

    assert keys == ["alpha", "zeta"]


def test_a_sorted_list_over_the_limit_is_refused_before_any_text(monkeypatch):
    monkeypatch.setattr(bibliography_stream, "SORTED_LIMIT", 2)
    records = [article("A"), article("B"), article("C")]

    with pytest.raises(bibliography_stream.TooManyToSort, match="at most 2 references"):
        bibliography_stream.stream_bibliography(iter(records), "apa")
    assert len(list(bibliography_stream.stream_bibliography(records[:2], "apa"))) == 2
    # citation order needs no whole list: any number streams
    assert len(list(bibliography_stream.stream_bibliography(records, "vancouver"))) == 3
