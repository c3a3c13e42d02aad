"""The metadata adapters against local stand-ins serving recorded answers (never the network)."""

import json
import threading
import time
from datetime import date

import pytest
from django.core.cache import cache
from pytest_httpserver import HTTPServer
from werkzeug import Response

from citations.identifiers import InvalidIdentifier
from citations.sources import crossref, doiorg, http, lookup, ncbi, openlibrary
from citations.sources.results import CORRECTED, RETRACTED, Update, strongest
from citations.text.records import Name
from tests.conftest import SOURCES_DATA

RICKARD = "10.1210/en.2007-1247"
WAKEFIELD = "10.1016/s0140-6736(97)11096-0"
NOTICE = "10.1016/s0140-6736(10)60175-4"


def recorded(name):
    return json.loads((SOURCES_DATA / name).read_text())


# --- pure mappings ------------------------------------------------------------------------


def test_crossref_work_maps_to_a_record_with_ordered_authors_and_bibtex_pages():
    found = crossref.found_from_work(recorded("crossref-work-rickard2008.json")["message"])
    record = found.record
    assert record.entry_type == "article"
    assert (
        record.fields["title"] == "Bone Growth and Turnover in Progesterone Receptor Knockout Mice"
    )
    assert record.fields["journal"] == "Endocrinology"
    assert (record.fields["year"], record.fields["volume"], record.fields["number"]) == (
        "2008",
        "149",
        "5",
    )
    assert record.fields["pages"] == "2383--2390"
    assert record.fields["doi"] == RICKARD
    assert record.authors[0] == Name(family="Rickard", given="David J.")
    assert record.authors[7] == Name(family="O'Malley", given="Bert W.")
    assert len(record.authors) == 11
    assert found.updates == ()


def test_crossref_updated_by_gives_one_retraction_per_notice():
    found = crossref.found_from_work(recorded("crossref-work-wakefield1998.json")["message"])
    states = {(u.state, u.notice, u.date) for u in found.updates}
    assert states == {(RETRACTED, NOTICE, date(2010, 2, 6))}
    assert len(crossref.merged(list(found.updates))) == 1


def test_crossref_notices_naming_the_work_are_updates():
    items = recorded("crossref-updates-wakefield1998.json")["message"]["items"]
    assert crossref.updates_from_notices(items, WAKEFIELD) == [
        Update(state=RETRACTED, notice=NOTICE, date=date(2010, 2, 6), source="Crossref")
    ]
    assert crossref.updates_from_notices(items, RICKARD) == []


def test_crossref_orcids_follow_author_order():
    found = crossref.found_from_work(recorded("crossref-work-zhong2015.json")["message"])
    assert found.orcids[0] == "0000-0002-1825-0097"
    assert found.orcids[1:] == ("",) * 5


def test_pubmed_article_maps_medline_pages_and_identifiers():
    from defusedxml.ElementTree import fromstring

    root = fromstring((SOURCES_DATA / "pubmed-efetch-18276762.xml").read_text())
    found = ncbi.found_from_article(root.find("PubmedArticle"))
    fields = found.record.fields
    assert fields["title"] == "Bone growth and turnover in progesterone receptor knockout mice"
    assert fields["pages"] == "2383--2390"
    assert (fields["doi"], fields["pmid"], fields["year"]) == (RICKARD, "18276762", "2008")
    assert found.record.authors[0] == Name(family="Rickard", given="David J")
    assert found.updates == ()


def test_medline_pages_expand_abbreviated_ends():
    assert ncbi.medline_pages("637-41") == "637--641"
    assert ncbi.medline_pages("e0139490") == "e0139490"
    assert ncbi.medline_pages("1221-7") == "1221--1227"


def test_pubmed_retracted_publication_type_is_a_retraction_with_its_notice():
    summary = recorded("pubmed-esummary-9500320.json")["result"]["9500320"]
    assert ncbi.updates_from_summary(summary) == [
        Update(state=RETRACTED, notice="https://pubmed.ncbi.nlm.nih.gov/20137807/", source="PubMed")
    ]
    plain = recorded("pubmed-esummary-18276762.json")["result"]["18276762"]
    assert ncbi.updates_from_summary(plain) == []


def test_open_library_names_are_split_first_von_last():
    item = recorded("openlibrary-9780323597128.json")["ISBN:9780323597128"]
    record = openlibrary.found_from_book(item, "9780323597128").record
    assert record.entry_type == "book"
    assert record.authors == [Name("Hall", "John E."), Name("Hall", "Michael E.")]
    assert (record.fields["publisher"], record.fields["year"]) == ("Elsevier", "2020")


def test_csl_item_from_doi_org_keeps_corporate_authors_whole():
    record = doiorg.found_from_csl(recorded("doiorg-csl-datacite.json")).record
    assert record.entry_type == "misc"
    assert record.authors == [Name("Rickard", "David J."), Name("Mayo Clinic Bone Group")]
    assert record.fields["publisher"] == "Dryad"


def test_the_most_serious_update_wins():
    updates = [
        Update(state=CORRECTED, notice="a", date=date(2020, 1, 1)),
        Update(state=RETRACTED, notice="b", date=date(2019, 1, 1)),
    ]
    assert strongest(updates).notice == "b"
    assert strongest([]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://doi.org/10.1210/EN.2007-1247", ("doi", RICKARD)),
        ("doi:10.1210/en.2007-1247", ("doi", RICKARD)),
        ("PMID: 18276762", ("pmid", "18276762")),
        ("18276762", ("pmid", "18276762")),
        ("pmc4592269", ("pmcid", "PMC4592269")),
        ("978-0-323-59712-8", ("isbn", "9780323597128")),
        ("0-306-40615-2", ("isbn", "9780306406157")),
    ],
)
def test_identifiers_are_recognised_in_any_usual_spelling(text, expected):
    assert lookup.parse_identifier(text) == expected


def test_an_unrecognised_identifier_is_refused_with_a_clear_message():
    with pytest.raises(InvalidIdentifier, match="Not a DOI, PMID, PMCID or ISBN"):
        lookup.parse_identifier("Rickard 2008")


def test_identifiers_printed_in_a_citation_are_found():
    text = "Rickard DJ. Endocrinology 2008;149:2383. doi:10.1210/en.2007-1247. PMID: 18276762."
    assert lookup.identifiers_in(text) == [("doi", RICKARD), ("pmid", "18276762")]


# --- against stand-in servers -------------------------------------------------------------


def test_crossref_work_by_doi_sends_a_polite_user_agent(sources):
    sources.serve(f"/crossref/works/{RICKARD}", "crossref-work-rickard2008.json")
    found = crossref.work(RICKARD)
    assert found.record.fields["journal"] == "Endocrinology"
    (request,) = sources.requests()
    assert request.headers["User-Agent"] == "EvidenceLedger/0.1 (mailto:curators@example.org)"


def test_answers_are_cached(sources):
    sources.serve(f"/crossref/works/{RICKARD}", "crossref-work-rickard2008.json")
    crossref.work(RICKARD)
    crossref.work(RICKARD)
    assert len(sources.requests()) == 1


def test_crossref_search_keeps_scores_best_first(sources):
    text = "Seifert M et al. Bone growth and turnover in PRKO mice. J Bone Miner Res 2008"
    query = {"query.bibliographic": text, "rows": "5"}
    sources.serve("/crossref/works", "crossref-search-seifert2008.json", query=query)
    found = crossref.search(text)
    assert [f.score for f in found] == [98.6, 41.2, 30.5]
    assert found[0].record.fields["doi"] == RICKARD


def test_crossref_updates_merge_the_work_and_the_notices(sources):
    sources.serve(f"/crossref/works/{WAKEFIELD}", "crossref-work-wakefield1998.json")
    query = {"filter": f"updates:{WAKEFIELD}", "rows": "20"}
    sources.serve("/crossref/works", "crossref-updates-wakefield1998.json", query=query)
    updates = crossref.updates(WAKEFIELD)
    assert [(u.state, u.notice) for u in updates] == [(RETRACTED, NOTICE)]


def test_pmcid_goes_through_the_id_converter(sources):
    sources.serve("/idconv/", "pmc-idconv-PMC4592269.json")
    sources.serve("/crossref/works/10.1371/journal.pone.0139490", "crossref-work-zhong2015.json")
    found = lookup.lookup("pmcid", "PMC4592269")
    assert found.record.fields["pmcid"] == "PMC4592269"
    assert found.record.fields["doi"] == "10.1371/journal.pone.0139490"
    converter = sources.requests()[0]
    assert converter.args["tool"] == "evidence-ledger"
    assert converter.args["email"] == "curators@example.org"


def test_pmid_is_fetched_from_pubmed(sources):
    sources.serve("/eutils/efetch.fcgi", "pubmed-efetch-9500320.xml")
    found = lookup.lookup("pmid", "9500320")
    assert found.record.fields["doi"] == WAKEFIELD
    assert [u.notice for u in found.updates] == ["https://pubmed.ncbi.nlm.nih.gov/20137807/"]


def test_a_doi_crossref_does_not_hold_is_asked_of_doi_org(sources):
    doi = "10.5061/dryad.example"
    sources.fail(f"/crossref/works/{doi}", 404, body="Resource not found.")
    sources.serve(f"/doi/{doi}", "doiorg-csl-datacite.json")
    found = lookup.lookup("doi", doi)
    assert found.source == "doi.org"
    assert sources.requests()[1].headers["Accept"] == "application/vnd.citationstyles.csl+json"


def test_isbn_is_asked_of_open_library(sources):
    sources.serve("/openlibrary/api/books", "openlibrary-9780323597128.json")
    found = lookup.lookup("isbn", "9780323597128")
    assert found.record.fields["isbn"] == "9780323597128"
    assert sources.requests()[0].args["bibkeys"] == "ISBN:9780323597128"


# --- failures -----------------------------------------------------------------------------


def test_unknown_doi_everywhere_is_not_found(sources):
    doi = "10.9999/nothing"
    sources.fail(f"/crossref/works/{doi}", 404)
    sources.fail(f"/doi/{doi}", 404)
    with pytest.raises(http.SourceNotFound, match="doi.org has no record for 10.9999/nothing"):
        lookup.lookup("doi", doi)


def test_unknown_isbn_pmid_and_pmcid_are_not_found(sources):
    sources.serve("/openlibrary/api/books", "openlibrary-empty.json")
    sources.serve("/eutils/efetch.fcgi", "pubmed-efetch-empty.xml")
    sources.serve("/idconv/", "pmc-idconv-unknown.json")
    for kind, value in (("isbn", "9780000000002"), ("pmid", "99999999"), ("pmcid", "PMC1")):
        with pytest.raises(http.SourceNotFound):
            lookup.lookup(kind, value)


def test_429_is_retried_after_the_time_the_server_asks(sources):
    path = f"/crossref/works/{RICKARD}"
    sources.server.expect_ordered_request(path).respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "1"})
    )
    sources.server.expect_ordered_request(path).respond_with_data(
        (SOURCES_DATA / "crossref-work-rickard2008.json").read_bytes(),
        content_type="application/json",
    )
    assert crossref.work(RICKARD).record.fields["doi"] == RICKARD
    assert len(sources.requests()) == 2


def test_429_after_the_last_retry_is_unavailable(sources):
    sources.fail(f"/crossref/works/{RICKARD}", 429, headers={"Retry-After": "0"})
    with pytest.raises(http.SourceUnavailable) as error:
        crossref.work(RICKARD)
    assert str(error.value) == http.UNAVAILABLE.format(service="Crossref", reason=http.RATE_LIMITED)
    assert len(sources.requests()) == 3  # the first try and SOURCES_RETRIES (2) retries


def test_5xx_is_retried_then_unavailable(sources):
    sources.fail(f"/crossref/works/{RICKARD}", 503)
    with pytest.raises(http.SourceUnavailable, match=r"HTTP 503"):
        crossref.work(RICKARD)
    assert len(sources.requests()) == 3


def test_malformed_json_is_a_bad_response_and_not_cached(sources):
    sources.fail(f"/crossref/works/{RICKARD}", 200, body="{not json")
    for _ in range(2):
        with pytest.raises(http.SourceBadResponse, match="not valid JSON"):
            crossref.work(RICKARD)
    assert len(sources.requests()) == 2


def test_malformed_xml_is_a_bad_response(sources):
    sources.fail("/eutils/efetch.fcgi", 200, body="<PubmedArticleSet><oops")
    with pytest.raises(http.SourceBadResponse, match="not valid XML"):
        ncbi.record("18276762")


def test_a_record_without_a_title_is_refused(sources):
    sources.serve("/crossref/works/10.9999/untitled", "crossref-work-notitle.json")
    with pytest.raises(http.SourceBadResponse) as error:
        lookup.lookup("doi", "10.9999/untitled")
    assert str(error.value) == lookup.NO_TITLE.format(
        service="Crossref", what="DOI 10.9999/untitled"
    )


def test_offline_is_unavailable_at_once(sources_offline):
    with pytest.raises(http.SourceUnavailable) as error:
        crossref.work(RICKARD)
    assert str(error.value) == http.UNAVAILABLE.format(service="Crossref", reason=http.OFFLINE)


def test_a_timeout_is_unavailable(sources, settings):
    settings.SOURCES_TIMEOUT = 0.2
    settings.SOURCES_RETRIES = 0

    def slow(request):
        time.sleep(0.5)
        return Response("{}", content_type="application/json")

    sources.server.expect_request(f"/crossref/works/{RICKARD}").respond_with_handler(slow)
    with pytest.raises(http.SourceUnavailable, match="timed out"):
        crossref.work(RICKARD)


def _busy_then_ok(sources, retry_after):
    path = f"/crossref/works/{RICKARD}"
    sources.server.expect_ordered_request(path).respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": retry_after})
    )
    sources.serve(path, "crossref-work-rickard2008.json")


def _seconds_to_work():
    start = time.monotonic()
    crossref.work(RICKARD)
    return time.monotonic() - start


def test_retry_after_in_seconds_is_waited_for_up_to_the_cap(sources, settings):
    settings.SOURCES_MAX_RETRY_AFTER = 30
    _busy_then_ok(sources, "1")
    assert 0.95 <= _seconds_to_work() < 2.5
    sources.server.clear()
    cache.clear()
    settings.SOURCES_MAX_RETRY_AFTER = 0.1
    _busy_then_ok(sources, "3600")
    assert _seconds_to_work() < 1
    sources.server.clear()
    cache.clear()
    _busy_then_ok(sources, "Wed, 21 Oct 2015 07:28:00 GMT")  # a date in the past: at once
    assert _seconds_to_work() < 1


def test_requests_in_flight_are_bounded(settings):
    server = HTTPServer(threaded=True)  # the shared stand-in answers one request at a time
    server.start()
    settings.SOURCES_MAX_IN_FLIGHT = 2  # the shared client is made anew with this limit
    settings.OPENLIBRARY_URL = server.url_for("/openlibrary")
    running, peak, lock = [0], [0], threading.Lock()

    def slow(request):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        return Response("{}", content_type="application/json")

    server.expect_request("/openlibrary/api/books").respond_with_handler(slow)
    threads = [threading.Thread(target=_ask, args=(f"97800000000{n:02d}",)) for n in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    assert peak[0] == 2


def _ask(isbn):
    with pytest.raises(http.SourceNotFound):
        openlibrary.book(isbn)


def test_user_agent_without_a_contact_names_only_the_tool(settings):
    settings.LEDGER_CONTACT_EMAIL = ""
    assert http.user_agent() == "EvidenceLedger/0.1"


def test_titles_lose_inline_markup_and_entities():
    item = {"title": ["Inactivation in <i>Mx1</i><sup>+</sup> cells &amp; <scp>bone</scp>"]}
    record = crossref.found_from_work(item).record
    assert record.fields["title"] == "Inactivation in Mx1+ cells & bone"
