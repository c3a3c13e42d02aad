"""Normalise and validate persistent identifiers: DOI, PMID, PMCID, ISBN.

Each `normalize_*` function takes what a person or a BibTeX file wrote and returns the
canonical stored form, or raises `InvalidIdentifier` with a message a curator can act on:
- DOI: lower case, no resolver prefix ("https://doi.org/", "doi:"), e.g. "10.1210/en.2007-1247";
  no whitespace, braces, quotes or backslashes, and no "." or ".." segment between slashes
  (in a URL it would climb out of the resolver's path: "10.1234/../../etc/passwd").
- PMID: digits only, no leading zeros, e.g. "18276762".
- PMCID: "PMC" followed by digits, e.g. "PMC4592269".
- ISBN: 13 digits without hyphens (an ISBN-10 is converted), check digit verified.

Each resolver link is built here and nowhere else (`resolver_url`, `doi_url`, `pmid_url`,
`pmcid_url`): pages, API, JSON-LD and retraction notices give the same address. In a URL a
DOI is percent-encoded (`quoted_doi`) as the DOI Handbook asks ("DOI Name Encoding Rules for
URL Presentation": `#`, `?`, `%`, `"`, `<`, `>` ... are hex-encoded): every character but
letters, digits, `_.-~` and `/`, so `10.1002/(sici)...;2-#` does not end at its `#`. ISBN has
no resolver.
"""

import re
from urllib.parse import quote

# The suffix may hold almost any printable character (SICI DOIs have <>;:()), but never
# whitespace, braces, quotes or backslashes: no registered DOI does, and in a BibTeX field a
# `}` would end the value and let the rest of the "DOI" write fields of its own.
DOI_PATTERN = re.compile(r'^10\.\d{4,9}/[^\s{}"\\\x00-\x1f\x7f]+$')
DOT_SEGMENTS = {".", ".."}
DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)

INVALID_DOI = (
    "Not a valid DOI: expected 10.<registrant>/<suffix> without spaces, braces, quotes, "
    "backslashes or '..' segments, e.g. 10.1210/en.2007-1247."
)
INVALID_PMID = "Not a valid PMID: expected a positive whole number, e.g. 18276762."
INVALID_PMCID = "Not a valid PMCID: expected PMC followed by digits, e.g. PMC4592269."
INVALID_ISBN = "Not a valid ISBN: expected 10 or 13 digits with a correct check digit."


class InvalidIdentifier(ValueError):
    """A value that cannot be an identifier of the named kind."""


def normalize_doi(value: str) -> str:
    doi = DOI_PREFIXES.sub("", value.strip()).strip().lower()
    if not DOI_PATTERN.match(doi) or DOT_SEGMENTS.intersection(doi.split("/")):
        raise InvalidIdentifier(INVALID_DOI)
    return doi


def normalize_pmid(value: str) -> str:
    pmid = re.sub(r"^pmid:\s*", "", value.strip(), flags=re.IGNORECASE)
    if not pmid.isdigit() or int(pmid) == 0 or len(pmid) > 10:
        raise InvalidIdentifier(INVALID_PMID)
    return str(int(pmid))


def normalize_pmcid(value: str) -> str:
    pmcid = value.strip().upper()
    if pmcid.isdigit():
        pmcid = f"PMC{pmcid}"
    if not re.fullmatch(r"PMC\d{1,9}", pmcid):
        raise InvalidIdentifier(INVALID_PMCID)
    return pmcid


def isbn10_is_valid(isbn: str) -> bool:
    if not re.fullmatch(r"\d{9}[\dX]", isbn):
        return False
    digits = [10 if ch == "X" else int(ch) for ch in isbn]
    return sum((10 - i) * d for i, d in enumerate(digits)) % 11 == 0


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(ch) * (1 if i % 2 == 0 else 3) for i, ch in enumerate(first12))
    return str((10 - total % 10) % 10)


def normalize_isbn(value: str) -> str:
    isbn = re.sub(r"[\s-]", "", value.strip().upper())
    isbn = re.sub(r"^ISBN(?:-1[03])?:?", "", isbn)
    if len(isbn) == 10 and isbn10_is_valid(isbn):
        first12 = "978" + isbn[:9]
        return first12 + isbn13_check_digit(first12)
    if re.fullmatch(r"97[89]\d{10}", isbn) and isbn13_check_digit(isbn[:12]) == isbn[12]:
        return isbn
    raise InvalidIdentifier(INVALID_ISBN)


def format_isbn(isbn13: str) -> str:
    """Group a stored ISBN-13 for display as prefix-rest (registration groups vary)."""
    return f"{isbn13[:3]}-{isbn13[3:]}" if len(isbn13) == 13 else isbn13


def quoted_doi(doi: str) -> str:
    """A DOI as a URL path: 10.1000/456%23789 for 10.1000/456#789."""
    return quote(doi, safe="/")


def doi_url(doi: str) -> str:
    return f"https://doi.org/{quoted_doi(doi)}"


def pmid_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid, safe='')}/"


def pmcid_url(pmcid: str) -> str:
    return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{quote(pmcid, safe='')}/"


RESOLVERS = {"doi": doi_url, "pmid": pmid_url, "pmcid": pmcid_url}


def resolver_url(scheme: str, value: str) -> str:
    """The resolver link of an identifier ("doi", "pmid" or "pmcid"); '' for no value."""
    return RESOLVERS[scheme](value) if value else ""


NORMALIZERS = {
    "doi": normalize_doi,
    "pmid": normalize_pmid,
    "pmcid": normalize_pmcid,
    "isbn": normalize_isbn,
}
