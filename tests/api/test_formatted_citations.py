"""Formatted citations on every export endpoint: `Accept: text/x-bibliography; style=<id>`,
`?format=text&style=<id>`, the HTML fragment, an unknown style, and the list of styles."""

import pytest

pytestmark = pytest.mark.django_db

RICKARD_APA = (
    "Rickard, D. J., & Iwaniec, U. T. (2008). Progesterone-receptor knockout mice have an "
    "improved bone balance. Endocrinology, 149, 2383–2390. https://doi.org/10.1210/en.2007-1247"
)
RICKARD_VANCOUVER = (
    "Rickard DJ, Iwaniec UT. Progesterone-receptor knockout mice have an improved bone balance."
    " Endocrinology. 2008;149:2383–90. doi:10.1210/en.2007-1247"
)


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_reference_in_apa_by_accept_as_doi_org_answers(anon, library):
    response = anon.get(
        "/api/references/rickard2008progesterone/", HTTP_ACCEPT="text/x-bibliography; style=apa"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-bibliography; charset=utf-8"
    assert body(response) == RICKARD_APA + "\n"


def test_format_param_and_accept_agree_for_a_style(anon, library):
    by_param = anon.get(
        "/api/references/rickard2008progesterone/", {"format": "text", "style": "vancouver"}
    )
    by_accept = anon.get(
        "/api/references/rickard2008progesterone/",
        HTTP_ACCEPT='text/x-bibliography; style="vancouver"',
    )

    assert body(by_param) == body(by_accept) == RICKARD_VANCOUVER + "\n"


def test_no_style_means_apa(anon, library):
    response = anon.get("/api/references/rickard2008progesterone/", {"format": "text"})

    assert body(response) == RICKARD_APA + "\n"


def test_claim_export_is_its_bibliography_in_the_style_order(anon, library):
    response = anon.get("/api/claims/prko-bone-mass/", {"format": "text", "style": "apa"})
    lines = body(response).splitlines()

    assert response.status_code == 200
    assert [line.split(",")[0] for line in lines] == ["Prior", "Rickard"]  # APA sorts by author
    assert lines[1] == RICKARD_APA


def test_numbered_style_numbers_a_list(anon, library):
    response = anon.get("/api/claims/prko-bone-mass/", {"format": "text", "style": "vancouver"})

    assert [line[:3] for line in body(response).splitlines()] == ["1. ", "2. "]


def test_html_fragment_escapes_and_marks_each_entry(anon, library):
    by_param = anon.get(
        "/api/references/rickard2008progesterone/", {"format": "html", "style": "apa"}
    )
    by_accept = anon.get(
        "/api/references/rickard2008progesterone/", HTTP_ACCEPT="text/html; style=apa"
    )
    text = body(by_param)

    assert by_param["Content-Type"] == "text/html; charset=utf-8"
    assert text == body(by_accept)
    assert text.startswith('<div class="csl-bib-body">\n  <div class="csl-entry">Rickard, D. J.')
    assert "Rickard, D. J., &amp; Iwaniec" in text
    assert "<i>Endocrinology</i>" in text


def test_plain_text_html_accept_is_still_the_browsable_api(anon, library):
    response = anon.get("/api/references/rickard2008progesterone/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert b"csl-bib-body" not in response.content


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"format": "text", "style": "no-such-style"}},
        {"data": {"format": "html", "style": "../../etc/passwd"}},
        {"HTTP_ACCEPT": "text/x-bibliography; style=nope"},
    ],
)
def test_unknown_style_is_400_naming_the_style_list(anon, library, request_kwargs):
    response = anon.get("/api/references/rickard2008progesterone/", **request_kwargs)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "/api/citation-styles/" in response.content.decode()


def test_unknown_style_on_a_list_is_400_too(anon, library):
    response = anon.get("/api/references/", {"format": "text", "style": "nope"})

    assert response.status_code == 400


def test_style_list_holds_the_featured_styles_and_aliases(anon, db):
    styles = {style["id"]: style for style in anon.get("/api/citation-styles/").json()}

    assert len(styles) > 2000
    assert styles["apa"]["title"] == "APA Style 7th edition"
    assert styles["vancouver"]["featured"] is True
    assert styles["nlm-citation-sequence"]["featured"] is False


def test_a_note_style_without_a_bibliography_is_400_not_500(anon, library, db):
    # 92 installed styles are note styles with no <bibliography>: citeproc-py cannot print a
    # reference list in them. They are not offered, and asking for one is the client's error.
    note_style = "chicago-notes-publisher-place-no-url"
    response = anon.get(
        "/api/references/rickard2008progesterone/", {"format": "text", "style": note_style}
    )

    assert response.status_code == 400
    assert "no bibliography" in response.content.decode()
    styles = {style["id"] for style in anon.get("/api/citation-styles/").json()}
    assert note_style not in styles
    assert "apa" in styles
