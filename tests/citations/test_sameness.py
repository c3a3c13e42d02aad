"""One sameness rule (citations.text.sameness): the importer, the duplicates page and the model's
`same_work_as` (the admin form's warning) call the same pairs of records one work."""

import pytest

from citations.importing import DUPLICATE
from citations.models import Person, Reference
from citations.possible_duplicates import reference_duplicate_groups
from citations.services import reference_import_plan
from citations.text.sameness import DOI, ISBN, PMID, WORK, same_work
from tests.factories import ContributorFactory, ReferenceFactory

ARTICLE = {
    "entry_type": "article",
    "title": "Spinal bone loss and ovulatory disturbances",
    "year": 1990,
    "container_title": "New England Journal of Medicine",
    "volume": "323",
    "issue": "18",
    "pages": "1221-1227",
    "author": "Prior",
}
BOOK = {"entry_type": "book", "title": "Bone", "year": 2001, "isbn": "9780306406157"}
CHAPTER = {**BOOK, "entry_type": "incollection", "container_title": "Bone"}

# (what is stored, what comes next, whether the two are one work)
PAIRS = {
    "same PMID": ({**ARTICLE, "pmid": "2188253"}, {**BOOK, "pmid": "2188253"}, True),
    "one book, a subtitle added": (BOOK, {**BOOK, "title": "Bone: a subtitle"}, True),
    "volumes of a set share an ISBN": (BOOK, {**BOOK, "title": "Other"}, False),
    "chapters share their book's ISBN": (CHAPTER, {**CHAPTER, "title": "Bone two"}, False),
    "same work, title case aside": (ARTICLE, {**ARTICLE, "title": ARTICLE["title"].upper()}, True),
    "cover pages of two issues": (ARTICLE, {**ARTICLE, "issue": "19"}, False),
    "another first author": (ARTICLE, {**ARTICLE, "author": "Vigna"}, False),
    "never on the title alone": (
        {**ARTICLE, "author": ""},
        {**ARTICLE, "author": ""},
        False,
    ),
    "a title's punctuation counts": (ARTICLE, {**ARTICLE, "title": ARTICLE["title"] + "."}, False),
}
BIBTEX_FIELDS = {
    "title": "title",
    "year": "year",
    "volume": "volume",
    "issue": "number",
    "pages": "pages",
    "doi": "doi",
    "pmid": "pmid",
    "isbn": "isbn",
}


def bibtex_entry(fields: dict, key: str) -> str:
    container = "booktitle" if fields["entry_type"] == "incollection" else "journal"
    names = {**BIBTEX_FIELDS, "container_title": container}
    parts = [f"{names[name]} = {{{value}}}" for name, value in fields.items() if name in names]
    if fields.get("author"):
        parts.append(f"author = {{{fields['author']}, A.}}")
    return f"@{fields['entry_type']}{{{key}, {', '.join(parts)}}}"


def stored(fields: dict, key: str) -> Reference:
    values = {name: value for name, value in fields.items() if name != "author"}
    reference = ReferenceFactory(citekey=key, **{"container_title": "", **values})
    if fields.get("author"):
        person, _ = Person.objects.get_or_create(family=fields["author"], given="A.")
        ContributorFactory(reference=reference, person=person, position=0)
    return reference


def record(fields: dict) -> dict:
    values = {"container_title": "", "volume": "", "issue": "", "pages": "", **fields}
    return values | {"first_author": fields.get("author", "")}


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "second", "same"), PAIRS.values(), ids=PAIRS.keys())
def test_the_importer_the_duplicates_page_and_the_model_agree_on_a_pair(first, second, same):
    stored_first = stored(first, "first")
    item = reference_import_plan(data=bibtex_entry(second, "second")).items[0]
    by_importer = item.status == DUPLICATE and item.duplicate_of == stored_first.pk
    stored_second = stored(second, "second")
    groups = [set(rows) for _why, rows in reference_duplicate_groups()]
    by_page = {stored_first, stored_second} in groups
    others = Reference.objects.exclude(pk=stored_second.pk)
    by_model = stored_first in [ref for ref, _why in others.same_work_as(record(second))]
    assert (by_importer, by_page, by_model) == (same, same, same)


@pytest.mark.django_db
def test_a_shared_doi_makes_one_work_for_the_importer_and_the_model():
    # Two stored references never share a DOI (a unique constraint): the page has no pair.
    first = stored({**ARTICLE, "doi": "10.1056/nejm199011013231801"}, "first")
    entry = {**BOOK, "doi": "10.1056/NEJM199011013231801"}
    item = reference_import_plan(data=bibtex_entry(entry, "second")).items[0]
    assert (item.status, item.duplicate_of) == (DUPLICATE, first.pk)
    found = Reference.objects.same_work_as(record({**entry, "doi": first.doi}))
    assert found == [(first, DOI)]


def test_the_first_rule_that_holds_is_the_reason():
    one = record({**ARTICLE, **BOOK, "entry_type": "book", "pmid": "1"})
    assert same_work(one, one) == PMID
    assert same_work(record(BOOK), record({**BOOK, "title": "bone, second edition"})) == ISBN
    assert same_work(record(ARTICLE), record(ARTICLE)) == WORK
    assert same_work(record(ARTICLE), record({**ARTICLE, "pages": "1221"})) is None
