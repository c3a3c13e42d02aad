"""What 1,000 real entries showed citeproc-py printing unlike pandoc and citeproc-js, each as
pandoc 3.9 prints it now (citations.citeproc_fixes, citations.citing, citations.formats).
Pure: no database."""

import io

from citeproc.frontend import CitationStylesXML
from citeproc.string import String

from citations import bibtex, citeproc_fixes, citing, formats

CSL = "http://purl.org/net/xbiblio/csl"


def entry(bib: str, style_id: str = "apa") -> str:
    return citing.entry(bibtex.parse(bib).records[0], style_id)


def test_a_book_with_editors_only_prints_them_once():
    bib = "@book{b, editor={Boron, Walter F.}, title={Medical physiology}, year=2017, "
    bib += "publisher={Elsevier}}"
    assert entry(bib) == "Boron, W. F. (Ed.). (2017). Medical physiology. Elsevier."
    assert entry(bib, "vancouver") == "Boron WF, editor. Medical physiology. Elsevier; 2017."


def test_a_work_without_names_prints_its_title_once():
    bib = "@book{b, title={Adobe type 1 font format}, year=1990, publisher={Adobe}}"
    assert entry(bib) == "Adobe type 1 font format. (1990). Adobe."


def test_an_editor_label_is_title_cased_in_apa():
    bib = """@incollection{c, author={Seybold, John W.}, title={Typesetting}, year=1982,
      editor={Nievergelt, J. and Coray, G.}, booktitle={Document preparation systems},
      pages={243--264}, publisher={Elsevier}}"""
    assert "In J. Nievergelt & G. Coray (Eds.), Document preparation systems" in entry(bib)


def test_vancouver_dates_and_seasons_have_their_space():
    bib = "@article{a, author={Sewell, E. W.}, title={T}, journal={TUGboat}, year=1987, "
    bib += "month=jul, volume=8, pages={123--128}}"
    assert "TUGboat. 1987 Jul;8:123–8." in entry(bib, "vancouver")
    autumn = bib.replace("month=jul", "month={Autumn}")
    assert "TUGboat. 1987 Autumn;8:123–8." in entry(autumn, "vancouver")


def test_page_ranges_are_shortened_or_expanded_by_their_digits():
    bib = (
        "@article{a, author={Cobb, G.}, title={T}, journal={B}, year=1978, volume=1, pages={PAGES}}"
    )
    assert entry(bib.replace("PAGES", "1--14"), "vancouver").endswith(";1:1–14.")
    assert entry(bib.replace("PAGES", "243--51")).endswith(", 1, 243–251.")
    assert "(Vol. 1, pp. vii + 160)" in entry(
        bib.replace("PAGES", "vii + 160").replace("@article", "@book")
    )


def test_a_thesis_without_a_number_prints_no_number_label():
    bib = """@phdthesis{t, author={Liang, Franklin Mark}, title={Word hy-phen-a-tion by
      com-pu-ter}, school={Stanford University}, year=1983, type={Ph.D. dissertation}, pages=92}"""
    assert "com-pu-ter (p. 92) [Ph.D. dissertation]" in entry(bib)  # not "(Publication; p. 92)"


def test_no_period_follows_a_question_mark_and_none_is_doubled():
    bib = "@article{a, author={Taylor, P.}, title={NTS: the future of {TeX}?}, "
    bib += "journal={TUGboat}, year=1993}"
    assert "future of TeX? TUGboat." in entry(bib)
    assert ".." not in entry(bib.replace("Taylor, P.", "{Dion.}"))


def test_a_doi_with_angle_brackets_is_printed_whole():
    doi = "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P"
    bib = (
        f"@article{{a, author={{Ryde, U.}}, title={{T}}, journal={{J}}, year=1998, doi={{{doi}}}}}"
    )
    assert entry(bib).endswith(f"https://doi.org/{doi}")
    html = citing.entry(bibtex.parse(bib).records[0], "apa", form="html")
    assert "AID-JCC1&gt;3.0" in html


def test_a_protected_part_of_a_word_does_not_split_it():
    bib = "@article{a, author={Urban, M.}, title={T}, journal={{TeX}niques}, year=1990}"
    assert "TeXniques" in entry(bib)


def test_csl_json_pages_and_values_nobody_knew():
    def item(**fields):
        record = bibtex.parse("@article{a, title={T}}").records[0]
        record.fields.update(fields)
        return formats.csl_item(record)

    assert item(pages="172--172")["page"] == "172"
    assert item(pages="161--??")["page"] == "161"
    assert "page" not in item(pages="??--??")
    assert "publisher" not in item(publisher="????")
    assert item(pages="12--19")["page"] == "12-19"


def test_a_name_that_is_only_an_undefined_macro_is_no_csl_name():
    record = bibtex.parse("@article{a, author={\\Thanh{}}, title={T}}").records[0]
    assert "author" not in formats.csl_item(record)


SAMPLE_BIB = r"""
@book{b, editor={Knuth, Donald E. and Lamport, Leslie}, title={Digital Typography},
  publisher={CSLI}, address={Stanford}, year=1999, edition={2}}
@phdthesis{t, author={Kim, Soo-Jin}, title={Bone remodeling}, school={MIT}, year=2004}
@article{a, author={Rickard, D. J. and Iwaniec, U. T. and Evans, G.}, title={Bone growth},
  journal={J Bone Miner Res}, volume=23, number=4, pages={243--51}, year=2008, month=sep,
  doi={10.1359/jbmr.071106}}
@incollection{c, author={Urban, M.}, title={Chapters}, booktitle={Collected Works},
  editor={Ryde, U.}, pages={vii + 160}, publisher={Wiley}, year={1990}}
"""
STYLES = ("apa", "vancouver", "chicago-author-date", "harvard-cite-them-right", "ieee")


def rendered() -> list[str]:
    records = bibtex.parse(SAMPLE_BIB).records
    return [
        citing.entry(record, style, form=form)
        for style in STYLES
        if style in citing.style_ids()
        for record in records
        for form in ("text", "html")
    ]


def test_remembered_style_searches_change_no_output(monkeypatch):
    remembered = rendered()
    assert len(remembered) >= 2 * 4 * 3, "apa, vancouver and one more style are installed"
    citeproc_fixes._searches.clear()
    monkeypatch.setattr(citeproc_fixes, "SEARCHES_KEPT", 1)  # nothing kept: every search runs
    assert rendered() == remembered


def test_remembered_style_searches_are_bounded(monkeypatch):
    citeproc_fixes._searches.clear()
    monkeypatch.setattr(citeproc_fixes, "SEARCHES_KEPT", 25)
    rendered()
    assert 0 < len(citeproc_fixes._searches) <= 25


def test_a_style_loaded_lets_go_of_the_searches_of_the_styles_loaded_before():
    """The searches hold elements, and an element holds its whole style tree: remembered past
    the style's eviction from `load_style`, a client asking for each of the 2,900 styles in
    turn grew a process by about 0.7 MB a style, up to SEARCHES_KEPT (some 500 MB)."""
    record = bibtex.parse(SAMPLE_BIB).records[2]
    citing.entry(record, "apa")
    apa = citing.load_style("apa").root
    assert any(key[0].getroottree().getroot() is apa for key in citeproc_fixes._searches)

    citing.load_style.cache_clear()  # as when the least recently used style is evicted
    citing.entry(record, "vancouver")

    assert citeproc_fixes._searches
    assert not any(key[0].getroottree().getroot() is apa for key in citeproc_fixes._searches)


# text-case on text citeproc-py holds as `str` or `int` (names, affixes, tagged text, a date's
# day): each entry below raised AttributeError before; each is what pandoc 3.9 prints.
def test_a_name_part_text_case_is_applied_to_the_name():
    bib = """@incollection{c, author={Urban, M.}, title={Chapters}, booktitle={Collected works},
      editor={Ryde, U.}, pages={10--20}, publisher={Wiley}, address={New York}, year=1990}"""
    assert "In: Collected works (Editor: U. Ryde). New York" in entry(bib, "acta-polytechnica")
    article = """@article{a, author={Rickard, D. J. and Iwaniec, U. T.}, title={Bone growth},
      journal={J Bone Miner Res}, volume=23, number=4, pages={243--251}, year=2008}"""
    izmir = "izmir-katip-celebi-universitesi-sosyal-bilimler-enstitusu"  # family suffix ","
    assert entry(article, izmir).startswith("Rickard, D. J., U. T. Iwaniec, “Bone growth”")
    mixed_case = article.replace("Rickard, D. J.", "mcDonald, D. J.")
    sentence = "campus-adventiste-du-saleve-faculte-adventiste-de-theologie"
    assert entry(mixed_case, sentence).startswith("mcDonald D.J., Iwaniec U.T.")


def test_a_cased_macro_with_delimiters_and_affixes_is_cased():
    thesis = """@phdthesis{t, author={Liang, Franklin Mark}, title={Word hyphenation},
      school={university of the west}, address={new york}, year=1983}"""
    assert entry(thesis, "journal-of-endodontics") == (
        "Liang FM. Word hyphenation. University of the West, New York, 1983."
    )
    book = """@book{b, author={Knuth, Donald E.}, title={Digital typography}, publisher={CSLI},
      address={Stanford}, year=1999, edition=2, series={lecture notes}, volume=78}"""
    assert "LXXVIII, Lecture notes, Stanford 1999" in entry(book, "pontifical-gregorian-university")


def test_text_case_leaves_tags_and_protected_words_alone():
    book = """@book{b, author={Knuth, Donald E.}, title={digital typography of the {TeX} world:
      an introduction}, publisher={CSLI}, year=1999, edition=2}"""
    record = bibtex.parse(book).records[0]
    assert "<i>Digital Typography of the TeX World: An Introduction</i>, 2nd ed." in (
        citing.entry(record, "materials-express", form="html")
    )
    article = """@article{a, author={Rickard, D. J.}, title={Bone Growth in {MICE} and {de Vries}},
      journal={J Bone Miner Res}, volume=23, number=4, pages={243--251}, year=2008}"""
    assert "(2008) Bone growth in MICE and de Vries. J Bone Miner Res. 23(4)" in (
        entry(article, "university-of-hull-harvard")
    )
    tagged = citeproc_fixes._segments("<i>bone &amp; growth</i>")
    assert citeproc_fixes._cased(tagged, "capitalize-all", []) == "<i>Bone &amp; Growth</i>"


def test_a_date_part_day_with_a_text_case_is_printed():
    bib = """@online{o, author={Doe, John}, title={A web page}, url={https://example.org/page},
      urldate={2020-05-01}, year=2019}"""
    assert entry(bib, "gayana").endswith("https://example.org/page. Accessed: May 1, 2020.")


def test_a_word_is_capitalized_at_its_first_letter_only_when_it_starts_with_one():
    assert citeproc_fixes._capitalized("2nd") == "2nd"  # not "2Nd"
    assert citeproc_fixes._capitalized("(eds.)") == "(Eds.)"
    assert citeproc_fixes._capitalized("\ue001script") == "\ue001Script"  # after a placeholder
    for text_case in ["capitalize-first", "capitalize-all", "title", "sentence"]:
        cased = citeproc_fixes._cased(citeproc_fixes._segments("2nd edition"), text_case, [])
        assert str(cased).startswith("2nd "), text_case


def test_an_empty_text_with_a_text_case_is_left_empty():
    citeproc_fixes.apply()
    csl = b"""<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><macro name="m">
      <text variable="title"/></macro></style>"""
    text = (
        CitationStylesXML(io.BytesIO(csl), validate=False).xml.getroot().find(f".//{{{CSL}}}text")
    )
    for text_case in ["capitalize-first", "capitalize-all", "title", "sentence"]:
        text.set("text-case", text_case)
        assert str(text.case(String(""))) == "", text_case
