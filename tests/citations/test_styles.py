"""Vancouver-style reference text: pure, exact strings."""

import pytest

from citations.text.records import BibRecord, Name
from citations.text.styles import initials, short_pages, vancouver


def article(**fields):
    base = {
        "title": "Bone growth and turnover in progesterone receptor knockout mice",
        "journal": "Endocrinology",
        "year": "2008",
        "volume": "149",
        "number": "5",
        "pages": "2383--2390",
    }
    return BibRecord(
        "article",
        "rickard2008bone",
        {**base, **fields},
        [
            Name("Rickard", "David J."),
            Name("Iwaniec", "Urszula T."),
            Name("Evans", "Glenda"),
        ],
    )


def test_journal_article_in_vancouver_style():
    assert vancouver(article()) == (
        "Rickard DJ, Iwaniec UT, Evans G. Bone growth and turnover in progesterone receptor "
        "knockout mice. Endocrinology. 2008;149(5):2383-90."
    )


def test_more_than_six_authors_end_with_et_al():
    names = [Name(f"Author{i}", "Ann") for i in range(7)]
    record = BibRecord("article", "k", {"title": "T", "journal": "J", "year": "2001"}, names)
    assert vancouver(record) == (
        "Author0 A, Author1 A, Author2 A, Author3 A, Author4 A, Author5 A, et al. T. J. 2001."
    )


def test_prefix_suffix_and_corporate_author():
    record = BibRecord(
        "article",
        "k",
        {"title": "Why?", "journal": "J", "year": "1999"},
        [
            Name("Berg", "Jan", prefix="van den"),
            Name("Smith", "John A.", suffix="Jr."),
            Name("Writing Group for the PEPI Trial"),
        ],
    )
    assert vancouver(record) == (
        "van den Berg J, Smith JA Jr, Writing Group for the PEPI Trial. Why? J. 1999."
    )


def test_book_with_edition_and_publisher():
    record = BibRecord(
        "book",
        "k",
        {
            "title": "Williams textbook of endocrinology",
            "edition": "13",
            "publisher": "Elsevier",
            "year": "2016",
        },
        [Name("Melmed", "Shlomo")],
    )
    assert vancouver(record) == (
        "Melmed S. Williams textbook of endocrinology. 13th ed. Elsevier; 2016."
    )


def test_chapter_names_editors_book_and_pages():
    record = BibRecord(
        "incollection",
        "k",
        {
            "title": "Progesterone",
            "booktitle": "Bone biology",
            "publisher": "Springer",
            "year": "2010",
            "pages": "101-115",
        },
        [Name("Prior", "Jerilynn C.")],
        [Name("Seibel", "Markus J.")],
    )
    assert vancouver(record) == (
        "Prior JC. Progesterone. In: Seibel MJ, editors. Bone biology. Springer; 2010. p. 101-15."
    )


def test_web_page_without_identifiers_gives_its_address():
    record = BibRecord(
        "misc",
        "k",
        {
            "title": "Progesterone builds bone",
            "journal": "Wellness Daily",
            "year": "2019",
            "url": "https://example.org/p",
        },
    )
    assert vancouver(record) == (
        "Progesterone builds bone. Wellness Daily. 2019. Available from: https://example.org/p"
    )


def test_article_without_volume_or_pages():
    assert vancouver(article(volume="", number="", pages="")) == (
        "Rickard DJ, Iwaniec UT, Evans G. Bone growth and turnover in progesterone receptor "
        "knockout mice. Endocrinology. 2008."
    )


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("2383--2390", "2383-90"),
        ("100-109", "100-9"),
        ("99-101", "99-101"),
        ("e123", "e123"),
        ("S1-S9", "S1-S9"),
        ("1234-1234", "1234-4"),
    ],
)
def test_last_page_keeps_only_changing_digits(pages, expected):
    assert short_pages(pages) == expected


def test_initials_handle_hyphens_and_periods():
    assert initials("Jean-Pierre") == "JP"
    assert initials("D. J.") == "DJ"
    assert initials("") == ""


def test_bibtex_and_others_is_et_al_not_an_author():
    record = article()
    record.authors.append(Name("others"))
    assert vancouver(record).startswith("Rickard DJ, Iwaniec UT, Evans G, et al. Bone growth")
