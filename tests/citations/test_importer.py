"""Import as plan, then apply: statuses, duplicates, citekeys, and all-or-nothing writes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citations import importing
from citations.exports import bibtex_stream
from citations.identifiers import INVALID_DOI
from citations.importing import DUPLICATE, INVALID, NEW, applying, duplicates, mapping, writers
from citations.models import YEAR_MAX, YEAR_MIN, Contributor, Person, Reference
from citations.services import reference_import_bibtex, reference_import_plan
from citations.text.records import Name
from tests.factories import ContributorFactory, PersonFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

ARTICLE = """@article{prior1990,
  author = {Prior, Jerilynn C. and Vigna, Yvette M.},
  title = {Spinal bone loss and ovulatory disturbances},
  journal = {New England Journal of Medicine},
  volume = {323}, number = {18}, pages = {1221--1227}, year = {1990},
  doi = {https://doi.org/10.1056/NEJM199011013231801}, pmid = {2215605},
  month = nov, keywords = {bone},
}
"""


def table_counts() -> tuple[int, int, int]:
    return Reference.objects.count(), Person.objects.count(), Contributor.objects.count()


def statuses(text: str) -> list[tuple[int, str, str]]:
    plan = reference_import_plan(data=text)
    return [(item.line, item.key, item.status) for item in plan.items]


def test_import_writes_reference_people_and_ordered_contributors():
    outcome = reference_import_bibtex(data=ARTICLE)
    assert outcome.ok
    assert (outcome.result.created, table_counts()) == (1, (1, 2, 2))
    reference = Reference.objects.get()
    assert reference.citekey == "prior1990"
    assert reference.container_title == "New England Journal of Medicine"
    assert (reference.volume, reference.issue, reference.pages) == ("323", "18", "1221--1227")
    assert (reference.year, reference.doi, reference.pmid) == (
        1990,
        "10.1056/nejm199011013231801",
        "2215605",
    )
    assert reference.extra_fields == {"month": "November", "keywords": "bone"}
    assert [p.as_name() for p in reference.authors] == [
        Name("Prior", "Jerilynn C."),
        Name("Vigna", "Yvette M."),
    ]


def test_import_rejects_malformed_entry_and_writes_nothing():
    text = ARTICLE + "@article{broken,\n  title = {A}\n  year = {2000},\n}\n"
    outcome = reference_import_bibtex(data=text)
    assert not outcome.ok
    assert outcome.result.refused == applying.REFUSED_INVALID.format(count=1, ies="y is")
    assert table_counts() == (0, 0, 0)
    invalid = outcome.plan.with_status(INVALID)
    assert [(i.line, i.messages) for i in invalid] == [
        (9, ("Field 'title': unexpected text after its value (a missing comma?).",))
    ]


def test_import_with_skip_invalid_writes_the_valid_entries():
    text = ARTICLE + "@article{bad, title = {Bad}, year = {2001\n"
    outcome = reference_import_bibtex(data=text, skip_invalid=True)
    assert outcome.result.created == 1
    assert not outcome.ok
    item = outcome.plan.with_status(INVALID)[0]
    assert item.messages == ("The entry cannot be read: Unexpectedly reached end of file.",)
    assert Reference.objects.get().citekey == "prior1990"


def test_an_unusual_identifier_is_kept_verbatim_with_a_warning_never_refused():
    text = (
        "@book{a, title = {A}, doi = {nope}}\n"
        "@book{b, title = {B}, isbn = {978-3-16-148410-1}}\n"  # wrong check digit
        "@book{c, title = {C}, isbn = {978-0-19-852663-6, 0-19-852663-6}}\n"  # two ISBNs
    )
    outcome = reference_import_bibtex(data=text)
    assert outcome.ok
    assert outcome.result.created == 3
    messages = [item.messages[0] for item in outcome.plan.items]
    assert messages[0] == mapping.KEPT_IDENTIFIER.format(name="doi", error=INVALID_DOI)
    assert all("Kept as written" in message for message in messages)
    kept = {r.citekey: (r.doi, r.isbn, r.extra_fields) for r in Reference.objects.all()}
    assert kept["a"] == (None, "", {"doi": "nope"})
    assert kept["b"] == (None, "", {"isbn": "978-3-16-148410-1"})
    assert kept["c"][2] == {"isbn": "978-0-19-852663-6, 0-19-852663-6"}


def test_plan_finds_duplicates_by_doi_pmid_and_work_but_never_title_alone():
    ReferenceFactory(citekey="stored1", doi="10.1000/a", title="Other")
    ReferenceFactory(citekey="stored2", pmid="123", title="Other two")
    work = ReferenceFactory(
        citekey="stored3", title="Bone study", year=2001, volume="3", container_title="J"
    )
    ContributorFactory(reference=work, person=PersonFactory(family="Smith"), position=0)
    ReferenceFactory(citekey="stored4", title="Editorial", year=2001)
    plan = reference_import_plan(
        data=(
            "@article{a, title={T1}, doi={10.1000/A}}\n"
            "@article{b, title={T2}, pmid={123}}\n"
            "@article{c, title={BONE STUDY}, year=2001, author={Smith, J.}, volume={3},"
            " journal={J}}\n"
            "@article{d, title={Bone study}, year=2001, author={Smith, J.}, volume={4},"
            " journal={J}}\n"
            "@article{e, title={Editorial}, year=2001}\n"
        )
    )
    found = [(i.key, i.status, i.duplicate_citekey, i.reason) for i in plan.items]
    assert found == [
        ("a", DUPLICATE, "stored1", "same DOI as stored1"),
        ("b", DUPLICATE, "stored2", "same PMID as stored2"),
        ("c", DUPLICATE, "stored3", duplicates.SAME_WORK.format(target="stored3")),
        ("d", NEW, "", ""),
        ("e", NEW, "", ""),
    ]


def test_cover_pages_of_two_issues_are_two_records():
    text = "".join(
        f"@article{{cover{issue}, title = {{Cover}}, author = {{Press, Bone}}, year = 2001,"
        f" journal = {{J Bone}}, volume = 3, number = {issue}, pages = {{C1}}}}\n"
        for issue in (1, 2)
    )
    assert [status for _line, _key, status in statuses(text)] == [NEW, NEW]


def test_a_historical_year_passes_the_plan_and_the_database():
    text = "@book{bayeux, title = {The Bayeux Tapestry}, year = 1066}\n"
    text += "@book{later, title = {Later}, date = {1070-05-01}}\n"
    outcome = reference_import_bibtex(data=text)
    assert outcome.ok
    assert sorted(Reference.objects.values_list("year", flat=True)) == [1066, 1070]


def test_set_and_xdata_entries_and_relations_survive_a_round_trip():
    text = (
        "@set{both, entryset = {one,two}}\n"
        "@xdata{pub, publisher = {Springer}}\n"
        "@article{one, title = {One}, xdata = {pub}, related = {two}, relatedtype = {reprint}}\n"
        "@article{two, title = {Two}, crossref = {coll}}\n"
        "@collection{coll, title = {The Collection}, year = 2000}\n"
    )
    assert reference_import_bibtex(data=text).ok
    exported = "".join(bibtex_stream())
    for part in (
        "@set{both,",
        "entryset = {one,two}",
        "@xdata{pub,",
        "xdata = {pub}",
        "related = {two}",
        "crossref = {coll}",
    ):
        assert part in exported
    Reference.objects.all().delete()
    assert reference_import_bibtex(data=exported).result.created == 5


def test_an_empty_file_imports_nothing_and_succeeds():
    outcome = reference_import_bibtex(data=b"")
    assert outcome.ok
    assert outcome.result.created == 0


def test_plan_finds_duplicates_within_one_file():
    text = "@article{a, title={T}, doi={10.1000/x}}\n@article{b, title={U}, doi={10.1000/X}}\n"
    assert statuses(text) == [(1, "a", NEW), (2, "b", DUPLICATE)]
    item = reference_import_plan(data=text).items[1]
    assert item.reason == "same DOI as the entry at line 1"


def test_duplicates_are_skipped_by_default_updated_or_fail_on_request():
    reference_import_bibtex(data=ARTICLE)
    again = ARTICLE.replace("pages = {1221--1227}", "pages = {1221--1228}")
    skipped = reference_import_bibtex(data=again)
    assert (skipped.result.created, skipped.result.skipped) == (0, 1)
    failed = reference_import_bibtex(data=again, on_duplicate=importing.FAIL)
    assert failed.result.refused == applying.REFUSED_DUPLICATE.format(count=1)
    assert Reference.objects.get().pages == "1221--1227"
    updated = reference_import_bibtex(data=again, on_duplicate=importing.UPDATE)
    assert updated.result.updated == 1
    reference = Reference.objects.get()
    assert (reference.pages, reference.citekey) == ("1221--1228", "prior1990")
    assert Contributor.objects.count() == 2


def test_taken_keys_get_the_design_rule_key_with_a_suffix():
    ReferenceFactory(citekey="prior1990")
    ReferenceFactory(citekey="prior1990spinal")
    outcome = reference_import_bibtex(data=ARTICLE.replace("doi = {https", "xdoi = {https"))
    reference = Reference.objects.get(original_key="prior1990")
    assert outcome.plan.items[0].citekey == reference.citekey == "prior1990spinala"


def test_non_numeric_year_is_kept_as_text_with_a_warning():
    outcome = reference_import_bibtex(data="@article{a, title={T}, year={in press}}")
    reference = Reference.objects.get()
    assert (reference.year, reference.extra_fields) == (None, {"year": "in press"})
    assert outcome.plan.items[0].messages == (
        mapping.YEAR_AS_TEXT.format(year="in press", low=YEAR_MIN, high=YEAR_MAX),
    )


def test_existing_people_are_reused():
    PersonFactory(family="Prior", given="Jerilynn C.")
    reference_import_bibtex(data=ARTICLE)
    assert Person.objects.count() == 2


def test_plan_reads_the_database_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    text = "".join(
        f"@article{{k{i}, title={{T{i}}}, year=2000, author={{A{i}, B.}}, doi={{10.1000/{i}}}}}\n"
        for i in range(300)
    )
    with django_assert_max_num_queries(6):
        plan = reference_import_plan(data=text)
    assert plan.counts == {NEW: 300, DUPLICATE: 0, INVALID: 0}


def test_an_invalid_url_is_kept_as_text_with_a_warning():
    outcome = reference_import_bibtex(data="@misc{a, title={T}, url={http://not_a_host}}")
    reference = Reference.objects.get()
    assert (reference.url, reference.extra_fields) == ("", {"url": "http://not_a_host"})
    assert outcome.plan.items[0].messages == (mapping.URL_AS_TEXT.format(url="http://not_a_host"),)


def test_update_refused_by_the_database_rules_writes_nothing():
    stored = ReferenceFactory(citekey="stored", doi="10.1000/x", pages="1")
    Reference.objects.filter(pk=stored.pk).update(pmid="12x")  # An invalid row from elsewhere.
    text = "@article{a, title={T}, doi={10.1000/x}, pages={2}}"
    outcome = reference_import_bibtex(data=text, on_duplicate=importing.UPDATE)
    assert not outcome.result.written
    assert outcome.result.refused.startswith("Nothing was imported: the database refused")
    assert Reference.objects.get().pages == "1"


def test_generated_keys_never_collide_with_stored_or_earlier_keys():
    ReferenceFactory(citekey="smith2020bone")
    text = (
        "@article{smith2020bone, title={Bone one}, year=2020, author={Smith, A.}}\n"
        "@article{smith2020bonea, title={Other}, year=2020}\n"
    )
    outcome = reference_import_bibtex(data=text)
    assert outcome.ok
    assert [(i.key, i.citekey) for i in outcome.plan.items] == [
        ("smith2020bone", "smith2020bonea"),
        ("smith2020bonea", "anon2020other"),
    ]
    stored = Reference.objects.values_list("citekey", "original_key").order_by("citekey")
    assert list(stored) == [
        ("anon2020other", "smith2020bonea"),
        ("smith2020bone", ""),
        ("smith2020bonea", "smith2020bone"),
    ]


def test_each_new_reference_gets_a_history_row_naming_the_import(curator):
    reference_import_bibtex(data=ARTICLE, user=curator)
    entry = Reference.history.get()
    assert (entry.citekey, entry.history_type, entry.history_user) == ("prior1990", "+", curator)
    assert entry.history_change_reason == writers.HISTORY_REASON


@settings(max_examples=200)
@given(st.from_regex(mapping.PLAIN_URL, fullmatch=True))
def test_the_quick_url_check_accepts_only_what_the_validator_accepts(url):
    if len(url) <= 2048 and len(url.split("/")[2]) <= 253:
        mapping.URL_VALIDATOR(url)


def test_plan_updates_only_duplicates_of_stored_references_and_only_on_update():
    stored = importing.PlanItem(line=1, key="a", status=DUPLICATE, duplicate_of=7)
    in_file = importing.PlanItem(line=9, key="b", status=DUPLICATE, duplicate_citekey="a")
    plan = importing.ImportPlan(items=[stored, in_file, importing.PlanItem(2, "c", NEW)])
    assert plan.updates(importing.UPDATE) == [stored]
    assert plan.updates(importing.SKIP) == []
    assert plan.updates(importing.FAIL) == []
