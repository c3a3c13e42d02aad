"""NCBI E-utilities (PubMed) and the PMC ID converter.

- `record(pmid)`: `efetch.fcgi?db=pubmed&id=<pmid>&retmode=xml` -> a `PubmedArticleSet`;
  authors with ORCIDs, identifiers (DOI, PMCID), and PubMed's publication type
  "Retracted Publication" with the "Retraction in" notice as an `Update`; a record of type
  "Retraction of Publication" is itself a notice, of the work its "Retraction of" names.
- `summary_updates(pmid)`: `esummary.fcgi?db=pubmed&id=<pmid>&retmode=json`: the same
  retraction facts from the summary's `pubtype` and `references`, a cheaper check.
- `search(term, since=, until=)`: `esearch.fcgi?db=pubmed&term=...&datetype=pdat` -> the PMIDs
  published in those days (a saved search's run; never cached), then `articles(pmids)`:
  `efetch` in batches of `FETCH_BATCH` -> `Article`s with abstracts and publication types.
- `convert(identifier)`: the PMC ID converter, `?ids=<PMCID|PMID|DOI>&format=json` ->
  `{"pmcid", "pmid", "doi"}` of the article.
Every request names the tool and, when set, the contact address (NCBI's `tool`/`email`).
"""

import re

from django.conf import settings

from citations.identifiers import (
    InvalidIdentifier,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    pmid_url,
)
from citations.sources import http
from citations.sources.results import RETRACTED, Article, Found, NoticeOf, Update
from citations.text.records import BibRecord, Name

SERVICE = "PubMed"
CONVERTER = "The PMC ID converter"
TOOL = "evidence-ledger"
RETRACTED_TYPE = "Retracted Publication"
RETRACTION_IN = ("RetractionIn", "Retraction in")
NORMALIZERS = {"pmcid": normalize_pmcid, "pmid": normalize_pmid, "doi": normalize_doi}
RETRACTION_TYPE = "Retraction of Publication"
RETRACTION_OF = ("RetractionOf", "Retraction of")
SEARCH_LIMIT = 500
FETCH_BATCH = 200


def _params(**params) -> dict:
    params["tool"] = TOOL
    if settings.LEDGER_CONTACT_EMAIL:
        params["email"] = settings.LEDGER_CONTACT_EMAIL
    if settings.NCBI_API_KEY:
        params["api_key"] = settings.NCBI_API_KEY
    return params


def _eutils(name: str) -> str:
    return f"{settings.NCBI_EUTILS_URL.rstrip('/')}/{name}"


def record(pmid: str) -> Found:
    params = _params(db="pubmed", id=pmid, retmode="xml")
    url = _eutils("efetch.fcgi")
    root = parse_xml(http.get_text(url, service=SERVICE, params=params, what=pmid, check=parse_xml))
    article = root.find("PubmedArticle")
    if article is None:
        raise http.SourceNotFound(http.NOT_FOUND.format(service=SERVICE, what=f"PMID {pmid}"))
    return found_from_article(article)


def parse_xml(text: str):
    return http.parse_xml(text, service=SERVICE)


def summary_updates(pmid: str) -> list[Update]:
    params = _params(db="pubmed", id=pmid, retmode="json")
    data = http.get_json(_eutils("esummary.fcgi"), service=SERVICE, params=params, what=pmid)
    summary = (data.get("result") or {}).get(str(pmid)) if isinstance(data, dict) else None
    if not isinstance(summary, dict) or "error" in summary:
        raise http.SourceNotFound(http.NOT_FOUND.format(service=SERVICE, what=f"PMID {pmid}"))
    return updates_from_summary(summary)


def search(term: str, *, since=None, until=None, limit: int = SEARCH_LIMIT) -> list[str]:
    """The PMIDs PubMed finds for `term` among records published from `since` to `until`
    (dates, inclusive, either open), newest first, at most `limit`."""
    params = _params(db="pubmed", term=term, retmode="json", retmax=limit, sort="pub_date")
    if since or until:
        params |= {
            "datetype": "pdat",
            "mindate": _day(since, "1800/01/01"),
            "maxdate": _day(until, "3000/12/31"),
        }
    data = http.get_json(_eutils("esearch.fcgi"), service=SERVICE, params=params, cached=False)
    result = data.get("esearchresult") if isinstance(data, dict) else None
    if not isinstance(result, dict):
        raise http.SourceBadResponse(http.BAD_RESPONSE.format(service=SERVICE, kind="JSON"))
    return [str(pmid) for pmid in result.get("idlist") or [] if str(pmid).isdigit()]


def articles(pmids: list[str]) -> list[Article]:
    """Each PMID's title, abstract, identifiers and publication types (efetch, batched)."""
    found = []
    for start in range(0, len(pmids), FETCH_BATCH):
        batch = ",".join(pmids[start : start + FETCH_BATCH])
        params = _params(db="pubmed", id=batch, retmode="xml")
        text = http.get_text(
            _eutils("efetch.fcgi"), service=SERVICE, params=params, check=parse_xml
        )
        found += [article_summary(a) for a in parse_xml(text).findall("PubmedArticle")]
    return found


def _day(value, default: str) -> str:
    return value.strftime("%Y/%m/%d") if value else default


def convert(identifier: str) -> dict:
    """{"pmcid", "pmid", "doi"} (those the converter knows) for one identifier."""
    params = _params(ids=identifier, format="json")
    url = settings.NCBI_IDCONV_URL
    data = http.get_json(url, service=CONVERTER, params=params, what=identifier)
    records = data.get("records") if isinstance(data, dict) else None
    article = records[0] if isinstance(records, list) and records else {}
    if not isinstance(article, dict) or article.get("status") == "error":
        raise http.SourceNotFound(http.NOT_FOUND.format(service=CONVERTER, what=identifier))
    known = {name: str(article.get(name) or "") for name in NORMALIZERS}
    if not any(known.values()):
        raise http.SourceNotFound(http.NOT_FOUND.format(service=CONVERTER, what=identifier))
    return {name: _checked(name, value) for name, value in known.items()}


def _checked(name: str, value: str) -> str:
    """An identifier from the converter's answer, normalised; never used unchecked."""
    try:
        return NORMALIZERS[name](value) if value else ""
    except InvalidIdentifier as exc:
        message = http.NOT_AN_IDENTIFIER.format(service=CONVERTER, what=value)
        raise http.SourceRefused(message) from exc


# --- pure mapping ------------------------------------------------------------------------


def _text(element, path: str) -> str:
    found = element.find(path)
    return " ".join("".join(found.itertext()).split()) if found is not None else ""


def medline_pages(value: str) -> str:
    """MEDLINE's abbreviated range "2383-90" -> "2383--2390"."""
    match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", value or "")
    if not match:
        return (value or "").strip()
    start, end = match.groups()
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return f"{start}--{end}"


def author_name(author) -> Name:
    collective = _text(author, "CollectiveName")
    if collective:
        return Name(family=collective)
    return Name(
        family=_text(author, "LastName"),
        given=_text(author, "ForeName") or _text(author, "Initials"),
        suffix=_text(author, "Suffix"),
    )


def author_orcid(author) -> str:
    for identifier in author.findall("Identifier"):
        if identifier.get("Source") == "ORCID":
            match = re.search(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", identifier.text or "")
            return match.group(1) if match else ""
    return ""


def article_year(citation) -> str:
    issue_date = "Article/Journal/JournalIssue/PubDate"
    found = _text(citation, f"{issue_date}/Year") or _text(citation, f"{issue_date}/MedlineDate")
    match = re.search(r"\d{4}", found or _text(citation, "Article/ArticleDate/Year"))
    return match.group(0) if match else ""


def article_ids(article) -> dict[str, str]:
    ids = {}
    for element in article.findall("PubmedData/ArticleIdList/ArticleId"):
        kind = {"doi": "doi", "pmc": "pmcid", "pubmed": "pmid"}.get(element.get("IdType", ""))
        if kind and element.text:
            ids.setdefault(kind, element.text.strip())
    doi = article.find("MedlineCitation/Article/ELocationID[@EIdType='doi']")
    if doi is not None and doi.text:
        ids.setdefault("doi", doi.text.strip())
    return ids


def found_from_article(article) -> Found:
    """One `PubmedArticle` element as a record with ORCIDs and retraction notices."""
    citation = article.find("MedlineCitation")
    authors = citation.findall("Article/AuthorList/Author")
    fields = {
        "title": _text(citation, "Article/ArticleTitle").rstrip("."),
        "journal": _text(citation, "Article/Journal/Title"),
        "year": article_year(citation),
        "volume": _text(citation, "Article/Journal/JournalIssue/Volume"),
        "number": _text(citation, "Article/Journal/JournalIssue/Issue"),
        "pages": medline_pages(_text(citation, "Article/Pagination/MedlinePgn")),
        **article_ids(article),
    }
    fields["pmid"] = fields.get("pmid") or _text(citation, "PMID")
    fields["doi"] = fields.get("doi", "").lower()
    record = BibRecord(
        entry_type="article",
        key="",
        fields={name: value for name, value in fields.items() if value},
        authors=[author_name(author) for author in authors],
    )
    return Found(
        record=record,
        source=SERVICE,
        orcids=tuple(author_orcid(author) for author in authors),
        updates=tuple(updates_from_article(citation)),
        notice_of=tuple(notice_of_article(citation)),
    )


def article_summary(article) -> Article:
    """One `PubmedArticle` as a search hit: title, abstract, identifiers, types."""
    citation = article.find("MedlineCitation")
    ids = article_ids(article)
    abstract = " ".join(
        _text(part, ".") for part in citation.findall("Article/Abstract/AbstractText")
    )
    return Article(
        title=_text(citation, "Article/ArticleTitle").rstrip("."),
        pmid=ids.get("pmid") or _text(citation, "PMID"),
        doi=ids.get("doi", "").lower(),
        abstract=abstract,
        journal=_text(citation, "Article/Journal/Title"),
        year=article_year(citation),
        publication_types=tuple(t for t in _types(citation) if t),
    )


def _types(citation) -> list[str]:
    return [_text(t, ".") for t in citation.findall("Article/PublicationTypeList/PublicationType")]


def notice_of_article(citation) -> list[NoticeOf]:
    """A retraction notice's "Retraction of" entries: the works it retracts."""
    if RETRACTION_TYPE not in _types(citation):
        return []
    return [
        NoticeOf(state=RETRACTED, work=_notice(_text(c, "PMID"), _text(c, "RefSource")))
        for c in citation.findall("CommentsCorrectionsList/CommentsCorrections")
        if c.get("RefType") in RETRACTION_OF
    ]


def updates_from_article(citation) -> list[Update]:
    if RETRACTED_TYPE not in _types(citation):
        return []
    notices = [
        c
        for c in citation.findall("CommentsCorrectionsList/CommentsCorrections")
        if c.get("RefType") in RETRACTION_IN
    ]
    notice = _notice(_text(notices[0], "PMID"), _text(notices[0], "RefSource")) if notices else ""
    return [Update(state=RETRACTED, notice=notice, source=SERVICE)]


def updates_from_summary(summary: dict) -> list[Update]:
    if RETRACTED_TYPE not in (summary.get("pubtype") or []):
        return []
    notices = [
        r
        for r in summary.get("references") or []
        if isinstance(r, dict) and r.get("reftype") in RETRACTION_IN
    ]
    first = notices[0] if notices else {}
    notice = _notice(str(first.get("pmid") or ""), str(first.get("refsource") or ""))
    return [Update(state=RETRACTED, notice=notice, source=SERVICE)]


def _notice(pmid: str, source: str) -> str:
    """The notice as a PubMed URL when it has a PMID, else the citation PubMed gives."""
    if pmid.strip():
        return pmid_url(pmid.strip())
    return source.strip()
