"""Candidate records for a citation: identifiers first, then Crossref's bibliographic search.

`find_candidates(cited, stored)` looks up every DOI, PMID and PMCID printed in `cited` and
every identifier in `stored` (the reference's own); a printed identifier that no service
knows is skipped. Unless one of those is already an unambiguous match (citations.sources.matching),
Crossref is searched with the whole citation. The result is ranked, best first.
A service that cannot be reached raises `SourceUnavailable`: nothing can be decided then.
All the requests share one deadline (`SOURCES_DEADLINE_SECONDS`), so a page or API call that
asks for candidates ends within it.
"""

from citations.sources import crossref, http, lookup, matching
from citations.sources.client import deadline


def find_candidates(
    *, cited: str, stored: dict[str, str] | None = None
) -> list[matching.Candidate]:
    with deadline():  # every look-up and the search share one budget
        return _find(cited, stored)


def _find(cited: str, stored: dict[str, str] | None) -> list[matching.Candidate]:
    identifiers = lookup.identifiers_in(cited)
    identifiers += [(kind, value) for kind, value in (stored or {}).items() if value]
    candidates, seen = [], set()
    for kind, value in identifiers:
        if (kind, value) in seen:
            continue
        seen.add((kind, value))
        try:
            found = lookup.lookup(kind, value)
        except (http.SourceNotFound, http.SourceBadResponse):
            continue
        candidates.append(matching.candidate(cited, found, matching.BY_IDENTIFIER))
    if matching.clear_choice(matching.ranked(candidates)) is None:
        for found in crossref.search(cited):
            if found.title:
                candidates.append(matching.candidate(cited, found, matching.BY_SEARCH))
    return matching.ranked(candidates)
