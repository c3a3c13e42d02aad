"""A title edited through the API keeps the case its imported LaTeX protected: BibTeX's
`plain` style, which lower-cases titles, still prints "von Neumann" and "DNA"."""

import pytest

from citations.exports import bibtex_stream
from citations.services import reference_import_bibtex
from tests.citations.test_preamble import compiled
from tests.citations.test_real_bibliographies import tex_available

ENTRY = (
    "@article{neumann1945, author = {Doe, Jane}, journal = {J}, year = 1945,\n"
    "  title = {{T}he {von Neumann} architecture and {DNA}}}\n"
)
PLAIN = r"""\documentclass{article}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{export}
\end{document}
"""


@pytest.mark.django_db
def test_plain_keeps_the_case_of_protected_words_after_an_api_edit(curator_api, tmp_path):
    tex_available("pdflatex", "bibtex")
    assert reference_import_bibtex(data=ENTRY).ok
    title = "The von Neumann bottleneck and DNA computing"
    response = curator_api.patch("/api/references/neumann1945/", {"title": title}, format="json")
    assert response.status_code == 200, response.content
    exported = "".join(bibtex_stream())
    assert "title = {{T}he {von Neumann} bottleneck and {DNA} computing}" in exported
    out, errors, bbl = compiled(tmp_path / "plain", exported, PLAIN, ["bibtex", "doc"])
    assert "error message" not in out, out
    assert errors == []
    assert "{T}he {von Neumann} bottleneck and {DNA} computing" in bbl
