"""Rubric grade-1, rule by rule, without a database (evidence.rubrics.grade1 is pure)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.rubrics.grade1 import (
    DESIGNS,
    ITEM_POPULATIONS,
    LEVELS,
    RISKS_OF_BIAS,
    SECONDARY_DESIGNS,
    STANCES,
    START_LEVELS,
    EvidenceFacts,
    Grade,
    deciding_level,
    grade,
    item_level,
)


def fact(stance="supports", design="rct", population="humans", **kwargs):
    kwargs.setdefault("sample_size", 1000)
    kwargs.setdefault("label", f"{design} study")
    return EvidenceFacts(stance=stance, design=design, population=population, **kwargs)


def level_of(claim_population, *facts):
    return grade(claim_population, facts).level


# 1. Testing items and the insufficient case


def test_no_testing_items_is_insufficient_with_a_count_of_asserting_sources():
    facts = [
        fact("asserts", "popular", label="Wellness Blog 2021"),
        fact("asserts", "textbook", label="Speroff 2011"),
    ]
    assert grade("humans", facts) == Grade(
        level="insufficient",
        direction="none",
        reasons=(
            "Insufficient: no study tests it; 2 sources only assert it"
            " (Wellness Blog 2021; Speroff 2011)",
        ),
        rubric="grade-1",
    )


def test_one_asserting_source_is_counted_in_the_singular():
    result = grade("humans", [fact("asserts", "rct", label="Smith 2020")])
    assert result.reasons == (
        "Insufficient: no study tests it; 1 source only asserts it (Smith 2020)",
    )


def test_no_evidence_at_all_is_insufficient():
    assert grade("any", []) == Grade(
        "insufficient", "none", ("Insufficient: no evidence recorded",)
    )


@pytest.mark.parametrize("design", SECONDARY_DESIGNS)
def test_secondary_designs_never_test_a_claim_whatever_their_stance(design):
    facts = [fact(stance, design) for stance in ("supports", "contradicts", "mixed")]
    assert grade("humans", facts).level == "insufficient"


def test_asserting_items_do_not_count_beside_testing_items():
    facts = [fact("supports", "cohort"), fact("asserts", "rct"), fact("contradicts", "textbook")]
    result = grade("humans", facts)
    assert (result.level, result.direction) == ("low", "supported")


# 2. Start levels by design


@pytest.mark.parametrize(
    ("design", "level"),
    [
        ("meta_analysis_rct", "high"),
        ("rct", "high"),
        ("animal", "high"),
        ("in_vitro", "high"),
        ("meta_analysis_obs", "low"),
        ("cohort", "low"),
        ("case_control", "low"),
        ("cross_sectional", "low"),
        ("case_series", "very_low"),
    ],
)
def test_start_level_by_design_for_direct_evidence(design, level):
    assert level_of("any", fact("supports", design)) == level


def test_two_outcomes_of_one_study_are_named_once():
    facts = [fact(label="Rickard 2008"), fact("mixed", label="Rickard 2008")]
    assert grade("humans", facts).reasons[0] == "Starts high: rct (Rickard 2008)"


def test_start_reason_names_the_deciding_items_by_label():
    facts = [fact(design="rct", label="Smith 2020"), fact(design="cohort", label="Lee 2001")]
    assert grade("humans", facts).reasons[0] == "Starts high: rct (Smith 2020)"


# 3. Indirectness, per domain


@pytest.mark.parametrize(
    ("claim_population", "item_population", "design", "expected"),
    [
        ("humans", "humans", "rct", 4),
        ("humans", "animals", "animal", 2),
        ("humans", "cells", "in_vitro", 1),
        ("animals", "animals", "animal", 4),
        ("animals", "cells", "in_vitro", 3),
        ("animals", "humans", "rct", 4),
        ("cells", "cells", "in_vitro", 4),
        ("cells", "animals", "animal", 4),
        ("cells", "humans", "rct", 4),
        ("any", "humans", "rct", 4),
        ("any", "animals", "animal", 4),
        ("any", "cells", "in_vitro", 4),
    ],
)
def test_indirectness_by_claim_and_item_population(
    claim_population, item_population, design, expected
):
    assert item_level(claim_population, fact(design=design, population=item_population)) == expected


@pytest.mark.parametrize(
    ("claim_population", "item_population", "design"),
    [
        ("humans", "animals", "cohort"),
        ("humans", "cells", "cohort"),
        ("animals", "cells", "case_series"),
    ],
)
def test_indirectness_never_takes_an_item_below_very_low(claim_population, item_population, design):
    assert item_level(claim_population, fact(design=design, population=item_population)) == 1


def test_animal_evidence_for_a_human_claim_is_low_and_says_why():
    facts = [fact(design="animal", population="animals", sample_size=60, label="Rickard 2008")]
    result = grade("humans", facts)
    assert result.level == "low"
    assert result.reasons[:2] == (
        "Starts high: animal (Rickard 2008)",
        "Down 2: indirect, animals evidence for a humans claim (Rickard 2008)",
    )


def test_in_vitro_evidence_for_a_human_claim_is_very_low():
    facts = [fact(design="in_vitro", population="cells", label="Tang 2010")]
    result = grade("humans", facts)
    assert result.level == "very_low"
    assert result.reasons[1] == "Down 3: indirect, cells evidence for a humans claim (Tang 2010)"


def test_cells_evidence_for_an_animal_claim_loses_one_level():
    assert level_of("animals", fact(design="in_vitro", population="cells")) == "moderate"


def test_a_direct_item_below_the_indirect_leader_is_named_in_the_deciding_set():
    facts = [
        fact(design="animal", population="animals", sample_size=60, label="Rickard 2008"),
        fact(design="cohort", population="humans", label="Lee 2001"),
    ]
    assert grade("humans", facts).reasons[:3] == (
        "Starts high: animal (Rickard 2008)",
        "Down 2: indirect, animals evidence for a humans claim (Rickard 2008)",
        "Also low: cohort (Lee 2001)",
    )


# 4. The deciding set and the steps within it


def test_only_the_deciding_set_is_rated_down():
    facts = [fact(design="rct"), fact(design="cohort", risk_of_bias="high", sample_size=5)]
    assert level_of("humans", *facts) == "high"


def test_risk_of_bias_lowers_one_level_when_every_deciding_item_is_high():
    facts = [
        fact(risk_of_bias="high", label="Smith 2020"),
        fact(risk_of_bias="high", label="Jones 2019"),
    ]
    result = grade("humans", facts)
    assert result.level == "moderate"
    assert "Down 1: risk of bias, high in every deciding item (Smith 2020; Jones 2019)" in (
        result.reasons
    )


def test_risk_of_bias_needs_every_deciding_item_high():
    facts = [fact(risk_of_bias="high"), fact(risk_of_bias="some_concerns")]
    assert level_of("humans", *facts) == "high"


def test_inconsistency_when_deciding_items_support_and_contradict():
    facts = [fact("supports", label="Smith 2020"), fact("contradicts", label="Jones 2019")]
    result = grade("humans", facts)
    assert result.level == "moderate"
    assert (
        "Down 1: inconsistency, deciding items disagree"
        " (supports: Smith 2020; contradicts: Jones 2019)" in result.reasons
    )


def test_inconsistency_when_a_deciding_item_is_mixed():
    assert level_of("humans", fact("mixed")) == "moderate"


def test_agreeing_deciding_items_are_consistent():
    assert level_of("humans", fact("contradicts"), fact("contradicts")) == "high"


def test_disagreement_outside_the_deciding_set_is_not_inconsistency():
    assert level_of("humans", fact("supports"), fact("contradicts", "cohort")) == "high"


def test_imprecision_when_humans_sample_sizes_total_under_400():
    facts = [fact(sample_size=30, label="Smith 2020"), fact(sample_size=36, label="Jones 2019")]
    result = grade("humans", facts)
    assert result.level == "moderate"
    assert (
        "Down 1: imprecision, 66 participants in total (Smith 2020; Jones 2019)" in result.reasons
    )


def test_400_participants_are_precise_enough():
    assert level_of("humans", fact(sample_size=200), fact(sample_size=200)) == "high"


def test_sample_sizes_count_only_when_every_item_of_the_population_has_one():
    assert level_of("humans", fact(sample_size=30), fact(sample_size=None)) == "high"


def test_imprecision_when_animal_numbers_total_under_40():
    facts = [fact(design="animal", population="animals", sample_size=39, label="Rickard 2008")]
    result = grade("animals", facts)
    assert result.level == "moderate"
    assert "Down 1: imprecision, 39 animals in total (Rickard 2008)" in result.reasons


def test_40_animals_are_precise_enough():
    assert level_of("animals", fact(design="animal", population="animals", sample_size=40)) == (
        "high"
    )


def test_populations_are_totalled_separately():
    facts = [
        fact(design="rct", population="humans", sample_size=500),
        fact(design="animal", population="animals", sample_size=20),
    ]
    assert level_of("any", *facts) == "moderate"


def test_cells_have_no_sample_size_threshold():
    assert level_of("cells", fact(design="in_vitro", population="cells", sample_size=3)) == "high"


def test_imprecision_when_a_confidence_interval_contains_no_effect():
    facts = [fact(effect_value=0.5, ci_low=-0.1, ci_high=1.1, label="Smith 2020")]
    result = grade("humans", facts)
    assert result.level == "moderate"
    assert "Down 1: imprecision, confidence interval includes no effect (Smith 2020)" in (
        result.reasons
    )


@pytest.mark.parametrize(("ci_low", "ci_high"), [(1.0, 1.5), (0.6, 1.0)])
def test_an_interval_touching_the_null_value_contains_it(ci_low, ci_high):
    assert level_of("humans", fact(ci_low=ci_low, ci_high=ci_high, null_value=1.0)) == "moderate"


def test_an_interval_clear_of_the_ratio_null_is_precise():
    assert level_of("humans", fact(ci_low=0.5, ci_high=0.9, null_value=1.0)) == "high"


def test_an_interval_needs_both_ends_to_count():
    assert level_of("humans", fact(ci_low=-1.0)) == "high"


def test_imprecision_lowers_once_for_small_samples_and_a_wide_interval():
    result = grade("humans", [fact(sample_size=66, ci_low=-1.0, ci_high=1.0, label="Smith 2020")])
    assert result.level == "moderate"
    assert result.reasons[1] == (
        "Down 1: imprecision, 66 participants in total (Smith 2020);"
        " confidence interval includes no effect (Smith 2020)"
    )


def test_large_effect_raises_observational_evidence_one_level():
    result = grade("humans", [fact(design="cohort", large_effect=True, label="Lee 2001")])
    assert result.level == "moderate"
    assert "Up 1: large effect (Lee 2001)" in result.reasons


def test_large_effect_does_not_raise_randomised_evidence():
    assert level_of("humans", fact(design="rct", large_effect=True, sample_size=50)) == "moderate"


def test_large_effect_is_ignored_after_risk_of_bias():
    facts = [fact(design="cohort", large_effect=True, risk_of_bias="high")]
    assert level_of("humans", *facts) == "very_low"


def test_large_effect_is_ignored_after_inconsistency():
    facts = [fact("supports", "cohort", large_effect=True), fact("contradicts", "cohort")]
    assert level_of("humans", *facts) == "very_low"


def test_large_effect_still_offsets_imprecision():
    assert level_of("humans", fact(design="cohort", large_effect=True, sample_size=50)) == "low"


def test_large_effect_counts_for_an_observational_item_lowered_by_indirectness():
    facts = [fact(design="cohort", population="animals", large_effect=True, sample_size=None)]
    assert level_of("humans", *facts) == "low"


def test_the_floor_is_very_low_and_says_so():
    facts = [fact("mixed", "case_series", risk_of_bias="high", sample_size=12, label="Ng 2015")]
    result = grade("humans", facts)
    assert result.level == "very_low"
    assert "Stays very low: the floor of the scale" in result.reasons


def test_every_step_down_at_once_reaches_very_low_from_high():
    facts = [
        fact("supports", risk_of_bias="high", sample_size=10),
        fact("contradicts", risk_of_bias="high", sample_size=10),
    ]
    assert level_of("humans", *facts) == "very_low"


# 5. Direction


@pytest.mark.parametrize(
    ("stances", "direction"),
    [
        (["supports"], "supported"),
        (["contradicts"], "contradicted"),
        (["mixed"], "contested"),
        (["supports", "supports", "contradicts"], "supported"),
        (["contradicts", "contradicts", "supports"], "contradicted"),
        (["supports", "contradicts"], "contested"),
        (["supports", "mixed"], "supported"),
        (["contradicts", "mixed"], "contradicted"),
    ],
)
def test_direction_weighs_stances(stances, direction):
    assert grade("humans", [fact(stance) for stance in stances]).direction == direction


def test_direction_weighs_items_by_their_level():
    facts = [fact("supports", "rct"), fact("contradicts", "cohort")]
    result = grade("humans", facts)
    assert result.direction == "supported"
    assert result.reasons[-1] == (
        "Direction supported: weight 4 for, 2 against (each testing item counts its level)"
    )


def test_direction_weighs_indirect_items_less():
    facts = [fact("contradicts", "animal", population="animals"), fact("supports", "cohort")]
    assert grade("humans", facts).direction == "contested"


# GRADE handbook cases


def test_handbook_meta_analysis_of_rcts_with_serious_imprecision_is_moderate():
    facts = [
        fact(
            design="meta_analysis_rct",
            sample_size=1200,
            effect_value=0.85,
            ci_low=0.65,
            ci_high=1.08,
            null_value=1.0,
            risk_of_bias="low",
            label="Cochrane 2019",
        )
    ]
    result = grade("humans", facts)
    assert (result.level, result.direction) == ("moderate", "supported")
    assert result.reasons[:2] == (
        "Starts high: meta_analysis_rct (Cochrane 2019)",
        "Down 1: imprecision, confidence interval includes no effect (Cochrane 2019)",
    )


def test_handbook_observational_evidence_with_a_large_effect_is_moderate():
    facts = [
        fact(design="cohort", sample_size=20000, effect_value=5.0, ci_low=3.2, ci_high=7.8,
             null_value=1.0, large_effect=True, risk_of_bias="low", label="Doll 1954"),
        fact(design="case_control", sample_size=1400, large_effect=True, label="Wynder 1950"),
    ]  # fmt: skip
    result = grade("humans", facts)
    assert (result.level, result.direction) == ("moderate", "supported")
    assert result.reasons[:3] == (
        "Starts low: cohort (Doll 1954), case_control (Wynder 1950)",
        "Up 1: large effect (Doll 1954; Wynder 1950)",
        "Direction supported: weight 4 for, 0 against (each testing item counts its level)",
    )


def test_handbook_animal_evidence_for_a_human_claim_is_low_at_best():
    facts = [fact(design="animal", population="animals", sample_size=48, risk_of_bias="low")]
    assert level_of("humans", *facts) == "low"


def test_handbook_in_vitro_evidence_for_a_human_claim_is_very_low():
    facts = [fact(design="in_vitro", population="cells", risk_of_bias="low")]
    result = grade("humans", facts)
    assert (result.level, result.direction) == ("very_low", "supported")


def test_handbook_rcts_disagreeing_in_direction_are_contested_and_rated_down():
    facts = [
        fact("supports", sample_size=600, label="Prior 2018"),
        fact("contradicts", sample_size=700, label="Kaunitz 2006"),
    ]
    result = grade("humans", facts)
    assert (result.level, result.direction) == ("moderate", "contested")


# The override lives on the claim, not in the engine


def test_the_engine_ignores_a_curators_view_and_is_deterministic():
    facts = [fact(design="cohort", label="Lee 2001")]
    assert grade("humans", facts) == grade("humans", list(facts))
    assert grade("humans", facts).rubric == "grade-1"


# Bad input


@pytest.mark.parametrize(
    ("field", "value"),
    [("stance", "agrees"), ("design", "survey"), ("population", "plants"), ("risk_of_bias", "?")],
)
def test_unknown_choice_values_are_refused(field, value):
    with pytest.raises(ValueError, match=f"Unknown {field} '{value}'"):
        fact(**{field: value})


def test_unknown_claim_population_is_refused():
    with pytest.raises(ValueError, match="Unknown claim population 'plants'"):
        grade("plants", [fact()])


# Properties


facts_strategy = st.builds(
    EvidenceFacts,
    stance=st.sampled_from(STANCES),
    design=st.sampled_from(DESIGNS),
    population=st.sampled_from(ITEM_POPULATIONS),
    sample_size=st.none() | st.integers(min_value=1, max_value=600),
    ci_low=st.none() | st.floats(-3, 3),
    ci_high=st.none() | st.floats(-3, 3),
    null_value=st.sampled_from([0.0, 1.0]),
    risk_of_bias=st.sampled_from(RISKS_OF_BIAS),
    large_effect=st.booleans(),
    label=st.text(max_size=12),
)
claim_populations = st.sampled_from(["humans", "animals", "cells", "any"])


@given(claim_populations, st.lists(facts_strategy, max_size=8))
def test_level_and_direction_are_always_known_values(claim_population, facts):
    result = grade(claim_population, facts)
    assert result.level in LEVELS
    assert result.direction in {"supported", "contradicted", "contested", "none"}
    assert (result.level == "insufficient") == (result.direction == "none")
    assert result.reasons


@given(
    claim_populations,
    st.lists(facts_strategy, max_size=8),
    st.sampled_from(sorted(START_LEVELS)),
    st.sampled_from(ITEM_POPULATIONS),
)
def test_a_supporting_item_of_a_new_design_never_lowers_the_start_level(
    claim_population, facts, design, population
):
    before = deciding_level(claim_population, facts) or 0
    seen = {item.design for item in facts}
    added = EvidenceFacts(stance="supports", design=design, population=population)
    after = deciding_level(claim_population, [*facts, added])
    assert after >= before
    if design not in seen:
        assert after >= item_level(claim_population, added)


@given(claim_populations, st.lists(facts_strategy, min_size=1, max_size=8))
def test_order_of_items_does_not_change_level_or_direction(claim_population, facts):
    forward = grade(claim_population, facts)
    backward = grade(claim_population, list(reversed(facts)))
    assert (forward.level, forward.direction) == (backward.level, backward.direction)


def rubric_as_written(claim_population, facts):
    """docs/grading.md's grade-1 restated line by line, as a second opinion on the engine."""
    start = {"meta_analysis_rct": 4, "rct": 4, "animal": 4, "in_vitro": 4, "case_series": 1}
    lost = {("humans", "animals"): 2, ("humans", "cells"): 3, ("animals", "cells"): 1}
    tested = [
        (f, max(1, start.get(f.design, 2) - lost.get((claim_population, f.population), 0)))
        for f in facts
        if f.stance != "asserts" and f.design not in SECONDARY_DESIGNS
    ]
    if not tested:
        return "insufficient", "none"
    top = max(level for _, level in tested)
    d = [f for f, level in tested if level == top]
    stances = {f.stance for f in d}
    bias = all(f.risk_of_bias == "high" for f in d)
    inconsistent = "mixed" in stances or {"supports", "contradicts"} <= stances
    imprecise = any(f.ci_low is not None and f.ci_high is not None and
                    f.ci_low <= f.null_value <= f.ci_high for f in d)  # fmt: skip
    for population, optimal in (("humans", 400), ("animals", 40)):
        sizes = [f.sample_size for f in d if f.population == population]
        if sizes and None not in sizes and sum(sizes) < optimal:
            imprecise = True
    large = any(start.get(f.design, 2) == 2 and f.large_effect for f in d)
    level = top - bias - inconsistent - imprecise + (large and not bias and not inconsistent)
    names = {1: "very_low", 2: "low", 3: "moderate", 4: "high"}
    s = sum(level_ for f, level_ in tested if f.stance == "supports")
    c = sum(level_ for f, level_ in tested if f.stance == "contradicts")
    m = sum(level_ for f, level_ in tested if f.stance == "mixed") / 2
    s, c = s + m, c + m
    direction = "supported" if s >= 2 * c else "contradicted" if c >= 2 * s else "contested"
    return names[min(4, max(1, level))], direction


@settings(max_examples=300)
@given(claim_populations, st.lists(facts_strategy, max_size=10))
def test_the_engine_agrees_with_the_rubric_as_written(claim_population, facts):
    result = grade(claim_population, facts)
    assert (result.level, result.direction) == rubric_as_written(claim_population, facts)
