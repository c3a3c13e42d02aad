"""Rubric grade-3, rule by rule, and its profile: pages say only what was judged."""

import random
import re

import pytest
from hypothesis import given, settings

from evidence.rubrics.grade3 import ClaimFacts, grade
from evidence.rubrics.profile import DOMAINS, Grade
from tests.evidence.test_grade3 import item, random_case, seeds


def only(result, domain):
    return result.profile.row(domain)


# --- Profile rows say only what was judged --------------------------------------------------


def test_risk_of_bias_not_assessed_reads_not_assessed_never_serious_and_is_provisional():
    result = grade(ClaimFacts("humans"), [item(sample_size=500)])
    row = only(result, "risk_of_bias")
    assert (row.change, row.judgement) == (0, "Not assessed")
    assert result.provisional
    assert result.profile.provisional
    assert "Provisional: risk of bias not yet assessed." in result.profile.notes
    assert result.profile.risks[0].text == "Not assessed (provisional)"
    assert "Serious" not in " ".join(r.judgement for r in result.profile.rows)


def test_each_studys_risk_of_bias_is_shown_with_its_tool():
    trials = [
        item("A 2020", risk_of_bias="low", rob_tool="RoB 2", sample_size=300),
        item("B 2021", risk_of_bias="some_concerns", rob_tool="RoB 2", sample_size=300),
    ]
    result = grade(ClaimFacts("humans"), trials)
    assert [r.text for r in result.profile.risks] == ["low (RoB 2)", "some concerns (RoB 2)"]
    assert only(result, "risk_of_bias").judgement == "Not serious"
    assert not result.provisional


def test_high_risk_in_a_third_of_the_weight_rates_down_one():
    trials = [
        item("A 2020", risk_of_bias="high", sample_size=100),
        item("B 2021", risk_of_bias="low", sample_size=200),
    ]
    assert only(grade(ClaimFacts("humans"), trials), "risk_of_bias").change == -1
    trials[0] = item("A 2020", risk_of_bias="high", sample_size=99)
    assert only(grade(ClaimFacts("humans"), trials), "risk_of_bias").change == 0


def test_an_expression_of_concern_counts_as_high_risk_and_is_not_provisional():
    result = grade(ClaimFacts("humans"), [item(record="expression_of_concern")])
    assert only(result, "risk_of_bias").change == -1
    assert not result.provisional


def test_one_primary_study_makes_inconsistency_not_applicable():
    row = only(grade(ClaimFacts("humans"), [item(risk_of_bias="low")]), "inconsistency")
    assert (row.change, row.judgement) == (0, "Not applicable (one study)")


def test_one_synthesis_with_neither_i2_nor_direction_reads_inconsistency_not_assessed():
    review = item(design="meta_analysis_rct", risk_of_bias="low", sample_size=900)
    assert only(grade(ClaimFacts("humans"), [review]), "inconsistency").judgement == "Not assessed"


def test_i2_is_shown_with_the_direction_of_the_pooled_studies():
    review = item(design="meta_analysis_rct", i_squared=81, same_direction="no", sample_size=900)
    result = grade(ClaimFacts("humans"), [review])
    (pooled,) = result.profile.heterogeneity
    assert pooled.text == "I² 81%; direction of the pooled studies: some opposite"
    assert only(result, "inconsistency").change == -2


@pytest.mark.parametrize(
    ("small_study_effects", "judgement", "change"),
    [
        ("not_assessed", "Not assessed", 0),
        ("not_detected", "Not detected", 0),
        ("detected", "Suspected", -1),
    ],
)
def test_publication_bias_reads_suspected_not_detected_or_not_assessed(
    small_study_effects, judgement, change
):
    review = item(design="meta_analysis_rct", small_study_effects=small_study_effects)
    row = only(grade(ClaimFacts("humans"), [review]), "publication_bias")
    assert (row.judgement, row.change) == (judgement, change)


def test_a_ci_derived_from_a_p_value_is_labelled_so_with_mid_thresholds_and_regions():
    li = item(
        "Li 2014",
        design="meta_analysis_obs",
        sample_size=436,
        effect_value=-0.86,
        ci_low=-1.68,
        ci_high=-0.04,
        ci_source="derived",
    )
    result = grade(ClaimFacts("humans", mid=0.5, claimed_direction="decrease"), [li])
    estimate = result.profile.estimate
    assert (estimate.source, estimate.study, estimate.ci_source) == ("study", "Li 2014", "derived")
    assert (estimate.mid, estimate.thresholds) == (0.5, (-0.5, 0.5))
    assert estimate.regions == ("important_low", "trivial")
    assert "derived from a P value" in only(result, "imprecision").footnote


def test_a_ratio_mid_gives_reciprocal_thresholds():
    trial = item(effect_measure="ratio", effect_value=0.8, ci_low=0.7, ci_high=0.9, sample_size=900)
    result = grade(ClaimFacts("humans", mid=2.0, mid_scale="ratio"), [trial])
    assert result.profile.estimate.thresholds == (0.5, 2.0)
    assert result.profile.estimate.regions == ("trivial",)


def test_laboratory_results_without_a_ci_are_not_assessable_and_capped_at_low():
    mice = item(design="animal", population="animals", randomised="yes", risk_of_bias="low")
    result = grade(
        ClaimFacts("animals"),
        [
            mice,
            item(
                "Other 2019",
                design="animal",
                population="animals",
                randomised="yes",
                risk_of_bias="low",
            ),
        ],
    )
    assert result.level == "low"
    assert only(result, "imprecision").judgement == "Not assessable"
    assert [cap.kind for cap in result.profile.caps if cap.applied] == ["laboratory_no_ci"]


def test_a_single_unreplicated_study_is_at_most_moderate():
    trial = item(sample_size=5000, effect_value=0.5, ci_low=0.3, ci_high=0.7, risk_of_bias="low")
    result = grade(ClaimFacts("humans"), [trial])
    assert result.level == "moderate"
    assert [cap.kind for cap in result.profile.caps] == ["single_study"]


def test_caps_that_lowered_the_grade_are_reasons_in_plain_words():
    trial = item(sample_size=5000, effect_value=0.5, ci_low=0.3, ci_high=0.7, risk_of_bias="low")
    reasons = grade(ClaimFacts("humans"), [trial]).reasons
    assert "At most moderate: one study, not replicated (Smith 2020)" in reasons


def test_a_narrative_reviews_account_is_at_most_low():
    trials = [
        item(
            f"Review {n}",
            citekey=f"r{n}",
            via="narrative_review",
            sample_size=900,
            risk_of_bias="low",
        )
        for n in range(2)
    ]
    assert grade(ClaimFacts("humans"), trials).level == "low"


def test_start_footnote_never_says_chance_decided_for_knockout_or_cell_studies():
    for design, population in (("animal", "animals"), ("in_vitro", "cells")):
        study = item(design=design, population=population)
        footnote = only(grade(ClaimFacts(population), [study]), "start").footnote
        assert "chance" not in footnote
        assert "nothing but the genotype or dish decided the groups" in footnote


def test_reader_notes_for_prognostic_and_laboratory_claims():
    cohort = item(design="cohort", sample_size=900)
    notes = grade(ClaimFacts("humans", question="prognostic"), [cohort]).profile.notes
    assert (
        "This grade is about an association that predicts risk; it says nothing about cause."
        in notes
    )
    mice = item(design="animal", population="animals")
    notes = grade(ClaimFacts("humans"), [mice]).profile.notes
    assert "Based on laboratory or animal studies, not on people." in notes


# --- Studies, comparisons, overlaps ---------------------------------------------------------


def test_comparison_keys_are_trimmed_and_case_folded_but_inner_spaces_count():
    a = item("PEPI 1996", citekey="pepi", comparison=" CEE+MP vs CEE ", sample_size=300)
    b = item("PEPI 1996", citekey="pepi", comparison="cee+mp vs cee", sample_size=300)
    c = item("PEPI 1996", citekey="pepi", comparison="CEE + MP vs CEE", sample_size=300)
    assert len(grade(ClaimFacts("humans"), [a, b]).profile.counted_once) == 1
    assert grade(ClaimFacts("humans"), [a, c]).profile.deciding == ("PEPI 1996", "PEPI 1996")


def test_a_review_of_unknown_contents_is_flagged_not_merged():
    review = item(
        "Prior 2017", citekey="prior2017", year=2017, design="meta_analysis_rct", sample_size=1000
    )
    trial = item("PEPI 1996", citekey="pepi", year=1996, sample_size=875)
    result = grade(ClaimFacts("humans"), [review, trial])
    assert result.profile.deciding == ("Prior 2017", "PEPI 1996")
    (overlap,) = result.profile.overlaps
    assert overlap.text == "Prior 2017 may include PEPI 1996; check Prior 2017's included studies"
    newer = item("Newer 2020", citekey="newer", year=2020, sample_size=100)
    assert not grade(ClaimFacts("humans"), [review, newer]).profile.overlaps


def test_one_paper_finding_for_and_against_is_a_mixed_study_but_a_null_site_is_not_against():
    results = [
        item("Rickard 2008", citekey="rickard", stance="supports"),
        item("Rickard 2008", citekey="rickard", stance="no_effect"),
    ]
    result = grade(ClaimFacts("humans"), results)
    assert result.direction == "supported"  # the first result represents the paper
    results[1] = item("Rickard 2008", citekey="rickard", stance="contradicts")
    assert grade(ClaimFacts("humans"), results).direction == "contested"  # mixed: half each way


def test_a_null_never_reads_contradicted_and_a_null_claim_is_upheld_as_no_difference():
    null = item(stance="no_effect", sample_size=900)
    assert grade(ClaimFacts("humans"), [null]).direction == "no_difference"
    agrees = item(stance="supports", sample_size=900)
    assert grade(ClaimFacts("humans", claimed_direction="none"), [agrees]).direction == (
        "no_difference"
    )


def test_the_pooled_estimate_decides_the_direction_when_the_claim_says_which_way():
    trials = [item(f"T{n}", stance="contradicts", sample_size=300) for n in range(3)]
    claim = ClaimFacts(
        "humans",
        claimed_direction="increase",
        pooled_value=0.3,
        pooled_ci_low=0.1,
        pooled_ci_high=0.5,
    )
    assert grade(claim, trials).direction == "supported"


# --- Interface --------------------------------------------------------------------------


def test_the_profile_has_one_row_per_domain_in_order():
    result = grade(ClaimFacts("humans"), [item(), item("Other 2019", stance="contradicts")])
    assert tuple(row.domain for row in result.profile.rows) == DOMAINS


def test_profile_false_gives_the_same_grade_without_a_profile():
    rng = random.Random(3)
    for _ in range(200):
        claim, items = random_case(rng)
        full, stored = grade(claim, items), grade(claim, items, profile=False)
        assert (full.level, full.direction, full.provisional, full.reasons) == (
            stored.level,
            stored.direction,
            stored.provisional,
            stored.reasons,
        )
        if stored.level not in ("insufficient", "not_graded"):
            assert stored.profile is None


def test_grade_keeps_its_positional_order_and_provisional_defaults_to_false():
    old = Grade("low", "supported", ("Starts low",), "grade-2", None)
    assert (old.rubric, old.provisional) == ("grade-2", False)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ci_low": 0.1}, "needs both ends"),
        ({"ci_low": 0.5, "ci_high": 0.1}, "exceeds"),
        ({"effect_measure": "ratio", "ci_low": 0.0, "ci_high": 1.0}, "above 0"),
        ({"sample_size": 0}, "at least 1"),
        ({"randomised": "maybe"}, "Unknown randomised"),
        ({"stance": "agrees"}, "Unknown stance"),
    ],
)
def test_bad_item_input_is_a_clear_value_error(fields, message):
    with pytest.raises(ValueError, match=message):
        item(**fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mid": 0}, "MID must be above 0"),
        ({"mid": 1.0, "mid_scale": "ratio"}, "above 1 on the ratio scale"),
        ({"claimed_direction": "up"}, "Unknown claimed_direction"),
        ({"question": "causal"}, "Unknown question"),
        ({"pooled_ci_low": 0.2}, "needs both ends"),
    ],
)
def test_bad_claim_input_is_a_clear_value_error(fields, message):
    with pytest.raises(ValueError, match=message):
        ClaimFacts("humans", **fields)


INTERNAL = re.compile(r"\b[a-z]+_[a-z_]+\b")


@settings(max_examples=300, deadline=None)
@given(seeds)
def test_reasons_and_profile_never_show_internal_codes(rng):
    claim, items = random_case(rng)
    result = grade(claim, items)
    texts = list(result.reasons)
    if result.profile is not None:
        profile = result.profile
        texts += [row.judgement for row in profile.rows] + [row.footnote for row in profile.rows]
        texts += [*profile.counted_once, *profile.not_counted, *profile.other_way]
        texts += [risk.text for risk in profile.risks] + [cap.text for cap in profile.caps]
        texts += [h.text for h in profile.heterogeneity] + [o.text for o in profile.overlaps]
        texts += [profile.estimate.text] if profile.estimate else []
        assert "Not suspected" not in texts
    for text in texts:
        assert not INTERNAL.search(text), text
