"""An edited title keeps the braces of the words its imported LaTeX protected, and a
curator protects words in the admin: BibTeX braces them, CSL-JSON marks them nocase."""

import time

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from citations.admin.forms import PROTECTED_WORD_INVALID
from citations.bibtex import parse, render_entry
from citations.exports import bibtex_stream
from citations.formats import csl_item
from citations.models import Reference
from citations.services import reference_import_bibtex
from citations.text import latex
from citations.text.protection import (
    PROTECTED_WORDS,
    Protection,
    curated,
    encode_title,
    protections,
)
from tests.citations.test_reference_entry import change_data

SOURCE = r"{T}he {von Neumann} architecture and {DNA}"
ENTRY = "@article{n1, author = {Doe, Jane}, title = {" + SOURCE + "}, journal = {J}, year = 2001}"


def test_the_braces_of_a_title_are_read_with_the_words_around_them():
    assert protections(SOURCE) == (
        Protection("The", 0, 1),
        Protection("von Neumann", 0, 11),
        Protection("DNA", 0, 3),
    )
    # Arguments, special characters and math are no protection; unbalanced LaTeX none at all.
    assert protections(r"\emph{Big} {\"U}ber $x^{2}$ \TUB{} {Q}uery") == (
        Protection("Query", 0, 1),
    )
    assert protections("{Unclosed") == ()


def test_an_edited_title_braces_again_what_the_original_protected():
    edited = "The von Neumann bottleneck of DNA computers"
    written = encode_title(edited, {"title": SOURCE}, ["title"])
    assert written == "{T}he {von Neumann} bottleneck of {DNA} computers"
    assert encode_title("Neumann alone", {"title": SOURCE}, ["title"]) == "Neumann alone"


def test_a_curators_words_are_braced_wherever_the_title_has_them():
    sources = {PROTECTED_WORDS: "Gödel, von Neumann"}
    text = "Gödel and von Neumann in Göttingen"
    assert encode_title(text, sources, [], unicode=True) == "{Gödel} and {von Neumann} in Göttingen"
    assert latex.decode(encode_title(text, sources, [])) == text  # pdfLaTeX-safe ASCII
    assert encode_title(text, sources, []).isascii()
    assert curated(" a b ,, C ") == (Protection("a b", 0, 3), Protection("C", 0, 1))


WORDS = st.sampled_from(["The", "the", "von", "Neumann", "DNA", "x$", "\\", "{", "Ünal", "-"])


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=12), st.sampled_from([" ", "", "~"]))
def test_protection_never_changes_the_text(words, separator):
    text = separator.join(words)
    written = encode_title(text, {"title": SOURCE, PROTECTED_WORDS: "Ünal"}, ["title"])
    assert latex.decode(written) == text
    if "$" not in text and "\\" not in text and "{" not in text:
        assert written.count("{von Neumann}") == text.count("von Neumann")


def edited(record, title: str):
    record.fields["title"] = title
    return record


def test_the_export_of_an_edited_title_keeps_the_protection():
    record = edited(parse(ENTRY).records[0], "The von Neumann machine")
    assert "  title = {{T}he {von Neumann} machine},\n" in render_entry(record)
    assert csl_item(record)["title"] == (
        '<span class="nocase">T</span>he <span class="nocase">von Neumann</span> machine'
    )


@pytest.mark.django_db
def test_a_curator_protects_a_word_in_the_admin(curator_client):
    plain = "The von Neumann architecture and DNA"
    assert reference_import_bibtex(data=ENTRY.replace(SOURCE, plain)).ok
    reference = Reference.objects.get()
    url = reverse("admin:citations_reference_change", args=[reference.pk])
    data = change_data(reference, protected_words="Architecture, {x}")
    response = curator_client.post(url, data)
    assert response.context["adminform"].form.errors["protected_words"] == [
        PROTECTED_WORD_INVALID.format(word="{x}")
    ]
    data.update(protected_words=" The,  von Neumann ,The", not_a_duplicate="on")
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    reference.refresh_from_db()
    assert reference.latex_source[PROTECTED_WORDS] == "The, von Neumann"
    exported = "".join(bibtex_stream())
    assert "title = {{The} {von Neumann} architecture and {DNA}}" in exported
    assert csl_item(reference.to_record())["title"] == (
        '<span class="nocase">The</span> <span class="nocase">von Neumann</span> architecture'
        ' and <span class="nocase">DNA</span>'
    )
    form = curator_client.get(url).context["adminform"].form
    assert form["protected_words"].value() == "The, von Neumann"


def test_a_title_braced_word_by_word_is_protected_in_bounded_time():
    source = " ".join(f"{{W{i}x}}" for i in range(20_000))
    text = latex.decode(source) + " edited"
    started = time.perf_counter()
    written = encode_title(text, {"title": source}, ["title"])
    assert time.perf_counter() - started < 5
    assert written.startswith("{W0x} {W1x}")
    assert latex.decode(written) == text
