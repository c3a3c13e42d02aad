"""Rubric grade-3 without a database: docs/grading.md's 15 worked examples, one named test each
(level, direction, provisional), and agreement with an independent implementation
(tests/evidence/grade3_reference.py) on random cases."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.rubrics import RUBRICS, grade3
from evidence.rubrics.grade3 import ClaimFacts, ItemFacts, grade
from tests.evidence.grade3_reference import reference_grade

seeds = st.integers(min_value=0, max_value=2**32).map(random.Random)


def item(label="Smith 2020", **fields):
    fields.setdefault("citekey", label.lower().replace(" ", ""))
    fields.setdefault("stance", "supports")
    fields.setdefault("design", "rct")
    fields.setdefault("population", "humans")
    return ItemFacts(label=label, **fields)


def outcome(claim, items):
    result = grade(claim, items)
    return result.level, result.direction, result.provisional


# --- docs/grading.md's worked examples ---------------------------------------------------------


def test_example_1_one_verified_cell_study_with_a_ci_is_low_supported_never_high():
    study = item(
        "Cell 2019",
        design="in_vitro",
        population="cells",
        risk_of_bias="low",
        effect_measure="ratio",
        effect_value=2.0,
        ci_low=1.5,
        ci_high=2.5,
    )
    assert outcome(ClaimFacts("cells"), [study]) == ("low", "supported", False)


def test_example_2_two_rcts_one_at_critical_risk_of_bias_is_low_supported():
    trials = [
        item(label, sample_size=500, effect_value=1.0, ci_low=0.6, ci_high=1.4, risk_of_bias=risk)
        for label, risk in (("Low 2020", "low"), ("Critical 2021", "critical"))
    ]
    result = grade(ClaimFacts("humans", mid=0.5), trials)
    assert (result.level, result.direction, result.provisional) == ("low", "supported", False)
    assert result.profile.row("risk_of_bias").change == -2


def test_example_3_small_rct_spanning_twice_the_mid_both_ways_is_very_low_no_difference():
    trial = item(
        "Small 2020",
        stance="no_effect",
        sample_size=40,
        effect_value=0.1,
        ci_low=-1.2,
        ci_high=1.4,
        risk_of_bias="low",
    )
    result = grade(ClaimFacts("humans", mid=0.5), [trial])
    assert (result.level, result.direction, result.provisional) == (
        "very_low",
        "no_difference",
        False,
    )
    assert result.profile.row("imprecision").change == -3
    assert result.profile.estimate.regions == ("important_low", "trivial", "important_high")


def test_example_4_null_placebo_rct_on_a_surrogate_without_ci_is_very_low_no_difference():
    trial = item(
        "Placebo 1999",
        stance="no_effect",
        sample_size=90,
        outcome_match="related",
        risk_of_bias="low",
    )
    result = grade(ClaimFacts("humans"), [trial])
    assert (result.level, result.direction, result.provisional) == (
        "very_low",
        "no_difference",
        False,
    )
    assert result.profile.row("imprecision").change == -2


def test_example_5_different_comparisons_are_not_merged_and_pepi_decides_low_no_difference():
    prior = item(
        "Prior 2017",
        citekey="prior2017estrogen",
        year=2017,
        design="meta_analysis_rct",
        comparison="CEE+MPA vs CEE",
        intervention_match="related",
        sample_size=1058,
        effect_value=0.68,
        ci_low=0.38,
        ci_high=0.97,
        i_squared=81,
        covers=("pepi1996",),
    )
    pepi = item(
        "PEPI 1996",
        citekey="pepi1996",
        year=1996,
        stance="no_effect",
        comparison="CEE+MP vs CEE",
        sample_size=350,
        risk_of_bias="low",
        rob_tool="RoB 2",
    )
    result = grade(ClaimFacts("humans"), [prior, pepi])
    assert (result.level, result.direction, result.provisional) == (
        "low",
        "no_difference",
        False,
    )
    assert result.profile.deciding == ("PEPI 1996",)
    assert not result.profile.counted_once


def meta_analysis_1058(**fields):
    fields = {
        "citekey": "prior2017estrogen",
        "year": 2017,
        "design": "meta_analysis_rct",
        "sample_size": 1058,
        "effect_value": 0.68,
        "ci_low": 0.38,
        "ci_high": 0.97,
        "i_squared": 81,
        **fields,
    }
    return item("Prior 2017", **fields)


def test_example_6_meta_analysis_i2_81_not_assessed_with_mid_is_low_supported_provisional():
    result = grade(ClaimFacts("humans", mid=0.5), [meta_analysis_1058()])
    assert (result.level, result.direction, result.provisional) == ("low", "supported", True)
    assert result.profile.row("inconsistency").change == -1
    assert result.profile.row("imprecision").change == -1
    assert result.profile.row("risk_of_bias").judgement == "Not assessed"


def test_example_6_with_low_risk_and_same_direction_is_moderate_supported():
    study = meta_analysis_1058(risk_of_bias="low", same_direction="yes")
    assert outcome(ClaimFacts("humans", mid=0.5), [study]) == ("moderate", "supported", False)


def test_example_7_same_meta_analysis_without_mid_low_risk_same_direction_is_high_supported():
    study = meta_analysis_1058(risk_of_bias="low", same_direction="yes")
    assert outcome(ClaimFacts("humans"), [study]) == ("high", "supported", False)


def test_example_8_prognostic_cohort_meta_analysis_with_opposite_cohorts_is_very_low_supported():
    li = item(
        "Li 2014",
        design="meta_analysis_obs",
        stance="supports",
        sample_size=436,
        effect_value=-0.86,
        ci_low=-1.68,
        ci_high=-0.04,
        ci_source="derived",
        i_squared=80,
        same_direction="no",
        risk_of_bias="low",
        rob_tool="QUIPS",
    )
    claim = ClaimFacts("humans", question="prognostic", claimed_direction="decrease", mid=0.5)
    result = grade(claim, [li])
    assert (result.level, result.direction, result.provisional) == (
        "very_low",
        "supported",
        False,
    )
    assert result.profile.row("start").change == 4
    assert result.profile.row("inconsistency").change == -2
    assert result.profile.row("imprecision").change == -1


def null_meta_analysis(value, low, high, size, **fields):
    return item(
        "Null 2020",
        design="meta_analysis_rct",
        stance="no_effect",
        sample_size=size,
        effect_measure="ratio",
        effect_value=value,
        ci_low=low,
        ci_high=high,
        risk_of_bias="low",
        **fields,
    )


def test_example_9_precise_null_meta_analysis_is_high_no_difference():
    study = null_meta_analysis(1.00, 0.90, 1.10, 5000)
    assert outcome(ClaimFacts("humans"), [study]) == ("high", "no_difference", False)


def test_example_9_wide_null_meta_analysis_is_very_low_no_difference():
    study = null_meta_analysis(1.0, 0.3, 3.2, 120)
    result = grade(ClaimFacts("humans"), [study])
    assert (result.level, result.direction, result.provisional) == (
        "very_low",
        "no_difference",
        False,
    )
    assert result.profile.row("imprecision").change == -3


def test_example_10_precise_meta_analysis_and_compatible_small_null_trial_is_moderate_supported():
    big = item(
        "Big 2020",
        design="meta_analysis_rct",
        sample_size=5000,
        effect_measure="ratio",
        effect_value=0.70,
        ci_low=0.60,
        ci_high=0.80,
        risk_of_bias="low",
    )
    small = item(
        "Small 2018",
        stance="no_effect",
        sample_size=60,
        effect_measure="ratio",
        effect_value=0.9,
        ci_low=0.4,
        ci_high=1.6,
        risk_of_bias="low",
    )
    result = grade(ClaimFacts("humans", claimed_direction="decrease"), [big, small])
    assert (result.level, result.direction, result.provisional) == (
        "moderate",
        "supported",
        False,
    )
    assert result.profile.row("inconsistency").change == 0
    assert result.profile.row("imprecision").change == -1


def cohorts_015(**fields):
    return item(
        "Cohorts 2015",
        design="meta_analysis_obs",
        sample_size=20000,
        effect_measure="ratio",
        effect_value=0.15,
        ci_low=0.10,
        ci_high=0.22,
        **fields,
    )


def test_example_11_very_large_effect_in_cohorts_at_low_risk_is_rated_up_to_high_supported():
    claim = ClaimFacts("humans", claimed_direction="decrease")
    result = grade(claim, [cohorts_015(risk_of_bias="low", rob_tool="ROBINS-E")])
    assert (result.level, result.direction, result.provisional) == ("high", "supported", False)
    assert result.profile.row("rating_up").change == 2


def test_example_11_without_risk_of_bias_assessed_is_not_rated_up_low_supported_provisional():
    claim = ClaimFacts("humans", claimed_direction="decrease")
    assert outcome(claim, [cohorts_015()]) == ("low", "supported", True)


def test_example_12_mouse_study_similar_to_wild_type_on_a_null_claim_is_very_low_no_difference():
    mice = item(
        "Mx1 2015",
        design="animal",
        population="animals",
        stance="supports",
        risk_of_bias="low",
        rob_tool="SYRCLE",
    )
    claim = ClaimFacts("animals", claimed_direction="none")
    result = grade(claim, [mice])
    assert (result.level, result.direction, result.provisional) == (
        "very_low",
        "no_difference",
        False,
    )
    assert result.profile.row("start").change == 2


def three_trials():
    return [
        item(f"Trial {n}", stance=stance, sample_size=300, risk_of_bias="low")
        for n, stance in enumerate(("no_effect", "no_effect", "supports"))
    ]


def test_example_13_three_trials_two_null_without_cis_is_low_no_difference():
    assert outcome(ClaimFacts("humans"), three_trials()) == ("low", "no_difference", False)


def test_example_13_with_a_pooled_increase_is_moderate_supported():
    claim = ClaimFacts(
        "humans",
        claimed_direction="increase",
        pooled_value=0.4,
        pooled_ci_low=0.1,
        pooled_ci_high=0.7,
    )
    result = grade(claim, three_trials())
    assert (result.level, result.direction, result.provisional) == (
        "moderate",
        "supported",
        False,
    )
    assert result.profile.estimate.source == "pooled"


def test_example_14_knockout_study_known_only_from_a_press_summary_is_at_most_very_low():
    knockout = item(
        "Press 2016",
        design="animal",
        population="animals",
        randomised="yes",
        source_access="secondary",
        risk_of_bias="low",
        sample_size=200,
        effect_measure="ratio",
        effect_value=3.0,
        ci_low=2.5,
        ci_high=3.5,
    )
    result = grade(ClaimFacts("animals"), [knockout])
    assert result.level == "very_low"
    assert (result.direction, result.provisional) == ("supported", False)
    assert [cap.kind for cap in result.profile.caps] == ["secondary", "single_study"]


def test_example_15_a_statement_with_two_parts_is_not_graded_see_its_parts():
    claim = ClaimFacts("humans", parts=("pr-in-osteoblasts", "pr-in-osteoclasts"))
    result = grade(claim, [item(risk_of_bias="low")])
    assert (result.level, result.direction, result.provisional) == ("not_graded", "none", False)
    assert "see its parts" in result.reasons[0]
    assert result.profile.parts == ("pr-in-osteoblasts", "pr-in-osteoclasts")


WORKED_EXAMPLES = [
    (ClaimFacts("humans", mid=0.5), [meta_analysis_1058()]),
    (ClaimFacts("humans"), [null_meta_analysis(1.0, 0.3, 3.2, 120)]),
    (ClaimFacts("humans"), three_trials()),
    (ClaimFacts("humans", claimed_direction="decrease"), [cohorts_015(risk_of_bias="low")]),
    (ClaimFacts("humans", claimed_direction="decrease"), [cohorts_015()]),
]


@pytest.mark.parametrize(("claim", "items"), WORKED_EXAMPLES)
def test_the_independent_implementation_agrees_on_worked_examples(claim, items):
    assert reference_grade(claim, items) == outcome(claim, items)


def test_grade3_is_registered_by_name():
    assert RUBRICS["grade-3"] is grade3
    assert grade(ClaimFacts("humans"), [item()]).rubric == "grade-3"


# --- Random cases against the independent implementation ----------------------------------

CITEKEYS = ("a2001", "b2005", "c2010", "d2015", "")
COMPARISONS = ("", "", "CEE+MP vs CEE", " cee+mp vs CEE ", "CEE+MPA vs CEE")


def random_item(rng: random.Random, clean: float = 0.0) -> ItemFacts:
    """A random item; `clean` is the chance each field takes its unproblematic value, so some
    cases reach high, rating up and the single-study cap."""

    def pick(choices, common=None, p=0.5):
        if common is not None and rng.random() < max(p, clean):
            return common
        return rng.choice(choices)

    measure = rng.choice(grade3.EFFECT_MEASURES)
    value = low = high = None
    if rng.random() < 0.6:
        if measure == "ratio":
            centre = rng.choice((0.1, 0.15, 0.4, 0.7, 0.9, 1.0, 1.1, 1.6, 2.5, 6.0))
            spread = rng.choice((1.05, 1.2, 1.5, 2.0, 3.5))
            value, low, high = centre, round(centre / spread, 3), round(centre * spread, 3)
        else:
            centre = rng.choice((-1.0, -0.6, -0.2, 0.0, 0.1, 0.4, 0.7, 1.2))
            spread = rng.choice((0.05, 0.2, 0.45, 0.8, 1.3, 2.0))
            value, low, high = centre, round(centre - spread, 3), round(centre + spread, 3)
    label = f"Author {rng.randint(1, 6)}"
    return ItemFacts(
        label=label,
        citekey=rng.choice(CITEKEYS),
        year=rng.choice((None, 1995, 2005, 2010, 2020)),
        stance=pick(grade3.STANCES, "supports", 0.3),
        design=pick(grade3.DESIGNS, rng.choice(("rct", "cohort", "meta_analysis_obs")), 0.25),
        population=pick(grade3.ITEM_POPULATIONS, "humans", 0.5),
        sample_size=rng.choice((None, 20, 60, 150, 300, 500)),
        effect_measure=measure,
        effect_value=value,
        ci_low=low,
        ci_high=high,
        ci_source=rng.choice(grade3.CI_SOURCES),
        risk_of_bias=pick(grade3.RISKS_OF_BIAS, "low", 0),
        rob_tool=rng.choice(("", "RoB 2", "SYRCLE")),
        via=pick(grade3.VIAS, "direct", 0.6),
        covers=tuple(rng.sample(CITEKEYS[:4], rng.choice((0, 0, 0, 1, 2)))),
        cell_species=rng.choice(grade3.ITEM_CELL_SPECIES),
        population_match=pick(grade3.MATCHES, "direct", 0.7),
        intervention_match=pick(grade3.MATCHES, "direct", 0.7),
        outcome_match=pick(grade3.MATCHES, "direct", 0.7),
        comparator_match=pick(grade3.COMPARATOR_MATCHES, "direct", 0.7),
        i_squared=rng.choice((None, None, 20, 50, 75, 90)),
        same_direction=rng.choice(grade3.SAME_DIRECTIONS),
        small_study_effects=pick(grade3.SMALL_STUDY_EFFECTS, "not_detected", 0),
        dose_response=rng.choice(grade3.DOSE_RESPONSES),
        confounding_reduces=rng.random() < 0.2,
        funding=rng.choice(grade3.FUNDINGS),
        source_access=pick(grade3.SOURCE_ACCESSES, "full_text", 0.6),
        record=pick(grade3.RECORDS, "verified", 0.6),
        comparison=rng.choice(COMPARISONS),
        randomised=rng.choice(grade3.RANDOMISED),
    )


def random_claim(rng: random.Random) -> ClaimFacts:
    scale = rng.choice(grade3.MID_SCALES)
    mid = rng.choice((None, 0.5, 1.0)) if scale == "difference" else rng.choice((None, 1.25, 2.0))
    pooled = {}
    if rng.random() < 0.2:
        measure = rng.choice(grade3.EFFECT_MEASURES)
        if measure == "ratio":
            low, high = rng.choice(((0.1, 0.19), (0.5, 0.9), (0.8, 1.3), (2.1, 6.0), (0.3, 3.2)))
        else:
            low, high = rng.choice(((-1.2, -0.6), (-0.3, 0.4), (0.1, 0.7), (-2.5, 2.5)))
        value = rng.choice((None, round((low + high) / 2, 3)))
        pooled = {
            "pooled_measure": measure,
            "pooled_value": value,
            "pooled_ci_low": low,
            "pooled_ci_high": high,
        }
    return ClaimFacts(
        rng.choice(grade3.CLAIM_POPULATIONS),
        question=rng.choice(("effect",) * 8 + ("prognostic", "prognostic", "association")),
        cell_species=rng.choice(grade3.CLAIM_CELL_SPECIES),
        mid=mid,
        mid_scale=scale,
        claimed_direction=rng.choice(grade3.CLAIMED_DIRECTIONS),
        parts=("part-a", "part-b") if rng.random() < 0.03 else (),
        **pooled,
    )


def random_case(rng: random.Random):
    claim = random_claim(rng)
    if rng.random() < 0.04:
        claim = ClaimFacts(claim.population, question="background")
    clean = rng.choice((0.0, 0.0, 0.8, 0.95))
    items = [random_item(rng, clean) for _ in range(rng.randint(0, 7))]
    if items and rng.random() < 0.3:  # every size known, so weights are sizes
        items = [
            ItemFacts(**{**vars(i), "sample_size": i.sample_size or rng.choice((30, 400))})
            for i in items
        ]
    return claim, items


@settings(max_examples=400, deadline=None)
@given(seeds)
def test_grade3_agrees_with_the_independent_implementation_on_random_cases(rng):
    claim, items = random_case(rng)
    assert outcome(claim, items) == reference_grade(claim, items), (claim, items)


def test_grade3_agrees_with_the_independent_implementation_on_5000_seeded_cases():
    rng = random.Random(20261206)
    disagreements = []
    for _ in range(5000):
        claim, items = random_case(rng)
        ours, theirs = outcome(claim, items), reference_grade(claim, items)
        if ours != theirs:
            disagreements.append((claim, items, ours, theirs))
    assert not disagreements, (len(disagreements), disagreements[:1])
