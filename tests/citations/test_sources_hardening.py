"""Look-ups that cannot be steered or held: one kept-alive client, redirects only to allowed
hosts, public addresses only, a deadline, size and nesting limits, checked identifiers.
Every server here is a local stand-in (pytest-httpserver)."""

import gzip
import itertools
import json
import re
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from django.core.cache import cache
from pytest_httpserver import HTTPServer
from werkzeug import Response

from citations.sources import candidates, client, crossref, doiorg, http, lookup, ncbi
from tests.conftest import SOURCES_DATA

RICKARD = "10.1210/en.2007-1247"
TRAVERSAL = "10.1234/../../../../etc/passwd"
WORK = (SOURCES_DATA / "crossref-work-rickard2008.json").read_bytes()


class KeptAlive(BaseHTTPRequestHandler):
    """Answers every GET with a recorded work over HTTP/1.1 keep-alive, as the real services
    do (werkzeug, under pytest-httpserver, closes every connection); counts connections."""

    protocol_version = "HTTP/1.1"
    connections: list[int] = []

    def setup(self):
        super().setup()
        self.connections.append(self.client_address[1])

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(WORK)))
        self.end_headers()
        self.wfile.write(WORK)

    def log_message(self, *args):
        pass


@pytest.fixture
def kept_alive(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeptAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{server.server_port}"
    KeptAlive.connections = []
    cache.clear()
    yield KeptAlive.connections
    server.shutdown()
    server.server_close()
    cache.clear()


@pytest.fixture
def elsewhere():
    """A second local server: where a hostile redirect points."""
    server = HTTPServer()
    server.start()
    server.expect_request("/latest/meta-data").respond_with_data(WORK)
    yield server
    server.stop()


def redirect(sources, path: str, location: str) -> None:
    sources.server.expect_request(path).respond_with_response(
        Response("", status=302, headers={"Location": location})
    )


# --- one client, kept-alive connections -------------------------------------------------------


def test_look_ups_reuse_one_kept_alive_connection(kept_alive):
    for n in range(5):
        assert crossref.work(f"10.1000/{n}").record.fields["doi"] == RICKARD
    assert len(kept_alive) == 1  # a client per request, as before, opened 5
    assert client.shared_client() is client.shared_client()


# --- redirects --------------------------------------------------------------------------------


def test_a_redirect_within_the_service_is_followed(sources):
    redirect(sources, "/crossref/works/10.1000/old", sources.server.url_for(f"/crossref/{RICKARD}"))
    sources.serve(f"/crossref/{RICKARD}", "crossref-work-rickard2008.json")
    assert crossref.work("10.1000/old").record.fields["doi"] == RICKARD


def test_doi_org_may_send_on_only_over_https_to_public_addresses(sources, elsewhere):
    port = elsewhere.port
    for target, error, shown in (
        (f"http://localhost:{port}/latest/meta-data", http.REDIRECT_REFUSED, f"localhost:{port}"),
        (f"https://localhost:{port}/latest/meta-data", http.ADDRESS_REFUSED, "localhost"),
        ("https://169.254.169.254/latest/meta-data", http.ADDRESS_REFUSED, "169.254.169.254"),
        ("file:///etc/passwd", http.REDIRECT_REFUSED, "localhost"),  # httpx fills in the host
    ):
        sources.server.clear()
        cache.clear()
        redirect(sources, f"/doi/{RICKARD}", target)
        with pytest.raises(http.SourceRefused) as error_info:
            doiorg.work(RICKARD)
        assert str(error_info.value) == error.format(service="doi.org", host=shown)
    assert elsewhere.log == []


def test_candidates_for_a_citation_share_one_deadline(sources, settings):
    settings.SOURCES_DEADLINE_SECONDS = 0.6

    def slow(request):
        time.sleep(0.4)
        return Response("", status=404)

    any_doi = re.compile(r"/(crossref/works|doi)/10\.1000/\d")  # Crossref, then doi.org
    sources.server.expect_request(any_doi).respond_with_handler(slow)
    cited = "Three DOIs: doi:10.1000/0 doi:10.1000/1 doi:10.1000/2"
    start = time.monotonic()
    with pytest.raises(http.SourceUnavailable, match="timed out"):
        candidates.find_candidates(cited=cited)
    assert time.monotonic() - start < 0.9
    time.sleep(0.4)  # the stand-in finishes the request cut off, before the next test


def test_a_redirect_loop_stops_at_the_limit(sources, settings):
    settings.SOURCES_MAX_REDIRECTS = 3
    redirect(sources, "/crossref/works/10.1000/loop", sources.server.url_for("/crossref/x"))
    redirect(sources, "/crossref/x", sources.server.url_for("/crossref/works/10.1000/loop"))
    with pytest.raises(http.SourceRefused, match="more than 3 times"):
        crossref.work("10.1000/loop")
    assert len(sources.requests()) == 4


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),  # cloud instance metadata
        ("100.100.100.200", False),  # shared address space (another cloud's metadata)
        ("0.0.0.0", False),  # noqa: S104 - an address checked, not bound
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00:ec2::254", False),
        ("::ffff:127.0.0.1", False),
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_only_global_unicast_addresses_are_public(address, public):
    assert client.is_public(address) is public


def test_the_configured_services_and_allowed_hosts_are_trusted(sources, settings):
    port = sources.server.port  # the stand-in's URLs name it "localhost"
    assert client.is_trusted("localhost", port)
    assert not client.is_trusted("localhost", port + 1)
    assert not client.is_trusted("127.0.0.1", port)
    settings.SOURCES_ALLOWED_HOSTS = ["mirror.internal"]
    assert client.is_trusted("MIRROR.internal", 8443)
    start = httpx.URL(settings.CROSSREF_API_URL)
    assert http.redirect_allowed(httpx.URL("http://mirror.internal:8080/w"), start=start)
    assert not http.redirect_allowed(httpx.URL("https://publisher.example/w"), start=start)


# --- time -------------------------------------------------------------------------------------


def test_a_slow_drip_ends_at_the_deadline(sources, settings):
    settings.SOURCES_TIMEOUT = 2.0  # each byte comes well within the read timeout
    settings.SOURCES_DEADLINE_SECONDS = 1.0

    def drip(request):
        def body():
            for _ in range(40):
                yield b" "
                time.sleep(0.25)

        return Response(body(), content_type="application/json")

    sources.server.expect_request(f"/crossref/works/{RICKARD}").respond_with_handler(drip)
    start = time.monotonic()
    with pytest.raises(http.SourceUnavailable) as error:
        crossref.work(RICKARD)
    assert 1.0 <= time.monotonic() - start < 1.4
    assert str(error.value) == http.UNAVAILABLE.format(service="Crossref", reason=http.TIMED_OUT)


def test_retries_end_at_the_deadline_whatever_retry_after_asks(sources, settings):
    settings.SOURCES_MAX_RETRY_AFTER = 30
    settings.SOURCES_DEADLINE_SECONDS = 1.5
    sources.fail(f"/crossref/works/{RICKARD}", 503, headers={"Retry-After": "1"})
    start = time.monotonic()
    with pytest.raises(http.SourceUnavailable):
        crossref.work(RICKARD)
    assert time.monotonic() - start < 1.8
    assert len(sources.requests()) == 2  # the second wait would pass the deadline


def test_an_identifier_look_up_has_one_deadline_for_all_its_requests(sources, settings):
    settings.SOURCES_DEADLINE_SECONDS = 0.6

    def slow(request):
        time.sleep(0.4)
        return Response(json.dumps({"records": [{"pmcid": "PMC1", "pmid": "9500320"}]}))

    sources.server.expect_request("/idconv/").respond_with_handler(slow)
    sources.server.expect_request("/eutils/efetch.fcgi").respond_with_handler(slow)
    with pytest.raises(http.SourceUnavailable, match="timed out"):
        lookup.lookup("pmcid", "PMC1")
    time.sleep(0.4)  # the stand-in finishes the request cut off, before the next test


# --- size and nesting -------------------------------------------------------------------------


def test_an_oversized_answer_is_refused_declared_or_not(sources, settings):
    settings.SOURCES_MAX_BYTES = 100_000
    big = b"[" + b"1," * 60_000 + b"1]"
    sources.server.expect_request("/crossref/works/10.1000/declared").respond_with_data(big)
    sources.server.expect_request("/crossref/works/10.1000/streamed").respond_with_response(
        Response(iter([big[:60_000], big[60_000:]]))  # no Content-Length
    )
    for doi in ("10.1000/declared", "10.1000/streamed"):
        with pytest.raises(http.SourceRefused) as error:
            crossref.work(doi)
        assert str(error.value) == http.TOO_LARGE.format(service="Crossref", limit=100_000)


def test_a_gzip_bomb_is_refused_once_it_inflates_past_the_limit(sources, settings):
    settings.SOURCES_MAX_BYTES = 1_000_000
    bomb = gzip.compress(b" " * 4_000_000)
    assert len(bomb) < 10_000
    sources.server.expect_request(f"/crossref/works/{RICKARD}").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="application/json"
    )
    with pytest.raises(http.SourceRefused, match="more than 1,000,000 bytes"):
        crossref.work(RICKARD)


def test_brackets_inside_strings_are_not_nesting():
    assert http.json_depth('{"title": "[[[[[[ \\" {{{{"}') == 1
    assert http.json_depth('[{"a": [1, {"b": []}]}]') == 5


def test_a_bomb_inflates_a_step_at_a_time():
    bomb = gzip.compress(b" " * 4_000_000)
    response = httpx.Response(
        200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(bomb)
    )
    steps = list(itertools.islice(http.inflated(response), 20))
    assert max(len(step) for step in steps) == http.INFLATE_STEP


@pytest.mark.parametrize(
    ("encoding", "compress"), [("gzip", gzip.compress), ("deflate", zlib.compress)]
)
def test_compressed_answers_are_read(sources, encoding, compress):
    sources.server.expect_request(f"/crossref/works/{RICKARD}").respond_with_data(
        compress(WORK), headers={"Content-Encoding": encoding}, content_type="application/json"
    )
    assert crossref.work(RICKARD).record.fields["doi"] == RICKARD
    assert sources.requests()[0].headers["Accept-Encoding"] == "gzip, deflate"


def test_an_encoding_not_asked_for_is_a_bad_response(sources):
    sources.server.expect_request(f"/crossref/works/{RICKARD}").respond_with_data(
        b"\x1b\x00", headers={"Content-Encoding": "br"}
    )
    with pytest.raises(http.SourceBadResponse, match="not valid gzip or deflate"):
        crossref.work(RICKARD)


def test_deeply_nested_xml_is_refused(sources):
    deep = "<PubmedArticleSet>" + "<i>" * 100 + "</i>" * 100 + "</PubmedArticleSet>"
    sources.fail("/eutils/efetch.fcgi", 200, body=deep)
    with pytest.raises(http.SourceRefused, match="XML nested deeper than 64 levels"):
        ncbi.record("18276762")


# --- identifiers ------------------------------------------------------------------------------


def test_a_doi_from_the_pmc_converter_is_checked_before_use(sources):
    answer = {"records": [{"pmcid": "PMC1", "doi": TRAVERSAL}]}
    sources.fail("/idconv/", 200, body=json.dumps(answer))
    with pytest.raises(http.SourceRefused) as error:
        lookup.lookup("pmcid", "PMC1")
    converter = "The PMC ID converter"
    assert str(error.value) == http.NOT_AN_IDENTIFIER.format(service=converter, what=TRAVERSAL)
    assert len(sources.requests()) == 1


def test_doi_path_segments_are_percent_encoded():
    sici = "10.1002/(SICI)1097-4636(199706)35:4<481::AID-JBM8>3.0.CO;2-#"
    assert http.doi_path(sici, service="Crossref") == (
        "10.1002/%28sici%291097-4636%28199706%2935%3A4%3C481%3A%3Aaid-jbm8%3E3.0.co%3B2-%23"
    )
