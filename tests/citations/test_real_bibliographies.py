"""Real third-party bibliographies (Debian's TeX Live .bib files, fetched at test time):
import, export, read the export back; every entry keeps its key, type, title, authors,
year, container, volume, pages and DOI. The compile tests typeset the export with
pdfLaTeX + BibTeX (plain) and with biber + biblatex: no errors, and no literal backslash
command in the bibliography."""

import re
import shutil
import subprocess

import pytest

from citations.bibtex import parse
from citations.exports import bibtex_stream
from citations.identifiers import InvalidIdentifier, normalize_doi
from citations.models import Reference
from citations.services import reference_import_bibtex
from tests.citations.third_party import FILES, Unavailable, bib_files

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
COMPARED = ("title", "year", "journal", "booktitle", "volume", "pages", "doi")


@pytest.fixture(scope="session")
def third_party():
    try:
        return bib_files()
    except Unavailable as exc:
        pytest.skip(f"Third-party .bib files unavailable: {exc}")


def doi(value: str) -> str:
    try:
        return normalize_doi(value)
    except InvalidIdentifier:
        return value


def summary(record) -> dict:
    """What every entry must keep, in one spelling (biblatex's journaltitle is a journal,
    the year of its date a year; a DOI with or without its resolver is one DOI)."""
    fields = record.fields
    values = {name: " ".join(fields.get(name, "").split()) for name in COMPARED}
    values["journal"] = values["journal"] or " ".join(fields.get("journaltitle", "").split())
    values["year"] = values["year"] or fields.get("date", "")[:4]
    values["doi"] = doi(values["doi"])
    values["type"] = record.entry_type
    values["authors"] = record.authors
    values["editors"] = record.editors
    return values


def imported_export(path, unicode=False) -> tuple[str, dict, dict]:
    """Import one file, export everything; (export, source records, exported records) by key."""
    data = path.read_bytes()
    outcome = reference_import_bibtex(data=data, skip_invalid=True)
    assert outcome.result.written, outcome.result.refused
    exported = "".join(bibtex_stream(unicode=unicode))
    source = {r.key: r for r in parse(data).records}
    again = {r.key: r for r in parse(exported).records}
    return exported, source, again


@pytest.mark.parametrize("name", FILES)
def test_every_entry_survives_import_and_export(third_party, name):
    exported, source, again = imported_export(third_party[name])
    renamed = dict(
        Reference.objects.exclude(original_key="").values_list("original_key", "citekey")
    )
    missing = [key for key in source if renamed.get(key, key) not in again]
    assert missing == []
    changed = {}
    for key, record in source.items():
        before, after = summary(record), summary(again[renamed.get(key, key)])
        if before != after:
            changed[key] = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert changed == {}
    assert parse(exported).problems == []
    assert "textbackslash" not in exported
    assert exported.isascii()


def run(command: list[str], cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",  # TeX logs hold bytes of the input encoding
        timeout=600,
        check=False,
    )


def tex_available(*programs: str) -> None:
    missing = [program for program in programs if not shutil.which(program)]
    if missing:
        pytest.skip(f"TeX is not installed ({', '.join(missing)}): run scripts/ensure-tex.")


# T1: polish names need the ogonek (\k), which OT1 has no form of.
PLAIN = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{export}
\end{document}
"""
# T1 as above; texencoding=ascii: biber writes
# the .bbl in LaTeX macros pdfLaTeX typesets (it decodes `{\=P}` to a combining macron).
BIBLATEX = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[backend=biber,texencoding=ascii]{biblatex}
\addbibresource{export.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""
TEX_ERROR = re.compile(r"^! .*$", re.MULTILINE)
LITERAL_COMMAND = re.compile(r"\\textbackslash|\{\\char92\}|\\symbol\{92\}")


def tex_errors(log: str) -> list[str]:
    return TEX_ERROR.findall(log)


@pytest.mark.parametrize("name", FILES)
def test_export_compiles_with_pdflatex_and_bibtex(third_party, name, tmp_path):
    tex_available("pdflatex", "bibtex")
    exported, _source, _again = imported_export(third_party[name])
    (tmp_path / "export.bib").write_text(exported, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(PLAIN)
    pdflatex = ["pdflatex", "-interaction=nonstopmode", "doc.tex"]
    run(pdflatex, tmp_path)
    bibtex = run(["bibtex", "doc"], tmp_path)
    assert "error message" not in bibtex.stdout, bibtex.stdout[-2000:]
    run(pdflatex, tmp_path)
    run(pdflatex, tmp_path)
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert tex_errors(log) == []
    bbl = (tmp_path / "doc.bbl").read_text(errors="replace")
    assert bbl.count(r"\bibitem") >= len(parse(exported).records) - exported.count("@set{")
    assert LITERAL_COMMAND.findall(bbl) == []


# Beebe's bibliographies are written for BibTeX: their originals fail under biblatex the
# same way (biber's initials of `{{\TeX} Collection editors}` unbalance the .bbl;
# `\path|...|` verbatim inside note fields), so their exports cannot do better. Known
# failures are not run (`run=False`): biber alone spent ~179 s on tugboat.bib to fail again.
FOR_BIBTEX_ONLY = {
    "tugboat.bib": "biber writes unbalanced initials for {{\\TeX} Collection editors}",
    "texjourn.bib": "\\path|...| verbatim inside biblatex fields",
}
BIBER_FILES = [
    pytest.param(name, marks=pytest.mark.xfail(reason=FOR_BIBTEX_ONLY[name], run=False))
    if name in FOR_BIBTEX_ONLY
    else name
    for name in FILES
]


@pytest.mark.parametrize("name", BIBER_FILES)
def test_export_compiles_with_biber_and_biblatex(third_party, name, tmp_path):
    tex_available("pdflatex", "biber")
    exported, _source, _again = imported_export(third_party[name], unicode=True)
    (tmp_path / "export.bib").write_text(exported, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(BIBLATEX)
    run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], tmp_path)
    biber = run(["biber", "doc"], tmp_path)
    assert "ERROR" not in biber.stdout, biber.stdout[-2000:]
    run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], tmp_path)
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert tex_errors(log) == []
    bbl = (tmp_path / "doc.bbl").read_text(errors="replace")
    assert LITERAL_COMMAND.findall(bbl) == []
