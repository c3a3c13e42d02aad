"""LaTeX -> CSL rich text, plain text and pandoc's sentence case (citations/text/rich.py).

The sentence-case expectations are pandoc 3.9's own output for the same BibTeX titles
(`pandoc -f biblatex -t csljson`); `test_consumers` checks a sample against pandoc itself.
"""

import pytest

from citations.text.rich import from_csl, plain, rich


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (
            r"Book review: \it What Our Lettering Needs",
            "Book review: <i>What Our Lettering Needs</i>",
        ),
        (
            r"A {\it short} \emph{and} \textbf{bold} \textsc{Caps}",
            "A <i>short</i> <i>and</i> <b>bold</b> "
            '<span style="font-variant:small-caps;">Caps</span>',
        ),
        (r"Ca\textsuperscript{2+} and H\textsubscript{2}O", "Ca<sup>2+</sup> and H<sub>2</sub>O"),
        (r"Sieve\emdash{}a survey \acro{DNA} \bibcorporate{WHO}", "Sieve\u2014a survey DNA WHO"),
        (
            r"{\TeX} in \TUB{} \noopsort{1973b}1973",
            ('<span class="nocase">TeX</span> in TUGboat 1973'),
        ),
        (r"M{\"u}ller and \"Ozt\"urk, Qu\'{e}bec \c{c}a", "Müller and Öztürk, Québec ça"),
        (
            r"50\% \& $\alpha$-helix --- $x^{2}$ ``quoted''",
            "50% & α-helix \u2014 x² \u201cquoted\u201d",
        ),
        (r"\href{https://x.org}{the site} \url{https://a.org/~b_c}", "the site https://a.org/~b_c"),
        (r"\unknowncommand alone", "alone"),
    ],
)
def test_rich_resolves_every_command_into_markup_or_text(latex, expected):
    assert rich(latex) == expected
    assert "\\" not in rich(latex)


def test_math_spacing_commands_leave_no_backslash():
    assert (
        plain(r"An {$O(n \log n / \! \log\log n)$} Sorting") == "An O(n log n / loglog n) Sorting"
    )


def test_plain_has_the_same_text_without_markup():
    assert plain(r"Book review: {\it What} \textsc{Caps} H\textsubscript{2}O") == (
        "Book review: What Caps H2O"
    )


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        # pandoc 3.9 (`-f biblatex -t csljson`) prints exactly these titles.
        (
            "The Role of {DNA} in {von Neumann} Machines: A Study",
            (
                'The role of <span class="nocase">DNA</span> in '
                '<span class="nocase">von Neumann</span> machines: A study'
            ),
        ),
        ("An Analysis of A Problem: an X-Ray Study", "An analysis of a problem: An x-ray study"),
        ("I Think McDonald Farm's COVID-19 In Kids", "I think McDonald farm's COVID-19 in kids"),
        (
            "Alpha Beta. the End - And More -- Or Less",
            "Alpha beta. The end - and more \u2013 or less",
        ),
        ("Alpha B. Gamma", "Alpha b. gamma"),
        ("Bone biology: Basics", "Bone biology: basics"),
        ("biology", "Biology"),
        ("iPhone Apps", "iPhone apps"),
        (r"{\tt triroff} Use", "triroff use"),
        ("{STET!} Tricks of the Trade", '<span class="nocase">STET!</span> Tricks of the trade'),
        (
            r"A Title With {\"U}ber and \"Uber",
            'A title with <span class="nocase">Ü</span>ber and über',
        ),
        (
            r"Book Review: {\it What Our Lettering} \emph{Emph Word}",
            'Book review: <span class="nocase"><i>What Our Lettering</i></span> <i>emph word</i>',
        ),
        (
            r"Aristotle's \mkbibquote{De Motu Animalium}",
            "Aristotle's \u201cDe Motu Animalium\u201d",
        ),
    ],
)
def test_titles_get_pandocs_sentence_case_with_protected_words_kept(latex, expected):
    assert rich(latex, title=True) == expected


def test_a_group_without_capitals_needs_no_nocase_span():
    assert rich("{bone} {Bone}", title=True) == 'bone <span class="nocase">Bone</span>'


def test_a_value_nested_200000_deep_is_read_flat_in_linear_time():
    source = "{" * 200_000 + "Deep \\emph{bone}" + "}" * 200_000
    assert rich(source) == "Deep bone"
    assert plain(source, title=True) == "Deep bone"
    assert rich("{" * 50 + "Shallow" + "}" * 50) == '<span class="nocase">Shallow</span>'


def test_csl_rich_text_reads_back_as_the_latex_it_came_from():
    source = r"{mRNA} of \textit{Mus musculus} \& \textsc{bone}"
    assert from_csl(rich(source)) == ("mRNA of Mus musculus & bone", source)
    assert from_csl("p < 0.05 in 200 μm") == ("p < 0.05 in 200 μm", None)
