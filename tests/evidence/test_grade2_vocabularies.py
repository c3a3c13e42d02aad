"""One truth, written once: the copied vocabularies (the rubrics', the claim page's evidence
groups, the sources' retraction states) are the models' choice values."""

import pytest

from citations.models import Retraction, Verification
from citations.sources.results import SEVERITY
from claims.models import (
    ClaimCellSpecies,
    ClaimedDirection,
    Direction,
    GradeLevel,
    Population,
    Question,
    Scale,
)
from claims.pages import GROUPS
from evidence import models
from evidence.facts import (
    GRADE1_RISKS,
    GRADE1_STANCES,
    GRADE2_QUESTIONS,
    RECORD_RETRACTIONS,
    ROB_TOOL_NAMES,
)
from evidence.rubrics import grade1, grade2, grade3, levels


@pytest.mark.parametrize(
    ("vocabulary", "choices"),
    [
        (grade2.STANCES, models.Stance),
        (grade2.DESIGNS, models.Design),
        (grade2.ITEM_POPULATIONS, models.ItemPopulation),
        (grade2.CLAIM_POPULATIONS, Population),
        (grade2.CLAIM_CELL_SPECIES, ClaimCellSpecies),
        (grade2.ITEM_CELL_SPECIES, models.ItemCellSpecies),
        (grade2.EFFECT_MEASURES, models.EffectMeasure),
        (grade2.RISKS_OF_BIAS, models.RiskOfBias),
        (grade2.VIAS, models.Via),
        (grade2.MATCHES, models.Match),
        (grade2.COMPARATOR_MATCHES, models.ComparatorMatch),
        (grade2.SAME_DIRECTIONS, models.SameDirection),
        (grade2.SMALL_STUDY_EFFECTS, models.SmallStudyEffects),
        (grade2.DOSE_RESPONSES, models.DoseResponse),
        (grade2.FUNDINGS, models.Funding),
        (grade2.SOURCE_ACCESSES, models.SourceAccess),
        (grade2.LEVELS, GradeLevel),
    ],
)
def test_grade2_vocabulary_equals_the_model_choices(vocabulary, choices):
    assert set(vocabulary) == set(choices.values)


@pytest.mark.parametrize(
    ("vocabulary", "choices"),
    [
        (grade3.QUESTIONS, Question),
        (grade3.DIRECTIONS, Direction),
        (grade3.MID_SCALES, Scale),
        (grade3.EFFECT_MEASURES, Scale),
        (grade3.CLAIMED_DIRECTIONS, ClaimedDirection),
        (grade3.RANDOMISED, models.Randomised),
        (grade3.CI_SOURCES, models.CISource),
        (grade3.LEVELS, GradeLevel),
    ],
)
def test_grade3_vocabulary_equals_the_model_choices(vocabulary, choices):
    assert set(vocabulary) == set(choices.values)


def test_grade2_reads_grade3s_new_values_through_a_mapping_or_never_stores_them():
    # prognostic reads as association (cohorts start high); grade-2 never says no_difference.
    assert set(grade2.QUESTIONS) | set(GRADE2_QUESTIONS) == set(Question.values)
    assert set(GRADE2_QUESTIONS.values()) <= set(grade2.QUESTIONS)
    assert set(grade2.DIRECTIONS) == set(Direction.values) - {"no_difference"}


def test_grade3_gets_each_named_risk_of_bias_tool_by_the_name_it_knows():
    named = {name for name in ROB_TOOL_NAMES.values() if name}
    assert set(grade3.ROB_TOOLS) <= named
    assert named - set(grade3.ROB_TOOLS) == {"Other"}  # free text for the rubric


def test_grade2_records_are_the_verification_states_and_the_retractions_that_stop_a_record():
    assert set(grade2.RECORDS) == set(Verification.values) | set(RECORD_RETRACTIONS)
    assert set(RECORD_RETRACTIONS) < set(Retraction.values)


def test_grade1_reads_every_model_value_directly_or_through_its_mapping():
    # grade-1 predates no_effect, mentions and critical; evidence.facts maps them for it.
    assert set(grade1.STANCES) | set(GRADE1_STANCES) == set(models.Stance.values)
    assert set(GRADE1_STANCES.values()) <= set(grade1.STANCES)
    assert set(grade1.RISKS_OF_BIAS) | set(GRADE1_RISKS) == set(models.RiskOfBias.values)
    assert set(GRADE1_RISKS.values()) <= set(grade1.RISKS_OF_BIAS)
    assert set(grade1.DESIGNS) == set(models.Design.values)
    assert set(grade1.ITEM_POPULATIONS) == set(models.ItemPopulation.values)
    assert set(grade1.CLAIM_POPULATIONS) == set(Population.values)
    assert set(grade1.LEVELS) < set(GradeLevel.values)


@pytest.mark.parametrize(
    ("words", "choices"),
    [
        (grade2.explain.DESIGN_WORDS, models.Design),
        (grade2.explain.STANCE_WORDS, models.Stance),
        (grade2.explain.VIA_WORDS, models.Via),
        (grade2.explain.POPULATION_WORDS, Population),
    ],
)
def test_grade2_has_plain_words_for_every_choice(words, choices):
    assert set(words) == set(choices.values)


def test_the_levels_are_the_model_grade_levels_and_their_order_is_the_models():
    # claims.models imports no evidence: the one order (evidence.rubrics.levels) is tied here.
    graded = [v for v in GradeLevel.values if v not in (levels.INSUFFICIENT, levels.NOT_GRADED)]
    assert graded == list(reversed(levels.LEVEL_NAMES.values()))  # the choices go high to low
    assert set(GradeLevel.values) == {*graded, levels.INSUFFICIENT, levels.NOT_GRADED}


def test_the_claim_page_has_an_evidence_group_for_every_stance():
    assert [stance for stance, _ in GROUPS] == list(models.Stance.values)


def test_the_sources_know_every_retraction_state():
    assert set(SEVERITY) == set(Retraction.values)
