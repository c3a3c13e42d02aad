"""BibTeX keeps every real entry: undefined @string macros, types BibTeX reads as misc,
second keys of one work, and institutional authors (issue 24, item 3)."""

import pytest

from citations import bibtex
from citations.bibtex.values import MACRO_KEPT
from citations.exports import bibtex_stream
from citations.importing.aliases import ALIAS_NOTE
from citations.importing.mapping import KEPT_LONG, TYPE_AS_MISC
from citations.models import Reference, ReferenceAlias
from citations.services import reference_import_bibtex
from citations.text.records import Name

APA = r"""@magazine{canarie2002,
  author = {{\bibcorporate{Canarie, Inc.}} and {{World Health Organization}}},
  title = {Networks},
  journal = jgr,
  note = jgr # " 12",
  year = {2002},
}
"""


def test_an_undefined_macro_is_kept_shown_by_its_name_and_noted():
    result = bibtex.parse("@article{a, title={T}, journal = jgr}")
    assert result.problems == []
    assert result.records[0].fields["journal"] == "jgr"
    assert result.notes == [MACRO_KEPT.format(line=1, key="a", name="journal", value="jgr")]


def test_an_undefined_macro_is_written_back_bare_while_unedited():
    record = bibtex.parse(APA).records[0]
    text = bibtex.render_entry(record)
    assert "  journal = jgr,\n" in text
    assert '  note = jgr # " 12",\n' in text
    record.fields["journal"] = "Journal of Geophysical Research"
    assert "  journal = {Journal of Geophysical Research},\n" in bibtex.render_entry(record)


def test_corporate_authors_are_one_institutional_name_each():
    record = bibtex.parse(APA).records[0]
    assert record.authors == [Name("Canarie, Inc."), Name("World Health Organization")]
    assert bibtex.parse_name("{{Canarie, Inc.}}") == Name("Canarie, Inc.")
    assert bibtex.parse_name("{Barnes and Noble}") == Name("Barnes and Noble")


@pytest.mark.django_db
def test_an_unknown_type_imports_as_misc_and_exports_as_it_came():
    outcome = reference_import_bibtex(data=APA)
    assert outcome.ok
    item = outcome.plan.items[0]
    assert TYPE_AS_MISC.format(entry_type="magazine") in item.messages
    reference = Reference.objects.get()
    assert (reference.entry_type, reference.container_title) == ("misc", "jgr")
    exported = "".join(bibtex_stream(Reference.objects.all()))
    assert exported.startswith("@magazine{canarie2002,\n")
    assert (
        "author = {{\\bibcorporate{Canarie, Inc.}} and {{World Health Organization}}}" in exported
    )
    assert "journal = jgr," in exported


SAME_BOOK = """@book{knuth1984,
  author = {Knuth, Donald E.}, title = {The {\\TeX}book}, year = {1984},
  isbn = {0-201-13447-0}, publisher = {Addison-Wesley},
}
@book{texbook,
  author = {Knuth, Donald E.}, title = {The {\\TeX}book}, year = {1984},
  isbn = {0-201-13447-0}, publisher = {Addison-Wesley},
}
"""


@pytest.mark.django_db
def test_a_second_entry_for_one_work_becomes_an_alias_that_cites_resolve(curator_client):
    outcome = reference_import_bibtex(data=SAME_BOOK)
    assert (outcome.result.created, outcome.result.aliases) == (1, 1)
    reference = Reference.objects.get()
    alias = ReferenceAlias.objects.get()
    assert (alias.citekey, alias.reference, alias.note) == (
        "texbook",
        reference,
        ALIAS_NOTE.format(line=5),
    )
    assert reference.extra_fields["ids"] == "texbook"
    assert "  ids = {texbook},\n" in "".join(bibtex_stream(Reference.objects.all()))
    response = curator_client.get("/api/references/texbook/")
    assert response.status_code in (301, 302, 307, 308)
    assert response.headers["Location"].rstrip("/").endswith("/knuth1984")


@pytest.mark.django_db
def test_a_second_import_keeps_its_other_key_as_an_alias_once():
    reference_import_bibtex(data=SAME_BOOK)
    again = SAME_BOOK.replace("{knuth1984,", "{dek84,").replace("{texbook,", "{knuth1984b,")
    outcome = reference_import_bibtex(data=again)
    assert (outcome.result.created, outcome.result.aliases) == (0, 2)
    assert sorted(ReferenceAlias.objects.values_list("citekey", flat=True)) == [
        "dek84",
        "knuth1984b",
        "texbook",
    ]
    assert Reference.objects.get().extra_fields["ids"] == "texbook, dek84, knuth1984b"
    assert reference_import_bibtex(data=again).result.aliases == 0


@pytest.mark.django_db
def test_a_key_no_citekey_can_be_stays_citable_through_biblatex_ids():
    outcome = reference_import_bibtex(
        data='@misc{key?, author = "Smith, Bob", title = "T", year = 2012}'
    )
    reference = Reference.objects.get()
    assert (reference.citekey, reference.original_key) == (outcome.plan.items[0].citekey, "key?")
    assert reference.citekey != "key?"
    assert reference.extra_fields["ids"] == "key?"
    assert "  ids = {key?},\n" in "".join(bibtex_stream(Reference.objects.all()))


@pytest.mark.django_db
def test_a_value_too_long_for_its_column_is_kept_as_an_extra_field_not_refused():
    pages = "494, with subject index, author index, and glossary"
    outcome = reference_import_bibtex(data=f"@book{{lewis92, title={{T}}, pages={{{pages}}}}}")
    assert outcome.ok
    assert KEPT_LONG.format(name="pages", limit=50) in outcome.plan.items[0].messages
    reference = Reference.objects.get()
    assert (reference.pages, reference.extra_fields["pages"]) == ("", pages)
    assert f"  pages = {{{pages}}},\n" in "".join(bibtex_stream(Reference.objects.all()))


@pytest.mark.django_db
def test_a_second_key_that_a_new_record_of_the_same_file_is_given_is_no_alias():
    """The keys records and aliases hold are read before the file's references are written;
    the citekeys this import gives count as held too (one key, one record)."""
    data = (
        SAME_BOOK.replace("{knuth1984,", "{key?,")  # not usable: given knuth1984texbook
        .replace("{texbook,", "{knuth1984texbook,")
        .replace("year = {1984},\n  isbn", "year = {1984},\n  doi = {10.1000/texbook},\n  isbn", 1)
    )
    data += "@misc{other, title = {Other}, doi = {10.1000/TEXBOOK}}\n"  # a duplicate by DOI
    outcome = reference_import_bibtex(data=data)
    assert (outcome.result.created, outcome.result.aliases) == (1, 1)
    assert Reference.objects.get().citekey == "knuth1984texbook"
    assert list(ReferenceAlias.objects.values_list("citekey", flat=True)) == ["other"]
