import pytest

from evidence.wording import (
    BACKGROUND,
    GRADE3_PHRASES,
    NO_COUNTED_STUDY,
    NOT_GRADED,
    UNTESTED,
    plain_language,
)

# docs/grading.md, grade-3 "Reader wording" (GRADE 26), row by row.
DESIGN_TABLE = {
    "supported": (
        "The evidence shows that this is true.",
        "This is probably true.",
        "This may be true.",
        "The evidence is very uncertain; it may point this way.",
    ),
    "contradicted": (
        "The evidence shows the opposite.",
        "The opposite is probably true.",
        "The opposite may be true.",
        "The evidence is very uncertain; it may point the other way.",
    ),
    "no_difference": (
        "It makes little or no difference.",
        "It probably makes little or no difference.",
        "It may make little or no difference.",
        "No difference shown; the evidence is very uncertain.",
    ),
    "contested": (
        "The best studies disagree.",
        "The best studies disagree.",
        "The studies disagree; we cannot tell.",
        "The studies disagree and the evidence is very uncertain.",
    ),
}
LEVELS = ("high", "moderate", "low", "very_low")


@pytest.mark.parametrize("direction", list(DESIGN_TABLE))
@pytest.mark.parametrize("rubric", ["grade-3", ""])
def test_grade_3_sentences_are_designs_table_level_by_direction(direction, rubric):
    for level, sentence in zip(LEVELS, DESIGN_TABLE[direction], strict=True):
        assert plain_language(level, direction, rubric=rubric) == sentence


def test_grade_3_table_has_every_level_and_direction_once():
    assert len(GRADE3_PHRASES) == 16


def test_grades_of_earlier_rubrics_keep_their_sentences():
    assert plain_language("high", "supported", rubric="grade-2") == (
        "The evidence shows this is true."
    )
    assert plain_language("moderate", "supported", rubric="grade-1") == "This is probably true."
    assert plain_language("low", "contradicted", rubric="grade-2") == "This may not be true."
    assert plain_language("insufficient", "none", rubric="grade-2") == UNTESTED


def test_a_null_never_reads_as_the_opposite():
    sentence = plain_language("very_low", "no_difference", rubric="grade-3")
    assert "opposite" not in sentence
    assert "not true" not in sentence


def test_ungraded_background_and_insufficient_have_their_own_sentences():
    assert plain_language("", "") == NOT_GRADED
    assert plain_language("not_graded", "none") == BACKGROUND
    assert plain_language("insufficient", "none", rubric="grade-3") == NO_COUNTED_STUDY
