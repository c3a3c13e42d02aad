"""PubMed XML (E-utilities `efetch.fcgi?db=pubmed&retmode=xml`, PubMed's "Save: XML") ->
plain records, following Zotero's "PubMed XML" translator.

The XML is read with defusedxml (no entities, no DTD tricks) and refused past a nesting
depth. Each `PubmedArticle` gives: PMID, ArticleIdList's doi/pmc (else ELocationID doi),
ArticleTitle, Abstract (its labelled sections joined, "BACKGROUND: ..."), authors
(LastName/ForeName/Suffix, CollectiveName), Journal Title and ISOAbbreviation, ISSN,
Volume, Issue, PubDate (Year/Month/Day or MedlineDate), MedlinePgn, Language, keywords,
publication types (`pubtype`; "Retracted Publication" sets the retraction state). A
`PubmedBookArticle` gives a book (or a chapter of one). Lines are the articles' numbers.
"""

import io

import defusedxml.ElementTree as ET
from defusedxml.common import DefusedXmlException

from citations.bibtex import ParseProblem
from citations.readers import common
from citations.readers.medline import LANGUAGES, RETRACTED, RETRACTED_TYPE
from citations.text.records import BibRecord, Name

FORMAT = "PubMed XML"
NOT_XML = "The file is not XML: {reason}"
NO_BOOK = "The PubmedBookArticle has no BookDocument/Book: skipped."
NOT_PUBMED = "The XML is no PubmedArticleSet: its root is <{root}>."


def _text(element, path: str = ".") -> str:
    found = element.find(path) if element is not None else None
    return " ".join("".join(found.itertext()).split()) if found is not None else ""


def _name(author) -> Name | None:
    if collective := _text(author, "CollectiveName"):
        return Name(family=collective)
    family = _text(author, "LastName")
    if not family:
        return None
    given = _text(author, "ForeName") or _text(author, "Initials")
    return Name(family=family, given=given, suffix=_text(author, "Suffix"))


def _names(element, path: str) -> list[Name]:
    return [name for a in element.findall(path) if (name := _name(a)) is not None]


def _date(element) -> dict[str, str]:
    if element is None:
        return {}
    if medline := _text(element, "MedlineDate"):
        return common.date_fields(medline)
    parts = [_text(element, tag) for tag in ("Year", "Month", "Day")]
    return common.date_fields(" ".join(part for part in parts if part))


def _abstract(element) -> str:
    sections = []
    for part in element.findall("Abstract/AbstractText") if element is not None else []:
        label, body = part.get("Label"), _text(part)
        sections.append(f"{label}: {body}" if label and body else body)
    return "\n".join(section for section in sections if section)


def _ids(article) -> dict[str, str]:
    ids = {}
    for element in article.findall("PubmedData/ArticleIdList/ArticleId"):
        kind = {"doi": "doi", "pmc": "pmcid", "pubmed": "pmid"}.get(element.get("IdType", ""))
        if kind and (element.text or "").strip():
            ids.setdefault(kind, element.text.strip())
    for element in article.iter("ELocationID"):
        if element.get("EIdType") == "doi" and (element.text or "").strip():
            ids.setdefault("doi", element.text.strip())
    return ids


def _types(element) -> list[str]:
    return [_text(t) for t in element.iter("PublicationType")]


def _common(article, types: list[str]) -> dict:
    citation = article.find("MedlineCitation")
    if citation is None:
        citation = article.find("BookDocument")
    keywords = [_text(k) for k in citation.iter("Keyword")] if citation is not None else []
    fields = {
        **_ids(article),
        "pmid": _text(citation, "PMID"),
        "keywords": ", ".join(k for k in keywords if k),
        "pubtype": "; ".join(types),
    }
    return {"fields": fields, "retraction": RETRACTED if RETRACTED_TYPE in types else ""}


def article_record(article, line: int) -> BibRecord:
    citation = article.find("MedlineCitation")
    body = citation.find("Article") if citation is not None else None
    types = _types(body) if body is not None else []
    shared = _common(article, types)
    issue = body.find("Journal/JournalIssue") if body is not None else None
    language = _text(body, "Language")
    fields = {
        **shared["fields"],
        "title": (_text(body, "ArticleTitle") or _text(body, "VernacularTitle")).rstrip("."),
        "journal": _text(body, "Journal/Title"),
        "shortjournal": _text(body, "Journal/ISOAbbreviation"),
        "issn": _text(body, "Journal/ISSN"),
        "volume": _text(issue, "Volume"),
        "number": _text(issue, "Issue"),
        "pages": common.page_range(_text(body, "Pagination/MedlinePgn")),
        "abstract": _abstract(body),
        "language": LANGUAGES.get(language, language),
        **(_date(issue.find("PubDate")) if issue is not None else {}),
    }
    if "year" not in fields and body is not None:
        fields.update(_date(body.find("ArticleDate")))
    return BibRecord(
        entry_type="article",
        key="",
        fields=common.clean(fields),
        authors=_names(body, "AuthorList/Author") if body is not None else [],
        line=line,
        retraction=shared["retraction"],
    )


def book_record(article, line: int) -> BibRecord:
    document = article.find("BookDocument")
    book = document.find("Book")
    chapter = _text(document, "ArticleTitle")
    shared = _common(article, _types(document))
    fields = {
        **shared["fields"],
        "title": chapter or _text(book, "BookTitle"),
        "booktitle": _text(book, "BookTitle") if chapter else "",
        "publisher": _text(book, "Publisher/PublisherName"),
        "address": _text(book, "Publisher/PublisherLocation"),
        "isbn": _text(book, "Isbn"),
        "abstract": _abstract(document),
        **_date(book.find("PubDate")),
    }
    return BibRecord(
        entry_type="incollection" if chapter else "book",
        key="",
        fields=common.clean(fields),
        authors=_names(document, "AuthorList[@Type='authors']/Author")
        or _names(book, "AuthorList[@Type='authors']/Author"),
        editors=_names(book, "AuthorList[@Type='editors']/Author"),
        line=line,
        retraction=shared["retraction"],
    )


def parse(data: str | bytes, max_depth: int = common.MAX_DEPTH):
    """The root element, or ValueError with the reason (not XML, or nested too deep).
    Bytes are read in the encoding the XML declares (UTF-8 without a declaration)."""
    depth = 0
    stream = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    try:
        events = ET.iterparse(stream, events=("start", "end"))
        for event, _element in events:
            depth += 1 if event == "start" else -1
            if depth > max_depth:
                raise ValueError(common.TOO_DEEP.format(kind="XML", limit=max_depth))
    except ET.ParseError as exc:
        raise ValueError(NOT_XML.format(reason=exc)) from exc
    except DefusedXmlException as exc:
        reason = "entities and DTDs are not allowed"
        raise ValueError(NOT_XML.format(reason=reason)) from exc
    return events.root


def read(
    data: str | bytes, encoding: str | None = None, max_depth: int = common.MAX_DEPTH
) -> common.ReadResult:
    """A PubmedArticleSet -> records; lines are the articles' numbers (from 1)."""
    result = common.ReadResult()
    try:
        root = parse(common.as_text(data, encoding) if encoding else data, max_depth)
    except ValueError as exc:
        result.problems.append(ParseProblem(1, "", str(exc)))
        return result
    if root.tag != "PubmedArticleSet":
        result.problems.append(ParseProblem(1, "", NOT_PUBMED.format(root=root.tag)))
        return result
    for index, article in enumerate(root, 1):
        if article.tag == "PubmedArticle":
            result.records.append(article_record(article, index))
        elif article.tag == "PubmedBookArticle":
            if article.find("BookDocument/Book") is None:
                result.problems.append(ParseProblem(index, "", NO_BOOK))
                continue
            result.records.append(book_record(article, index))
    if not result.records:
        result.problems.append(ParseProblem(1, "", common.NO_ENTRIES.format(format=FORMAT)))
    return result
