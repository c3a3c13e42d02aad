"""Identifier normalisation: pure, no database."""

import pytest

from citations.identifiers import (
    INVALID_DOI,
    INVALID_ISBN,
    InvalidIdentifier,
    doi_url,
    format_isbn,
    normalize_doi,
    normalize_isbn,
    normalize_pmcid,
    normalize_pmid,
    pmcid_url,
    pmid_url,
    resolver_url,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1210/EN.2007-1247", "10.1210/en.2007-1247"),
        ("https://doi.org/10.1210/en.2007-1247", "10.1210/en.2007-1247"),
        ("http://dx.doi.org/10.1093/humrep/deg315", "10.1093/humrep/deg315"),
        ("doi: 10.1016/S0006-291X(05)80774-0", "10.1016/s0006-291x(05)80774-0"),
    ],
)
def test_doi_is_lower_case_without_resolver(raw, expected):
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize("raw", ["", "11.1234/x", "10.12/x", "10.1210/", "not a doi"])
def test_invalid_doi_names_the_expected_form(raw):
    with pytest.raises(InvalidIdentifier, match="Not a valid DOI"):
        normalize_doi(raw)
    assert "10.<registrant>" in INVALID_DOI


def test_pmid_and_pmcid_are_canonical():
    assert normalize_pmid(" PMID: 018276762 ") == "18276762"
    assert normalize_pmcid("pmc4592269") == "PMC4592269"
    assert normalize_pmcid("4592269") == "PMC4592269"
    for bad in ["0", "12a", "-5"]:
        with pytest.raises(InvalidIdentifier):
            normalize_pmid(bad)
    with pytest.raises(InvalidIdentifier):
        normalize_pmcid("PMCX12")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("978-1-4557-4377-3", "9781455743773"),
        ("978-0-323-59712-8", "9780323597128"),
        ("0-306-40615-2", "9780306406157"),
        ("ISBN 0-8044-2957-X", "9780804429573"),
    ],
)
def test_isbn_checks_digit_and_converts_to_13(raw, expected):
    assert normalize_isbn(raw) == expected


@pytest.mark.parametrize("raw", ["978-1-4557-4377-4", "0-306-40615-3", "12345", "979123"])
def test_isbn_with_wrong_check_digit_is_rejected(raw):
    with pytest.raises(InvalidIdentifier) as exc:
        normalize_isbn(raw)
    assert str(exc.value) == INVALID_ISBN


@pytest.mark.parametrize(
    ("doi", "url"),
    [
        ("10.1210/en.2007-1247", "https://doi.org/10.1210/en.2007-1247"),
        ("10.1000/456#789", "https://doi.org/10.1000/456%23789"),
        ("10.1000/a?b=c", "https://doi.org/10.1000/a%3Fb%3Dc"),
        ("10.1000/100%", "https://doi.org/10.1000/100%25"),
        ("10.1000/a/b/c", "https://doi.org/10.1000/a/b/c"),
        (
            "10.1002/(sici)1097-4636(199706)35:4<419::aid-jbm1>3.0.co;2-#",
            "https://doi.org/10.1002/%28sici%291097-4636%28199706%2935%3A4%3C419%3A%3Aaid-jbm1"
            "%3E3.0.co%3B2-%23",
        ),
    ],
)
def test_doi_url_percent_encodes_everything_but_the_slash(doi, url):
    assert doi_url(doi) == url
    assert resolver_url("doi", doi) == url


def test_resolver_urls_of_pmid_and_pmcid_and_none_for_no_value():
    assert resolver_url("pmid", "18276762") == pmid_url("18276762")
    assert pmid_url("18276762") == "https://pubmed.ncbi.nlm.nih.gov/18276762/"
    assert pmcid_url("PMC4592269") == "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4592269/"
    assert resolver_url("pmcid", "") == ""


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("9780306406157", "978-0-306-40615-7"),
        ("9781455743773", "978-1-4557-4377-3"),
        ("9791090636071", "979-10-90636-07-1"),
        ("not an isbn", "not an isbn"),
    ],
)
def test_a_stored_isbn_is_hyphenated_by_registration_group_and_registrant(stored, shown):
    assert format_isbn(stored) == shown


def test_an_isbn_label_before_the_number_is_dropped():
    assert normalize_isbn("ISBN-13: 978-0-306-40615-7") == "9780306406157"
    assert normalize_isbn("isbn:0306406152") == "9780306406157"
