"""Cite this: on claim and reference pages, and their reference lists, by the CSL engine."""

import re
from html import unescape

import pytest

from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cited():
    reference = ReferenceFactory(
        citekey="prior1990spinal",
        title="Spinal bone loss and ovulatory disturbances",
        container_title="New England Journal of Medicine",
        year=1990,
        volume="323",
        issue="18",
        pages="1221--1227",
        doi="10.1056/nejm199011013231801",
    )
    ContributorFactory(
        reference=reference, person=PersonFactory(family="Prior", given="Jerilynn C."), position=0
    )
    ContributorFactory(
        reference=reference, person=PersonFactory(family="Vigna", given="Yvette M."), position=1
    )
    claim = ClaimFactory(slug="cycles-and-bone", statement="Ovulatory disturbances cost bone.")
    EvidenceFactory(claim=claim, reference=reference)
    return reference


def cite_block(html: str) -> str:
    return html[html.index('class="cite-this"') : html.index("</section>", html.index("cite-this"))]


def shown(html: str, element_id: str) -> str:
    return unescape(re.search(rf'<span id="{element_id}">(.*?)</span>', html, re.S).group(1))


def test_reference_page_cites_in_the_four_featured_styles(client, cited):
    html = client.get(cited.get_absolute_url()).content.decode()

    assert shown(html, "cite-apa") == (
        "Prior, J. C., & Vigna, Y. M. (1990). Spinal bone loss and ovulatory disturbances. "
        "New England Journal of Medicine, 323(18), 1221–1227. "
        "https://doi.org/10.1056/nejm199011013231801"
    )
    assert shown(html, "cite-vancouver") == (
        "Prior JC, Vigna YM. Spinal bone loss and ovulatory disturbances. New England Journal "
        "of Medicine. 1990;323(18):1221–7. doi:10.1056/nejm199011013231801"
    )
    assert shown(html, "cite-chicago-author-date").startswith(
        "Prior, J. C., and Y. M. Vigna. 1990."
    )
    assert shown(html, "cite-harvard-cite-them-right").startswith(
        "Prior, J.C. and Vigna, Y.M. (1990)"
    )


def test_reference_list_and_record_text_use_the_engine_without_tex_dashes(client, cited):
    claim_html = client.get("/claims/cycles-and-bone/").content.decode()
    reference_html = client.get(cited.get_absolute_url()).content.decode()
    expected = (
        "Prior JC, Vigna YM. Spinal bone loss and ovulatory disturbances. New England Journal "
        "of Medicine. 1990;323(18):1221–7."
    )

    entry = re.search(r'<p class="citation">(.*?)\n', claim_html).group(1)
    assert unescape(entry).strip() == expected
    assert f'<p class="citation">{expected}</p>' in reference_html
    assert "--" not in entry


def test_reader_may_choose_a_listed_style(client, cited):
    html = client.get(cited.get_absolute_url(), {"style": "nature"}).content.decode()

    assert "<dt>Nature</dt>" in cite_block(html)
    assert shown(html, "cite-chosen").startswith("Prior, J. C. & Vigna, Y. M.")
    assert '<option value="nature" selected>' in html


def test_reader_may_name_any_installed_style_by_id(client, cited):
    html = client.get(
        cited.get_absolute_url(), {"style": "nature", "style_id": "elsevier-vancouver"}
    ).content.decode()

    chosen = shown(html, "cite-chosen")
    assert chosen.startswith("Prior JC, Vigna YM. Spinal bone loss")  # its "[1]" left out
    assert "1990;323:1221–7. https://doi.org/" in chosen
    assert 'spellcheck="false" value="elsevier-vancouver"' in html


def test_unknown_style_is_said_on_the_page_not_a_server_error(client, cited):
    response = client.get(cited.get_absolute_url(), {"style_id": "<b>no-such</b>"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "No citation style has the id &#x27;&lt;b&gt;no-such&lt;/b&gt;&#x27;." in html
    assert 'id="cite-chosen"' not in html


def test_claim_page_cites_itself_as_a_web_page(client, cited):
    html = client.get("/claims/cycles-and-bone/").content.decode()

    apa = shown(html, "cite-apa")
    assert "Ovulatory disturbances cost bone." in apa
    assert apa.endswith("http://testserver/claims/cycles-and-bone/")
    assert "Cite this claim page" in html


def test_cite_this_escapes_what_a_title_holds(client):
    reference = ReferenceFactory(citekey="xss2020", title="<script>alert(1)</script> & bone")
    EvidenceFactory(claim=ClaimFactory(slug="xss"), reference=reference)

    html = client.get(reference.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; bone" in cite_block(html).lower()


def test_reference_page_queries_do_not_grow_with_styles(
    client, cited, django_assert_max_num_queries
):
    client.get(cited.get_absolute_url())
    with django_assert_max_num_queries(12):
        client.get(cited.get_absolute_url(), {"style": "nature"})


@pytest.mark.parametrize("page_cache_seconds", [60, 0])
def test_cite_this_entries_are_shared_through_the_page_cache(
    client, cited, settings, monkeypatch, page_cache_seconds
):
    """Shared by every process (claims.cite_this.shared_texts), whatever the page seconds."""
    from django.core.cache import caches

    from citations import citing

    settings.LEDGER_PAGE_CACHE_SECONDS = page_cache_seconds
    caches[settings.PAGE_CACHE].clear()
    citing._entries.clear()  # this process formats the entries first
    client.get(cited.get_absolute_url())
    citing._entries.clear()  # another process: nothing rendered here yet
    formatted, real = [], citing.entry
    monkeypatch.setattr(citing, "entry", lambda *a, **k: formatted.append(a[1]) or real(*a, **k))

    html = client.get(cited.get_absolute_url()).content.decode()

    assert shown(html, "cite-apa").startswith("Prior, J. C., & Vigna, Y. M. (1990).")
    assert "apa" not in formatted  # read, not rendered again


def test_a_style_the_engine_fails_on_is_said_on_the_page_not_a_server_error(client, monkeypatch):
    from tests.citations.engine_failure import engine_fails_on_theses

    engine_fails_on_theses(monkeypatch)  # citeproc_fixes made journal-of-endodontics work
    thesis = ReferenceFactory(
        citekey="smith2001thesis",
        entry_type="phdthesis",
        title="A study",
        publisher="Uni",
        year=2001,
        extra_fields={"address": "Paris"},
    )
    EvidenceFactory(claim=ClaimFactory(slug="thesis-claim"), reference=thesis)

    response = client.get(thesis.get_absolute_url(), {"style_id": "journal-of-endodontics"})

    assert response.status_code == 200
    assert shown(response.content.decode(), "cite-chosen").startswith(
        "Not formatted (smith2001thesis): the citation engine failed"
    )


def test_an_entry_the_engine_failed_on_is_not_shared(settings, monkeypatch):
    """Formatted again next time, by this process or another: an engine fix or upgrade
    (or a passing failure) is not hidden behind a cached "Not formatted" for 30 days."""
    from django.core.cache import caches

    from citations import citing
    from claims.cite_this import shared_texts
    from tests.citations.engine_failure import engine_fails_on_theses
    from tests.citations.test_citing import thesis

    engine_fails_on_theses(monkeypatch)  # citeproc_fixes made journal-of-endodontics work
    record = thesis("unshared2001")
    wanted = [(record, "journal-of-endodontics", True), (record, "apa", True)]
    caches[settings.PAGE_CACHE].clear()
    citing._entries.clear()
    shared_texts(wanted)
    citing._entries.clear()  # another process
    formatted, real = [], citing.entry
    monkeypatch.setattr(citing, "entry", lambda *a, **k: formatted.append(a[1]) or real(*a, **k))

    failed, apa = shared_texts(wanted)

    assert isinstance(failed, citing.Unformatted)
    assert apa.startswith("Smith, J. (2001). A study")  # formatted, and shared
    assert formatted == ["journal-of-endodontics"]
