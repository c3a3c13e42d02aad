"""The readers of RIS, CSL-JSON, PubMed MEDLINE and PubMed XML: text in, plain records and
problems with their lines out (pure: no database)."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citations import readers
from citations.formats import csl_item, render_ris_entry
from citations.readers import csl, medline, pubmed_xml, ris
from citations.readers.common import ET_AL_NOTE, TOO_DEEP, date_fields, family_first, page_range
from citations.text.records import OTHERS, BibRecord, Name

RIS = """TY  - JOUR
AU  - van der Berg, Anna
AU  - Smith, John, Jr
TI  - Bone density in mice
T2  - Journal of Bone Research
PY  - 2004/05/12/
VL  - 12
IS  - 3
SP  - 123
EP  - 129
SN  - 0028-0836
DO  - 10.1000/bone.1
AN  - 15140211
DB  - PubMed
C2  - PMC1234567
KW  - bone
KW  - mice
AB  - An abstract.
N1  - A note.
N1  - The author list is incomplete (et al.).
M3  - Journal Article
ID  - berg2004
ER  - 

TY  - CHAP
AU  - Jones, Ann
A2  - Editor, Ed
TI  - A chapter
T2  - The book
PB  - Academic
CY  - London
SN  - 9780123456786
PY  - 2019
ER  - 
"""

MEDLINE = """PMID- 15140211
OWN - NLM
STAT- MEDLINE
DP  - 2004 May 15
TI  - Bone density in mice: a study of something rather long that wraps onto the
      next line.
PG  - 2383-90
LID - 10.1000/bone.1 [doi]
AB  - An abstract that
      wraps.
FAU - van der Berg, Anna
AU  - van der Berg A
FAU - Smith, John
AU  - Smith J
CN  - The Bone Consortium
LA  - eng
PT  - Journal Article
PT  - Retracted Publication
IS  - 0028-0836 (Print)
IS  - 1476-4687 (Electronic)
VI  - 12
IP  - 3
JT  - Journal of bone research
TA  - J Bone Res
MH  - Animals
OT  - bone
PMC - PMC1234567

PMID- 99
TI  - Second.
DP  - 2019
"""

PUBMED_XML = """<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet>
<PubmedArticleSet>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">15140211</PMID>
    <Article PubModel="Print">
      <Journal>
        <ISSN IssnType="Print">0028-0836</ISSN>
        <JournalIssue CitedMedium="Print">
          <Volume>12</Volume><Issue>3</Issue>
          <PubDate><Year>2004</Year><Month>May</Month><Day>15</Day></PubDate>
        </JournalIssue>
        <Title>Journal of bone research</Title>
        <ISOAbbreviation>J Bone Res</ISOAbbreviation>
      </Journal>
      <ArticleTitle>Bone density in <i>mice</i>.</ArticleTitle>
      <Pagination><MedlinePgn>2383-90</MedlinePgn></Pagination>
      <Abstract>
        <AbstractText Label="BACKGROUND">Why.</AbstractText>
        <AbstractText Label="RESULTS">What.</AbstractText>
      </Abstract>
      <AuthorList>
        <Author><LastName>Berg</LastName><ForeName>Anna</ForeName></Author>
        <Author><CollectiveName>The Bone Consortium</CollectiveName></Author>
      </AuthorList>
      <Language>eng</Language>
      <PublicationTypeList>
        <PublicationType UI="D016428">Journal Article</PublicationType>
        <PublicationType UI="D016441">Retracted Publication</PublicationType>
      </PublicationTypeList>
    </Article>
  </MedlineCitation>
  <PubmedData>
    <ArticleIdList>
      <ArticleId IdType="pubmed">15140211</ArticleId>
      <ArticleId IdType="doi">10.1000/bone.1</ArticleId>
      <ArticleId IdType="pmc">PMC1234567</ArticleId>
    </ArticleIdList>
  </PubmedData>
</PubmedArticle>
</PubmedArticleSet>
"""


def test_ris_maps_an_article_as_zoteros_translator_does():
    result = ris.read(RIS)
    first, second = result.records
    assert (first.entry_type, first.key, first.line) == ("article", "berg2004", 1)
    assert first.fields == {
        "title": "Bone density in mice",
        "journal": "Journal of Bone Research",
        "year": "2004",
        "month": "5",
        "day": "12",
        "volume": "12",
        "number": "3",
        "pages": "123--129",
        "issn": "0028-0836",
        "doi": "10.1000/bone.1",
        "pmid": "15140211",
        "pmcid": "PMC1234567",
        "keywords": "bone, mice",
        "abstract": "An abstract.",
        "note": "A note.",
        "ris-M3": "Journal Article",
    }
    assert first.authors == [
        Name("Berg", "Anna", prefix="van der"),
        Name("Smith", "John", suffix="Jr"),
        OTHERS,
    ]
    assert result.problems == []


def test_ris_chapter_keeps_its_book_editors_and_isbn():
    chapter = ris.read(RIS).records[1]
    assert chapter.entry_type == "incollection"
    assert chapter.line == 24
    assert chapter.fields["booktitle"] == "The book"
    assert chapter.fields["isbn"] == "9780123456786"
    assert chapter.editors == [Name("Editor", "Ed")]
    assert (chapter.fields["publisher"], chapter.fields["address"]) == ("Academic", "London")


def test_ris_book_t2_is_its_series_as_zotero_reads_it():
    book = ris.read("TY  - BOOK\nTI  - A book\nT2  - Lecture Notes\nER  - \n").records[0]
    assert book.fields == {"title": "A book", "series": "Lecture Notes"}


def test_ris_without_entries_is_a_problem_on_line_one():
    result = ris.read("just some text\n")
    assert result.records == []
    assert [p.line for p in result.problems] == [1]


def test_ris_reads_back_what_the_ris_export_writes():
    record = BibRecord(
        "article",
        "k2020",
        fields={
            "title": "T",
            "journal": "J",
            "year": "2020",
            "month": "3",
            "volume": "1",
            "number": "2",
            "pages": "5--9",
            "doi": "10.1/x",
            "pmid": "123",
            "pmcid": "PMC9",
            "issn": "1234-5678",
            "url": "https://example.org/a",
            "abstract": "Abs",
            "note": "Note",
        },
        authors=[Name("Doe", "Jane"), OTHERS],
    )
    again = ris.read(render_ris_entry(record)).records[0]
    assert again.key == record.key
    assert again.authors == record.authors
    assert again.fields == record.fields


def test_csl_reads_back_what_the_csl_export_writes():
    record = BibRecord(
        "incollection",
        "k2020",
        fields={
            "title": "T",
            "booktitle": "B",
            "year": "2020",
            "month": "3",
            "day": "4",
            "publisher": "P",
            "address": "Place",
            "pages": "5--9",
            "doi": "10.1/x",
            "isbn": "9780123456786",
            "url": "https://example.org/a",
            "abstract": "Abs",
            "note": "Note",
            "series": "S",
            "edition": "2",
            "volume": "3",
        },
        authors=[Name("Beethoven", "Ludwig", prefix="van"), OTHERS],
        editors=[Name("Doe", "Jane", suffix="Jr")],
    )
    again = csl.read(json.dumps([csl_item(record)])).records[0]
    assert (again.entry_type, again.key) == ("incollection", "k2020")
    assert again.fields == record.fields
    assert again.authors == record.authors
    assert again.editors == record.editors


def test_csl_single_item_literal_names_and_unknown_variables():
    item = {
        "id": "x",
        "type": "article-journal",
        "title": "T",
        "author": [{"literal": "World Health Organization"}],
        "issued": {"raw": "2001-02"},
        "container-title": "J",
        "custom": {"a": 1},
    }
    record = csl.read(json.dumps(item)).records[0]
    assert record.authors == [Name("World Health Organization")]
    assert (record.fields["year"], record.fields["month"]) == ("2001", "2")
    assert record.fields["csl-custom"] == '{"a": 1}'


def test_csl_problems_name_the_item_and_refuse_bad_names():
    result = csl.read(json.dumps([{"id": "a", "title": "A"}, 3, {"id": "b", "author": [{}]}]))
    assert [r.key for r in result.records] == ["a"]
    assert [(p.line, p.key) for p in result.problems] == [(2, ""), (3, "b")]
    assert "author" in result.problems[1].message


def test_csl_refuses_json_nested_past_the_limit_and_non_json():
    deep = "[" * 100 + "]" * 100
    assert csl.read(deep).problems[0].message == TOO_DEEP.format(kind="JSON", limit=64)
    assert csl.read("{not json").problems[0].message.startswith("The file is not JSON")


def test_medline_maps_pubmed_fields_and_the_retraction():
    result = medline.read(MEDLINE)
    first, second = result.records
    assert (first.line, second.line) == (1, 29)
    assert first.fields["title"].endswith("that wraps onto the next line")
    assert first.fields["pages"] == "2383--2390"
    assert first.fields["doi"] == "10.1000/bone.1"
    assert first.fields["pmid"] == "15140211"
    assert first.fields["pmcid"] == "PMC1234567"
    assert first.fields["abstract"] == "An abstract that wraps."
    assert first.fields["issn"] == "0028-0836"
    assert (first.fields["year"], first.fields["month"], first.fields["day"]) == ("2004", "5", "15")
    assert first.fields["journal"] == "Journal of bone research"
    assert first.fields["pubtype"] == "Journal Article; Retracted Publication"
    assert "Animals" not in json.dumps(first.fields)  # MeSH headings are not the work's
    assert first.authors == [
        Name("Berg", "Anna", prefix="van der"),
        Name("Smith", "John"),
        Name("The Bone Consortium"),
    ]
    assert first.retraction == "retracted"
    assert second.retraction == ""


def test_pubmed_xml_maps_the_article_and_the_retraction():
    record = pubmed_xml.read(PUBMED_XML).records[0]
    assert record.fields["title"] == "Bone density in mice"  # PubMed's final period dropped
    assert record.fields["abstract"] == "BACKGROUND: Why. RESULTS: What."
    assert record.fields["pages"] == "2383--2390"
    assert (record.fields["doi"], record.fields["pmcid"]) == ("10.1000/bone.1", "PMC1234567")
    assert record.fields["month"] == "5"
    assert record.authors == [Name("Berg", "Anna"), Name("The Bone Consortium")]
    assert record.retraction == "retracted"


def test_pubmed_xml_refuses_entities_depth_and_other_xml():
    bomb = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'
    assert "not allowed" in pubmed_xml.read(bomb).problems[0].message
    deep = "<a>" * 100 + "</a>" * 100
    assert pubmed_xml.read(deep).problems[0].message == TOO_DEEP.format(kind="XML", limit=64)
    assert "PubmedArticleSet" in pubmed_xml.read("<html/>").problems[0].message


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.bib", b"", "bibtex"),
        ("a.RIS", b"", "ris"),
        ("a.json", b"", "csl"),
        ("a.nbib", b"", "medline"),
        ("pubmed-x.txt", b"PMID- 1\n", "medline"),
        ("notes.txt", b"@article{a,}", "bibtex"),
        ("a.xml", b"", "pubmed-xml"),
        ("a.docx", b"", None),
    ],
)
def test_format_from_the_file_name(name, data, expected):
    assert readers.format_for_filename(name, data) == expected


def test_format_from_the_media_type():
    assert (
        readers.format_for_media_type("application/x-research-info-systems; charset=utf-8") == "ris"
    )
    assert readers.format_for_media_type("application/vnd.citationstyles.csl+json") == "csl"
    assert readers.format_for_media_type("application/nbib") == "medline"
    assert readers.format_for_media_type("text/xml") == "pubmed-xml"
    assert readers.format_for_media_type("application/pdf") is None


def test_helpers_names_dates_pages():
    assert family_first("World Health Organization") == Name("World Health Organization")
    assert date_fields("2004 Spring") == {"year": "2004"}
    assert date_fields("2004/05/") == {"year": "2004", "month": "5"}
    assert page_range("e123") == "e123"
    assert page_range("12", "12") == "12"
    assert ET_AL_NOTE.startswith("The author list")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(
        alphabet=st.sampled_from(list('TYAUER -PMID<>/{}[]":,.\n 0123456789ab')), max_size=300
    )
)
def test_no_reader_raises_on_any_text(text):
    for read in readers.READERS.values():
        result = read(text)
        assert all(problem.line >= 1 for problem in result.problems)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
CSL_KEYS = st.sampled_from(
    ["id", "type", "title", "author", "editor", "issued", "page", "DOI", "container-title", "x"]
)


@settings(max_examples=150, deadline=None)
@given(items=st.lists(st.dictionaries(CSL_KEYS, JSON_VALUES, max_size=6), max_size=3))
def test_csl_reader_gives_records_or_problems_for_any_items(items):
    result = csl.read(json.dumps(items))
    assert len(result.records) + len({p.line for p in result.problems}) >= len(items)


def test_a_pubmed_book_article_without_its_book_is_a_problem():
    xml = "<PubmedArticleSet><PubmedBookArticle/></PubmedArticleSet>"
    assert pubmed_xml.read(xml).problems[0].message == pubmed_xml.NO_BOOK
