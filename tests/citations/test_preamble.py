"""@preamble: definitions written as `\\providecommand` (or guarded), the first of a name
wins in one export, and an export imported and exported again is the same export."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citations.bibtex import PREAMBLE_SOURCE, parse, render_entries
from citations.bibtex.preamble import MAX_SELECTED, for_commands, normalised, split
from citations.exports import bibtex_stream
from citations.models import Reference
from citations.services import reference_import_bibtex
from tests.citations.test_real_bibliographies import run, tex_available, tex_errors
from tests.citations.third_party import FILES, Unavailable, bib_files

# Real preambles (TeX Live's xampl.bib, Beebe's font.bib and texbook3.bib, shortened).
XAMPL = r"\newcommand{\noopsort}[1]{} \newcommand{\printfirst}[2]{#1} "
XAMPL += r"\newcommand{\singleletter}[1]{#1} \newcommand{\switchargs}[2]{#2#1}"
FONT = (
    r"\ifx \undefined \booktitle \def \booktitle #1{{{\em #1}}} \fi"
    r"\ifx \undefined \reg       \def \reg         {\circled{R}}           \fi"
    r"\ifx \undefined \ssf       \let \ssf = \sf                           \fi"
    "\\hyphenation{\n        Gon-czar-ow-ski\n        Ka-tsu-hi-ko\n    }"
)
TEXBOOK = (
    "\\input bibnames.sty \\input path.sty \\ifx \\k \\undefined \\let \\k = \\c\n"
    "   \\immediate\\write16{Ogonek accent unavailable: replaced by cedilla}\\fi "
    r"\ifx \undefined \manfnt \font\manfnt=logo10 \fi"
    r"\def \toenglish #1\endtoenglish{[{\em English:} #1\unskip]} "
    r"\newif\ifger\gerfalse \ifnum\language=\german\gertrue\fi"
)


def texts(preamble: str) -> list[str]:
    return [piece.text for piece in split(preamble)]


def test_each_definition_becomes_a_providecommand():
    assert texts(XAMPL) == [
        r"\providecommand{\noopsort}[1]{}",
        r"\providecommand{\printfirst}[2]{#1}",
        r"\providecommand{\singleletter}[1]{#1}",
        r"\providecommand{\switchargs}[2]{#2#1}",
    ]
    source = r"\renewcommand\a{A}\DeclareRobustCommand*{\b}[2][x]{#1#2}\def\c#1#2{#2}\gdef\d{D}"
    assert texts(source) == [
        r"\providecommand{\a}{A}",
        r"\providecommand*{\b}[2][x]{#1#2}",
        r"\providecommand{\c}[2]{#2}",
        r"\ifx\d\undefined \gdef\d{D} \fi",
    ]


def test_a_files_own_guards_are_read_as_definitions():
    assert texts(FONT) == [
        r"\providecommand{\booktitle}[1]{{{\em #1}}}",
        r"\providecommand{\reg}{\circled{R}}",
        r"\ifx\ssf\undefined \let \ssf = \sf \fi",
        "\\hyphenation{\n        Gon-czar-ow-ski\n        Ka-tsu-hi-ko\n    }",
    ]
    assert [sorted(piece.names) for piece in split(FONT)] == [["booktitle"], ["reg"], ["ssf"], []]


def test_what_cannot_be_a_providecommand_is_guarded_and_other_text_kept():
    assert texts(TEXBOOK) == [
        r"\input bibnames.sty",
        r"\input path.sty",
        "\\ifx\\k\\undefined \\let \\k = \\c\n   \\immediate\\write16{Ogonek accent "
        "unavailable: replaced by cedilla} \\fi",
        r"\ifx\manfnt\undefined \font\manfnt=logo10 \fi",
        r"\ifx\toenglish\undefined \def \toenglish #1\endtoenglish{[{\em English:} #1\unskip]} \fi",
        r"\newif\ifger",
        r"\gerfalse",
        r"\ifnum\language=\german\gertrue\fi",
    ]


@pytest.mark.parametrize("preamble", [XAMPL, FONT, TEXBOOK, XAMPL + "\n" + XAMPL])
def test_written_preambles_read_back_the_same(preamble):
    once = normalised(preamble)
    assert normalised(once) == once


def test_the_first_definition_of_a_name_wins():
    both = r"\newcommand{\noopsort}[1]{} \newcommand{\noopsort}[1]{#1}\def\noopsort{x}"
    assert normalised(both) == r"\providecommand{\noopsort}[1]{}"


def test_an_entry_keeps_the_definitions_it_uses_and_what_they_use():
    pieces = split(r"\def\a{A}\def\b{\a B}\def\c{C} \hyphenation{x-y}")
    kept = [piece.text for piece in for_commands(pieces, {"b"})]
    assert kept == [r"\providecommand{\a}{A}", r"\providecommand{\b}{\a B}", r"\hyphenation{x-y}"]


NAMES = st.sampled_from(["noopsort", "TUB", "a", "printfirst", "Xy"])
BODIES = st.sampled_from(["", "#1", "{\\em #1}", "x\\relax", "{{A}}"])


@st.composite
def definitions(draw) -> str:
    name, body = draw(NAMES), draw(BODIES)
    forms = [
        f"\\newcommand{{\\{name}}}[1]{{{body}}}",
        f"\\renewcommand\\{name}[2]{{{body}}}",
        f"\\def\\{name}#1{{{body}}}",
        f"\\ifx \\undefined \\{name} \\def \\{name} {{{body}}} \\fi",
        f"\\ifx\\{name}\\undefined\\let\\{name}=\\relax\\fi",
        f"\\edef\\{name}{{{body}}}",
        "\\input path.sty",
        "\\hyphenation{Gon-czar-ow-ski}",
    ]
    return draw(st.sampled_from(forms))


@settings(max_examples=200, deadline=None)
@given(st.lists(definitions(), max_size=6), st.sampled_from([" ", "\n", ""]))
def test_normalising_is_a_fixed_point_and_defines_each_name_once(parts, separator):
    once = normalised(separator.join(parts))
    assert normalised(once) == once
    names = [name for piece in split(once) for name in piece.names]
    assert len(names) == len(set(names))


FILE_A = (
    '@preamble{"\\newcommand{\\noopsort}[1]{} \\newcommand{\\printfirst}[2]{#1}"}\n'
    "@book{a1, author = {Knuth, Donald}, title = {{\\noopsort{1}}The Art}, "
    "publisher = {AW}, year = 1968}\n"
    "@book{a2, author = {Knuth, Donald}, title = {\\printfirst{Vol}{x} Two}, "
    "publisher = {AW}, year = 1969}\n"
)
FILE_B = (
    '@preamble{"\\newcommand{\\noopsort}[1]{\\relax} \\def\\TUB{TUGboat}"}\n'
    "@article{b1, author = {Beebe, Nelson}, title = {{\\noopsort{2}}Bibliographies in {\\TUB}}, "
    "journal = {\\TUB}, year = 1990}\n"
)


def test_preambles_of_two_files_define_each_command_once_in_one_export():
    records = parse(FILE_A).records + parse(FILE_B).records
    exported = "".join(render_entries(records))
    assert exported.count("noopsort}[1]") == 1  # the first file's: B's `{\\relax}` left out
    assert "\\relax" not in exported
    assert exported.count("\\newcommand") == 0
    assert exported.count("\\providecommand{\\TUB}{TUGboat}") == 1


def test_a_round_trip_of_an_export_is_the_same_export():
    records = parse(FILE_A).records + parse(FILE_B).records
    first = "".join(render_entries(records))
    second = "".join(render_entries(parse(first).records))
    third = "".join(render_entries(parse(second).records))
    assert second == first
    assert third == first
    assert parse(first).records[0].sources[PREAMBLE_SOURCE] == r"\providecommand{\noopsort}[1]{}"


def test_the_other_text_of_several_files_round_trips_in_place():
    """Each entry keeps the text of the blocks before it: the second file's `\\hyphenation`
    is written again before the second file's entry, not moved to the first."""
    first_file = FILE_A.replace('{"', '{"\\input a.sty ')
    second_file = FILE_B.replace("\\def\\TUB", "\\hyphenation{Bee-be} \\def\\TUB")
    records = parse(first_file).records + parse(second_file).records
    first = "".join(render_entries(records))
    assert first.index("\\hyphenation{Bee-be}") > first.index("@book{a2")
    assert "".join(render_entries(parse(first).records)) == first


PLAIN = r"""\documentclass{article}
\newcommand{\noopsort}[1]{}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{export}
\end{document}
"""
BIBLATEX = r"""\documentclass{article}
\usepackage[backend=biber]{biblatex}
\addbibresource{export.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


@pytest.mark.django_db
def test_imports_of_two_files_and_their_round_trips_export_the_same_preamble():
    assert reference_import_bibtex(data=FILE_A).ok
    assert reference_import_bibtex(data=FILE_B).ok
    first = "".join(bibtex_stream())
    for _round in range(3):
        Reference.objects.all().delete()
        assert reference_import_bibtex(data=first).ok
        assert "".join(bibtex_stream()) == first
    assert first.count("@preamble") == 3  # before a1, a2 (\\printfirst) and b1 (\\TUB)


def compiled(tmp_path, exported: str, document: str, processor: list[str]):
    tmp_path.mkdir()
    (tmp_path / "export.bib").write_text(exported, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(document)
    pdflatex = ["pdflatex", "-interaction=nonstopmode", "doc.tex"]
    run(pdflatex, tmp_path)
    processed = run(processor, tmp_path)
    run(pdflatex, tmp_path)
    log = (tmp_path / "doc.log").read_text(errors="replace")
    bbl = (tmp_path / "doc.bbl").read_text(errors="replace")
    return processed.stdout, tex_errors(log), bbl


@pytest.mark.slow
@pytest.mark.django_db
def test_two_files_with_the_same_command_compile_in_one_export(tmp_path):
    """The old export wrote `\\newcommand{\\noopsort}` of both files: "Command \\noopsort
    already defined" (and the document defines it too, as xampl.bib's users do)."""
    tex_available("pdflatex", "bibtex", "biber")
    assert reference_import_bibtex(data=FILE_A).ok
    assert reference_import_bibtex(data=FILE_B).ok
    exported = "".join(bibtex_stream())
    out, errors, bbl = compiled(tmp_path / "bibtex", exported, PLAIN, ["bibtex", "doc"])
    assert "error message" not in out, out
    assert errors == []
    assert bbl.count("\\bibitem") == 3
    assert "bibliographies in {\\TUB}" in bbl
    out, errors, bbl = compiled(tmp_path / "biber", exported, BIBLATEX, ["biber", "doc"])
    assert "ERROR" not in out, out
    assert errors == []
    assert bbl.count("\\entry{") == 3


ROUND_TRIPPED = [name for name in FILES if name != "tugboat.bib"]  # 5 MB: 30 s of its own


@pytest.fixture(scope="module")
def real_files():
    try:
        return bib_files()
    except Unavailable as exc:
        pytest.skip(f"Third-party .bib files unavailable: {exc}")


@pytest.mark.slow
@pytest.mark.parametrize("name", ROUND_TRIPPED)
def test_the_preambles_of_real_files_are_a_fixed_point_of_round_trips(real_files, name):
    data = real_files[name].read_bytes()
    first = "".join(render_entries(parse(data).records))
    second = "".join(render_entries(parse(first).records))
    third = "".join(render_entries(parse(second).records))
    preambles = [block for block in first.split("\n\n") if block.startswith("@preamble")]
    assert [block for block in second.split("\n\n") if block.startswith("@preamble")] == preambles
    assert third == second
    defined = [name for block in preambles for piece in split(block) for name in piece.names]
    assert len(defined) == len(set(defined))
    assert "\\newcommand" not in first


HOSTILE = [
    "\\ifx" * 20_000,  # never closed
    "\\def\\a" * 20_000,  # no body
    "\\global" * 20_000,
    "\\def\\a#1" * 20_000,
    "\\ifx\\undefined\\a " * 20_000,
]


@pytest.mark.parametrize("preamble", HOSTILE, ids=lambda text: text[:12])
def test_a_hostile_preamble_is_read_in_linear_time(preamble):
    """Each took 30 to 100 s when every start scanned on to the end of the text."""
    started = time.perf_counter()
    split(preamble)
    assert time.perf_counter() - started < 5


LETTERS = str.maketrans("0123456789", "abcdefghij")


def test_a_very_long_preamble_is_kept_whole_with_each_entry_that_needs_one():
    names = ["q" + str(i).translate(LETTERS) for i in range(2_000)]  # \\qa, \\qb, ...
    definitions = "".join(f"\\def\\{name}{{x}}" for name in names[: MAX_SELECTED + 1])
    entries = "".join(f"@misc{{{name}, title = {{\\{name}}}}}\n" for name in names)
    started = time.perf_counter()
    records = parse(f'@preamble{{"{definitions}"}}\n' + entries).records
    assert time.perf_counter() - started < 10
    kept = {id(record.sources[PREAMBLE_SOURCE]) for record in records}
    assert len(records) == 2_000
    assert len(kept) == 1


def test_a_crossref_child_keeps_the_definitions_of_what_it_inherits():
    text = (
        '@preamble{"\\def\\TUB{TUGboat} \\newcommand{\\noopsort}[1]{}"}\n'
        "@inproceedings{child, title = {{\\noopsort{1}}Child}, crossref = {parent}}\n"
        "@proceedings{parent, title = {Proceedings of \\TUB}, year = 1990}\n"
    )
    child = next(record for record in parse(text).records if record.key == "child")
    assert child.fields["booktitle"] == "Proceedings of \\TUB{}"
    assert child.sources[PREAMBLE_SOURCE] == (
        "\\providecommand{\\TUB}{TUGboat}\n\\providecommand{\\noopsort}[1]{}"
    )
