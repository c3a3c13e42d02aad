"""The CSL engine wrapper (citations.citing): styles, aliases, caches and what it reads. Pure."""

import pytest

from citations import bibliography_stream, citing
from citations.text.records import BibRecord, Name
from tests.citations.engine_failure import engine_fails_on_theses as failing_on_theses


def article(**fields) -> BibRecord:
    return BibRecord(
        entry_type="article",
        key="omalley2001",
        fields={
            "title": "Receptors in bone",
            "journal": "Bone",
            "year": "2001",
            "volume": "3",
            "pages": "10--19",
            **fields,
        },
        authors=[Name(family="O'Malley", given="Bert W.")],
    )


def test_unknown_or_malformed_style_names_the_style_list():
    for asked in ("no-such-style", "../apa", "APA.csl", ""):
        if asked == "":
            assert citing.checked_style(asked) == "apa"  # the default
            continue
        with pytest.raises(citing.UnknownStyle, match="/api/citation-styles/"):
            citing.checked_style(asked)


def test_aliases_name_the_independent_style_they_depend_on():
    assert citing.checked_style("Vancouver") == "vancouver"
    assert citing.style_path("vancouver").name == "nlm-citation-sequence.csl"
    assert citing.style_titles()["harvard"] == citing.style_titles()["harvard-cite-them-right"]


def test_parsed_styles_are_kept_per_process():
    assert citing.load_style("apa") is citing.load_style("apa")


def test_entry_of_a_numbered_style_has_no_number_but_a_list_has():
    record = article()

    assert citing.entry(record, "vancouver") == "O’Malley BW. Receptors in bone. Bone. 2001;3:10–9."
    assert citing.bibliography([record, article(title="More")], "vancouver")[1].startswith("2. ")


def test_apostrophes_become_typographic_but_identifiers_stay():
    text = citing.entry(article(doi="10.1000/it's"), "apa")

    assert text.startswith("O’Malley, B. W. (2001).")
    assert text.endswith("https://doi.org/10.1000/it's")


def test_protected_words_keep_their_case_and_markup_is_read_as_text():
    source = r"{mRNA} of \textit{Mus musculus} bone"  # the title's LaTeX, as imported
    record = article(title="mRNA of Mus musculus bone")
    record.sources["title"] = source

    text = citing.entry(record, "chicago-author-date")  # Chicago title-cases titles

    assert "“mRNA of Mus Musculus Bone" in text
    assert "<i>" not in text


def test_cached_entry_follows_an_edit():
    assert "Receptors in bone" in citing.cached_entry(article(), "apa")
    assert "Edited title" in citing.cached_entry(article(title="Edited title"), "apa")


def test_html_form_escapes_text():
    text = citing.entry(article(title="Bone & <b>marrow</b>"), "apa", form="html")

    assert "Bone &amp;" in text
    assert "<b>" not in text


def test_html_form_never_passes_markup_of_a_stored_value():
    record = article(title="<script>alert(1)</script> & y", journal="<img src=x onerror=alert(1)>")

    text = citing.entry(record, "apa", form="html")
    plain = citing.entry(record, "apa")

    assert "<script>" not in text
    assert "<img" not in text
    # The title is sentence-cased like any (pandoc's convention): compare without case.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; y" in text.lower()
    assert "<script>alert(1)</script> & y" in plain.lower()


def test_streamed_bibliography_numbers_run_on_across_chunks(monkeypatch):
    monkeypatch.setattr(bibliography_stream, "STREAM_CHUNK", 2)
    records = [article(title=f"Study {n}") for n in range(5)]

    vancouver = list(bibliography_stream.stream_bibliography(records, "vancouver"))
    ieee = list(bibliography_stream.stream_bibliography(records, "ieee"))
    apa = list(bibliography_stream.stream_bibliography(records, "apa"))

    assert [entry.split(" ", 1)[0] for entry in vancouver] == ["1.", "2.", "3.", "4.", "5."]
    assert [entry.split(" ", 1)[0] for entry in ieee] == ["[1]", "[2]", "[3]", "[4]", "[5]"]
    assert [entry.split("Study ")[1][0] for entry in apa] == ["0", "1", "2", "3", "4"]
    assert vancouver[4].endswith("Study 4. Bone. 2001;3:10–9.")


def thesis(key: str) -> BibRecord:
    """A thesis, which the engine fails on where `engine_fails_on_theses` is used."""
    return BibRecord(
        entry_type="phdthesis",
        key=key,
        fields={"title": "A study", "year": "2001", "school": "Uni", "address": "Paris"},
        authors=[Name(family="Smith", given="John")],
    )


FAILING_STYLE = "journal-of-endodontics"


@pytest.fixture
def engine_fails_on_theses(monkeypatch):
    failing_on_theses(monkeypatch)


@pytest.mark.usefixtures("engine_fails_on_theses")
def test_an_entry_the_engine_fails_on_says_so_and_the_rest_of_the_list_is_formatted():
    entries = citing.bibliography(
        [article(), thesis("smith2001"), article(title="More")], FAILING_STYLE
    )

    assert "Not formatted (smith2001): the citation engine failed" in entries[1]
    assert entries[0].startswith("1. O’Malley BW. Receptors in bone.")  # a numbered style
    assert entries[2].startswith("3. O’Malley BW. More.")
    assert citing.entry(thesis("2001smith"), FAILING_STYLE).startswith("Not formatted (2001smith)")


@pytest.mark.usefixtures("engine_fails_on_theses")
def test_the_failure_is_logged_and_a_later_render_of_the_style_is_right(caplog):
    with caplog.at_level("WARNING", logger="citations.citing"):
        citing.bibliography([thesis("smith2001")], FAILING_STYLE, form="html")

    assert "citeproc-py failed on item-0 in style journal-of-endodontics" in caplog.text
    assert citing.entry(article(), FAILING_STYLE).startswith("O’Malley BW. Receptors in bone.")


@pytest.mark.usefixtures("engine_fails_on_theses")
def test_an_entry_the_engine_failed_on_is_not_kept():
    record = thesis("kept2001")
    first = citing.cached_entry(record, FAILING_STYLE)

    assert isinstance(first, citing.Unformatted)
    assert citing.known_entry(citing.entry_key(record, FAILING_STYLE)) is None
    assert citing.known_entry(citing.entry_key(article(), FAILING_STYLE)) is None
    citing.cached_entry(article(), FAILING_STYLE)
    assert citing.known_entry(citing.entry_key(article(), FAILING_STYLE)) is not None


def test_entries_are_kept_per_engine_version(monkeypatch):
    """An upgrade of citeproc-py (or a change of our fixes) never serves entries formatted
    before it, from this process or from the shared cache."""
    monkeypatch.setattr(citing.metadata, "version", lambda package: "99.0")

    assert citing._engine_digest() != citing.ENGINE
