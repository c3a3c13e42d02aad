"""LaTeX <-> Unicode: exact decodings, escapes, and the round trip (pure, no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citations.text.latex import decode, encode


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"M{\"u}ller", "Müller"),
        (r"M\"{u}ller", "Müller"),
        (r"Garc{\'\i}a", "García"),
        (r"\v{S}koda and \c{C}elik", "Škoda and Çelik"),
        (r"Nu\~{n}ez", "Nuñez"),
        (
            r"{\o}stergaard, S{\o}ren, Stra{\ss}e, \AA{}ngstr\"om",
            "østergaard, Søren, Straße, Ångström",
        ),
        (r"4\% \& \$5 \#1 a\_b \{x\}", "4% & $5 #1 a_b {x}"),
        (r"The {DNA} of {Bayesian} inference", "The DNA of Bayesian inference"),
        (r"Smith~et~al.", "Smith\u00a0et\u00a0al."),
        (r"\emph{in vivo} and \textit{in vitro}", "in vivo and in vitro"),
        (r"$\alpha$-helix with $x_{1}^{2}$", "α-helix with $x_{1}^{2}$"),
        (r"\textbackslash{}n and \textasciitilde{} and \textasciicircum{}", "\\n and ~ and ^"),
        (r"pages 12--19", "pages 12--19"),
        (r"\unknowncommand{kept}", r"\unknowncommand{kept}"),
        (r"see \url{https://x.org/~a/b_c%20d}", "see https://x.org/~a/b_c%20d"),
    ],
)
def test_decode_gives_unicode(latex, text):
    assert decode(latex) == text


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("4% & $5 #1 a_b {x}", r"4\% \& \$5 \#1 a\_b \{x\}"),
        ("back\\ ~ ^", r"back\textbackslash{} \textasciitilde{} \textasciicircum{}"),
        ("$\\alpha$-helix costs $5", "$\\alpha$-helix costs \\$5"),
        ("Müller\u00a0et al.", r"M{\"{u}}ller~et al."),
    ],
)
def test_encode_escapes_specials_and_keeps_math(text, latex):
    assert encode(text) == latex


def test_encode_protects_acronyms_and_mixed_case_words_only():
    title = "Bone loss in Canadian women: the DNA of mRNA, Mx1+ and vitamin D studies"
    assert encode(title, protect_case=True) == (
        "Bone loss in Canadian women: the {DNA} of {mRNA}, {Mx1}+ and vitamin {D} studies"
    )
    assert encode("The Women's Health Initiative", protect_case=True) == (
        "The Women's Health Initiative"
    )


def test_encode_protects_only_acronyms_in_title_case_titles():
    title = "Effect of Progestin Therapy on Cortical Bone in DNA Studies"
    assert encode(title, protect_case=True) == (
        "Effect of Progestin Therapy on Cortical Bone in {DNA} Studies"
    )


def test_decode_is_linear_on_a_long_value():
    value = r"M{\"u}ller's {DNA} 4\% " * 200_000  # about 4.6 MB
    assert decode(value) == "Müller's DNA 4% " * 200_000


TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ éüßøÅ-.,:;'!?()[]0123456789&%$#_{}~^\\\u00a0\n")),
    max_size=60,
)


@given(TEXT, st.booleans())
def test_decode_inverts_encode(text, protect_case):
    assert decode(encode(text, protect_case=protect_case)) == text


def test_decode_keeps_the_text_of_a_font_command_with_nested_braces():
    assert decode(r"\emph{in {vivo}} and \textbf {bold}") == "in vivo and bold"


def test_decode_of_text_holding_private_use_marks_is_exact():
    assert decode("\ue000 {A} \\{") == "\ue000 A {"
