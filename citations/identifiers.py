"""Normalise and validate persistent identifiers: DOI, PMID, PMCID, ISBN.

Each `normalize_*` function takes what a person or a BibTeX file wrote and returns the
canonical stored form, or raises `InvalidIdentifier` with a message a curator can act on:
- DOI: lower case, no resolver prefix ("https://doi.org/", "doi:"), e.g. "10.1210/en.2007-1247";
  no whitespace, braces, quotes or backslashes, and no "." or ".." segment between slashes
  (in a URL it would climb out of the resolver's path: "10.1234/../../etc/passwd").
- PMID: digits only, no leading zeros, e.g. "18276762".
- PMCID: "PMC" followed by digits, e.g. "PMC4592269".
- ISBN: 13 digits without hyphens (an ISBN-10 is converted), check digit verified; checks,
  conversion and hyphenation for display (`format_isbn`) are python-stdnum's.

Each resolver link is built here and nowhere else (`resolver_url`, `doi_url`, `pmid_url`,
`pmcid_url`): pages, API, JSON-LD and retraction notices give the same address. In a URL a
DOI is percent-encoded (`quoted_doi`) as the DOI Handbook asks ("DOI Name Encoding Rules for
URL Presentation": `#`, `?`, `%`, `"`, `<`, `>` ... are hex-encoded): every character but
letters, digits, `_.-~` and `/`, so `10.1002/(sici)...;2-#` does not end at its `#`. ISBN has
no resolver.
"""

import re
from urllib.parse import quote

from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError

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


def normalize_isbn(value: str) -> str:
    """The ISBN-13 of an ISBN-10 or -13, hyphens, spaces and an "ISBN" label dropped; the
    check digit and the 978/979 prefix are python-stdnum's (`stdnum.isbn`)."""
    isbn = re.sub(r"^ISBN(?:1[03])?:?", "", re.sub(r"[\s-]", "", value.strip().upper()))
    try:
        return stdnum_isbn.validate(isbn, convert=True)
    except ValidationError as error:
        raise InvalidIdentifier(INVALID_ISBN) from error


def format_isbn(isbn13: str) -> str:
    """A stored ISBN-13 hyphenated by its registration group and registrant (978-0-306-40615-7),
    from python-stdnum's range table; as given when it is not a valid ISBN."""
    return stdnum_isbn.format(isbn13) if stdnum_isbn.is_valid(isbn13) else isbn13


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
