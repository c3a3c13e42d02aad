"""One identifier -> one record, from the service that holds it.

`parse_identifier(text)` recognises what a curator pasted: a DOI (bare, `doi:` or a
resolver URL), a PMCID (`PMC...`), a PMID (`pmid:` or up to 9 digits), an ISBN (10 or 13
digits, hyphens allowed, check digit valid). `identifiers_in(text)` finds every DOI, PMID
and PMCID printed inside a citation string. `lookup(kind, value)` asks:
- DOI: Crossref, else doi.org content negotiation (DataCite and other agencies);
- PMID: PubMed (efetch);
- PMCID: the PMC ID converter, then PubMed by its PMID (else Crossref by its DOI);
- ISBN: Open Library.
A record without a title is refused (`NO_TITLE`): there is nothing to verify against.
"""

import re

from citations.identifiers import (
    InvalidIdentifier,
    normalize_doi,
    normalize_isbn,
    normalize_pmcid,
    normalize_pmid,
)
from citations.sources import crossref, doiorg, http, ncbi, openlibrary
from citations.sources.client import deadline
from citations.sources.results import Found

DOI, PMID, PMCID, ISBN = "doi", "pmid", "pmcid", "isbn"
UNRECOGNISED = (
    "Not a DOI, PMID, PMCID or ISBN: expected e.g. 10.1210/en.2007-1247, 18276762, "
    "PMC4592269 or 978-0-323-59712-8."
)
NO_TITLE = "{service} has a record for {what}, but it has no title: nothing to verify against."
DOI_IN_TEXT = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")
PMID_IN_TEXT = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
PMCID_IN_TEXT = re.compile(r"\bPMC\s*(\d{1,9})\b", re.IGNORECASE)


def parse_identifier(text: str) -> tuple[str, str]:
    """(kind, normalised value); raises `InvalidIdentifier` with `UNRECOGNISED`."""
    value = text.strip()
    compact = re.sub(r"[\s-]", "", value)
    attempts = []
    if "10." in value and "/" in value:
        attempts.append((DOI, normalize_doi))
    if compact.upper().startswith("PMC"):
        attempts.append((PMCID, normalize_pmcid))
    if re.fullmatch(r"(?i:pmid:?)?\d{1,9}", compact):
        attempts.append((PMID, normalize_pmid))
    if re.fullmatch(r"(?i:isbn(?:1[03])?:?)?[\dX]{10}|(?i:isbn(?:13)?:?)?\d{13}", compact):
        attempts.append((ISBN, normalize_isbn))
    for kind, normalize in attempts:
        try:
            return kind, normalize(value)
        except InvalidIdentifier:
            continue
    raise InvalidIdentifier(UNRECOGNISED)


def identifiers_in(text: str) -> list[tuple[str, str]]:
    """The DOIs, PMIDs and PMCIDs printed in a citation, in that order, each once."""
    found = [(DOI, m.group(0).rstrip(".,;)]")) for m in DOI_IN_TEXT.finditer(text)]
    found += [(PMCID, f"PMC{m.group(1)}") for m in PMCID_IN_TEXT.finditer(text)]
    found += [(PMID, m.group(1)) for m in PMID_IN_TEXT.finditer(text)]
    normalised = []
    for kind, value in found:
        try:
            pair = parse_identifier(value) if kind != PMID else (PMID, normalize_pmid(value))
        except InvalidIdentifier:
            continue
        if pair not in normalised:
            normalised.append(pair)
    return normalised


def lookup(kind: str, value: str) -> Found:
    """The record for one normalised identifier; raises `http.SourceError`."""
    with deadline():  # a PMCID's two requests share one budget
        found = FETCHERS[kind](value)
    found.record.fields.setdefault(kind, value)
    if not found.title:
        what = f"{kind.upper()} {value}"
        raise http.SourceBadResponse(NO_TITLE.format(service=found.source, what=what))
    return found


def _by_doi(doi: str) -> Found:
    try:
        return crossref.work(doi)
    except http.SourceNotFound:
        return doiorg.work(doi)


def _by_pmcid(pmcid: str) -> Found:
    known = ncbi.convert(pmcid)
    found = ncbi.record(known["pmid"]) if known["pmid"] else _by_doi(known["doi"])
    found.record.fields["pmcid"] = pmcid
    return found


FETCHERS = {DOI: _by_doi, PMID: ncbi.record, PMCID: _by_pmcid, ISBN: openlibrary.book}
