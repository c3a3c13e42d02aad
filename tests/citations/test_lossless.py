"""Lossless BibTeX: each imported field's LaTeX is kept and written back while unedited;
edited fields are encoded from their text; exports are pdfLaTeX-safe ASCII by default."""

import pytest

from citations.bibtex import parse, render_entry
from citations.exports import bibtex_stream
from citations.models import Reference
from citations.services import reference_import_bibtex
from citations.text.latex import decode, encode, plain_text, to_ascii

SOURCE = r"""@article{thanh1990,
  author = {Th{\`a}nh, H{\`a}n Th{\^e} and {Women's Health Initiative} and others},
  title = {Introductory{\Dash}introduction to \mkbibquote{Intention}: the {DNA} of {Women's Life}},
  journal = {\TUB{}},
  year = {1990},
  volume = {11},
  pages = {M-1--M-11},
  note = {\noopsort{1985a}A thin\,space, P\=P and \.a},
}
"""


def fields_of(text: str) -> dict[str, str]:
    lines = [line.strip() for line in text.splitlines() if " = " in line]
    return dict(line.rstrip(",").split(" = ", 1) for line in lines)


def test_unknown_commands_and_braces_are_decoded_without_loss():
    assert decode(r"Introductory{\Dash}introduction") == r"Introductory\Dash{}introduction"
    assert decode(r"\TUB{}") == r"\TUB{}"
    assert decode(r"\mkbibquote{Intention}") == r"\mkbibquote{Intention}"


def test_an_unedited_imported_entry_exports_exactly_as_imported():
    record = parse(SOURCE).records[0]
    exported = fields_of(render_entry(record))
    source = fields_of(SOURCE)
    assert exported == source
    assert "textbackslash" not in render_entry(record)


@pytest.mark.django_db
def test_the_database_keeps_each_fields_latex_and_exports_it_while_unedited():
    assert reference_import_bibtex(data=SOURCE).ok
    reference = Reference.objects.get()
    assert reference.title.startswith(r"Introductory\Dash{}introduction")
    assert reference.latex_source["journal"] == r"\TUB{}"
    assert fields_of("".join(bibtex_stream())) == fields_of(SOURCE)
    reference.title = "A curator's Women's Health title on mRNA and Mx1+ cells"
    reference.save()
    exported = fields_of("".join(bibtex_stream()))
    assert exported["title"] == "{A curator's Women's Health title on {mRNA} and {Mx1}+ cells}"
    assert exported["journal"] == r"{\TUB{}}"


def test_an_edited_text_with_a_kept_command_is_written_as_latex_not_escaped():
    assert encode(r"Review of \TUB{} issue 3") == r"Review of \TUB{} issue 3"
    assert encode("back\\ slash") == r"back\textbackslash{} slash"


def test_export_is_pdflatex_safe_by_default_and_utf8_on_request():
    text = "Müller\u2009et al. – “P\u0304” ± α ≤ 3"
    ascii_form = encode(text)
    assert ascii_form.isascii()
    assert decode(ascii_form) == text
    assert encode(text, unicode=True) == text
    assert to_ascii(r"H{\"o}he Pë") == r"H{\"o}he P{\"{e}}"


def test_plain_text_for_csl_and_ris_has_no_tex_ligatures_or_math():
    assert plain_text("12--19 ``quoted'' $3$D $\\alpha$-helix") == "12–19 “quoted” 3D α-helix"
