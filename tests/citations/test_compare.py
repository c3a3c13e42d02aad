"""As-cited vs verified comparison: pure, no database."""

from citations.compare import Segment, differing_fields, word_diff
from citations.records import BibRecord, Name

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
    cited, _ = word_diff("a x y b", "a b")
    assert cited == [Segment("a ", False), Segment("x y", True), Segment(" b", False)]


def test_differing_fields_names_what_the_citation_got_wrong():
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
    assert differing_fields(cited, record) == ["author", "year", "number"]
    assert differing_fields(VERIFIED, record) == []
