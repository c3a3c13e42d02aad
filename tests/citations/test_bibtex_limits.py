"""Hardening of the BibTeX reader and writer: @string macro bombs are refused in bounded
memory and time, files that are not UTF-8 are refused by line (never guessed), and no
stored value can close its field when written back."""

import time
import tracemalloc

import pytest
from bibtexparser.splitter import Splitter
from hypothesis import given, settings
from hypothesis import strategies as st

from citations import bibtex
from citations.bibtex import ParseProblem, parse, render_entry
from citations.bibtex.render import _ordered_fields
from citations.text.records import BibRecord, Name

MIB = 1024 * 1024


def macro_bomb(levels: int, seed: str = "xx") -> str:
    """s_i = s_{i-1} # s_{i-1}: `levels` lines of a few bytes stand for 2^levels copies."""
    lines = [f"@string{{s0 = {{{seed}}}}}"]
    lines += [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, levels + 1)]
    lines.append(f"@article{{bomb, title = s{levels}, author = {{Doe, Jo}}, year = 2020}}")
    return "\n".join(lines) + "\n"


def measured(function, *args, **kwargs):
    """(result, seconds, peak bytes allocated while it ran)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = function(*args, **kwargs)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def test_string_macro_bomb_of_40_levels_is_refused_fast_in_bounded_memory():
    text = macro_bomb(40)
    assert len(text) < 1500

    result, seconds, peak = measured(parse, text)

    assert result.records == []
    limit = bibtex.EXPANSION_TOO_LARGE.format(limit=bibtex.MAX_EXPANSION)
    assert ParseProblem(22, "s21", limit) in result.problems
    refused = bibtex.MACRO_REFUSED.format(macro="s40")
    assert result.problems[-1] == ParseProblem(42, "bomb", refused)
    assert seconds < 2
    assert peak < 50 * MIB


def test_string_macro_bomb_of_20_levels_does_not_store_a_2_mib_title():
    result = parse(macro_bomb(20))

    assert result.records == []
    limit = bibtex.EXPANSION_TOO_LARGE.format(limit=bibtex.MAX_EXPANSION)
    assert result.problems == [ParseProblem(22, "bomb", limit)]


def test_a_value_longer_than_the_field_limit_is_refused_with_its_entry_and_line():
    text = "@article{ok, title={Fine}}\n@article{big,\n title={" + "x" * 2000 + "}}\n"

    result = parse(text, max_value=1000)

    assert [record.key for record in result.records] == ["ok"]
    too_long = bibtex.VALUE_TOO_LARGE.format(name="title", limit=1000)
    assert result.problems == [ParseProblem(2, "big", too_long)]


def test_a_value_joined_from_macros_is_refused_before_it_is_built():
    text = "@string{a = {" + "y" * 600 + "}}\n@article{joined, title = a # a # a # a}\n"

    result, _seconds, peak = measured(parse, text, max_value=1000)
    assert peak < 1 * MIB

    too_long = bibtex.VALUE_TOO_LARGE.format(name="title", limit=1000)
    assert result.problems == [ParseProblem(2, "joined", too_long)]


def test_macro_expansion_budget_counts_every_use_in_the_file():
    text = "@string{j = {" + "z" * 100 + "}}\n"
    text += "".join(f"@article{{e{i}, title={{T{i}}}, journal = j}}\n" for i in range(20))

    result = parse(text, max_expansion=1000)

    assert len(result.records) == 10
    over = bibtex.EXPANSION_TOO_LARGE.format(limit=1000)
    assert result.problems[0] == ParseProblem(12, "e10", over)
    assert len(result.problems) == 10


def crossref_family(title: str, children: int) -> str:
    """One @proceedings with `title` and `children` papers inheriting it through crossref."""
    text = "".join(
        f"@inproceedings{{c{i}, title={{Paper {i}}}, crossref={{proc}}}}\n" for i in range(children)
    )
    return text + "@proceedings{proc, title={" + title + "}, year=2020}\n"


def test_crossref_inheritance_counts_against_the_expansion_budget():
    result = parse(crossref_family("x" * MIB, 60))  # 60 copies of 1 MB: 60 MB

    over = bibtex.INHERITANCE_TOO_LARGE.format(parent="proc", limit=bibtex.MAX_EXPANSION)
    inherited = sum(
        len(record.fields["booktitle"]) for record in result.records if record.key != "proc"
    )
    assert inherited <= bibtex.MAX_EXPANSION
    assert len(result.records) == 1 + 3  # the parent and the 3 children within 4 MiB
    assert result.problems == [ParseProblem(1 + i, f"c{i}", over) for i in range(3, 60)]


def test_crossref_inheritance_and_macros_share_one_budget():
    text = "@string{j = {" + "z" * 600 + "}}\n" + crossref_family("y" * 300, 3)
    text += "@article{a, title={A}, journal = j}\n"

    result = parse(text, max_expansion=1000)

    over = bibtex.INHERITANCE_TOO_LARGE.format(parent="proc", limit=1000)
    assert sorted(record.key for record in result.records) == ["a", "c0", "proc"]
    assert result.problems == [ParseProblem(3, "c1", over), ParseProblem(4, "c2", over)]


def test_ordinary_crossref_families_are_read_within_the_budget():
    result = parse(crossref_family("Proceedings of a Society", 500))

    assert result.problems == []
    assert {record.fields["booktitle"] for record in result.records[:-1]} == {
        "Proceedings of a Society"
    }


def test_ordinary_files_with_macros_and_months_stay_well_within_the_limits():
    text = '@string{jbmr = "Journal of Bone and Mineral Research"}\n'
    text += "".join(
        f"@article{{e{i}, title={{T{i}}}, journal = jbmr, month = jan # {{~1}}}}\n"
        for i in range(10_000)
    )

    result = parse(text)

    assert result.problems == []
    assert result.records[-1].fields["journal"] == "Journal of Bone and Mineral Research"


# --- encoding ------------------------------------------------------------------------------


def test_utf8_file_with_a_few_stray_bytes_is_refused_naming_its_lines():
    good = "@article{m\u00fcller, author={M\u00fcller, J\u00f6rg}, title={Caf\u00e9}}\n"
    data = good.encode() * 3 + b"@article{bad, title={Stray \xfc}}\n" + good.encode()
    data += b"% and \x81 here\n"

    result = parse(data)

    assert result.records == []
    assert result.problems == [
        ParseProblem(4, "", bibtex.NOT_UTF8.format(line=4, byte=0xFC)),
        ParseProblem(6, "", bibtex.NOT_UTF8.format(line=6, byte=0x81)),
    ]


def test_a_file_with_many_undecodable_lines_names_the_first_twenty():
    data = b"@article{a, title={\xe9}}\n" * 30

    problems = parse(data).problems

    assert [problem.line for problem in problems] == list(range(1, 21)) + [20]
    assert problems[-1].message == bibtex.MORE_UNDECODABLE.format(count=10, line=20)


def test_an_explicit_encoding_reads_the_file_and_names_lines_it_cannot_read():
    data = "@article{a, author={M\u00fcller, J}, title={\u20ac 5}}\n".encode("windows-1252")

    record = parse(data, encoding="cp1252").records[0]
    problems = parse(b"@article{a, title={\x81}}\n", encoding="windows-1252").problems

    assert (record.authors[0].family, record.fields["title"]) == ("Müller", "€ 5")
    assert problems == [
        ParseProblem(1, "", bibtex.NOT_IN_ENCODING.format(line=1, encoding="cp1252", byte=0x81))
    ]


def test_an_unknown_encoding_is_named():
    with pytest.raises(ValueError, match="Unknown encoding 'klingon'"):
        bibtex.check_encoding("klingon")
    assert parse(b"@article{a, title={T}}", encoding="klingon").problems == [
        ParseProblem(1, "", bibtex.UNKNOWN_ENCODING.format(encoding="klingon"))
    ]


@pytest.mark.parametrize("codec", ["rot13", "zlib_codec", "base64", "hex", "bz2", "uu", "quopri"])
def test_a_codec_that_is_no_text_encoding_is_refused_naming_the_allowed_ones(codec):
    message = bibtex.NOT_TEXT_ENCODING.format(encoding=codec)

    with pytest.raises(ValueError, match="is not an encoding a BibTeX file is read in"):
        bibtex.check_encoding(codec)
    assert parse(b"@article{a, title={T}}", encoding=codec).problems == [
        ParseProblem(1, "", message)
    ]


@pytest.mark.parametrize("name", ["utf-8", "latin-1", "windows-1252", "mac-roman", "gb18030"])
def test_the_text_encodings_named_as_allowed_are_accepted(name):
    assert bibtex.check_encoding(name) in bibtex.TEXT_ENCODINGS


def test_a_binary_file_is_still_reported_as_binary_not_as_bad_utf8():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert parse(png).problems == [ParseProblem(1, "", bibtex.BINARY_INPUT)]


# --- export injection ----------------------------------------------------------------------

INJECTED_DOI = "10.1234/x}, title = {Injected}, author = {Evil, Eve"
ATTACKS = {
    "doi": INJECTED_DOI,
    "url": "https://example.org/a}, title = {Injected",
    "eprint": "2101.00001}, title = {Injected}, note = {",
    "file": "a.pdf}, author = {Evil, Eve}, x = {",
    "pdf": "x.pdf\\",
    "note": "closes } here, title = {Injected}",
    "abstract": '{ opens only\n@article(evil, title = "Injected")\nend',
    "howpublished": 'x\r\n@misc(evil2, note = "I")',
}


def field_names(text: str) -> list[str]:
    """The fields of the one entry of `text`, as bibtexparser's splitter reads them."""
    (block,) = Splitter(text).split().blocks
    return [item.key for item in block.fields]


def test_export_never_lets_a_stored_value_close_its_field():
    record = BibRecord("article", "k2020", {"title": "Safe", **ATTACKS}, [Name("Doe", "Jo")])

    text = render_entry(record)
    parsed = parse(text)

    expected = ["author", "title", "note", "doi", "url", "abstract"]
    expected += ["eprint", "file", "howpublished", "pdf"]
    assert field_names(text) == expected
    assert parsed.problems == []
    (back,) = parsed.records
    assert back.fields["title"] == "Safe"
    assert back.fields["note"] == ATTACKS["note"]
    assert back.fields["abstract"] == ATTACKS["abstract"].replace("\n", " ")
    assert back.fields["doi"] == "10.1234/x%7D, title = %7BInjected%7D, author = %7BEvil, Eve"
    assert back.fields["pdf"] == "x.pdf%5C"
    assert back.authors == [Name("Doe", "Jo")]


def test_export_writes_a_name_with_a_brace_inside_its_own_field():
    record = BibRecord("article", "k", {"title": "T"}, [Name("Evil}, title = {X", "Eve")])

    text = render_entry(record)

    assert field_names(text) == ["author", "title"]
    assert parse(text).records[0].authors == record.authors


def test_export_drops_field_names_and_fixes_keys_that_could_break_the_entry():
    fields = {"title": "T", "x = {y}, title": "z", "ok-name": "kept"}
    record = BibRecord("article, title={X}", "k}, title = {X", fields)

    text = render_entry(record)

    assert text.startswith("@misc{k___title____X,\n")
    assert field_names(text) == ["title", "ok-name"]


ANY_TEXT = st.text(alphabet=st.sampled_from(list("{}\\$%#&_~^ azAZ:/.,=\"'@()\n")), max_size=40)


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.sampled_from(["title", "note", "doi", "url", "eprint", "file", "howpublished"]),
        ANY_TEXT.filter(str.strip),
        min_size=1,
    )
)
def test_no_value_closes_its_field_whatever_it_holds(fields):
    record = BibRecord("misc", "k", fields)

    text = render_entry(record)

    assert field_names(text) == [name for name, _v in _ordered_fields(fields)]
    assert sorted(parse(text).records[0].fields) == sorted(fields)


def nested_title_record(depth: int, key: str = "a") -> BibRecord:
    text = "@article{" + key + ", title={" + "{" * depth + "Bone" + "}" * depth + "}}\n"
    return parse(text).records[0]


def test_writing_200k_nested_braces_takes_the_time_of_as_many_braces_nested_1k_deep():
    deep = nested_title_record(200_000)
    shallow = [nested_title_record(1_000, key=f"a{i}") for i in range(200)]  # as many braces

    started = time.perf_counter()
    written = render_entry(deep)
    deep_seconds, started = time.perf_counter() - started, time.perf_counter()
    for record in shallow:
        render_entry(record)
    shallow_seconds = time.perf_counter() - started

    assert "{" * 200_000 + "Bone" in written
    assert deep_seconds < 10 * max(shallow_seconds, 0.01)  # quadratic: 200 times as long
