"""BibTeX parsing and rendering: pure functions, exact strings, the known traps, round trips."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citations import bibtex
from citations.bibtex import parse, parse_name, render_entry, splitting, values
from citations.bibtex.blocks import StringBlock
from citations.text.records import BibRecord, Name


def only_record(text: str) -> BibRecord:
    result = parse(text)
    assert result.problems == []
    assert len(result.records) == 1
    return result.records[0]


def messages(text: str | bytes) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in parse(text).problems]


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Prior, Jerilynn C.", Name("Prior", "Jerilynn C.")),
        ("Jerilynn C. Prior", Name("Prior", "Jerilynn C.")),
        ("Ludwig van Beethoven", Name("Beethoven", "Ludwig", "van")),
        ("van der Berg, Hans", Name("Berg", "Hans", "van der")),
        ("de la Fuente, Jr., Juan", Name("Fuente", "Juan", "de la", "Jr.")),
        ("{World Health Organization}", Name("World Health Organization")),
        ("D.~E. Knuth", Name("Knuth", "D. E.")),
        (r"M{\"u}ller, J{\"o}rg", Name("Müller", "Jörg")),
        (r"Nu\~{n}ez, Jos{\'e}", Name("Nuñez", "José")),
        ("Aristotle", Name("Aristotle")),
    ],
)
def test_parse_name_splits_family_given_prefix_suffix(raw, name):
    assert parse_name(raw) == name


def test_parse_reads_fields_macros_concatenation_and_months():
    record = only_record(
        '@string{nejm = "New England Journal of Medicine"}\n'
        "@Article{Prior1990,\n"
        "  author = {Prior, Jerilynn C. and Vigna, Yvette M.},\n"
        '  title = "Spinal bone loss {DNA} in M{\\"u}ller\'s cohort",\n'
        '  journal = nejm # " (" # {NEJM} # ")",\n'
        "  month = nov,\n"
        "  year = 1990,\n"
        "  note = {Two\n    lines},\n"
        "}\n"
    )
    assert record.entry_type == "article"
    assert record.key == "Prior1990"
    assert record.line == 2
    assert record.fields == {
        "title": "Spinal bone loss DNA in Müller's cohort",
        "journal": "New England Journal of Medicine (NEJM)",
        "month": "November",
        "year": "1990",
        "note": "Two lines",
    }
    assert record.authors == [Name("Prior", "Jerilynn C."), Name("Vigna", "Yvette M.")]


def test_parse_keeps_a_field_after_a_percent_comment_line():
    record = only_record("@article{c2020,\n  title = {T},\n  % a comment\n  year = {2020},\n}\n")
    assert record.fields == {"title": "T", "year": "2020"}


def test_parse_keeps_url_and_doi_verbatim():
    record = only_record("@misc{u, title={T}, url={https://x.org/a_b%20c}, doi={10.1/A_B}}")
    assert record.fields["url"] == "https://x.org/a_b%20c"
    assert record.fields["doi"] == "10.1/A_B"


def test_parse_fills_fields_from_crossref():
    result = parse(
        "@inproceedings{child, title={Child}, crossref={parent}, pages={1--2}}\n"
        "@proceedings{parent, title={The Proceedings}, year=2008, editor={Smith, Anne}}\n"
    )
    child = result.records[0]
    assert child.fields["booktitle"] == "The Proceedings"
    assert child.fields["year"] == "2008"
    assert child.editors == [Name("Smith", "Anne")]


def test_crossref_is_found_in_any_letter_case_and_before_its_parent():
    """The parents are found by one scan of the lower-cased text: the field and the key in
    any case still name the parent, and a longer name ending in `crossref` names none."""
    result = parse(
        "@InProceedings{c1, title={One}, CrossRef = {The-Parent}}\n"
        "@inproceedings{c2, title={Two}, xcrossref = {the-parent}}\n"
        "@Proceedings{THE-PARENT, title={Proceedings}, year=2008}\n"
    )
    records = {record.key: record for record in result.records}
    one, two = records["c1"], records["c2"]
    assert one.fields["booktitle"] == "Proceedings"
    assert one.fields["year"] == "2008"
    assert "booktitle" not in two.fields
    assert "year" not in two.fields


def test_parse_reads_bom_and_reads_a_windows_1252_file_only_when_told():
    assert only_record(b"\xef\xbb\xbf@article{a, title={T}}").key == "a"
    data = "@article{a, title={Caf\u00e9}}".encode("cp1252")
    assert parse(data).records == []
    result = parse(data, encoding="windows-1252")
    assert result.records[0].fields["title"] == "Café"
    assert result.notes == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "@article{a,\n  title = {A}\n  year = {2000},\n}",
            [(1, "Field 'title': unexpected text after its value (a missing comma?).")],
        ),
        ("@article{a,\n  title = {A},\n  title = {B},\n}", []),  # BibTeX keeps the first
        ("@article{,\n  title = {A},\n}", [(1, bibtex.MISSING_KEY)]),
        (
            "@article{a, title={A}}\n\n@article{a, title={B}}",
            [(3, "The key 'a' is used again; it was first used at line 1.")],
        ),
        ("@article{a, journal = nope}", []),  # An undefined macro is kept, with a note.
        ("", []),  # An empty file: nothing to import, and no error (a note says so).
        ("just some text\n", [(1, bibtex.EMPTY_INPUT)]),
        (b"\x00\x01\x02garbage\xff" * 50, [(1, bibtex.BINARY_INPUT)]),
    ],
)
def test_parse_reports_each_trap_with_its_line(text, expected):
    assert messages(text) == expected


def test_parse_reports_an_unclosed_brace_and_reads_the_next_entry():
    result = parse("@article{open,\n  title = {Unclosed,\n}\n\n@article{next, title={Fine}}\n")
    assert [(p.line, p.key) for p in result.problems] == [(1, "open")]
    assert result.problems[0].message.startswith("The entry cannot be read: ")
    assert [r.key for r in result.records] == ["next"]


def test_parse_reports_a_malformed_string_definition():
    result = parse("@string{jbmr = {Journal\n\n@article{ok, title={T}, journal=jbmr}\n")
    assert result.problems[0].line == 1
    assert result.problems[0].message.startswith("A malformed @string definition: ")


@pytest.mark.slow  # 8 to 11 s on a busy 2-core machine
def test_parse_reads_a_5_mb_field():
    text = "@article{big, title={Big}, abstract={" + r"M{\"u}ller 4\% " * 400_000 + "}}"
    record = only_record(text)
    assert len(record.fields["abstract"]) == len("Müller 4% ") * 400_000 - 1


def test_render_entry_writes_stable_order_escapes_and_month_macro():
    record = BibRecord(
        entry_type="article",
        key="prior1990spinal",
        fields={
            "year": "1990",
            "title": "Spinal bone loss in Canadian women: DNA & 4% of $\\alpha$",
            "month": "November",
            "journal": "New England Journal of Medicine",
            "doi": "10.1056/nejm199011013231801",
            "keywords": "bone_density",
        },
        authors=[Name("Prior", "Jerilynn C."), Name("Berg", "Hans", "van der", "Jr.")],
        editors=[Name("World Health Organization")],
    )
    assert render_entry(record) == (
        "@article{prior1990spinal,\n"
        "  author = {Prior, Jerilynn C. and van der Berg, Jr., Hans},\n"
        "  editor = {{World Health Organization}},\n"
        "  title = {Spinal bone loss in Canadian women: {DNA} \\& 4\\% of $\\alpha$},\n"
        "  journal = {New England Journal of Medicine},\n"
        "  month = nov,\n"
        "  year = {1990},\n"
        "  doi = {10.1056/nejm199011013231801},\n"
        "  keywords = {bone\\_density},\n"
        "}\n"
    )


WORD = st.text(alphabet=st.sampled_from(list("abcdeéüßøxyz")), min_size=1, max_size=8)
CAPITALISED = WORD.map(lambda word: word[0].upper() + word[1:])
NAMES = st.builds(
    Name,
    family=st.lists(CAPITALISED, min_size=1, max_size=2).map(" ".join),
    given=st.lists(CAPITALISED, max_size=2).map(" ".join),
    prefix=st.sampled_from(["", "van", "de la", "von der"]),
    suffix=st.sampled_from(["", "Jr.", "III"]),
)
TEXT_PIECE = st.one_of(
    WORD,
    CAPITALISED,
    st.sampled_from(["DNA", "mRNA", "&", "%", "$", "#", "_", "{", "}", "~", "^", "\\", "$x^2$"]),
    st.sampled_from(["$\\alpha_{1}$", "{", "'s", "--", "“quoted”", "50%", "C++", "a:b"]),
)
TITLES = st.lists(TEXT_PIECE, min_size=1, max_size=8).map(" ".join)
RECORDS = st.builds(
    BibRecord,
    entry_type=st.sampled_from(["article", "book", "inproceedings", "online"]),
    key=st.from_regex(r"[a-z][a-z0-9:_-]{0,20}", fullmatch=True),
    fields=st.fixed_dictionaries(
        {"title": TITLES, "year": st.integers(1400, 2100).map(str)},
        optional={"journal": TITLES, "note": TITLES, "publisher": TITLES},
    ),
    authors=st.lists(NAMES, max_size=3),
    editors=st.lists(NAMES, max_size=2),
)


@settings(max_examples=200)
@given(RECORDS)
def test_render_then_parse_gives_the_same_record(record):
    parsed = only_record(render_entry(record))
    assert (parsed.entry_type, parsed.key) == (record.entry_type, record.key)
    assert parsed.fields == record.fields
    assert parsed.authors == record.authors
    assert parsed.editors == record.editors


DATA = Path(__file__).resolve().parent.parent / "data"
FILES = sorted(path.name for path in DATA.glob("*.bib")) + [
    f"malformed/{path.name}" for path in sorted((DATA / "malformed").glob("*.b*"))
]


@pytest.mark.parametrize("name", FILES)
def test_fast_path_reads_files_exactly_as_the_splitter_path(name):
    data = (DATA / name).read_bytes()
    assert parse(data) == parse(data, fast=False)


@settings(max_examples=100)
@given(st.lists(RECORDS, min_size=1, max_size=3), st.sampled_from(["", "% c\n", "x # y"]))
def test_fast_path_agrees_with_the_splitter_path_on_any_file(records, noise):
    text = "\n".join(render_entry(record) for record in records)
    text = text.replace("  year =", f"  {noise}year =", 1) if noise else text
    assert parse(text) == parse(text, fast=False)


def test_a_nul_byte_anywhere_makes_the_file_binary():
    text = "@article{a, title={T}}\n" * 500 + "\x00"
    assert messages(text) == [(1, bibtex.BINARY_INPUT)]


BIBTEXISH = st.text(
    alphabet=st.sampled_from(list('@{}()",=#%\\~$ \n\tabcAB12_-:.éü')), max_size=300
)


@settings(max_examples=300)
@given(BIBTEXISH)
def test_parse_never_raises_and_names_a_line_for_every_problem(text):
    result = parse(text)
    assert all(problem.line >= 1 for problem in result.problems)
    assert parse(text) == parse(text, fast=False)


def test_mendeley_escapes_in_doi_and_url_are_undone():
    records = {r.key: r for r in parse((DATA / "mendeley.bib").read_bytes()).records}
    chapter = records["kowalski12"]
    assert chapter.fields["doi"] == "10.1007/978-3-642-00000-1_12"
    assert chapter.fields["url"] == "http://link.springer.com/10.1007/978-3-642-00000-1_12"
    assert chapter.fields["title"] == "Łódź Cohort: Bone Density After Oophorectomy"
    assert chapter.fields["address"] == "Kraków"
    assert records["rickard08"].fields["month"] == "may"
    assert records["lee15"].fields["url"] == "http://arxiv.org/abs/1501.00001"


def test_parse_reads_biblatex_extended_names():
    record = only_record(
        "@online{o, title={T}, author={Family, Given and given=Sam, family=Res, prefix=von}}"
    )
    assert record.authors == [Name("Family", "Given"), Name("Res", "Sam", "von")]


def test_a_preamble_is_kept_with_the_entries_that_use_its_commands():
    text = '@preamble{"\\newcommand{\\noop}[1]{}"}\n\n@article{a, title={T}}\n'
    text += "@article{b, title={\\noop{x}B}}\n@article{c, title={C \\noop{y}}}\n"
    result = parse(text)
    assert result.notes == [bibtex.PREAMBLE_KEPT.format(line=1)]
    assert [r.key for r in result.records] == ["a", "b", "c"]
    assert bibtex.PREAMBLE_SOURCE not in result.records[0].sources
    assert result.records[1].sources[bibtex.PREAMBLE_SOURCE] == "\\providecommand{\\noop}[1]{}"
    written = "".join(bibtex.render_entries(result.records))
    assert written.count("@preamble{{\\providecommand{\\noop}[1]{}}}") == 1
    assert written.index("@preamble") < written.index("@article{b,")


def test_and_others_is_written_back_unbraced_so_styles_read_et_al():
    record = parse("@article{doe2015, author = {Doe, Jane and others}, title = {T}}").records[0]
    assert record.authors == [Name("Doe", "Jane"), Name("others")]
    assert "  author = {Doe, Jane and others},\n" in render_entry(record)


def test_a_repeated_field_keeps_its_first_value_with_a_note():
    result = parse("@article{a,\n  title = {A},\n  title = {B},\n}")
    assert result.records[0].fields["title"] == "A"
    assert result.notes == [bibtex.REPEATED_FIELD_KEPT.format(line=1, key="a", names="title")]


def test_a_quoted_value_may_hold_braces_holding_quotes():
    record = only_record('@book{t, title = "{Ein Handbuch f{\\"u}r zeitgem{"a}{\\ss} Leute}"}')
    assert record.fields["title"] == 'Ein Handbuch für zeitgem"aß Leute'


def test_a_macro_value_reads_as_the_same_value_written_out_in_every_entry():
    """A @string's value is decoded once per file (`Macros.decoded`): each entry using it
    gets what the value written out in the entry gives, title or not, LaTeX kept alike."""
    value = "Caf{\\'e} {DNA},\n   Stra{\\ss}e~1"
    joined = 'ack # " and " # ack'
    result = parse(
        f"@string{{ack = {{{value}}}}}\n"
        f"@misc{{m1, title = ack, note = ack, addendum = {joined}}}\n"
        f"@misc{{m2, title = ack, note = ack, addendum = {joined}}}\n"
        f"@misc{{w, title = {{{value}}}, note = {{{value}}}, addendum = {{{value} and {value}}}}}\n"
    )
    m1, m2, written = result.records
    for record in (m1, m2):
        assert record.fields == written.fields
        assert record.sources == written.sources
    assert written.fields["note"] == "Café DNA, Straße\u00a01"
    assert written.fields["addendum"] == "Café DNA, Straße\u00a01 and Café DNA, Straße\u00a01"
    assert written.sources["title"] == "Caf{\\'e} {DNA}, Stra{\\ss}e~1"


def test_values_decoded_once_per_file_are_bounded():
    macros = values.Macros()
    for number in range(values.MAX_REMEMBERED + 50):
        macros[f"m{number}"] = f"Value {number}"
    assert len(macros._decoded) == values.MAX_REMEMBERED
    assert macros.decoded("Value 0") == ("Value 0", "Value 0")
    assert macros.decoded(" A\n  {B} ") == ("A {B}", "A B")  # Not remembered: decoded anyway.


def test_short_values_are_read_once_per_file_title_or_not():
    """`Macros.field` reads a short value once per file, apart for titles: a title keeps
    the LaTeX of {DNA}'s case, a note has none to keep. Long values are not kept."""
    macros = values.Macros()
    issn = macros.field("0896-3207", False)
    assert issn == ("0896-3207", "0896-3207", False)
    assert macros.field("0896-3207", False) is issn
    assert macros.field("DNA", False) == ("DNA", "DNA", False)
    assert macros.field("DNA", True) == ("DNA", "DNA", True)
    long = "x" * (values.SHORT_VALUE + 1)
    assert macros.field(long, False) == (long, long, False)
    assert macros.field(long, False) is not macros.field(long, False)
    result = parse("@misc{a, note = {DNA}, title = {DNA}}\n@misc{b, title = {DNA}, note = {DNA}}")
    assert [record.sources for record in result.records] == [{"title": "DNA"}] * 2


def test_the_fast_path_reads_each_field_once_and_leaves_a_missing_comma_to_the_splitter():
    text = '@article{a,\n  title = {T} # "U" ,\n  year = 1990\n}\n@article{b, title = {T} year = 1}'
    entry, end = splitting.fast_entry(text, 0, 0)
    assert entry.fields == [("title", '{T} # "U"'), ("year", "1990")]
    assert text[end - 1 : end + 1] == "}\n"
    assert splitting.fast_entry(text, end + 1, 0) is None  # No comma after {T}: not read here.
    assert parse(text) == parse(text, fast=False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A\n   title\tin  lines ", "A title in lines"),
        (" ~Tied~ \r\n", "~Tied~"),  # a tie is no space
        ("Caf\u00e9\n  au\u00a0lait", "Caf\u00e9 au\u00a0lait"),  # a no-break space is kept
        ("Form\x0cfeed\n  and\x1fseparator", "Form\x0cfeed and\x1fseparator"),
        ("   ", ""),
    ],
)
def test_normal_space_joins_line_breaks_tabs_and_spaces_alone(value, expected):
    assert values.normal_space(value) == expected


def test_the_fast_path_reads_string_definitions_as_the_splitter_does():
    text = (
        '@STRING{j-CPC = "Computer Physics Communications"}\n'
        "@string {ack-nhfb =\n  {Nelson H. F. Beebe}}\n"
        '@String{both = ack-nhfb # " and " # j-CPC}\n'
        "@string(paren = {read by the splitter})\n"
        '@string{bad name = "x"}\n'
        "@article{a, journal = j-CPC, note = both, author = paren}\n"
    )
    block, end = splitting.fast_string(text, 0, 0)
    assert block == StringBlock("j-CPC", '"Computer Physics Communications"', 0)
    assert text[end - 1 : end + 1] == "}\n"
    assert splitting.fast_string(text, text.index("@string("), 3) is None
    assert splitting.fast_string(text, text.index("@string{bad"), 4) is None
    assert parse(text) == parse(text, fast=False)
    record = parse(text).records[0]
    assert record.fields["note"] == "Nelson H. F. Beebe and Computer Physics Communications"
