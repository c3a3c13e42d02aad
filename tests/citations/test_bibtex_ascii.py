"""The ASCII BibTeX export: every character written as LaTeX that pdfLaTeX compiles and our
reader reads back; scripts round trip; entries that broke biber written so they do not.

Pure (no database) but for the last test (stored, exported, imported again); the compile tests
run pdfLaTeX, BibTeX and biber for real (scripts/ensure-tex installs them; skipped with a
message where they are missing).
"""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citations.bibtex import parse, render_entries, render_entry
from citations.bibtex.typesetting import safe_to_typeset
from citations.exports import bibtex_stream
from citations.models import Reference
from citations.services import reference_import_bibtex
from citations.text import latex, latex_scripts
from citations.text.latex import decode, encode
from citations.text.records import BibRecord, Name
from tests.citations.test_real_bibliographies import BIBLATEX, PLAIN, run, tex_available, tex_errors


@pytest.mark.parametrize(
    ("text", "ascii"),
    [
        ("Ca²⁺", r"Ca{\texttwosuperior}{\textsuperscript{+}}"),
        ("CO₃²⁻", r"CO{\textsubscript{3}}{\texttwosuperior}{\textsuperscript{-}}"),
        ("β-estradiol", r"$\beta$-estradiol"),
        ("Müller", r"M{\"{u}}ller"),
        ("Søren Ørsted", r"S{\o}ren {\O}rsted"),
        ("a—b", r"a{\textemdash}b"),
        ("Nguyễn", r"Nguy{\~{\^{e}}}n"),
        ("расчёты", r"{\cyrr}{\cyra}{\cyrs}{\cyrch}{\cyryo}{\cyrt}{\cyrery}"),
        ("Йод", r"{\CYRISHRT}{\cyro}{\cyrd}"),
        ("ΑΒΓ", r"{\textAlpha}{\textBeta}$\Gamma$"),
        ("中文", r"{\unichar{20013}}{\unichar{25991}}"),
        ("ά", r"{\unichar{940}}"),
        ("1ª", r"1{\textordfeminine}"),
    ],
)
def test_ascii_export_writes_each_character_as_latex_read_back_the_same(text, ascii):
    assert encode(text) == ascii
    assert decode(ascii) == text


def test_ligatures_wide_forms_and_invisible_characters_are_written_as_what_they_print():
    # The one loss (stated in latex.PRINTED_THE_SAME): these read back as what they print.
    assert encode("\ufb01sh \uff21\u200b\u2010") == "fish A{}-"


def test_an_older_export_of_cyrillic_with_accents_reads_back_as_the_letters():
    # What exports wrote before every character had its command: an accent on a Cyrillic е.
    assert decode(r"расч{\"{е}}ты {\u{и}}") == "расчёты й"


def test_provided_lists_the_definitions_the_ascii_text_needs_once():
    text = encode("Ёж и 中") + encode("ёж")
    assert latex_scripts.provided(text) == [
        r"\providecommand{\CYRYO}{\"E}",
        r"\providecommand{\cyri}{i}",
        r"\providecommand{\cyryo}{\"e}",
        r"\providecommand{\cyrzh}{\v{z}}",
        r"\providecommand{\unichar}[1]{\ifdefined\Umathcode\char#1\relax\else[\##1]\fi}",
    ]
    assert latex_scripts.provided('M{\\"u}ller $\\beta$') == []


def test_math_holding_characters_outside_ascii_is_written_with_math_commands():
    assert encode("$α+x²$ and $5") == r"$\alpha{}+x\mbox{{\texttwosuperior}}$ and \$5"


ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT, ANY_TEXT, st.booleans())
def test_the_ascii_export_of_any_text_is_ascii(title, note, family, url, protect):
    record = BibRecord(
        "article",
        "key2020",
        fields={"title": title, "journal": note, "note": note, "url": url, "doi": url},
        authors=[Name(family, given=title)],
    )
    exported = "".join(render_entries([record]))
    assert exported.isascii()
    assert encode(title, protect_case=protect).isascii()
    # A record read back from its Unicode export keeps its LaTeX as imported (`sources`).
    again = parse("".join(render_entries([record], unicode=True))).records
    assert "".join(render_entries(again)).isascii()


def _read_back_the_same(char: str) -> bool:
    return unicodedata.category(char) != "Cc" and latex._printed_the_same(char) is None


READABLE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)).filter(_read_back_the_same))


@settings(max_examples=500, deadline=None)
@given(READABLE_TEXT, st.booleans())
def test_decode_reads_any_ascii_encoding_back_as_its_text(text, protect):
    nfc = unicodedata.normalize
    assert nfc("NFC", decode(encode(text, protect_case=protect))) == nfc("NFC", text)


SCRIPTS_BIB = """@article{ru2019,
  author = {Иванов, Пётр Йосифович and Ёлкина, Анна},
  title = {Расчёты ёмкости: новый подход},
  journal = {Журнал вычислительной математики},
  year = {2019},
}
@article{el2020,
  author = {Παπαδόπουλος, Γιώργος},
  title = {Η ανάλυση των δεδομένων: Αλφα και Ωμέγα},
  journal = {Επιστήμη},
  year = {2020},
}
@book{zh2021,
  author = {王, 小明},
  title = {中文文献的计量分析},
  publisher = {科学出版社},
  year = {2021},
}
"""


def _texts(records) -> dict:
    return {
        record.key: (record.fields, [(n.family, n.given) for n in record.authors])
        for record in records
    }


def test_cyrillic_greek_and_cjk_round_trip_through_both_exports():
    imported = parse(SCRIPTS_BIB)
    assert imported.problems == []
    texts = _texts(imported.records)
    assert texts["ru2019"][0]["title"] == "Расчёты ёмкости: новый подход"
    unicode_export = "".join(render_entries(imported.records, unicode=True))
    assert "Расчёты ёмкости" in unicode_export
    assert _texts(parse(unicode_export).records) == texts
    ascii_export = "".join(render_entries(imported.records))
    assert ascii_export.isascii()
    assert "{\\cyryo}" in ascii_export
    assert "{\\unichar{20013}}" in ascii_export
    again = parse(ascii_export)
    assert again.problems == []
    assert _texts(again.records) == texts
    # And once more: the ASCII export of what the ASCII export gave is the same file.
    assert "".join(render_entries(again.records)) == ascii_export


# --- real consumers ------------------------------------------------------------------------

TYPED = [
    BibRecord(
        "article",
        "typed2024",
        fields={
            "title": "Ca²⁺ signalling and β-estradiol in H₂O — a Müller–Ørsted study",
            "journal": "Acta ø Œuvre «Revue»",
            "year": "2024",
            "note": "Nguyễn Thị Ánh, 1ª edición, № 5, 中文 ά 🙂",
            "url": "https://de.wikipedia.org/wiki/Müller",
        },
        authors=[Name("Müller", "Jörg"), Name("Ørsted", "Søren"), Name("Иванов", "Пётр")],
    ),
    BibRecord(
        "article",
        "cyr2019",
        fields={"title": "Расчёты ёмкости: ΑΒΓ", "journal": "Журнал", "year": "2019"},
        authors=[Name("Ёлкина", "Анна")],
    ),
]
# Every letter with a command of its own and every super- and subscript: each definition the
# @preamble provides compiles.
ALPHABET = "".join(latex_scripts.LETTER_COMMANDS) + "".join(latex_scripts.SCRIPT_LATEX)
TYPED.append(
    BibRecord(
        "misc",
        "alphabet",
        fields={"title": ALPHABET, "note": ALPHABET.lower(), "year": "2024"},
        authors=[Name(ALPHABET[:20], ALPHABET[20:40])],
    )
)
# An entry as an inherited file had it: a brace written as its character code, which biber
# decodes before it parses the file (the entry, then the whole bibliography, was lost).
HOSTILE_BIB = r"""@misc{brace125,
  author = {Doe, Jane}, title = {Brace codes}, year = {2001},
  annote = {closes \char125 early, and \char"7B{} and \char'175 too},
}
@misc{percent,
  author = {Roe, Rick}, title = {Fifty 50% of {all}}, year = {2002},
  note = {a # sign and an @misc{inside} a value},
}
@misc{good, author = {Smith, John}, title = {The good one}, year = {2003}}
"""
LATIN = BibRecord(
    "article",
    "latin2024",
    fields={"title": "Ca²⁺ and β-estradiol — Søren Müller's 1ª data", "year": "2024"},
    authors=[Name("Müller", "Jörg"), Name("Ørsted", "Søren")],
)
BIBITEM = re.compile(r"\\bibitem\{([^}]*)\}")
BBL_ENTRY = re.compile(r"\\entry\{([^}]*)\}")


def _records():
    hostile = parse(HOSTILE_BIB)
    assert hostile.problems == []
    return TYPED + hostile.records


def _bibtex_run(tmp_path, exported: str) -> str:
    (tmp_path / "export.bib").write_text(exported, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(PLAIN)
    pdflatex = ["pdflatex", "-interaction=nonstopmode", "doc.tex"]
    run(pdflatex, tmp_path)
    bibtex = run(["bibtex", "doc"], tmp_path)
    assert "error message" not in bibtex.stdout, bibtex.stdout[-2000:]
    run(pdflatex, tmp_path)
    run(pdflatex, tmp_path)
    return (tmp_path / "doc.log").read_text(errors="replace")


@pytest.mark.slow
def test_ascii_export_compiles_with_pdflatex_and_bibtex_plain(tmp_path):
    tex_available("pdflatex", "bibtex")
    records = _records()
    exported = "".join(render_entries(records))
    assert exported.isascii()
    log = _bibtex_run(tmp_path, exported)
    assert tex_errors(log) == []
    assert "Missing character" not in log
    bbl = (tmp_path / "doc.bbl").read_text()
    assert sorted(BIBITEM.findall(bbl)) == sorted(record.key for record in records)
    assert "{\\unichar{20013}}" in bbl
    assert "{\\cyryo}" in bbl


def _biber_run(tmp_path, exported: str) -> tuple[str, str]:
    (tmp_path / "export.bib").write_text(exported, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(BIBER_DOCUMENT)
    run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], tmp_path)
    biber = run(["biber", "doc"], tmp_path)
    run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], tmp_path)
    return biber.stdout, (tmp_path / "doc.log").read_text(errors="replace")


# biber's own ASCII output (`texencoding=ascii`) has no form for Cyrillic ("does not map to
# ascii"), its initials of a name starting `{\\CYRYO}` are unbalanced, and it rewrites
# `{\\~{\\^{e}}}` as `{\\~\\^{e}}`, which LaTeX stops at: the scripts only reach its .bbl.
BIBER_DOCUMENT = BIBLATEX.replace("texencoding=ascii", "texencoding=ascii,bibencoding=utf8")


@pytest.mark.slow
@pytest.mark.parametrize("unicode", [False, True], ids=["ascii", "unicode"])
def test_every_entry_reaches_biber_bbl(tmp_path, unicode):
    tex_available("pdflatex", "biber")
    records = _records()
    biber, _log = _biber_run(tmp_path, "".join(render_entries(records, unicode=unicode)))
    assert "ERROR" not in biber, biber[-2000:]
    bbl = (tmp_path / "doc.bbl").read_text()
    assert sorted(BBL_ENTRY.findall(bbl)) == sorted(record.key for record in records)
    latin = [LATIN] + parse(HOSTILE_BIB).records
    (tmp_path / "latin").mkdir()
    biber, log = _biber_run(tmp_path / "latin", "".join(render_entries(latin, unicode=unicode)))
    assert "ERROR" not in biber, biber[-2000:]
    bbl = (tmp_path / "latin" / "doc.bbl").read_text()
    assert sorted(BBL_ENTRY.findall(bbl)) == sorted(record.key for record in latin)
    if not unicode:  # biber has no ASCII for ⁺ read as UTF-8 either: it writes `\x{207a}`
        assert tex_errors(log) == []


@pytest.mark.slow
def test_the_inherited_entry_as_it_came_leaves_biber_without_a_bibliography(tmp_path):
    # The control for the test above: the same entries written as imported, unprotected.
    tex_available("pdflatex", "biber")
    biber, _log = _biber_run(tmp_path, HOSTILE_BIB)
    assert "ERROR" in biber
    assert BBL_ENTRY.findall((tmp_path / "doc.bbl").read_text()) == []


# --- the writer's safety, unit by unit ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "safe"),
    [
        (r"a \char125 b", r"a \textbraceright{}b"),
        (r'\char"7B{}', r"\textbraceleft{}{}"),
        (r"\char'175", r"\textbraceright{}"),
        (r'\char"007d\char125b', r"\textbraceright{}\textbraceright{}b"),
        (r"\char`\} x", r"\textbraceright{}x"),
        (r"{\char92} stays", r"{\char92} stays"),
        (r"50% and #1 and \% \#", r"50\% and \#1 and \% \#"),
        (r"\\% after a line break", r"\\\% after a line break"),
        (r"\def\x#1{#1%}", r"\def\x#1{#1%}"),
        (
            r"mail \path|a%b@c| or \verb+x#y+, \url{http://x/%7E} 5%",
            r"mail \path|a%b@c| or \verb+x#y+, \url{http://x/%7E} 5\%",
        ),
    ],
)
def test_safe_to_typeset(body, safe):
    assert safe_to_typeset(body) == safe


def test_written_values_are_safe_and_verbatim_ones_percent_encoded_in_ascii():
    record = parse(HOSTILE_BIB).records[0]
    assert "\\char125" not in render_entry(record)
    typed = BibRecord("misc", "u", fields={"url": "https://x.org/Müller?q=a%20b"})
    assert "url = {https://x.org/M%C3%BCller?q=a%20b}" in render_entry(typed)
    assert "url = {https://x.org/Müller?q=a%20b}" in render_entry(typed, unicode=True)


@pytest.mark.django_db
def test_stored_scripts_round_trip_through_both_exports_and_a_second_import():
    outcome = reference_import_bibtex(data=SCRIPTS_BIB.encode(), skip_invalid=True)
    assert outcome.result.created == 3
    stored = {r.citekey: r.to_record() for r in Reference.objects.all()}
    texts = _texts(stored.values())
    assert stored["ru2019"].fields["title"] == "Расчёты ёмкости: новый подход"
    for unicode in (True, False):
        exported = "".join(bibtex_stream(unicode=unicode))
        assert exported.isascii() is not unicode
        assert _texts(parse(exported).records) == texts
    # Importing the ASCII export again finds the same works, nothing new.
    again = reference_import_bibtex(data="".join(bibtex_stream()).encode(), skip_invalid=True)
    assert (again.result.created, again.result.skipped) == (0, 3)
    assert Reference.objects.count() == 3
