"""As-cited vs verified comparison: pure, no database."""

from citations.text.compare import DIFFERS, NOT_GIVEN, Segment, field_status, word_diff
from citations.text.records import BibRecord, Name

VERIFIED = "Rickard DJ. Bone growth. Endocrinology. 2008;149(5):2383-90."


def test_word_diff_marks_the_wrong_year_on_both_sides():
    cited, verified = word_diff(
        "Rickard DJ. Bone growth. Endocrinology. 2007;149(5):2383-90.", VERIFIED
    )
    assert cited[1] == Segment("2007", True)
    assert verified[1] == Segment("2008", True)
    assert "".join(s.text for s in cited).endswith("2007;149(5):2383-90.")
    assert [s.changed for s in verified] == [False, True, False]


def test_word_diff_ignores_case_and_spacing():
    cited, verified = word_diff("rickard dj.  bone GROWTH.", "Rickard DJ. Bone growth.")
    assert cited == [Segment("rickard dj.  bone GROWTH.", False)]
    assert verified == [Segment("Rickard DJ. Bone growth.", False)]


def test_adjacent_changed_words_form_one_segment():
    cited, _ = word_diff("a x y b", "a z b")
    assert cited == [Segment("a ", False), Segment("x y", True), Segment(" b", False)]


def test_field_status_names_what_the_citation_got_wrong():
    record = BibRecord(
        "article",
        "k",
        {
            "title": "Bone growth",
            "journal": "Endocrinology",
            "year": "2008",
            "volume": "149",
            "number": "5",
            "pages": "2383--2390",
        },
        [Name("Rickard", "David J.")],
    )
    cited = "Rickards D. Bone growth. Endocrinology 2007; 149: 2383."
    assert field_status(cited, record) == {"author": DIFFERS, "year": DIFFERS, "number": NOT_GIVEN}
    assert DIFFERS not in field_status(VERIFIED, record).values()


def article(**fields):
    base = {"title": "Bone growth", "journal": "Endocrinology", "year": "2008"}
    return BibRecord("article", "k", {**base, **fields}, [Name("Rickard", "David J.")])


def test_a_field_the_citation_leaves_out_is_not_given_not_a_difference():
    record = article(volume="149", number="5", pages="2383--2390")
    cited = "Rickard, D. J. “Bone growth.” Endocrinology, 2008."
    assert field_status(cited, record) == {
        "volume": NOT_GIVEN,
        "number": NOT_GIVEN,
        "pages": NOT_GIVEN,
    }


def test_a_number_the_record_cannot_explain_makes_a_missing_number_field_differ():
    record = article(volume="149", pages="2383--2390")
    cited = "Rickard DJ. Bone growth. Endocrinology. 2008;150:2383."
    assert field_status(cited, record) == {"volume": DIFFERS}


def test_a_journal_left_out_is_not_given_and_another_journal_differs():
    record = article()
    assert field_status("Rickard DJ. Bone growth. 2008.", record) == {"journal": NOT_GIVEN}
    cited = "Rickard DJ. Bone growth. Journal of Bone Research, 2008."
    assert field_status(cited, record) == {"journal": DIFFERS}


def test_a_missing_year_is_not_given_and_another_year_differs():
    record = article()
    assert field_status("Rickard DJ. Bone growth. Endocrinology.", record) == {"year": NOT_GIVEN}
    assert field_status("Rickard DJ. Bone growth. Endocrinology 2009.", record) == {"year": DIFFERS}


def test_word_diff_marks_what_one_side_leaves_out_as_omitted_not_changed():
    cited, verified = word_diff(
        "Prior JC. Climacteric, 2018.", "Prior JC. Climacteric. 2018;21:366-74."
    )
    assert cited == [Segment("Prior JC. Climacteric, 2018.", False)]
    assert verified == [
        Segment("Prior JC. Climacteric. 2018;", False),
        Segment("21:366-74", False, omitted=True),
        Segment(".", False),
    ]


def test_word_diff_reads_initials_however_spelt_and_et_al_as_an_abbreviation():
    cited, verified = word_diff("Zhong, Z. A. et al. Mx1.", "Zhong ZA, Sun W, Yao W. Mx1.")
    assert not any(segment.changed for segment in cited + verified)
    assert Segment("et al", False, omitted=True) in cited
    assert Segment("Sun W, Yao W.", False, omitted=True) in verified


def test_a_wrong_first_author_before_et_al_marks_only_the_first_verified_author():
    cited, verified = word_diff("Seifert, M. et al. Bone.", "Rickard DJ, Iwaniec UT, et al. Bone.")
    assert Segment("Seifert, M.", True) in cited
    assert Segment("Rickard DJ", True) in verified
    assert Segment("Iwaniec UT", False, omitted=True) in verified
