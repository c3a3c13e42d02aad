"""Pages that say only what was judged (issue 20, item 4): grade-3's evidence profile, reader
sentences and notes, derived confidence intervals, deciding-study counts on lists, compound
claims and /methodology/ (Django test client; the profiles come from the grade-3 engine)."""

import pytest
from django.urls import reverse

from claims import pages
from claims.models import Claim, ClaimRelation
from config.caching import Memo
from evidence.facts import grade_values
from evidence.models import Evidence
from evidence.rubrics.grade3 import ClaimFacts, ItemFacts, grade
from evidence.services import claims_regrade
from evidence.wording import LABORATORY_NOTE, PROGNOSTIC_NOTE, PROVISIONAL_NOTE
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

LI_DERIVATION = "From P = 0.040 (two-sided): SE = 0.42, 95% CI = -0.86 ± 1.96 × SE"


def claim3(**kwargs):
    defaults = {
        "grade_level": "very_low",
        "grade_direction": "supported",
        "grade_rubric": "grade-3",
        "grade_reasons": ["Starts high: meta-analysis of observational studies (Li 2014)"],
    }
    return ClaimFactory(**{**defaults, **kwargs})


def authored(family: str, year: int):
    reference = ReferenceFactory(year=year)
    ContributorFactory(reference=reference, person=PersonFactory(family=family, given="A."))
    return reference


def li_2014():
    """shared/seed: Li 2014, a derived CI, I² 80 % with a cohort pointing the other way."""
    item = ItemFacts(
        label="Li 2014",
        citekey="li2014",
        year=2014,
        stance="supports",
        design="meta_analysis_obs",
        population="humans",
        sample_size=436,
        effect_value=-0.86,
        ci_low=-1.68,
        ci_high=-0.04,
        ci_source="derived",
        i_squared=80,
        same_direction="no",
    )
    claim = ClaimFacts("humans", question="prognostic", claimed_direction="decrease", mid=0.5)
    return grade(claim, [item])


def knockout_mice():
    """One mouse study at low risk of bias (SYRCLE), no CI: a laboratory claim on people."""
    item = ItemFacts(
        label="Rickard 2008",
        citekey="rickard2008",
        stance="supports",
        design="animal",
        population="animals",
        risk_of_bias="low",
        rob_tool="SYRCLE",
    )
    return grade(ClaimFacts("humans"), [item])


@pytest.fixture
def engine_grade(monkeypatch):
    """Make pages use `result.profile` as the profile of every profiled claim."""

    def use(result):
        monkeypatch.setattr(pages, "grade_profile", lambda claim: result.profile)
        return result

    return use


def page_html(client, claim) -> str:
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def profile_row(html: str, domain: str) -> str:
    start = html.index(f'<tr class="profile-row profile-{domain}">')
    return html[start : html.index("</tr>", start)]


# The evidence profile


def test_unassessed_risk_of_bias_reads_not_assessed_and_the_grade_is_provisional(
    client, engine_grade
):
    result = engine_grade(li_2014())
    assert result.provisional
    claim = claim3(question="prognostic", grade_provisional=True)
    html = page_html(client, claim)
    row = profile_row(html, "risk_of_bias")
    assert "<strong>Not assessed.</strong>" in row
    assert "Not assessed (provisional)" in row
    assert "Serious" not in row
    assert f"<li>{PROVISIONAL_NOTE}</li>" in html
    assert "Grade: <strong>Very low, provisional</strong>" in html


def test_risk_of_bias_names_each_study_with_its_tool(client, engine_grade):
    engine_grade(knockout_mice())
    html = page_html(client, claim3(grade_level="low"))
    assert "Rickard 2008: low (SYRCLE)" in profile_row(html, "risk_of_bias")
    assert PROVISIONAL_NOTE not in html


def test_each_evidence_item_names_its_risk_of_bias_tool(client):
    claim = claim3()
    EvidenceFactory(claim=claim, risk_of_bias="low", rob_tool="rob2")
    EvidenceFactory(claim=claim, risk_of_bias="not_assessed", rob_tool="rob2")
    html = page_html(client, claim)
    assert "<dt>Risk of bias</dt><dd>Low (RoB 2)</dd>" in html
    assert "<dt>Risk of bias</dt><dd>Not assessed</dd>" in html


def test_one_study_is_not_applicable_for_inconsistency(client, engine_grade):
    engine_grade(knockout_mice())
    row = profile_row(page_html(client, claim3(grade_level="low")), "inconsistency")
    assert "<strong>Not applicable (one study).</strong>" in row
    assert "agree with one another" not in row


def test_publication_bias_nobody_assessed_reads_not_assessed(client, engine_grade):
    engine_grade(knockout_mice())
    row = profile_row(page_html(client, claim3(grade_level="low")), "publication_bias")
    assert "<strong>Not assessed.</strong>" in row
    assert "Not suspected" not in row


def test_grade_2_profiles_no_longer_claim_unmade_judgements(client, monkeypatch):
    """grade-2's steady rows said "Not suspected" and, for one study, "agree with one
    another": the page says what is true instead; its downgrades stay as computed."""
    from evidence.rubrics.grade2 import ClaimFacts as Claim2
    from evidence.rubrics.grade2 import ItemFacts as Item2
    from evidence.rubrics.grade2 import grade as grade2

    item = Item2(label="Scheven 1992", citekey="s", stance="supports", design="in_vitro",
                 population="cells", record="verified")  # fmt: skip
    profile = grade2(Claim2("cells"), [item]).profile
    monkeypatch.setattr(pages, "grade_profile", lambda claim: profile)
    html = page_html(client, claim3(grade_rubric="grade-2", grade_level="high"))
    assert "Not suspected" not in html
    assert "agree with one another" not in html
    assert "<strong>Not applicable (one study).</strong>" in profile_row(html, "inconsistency")
    assert "<strong>Not assessed.</strong>" in profile_row(html, "publication_bias")


def test_imprecision_shows_the_estimate_its_derived_ci_the_mid_and_the_regions(
    client, engine_grade
):
    engine_grade(li_2014())
    claim = claim3(question="prognostic")
    EvidenceFactory(
        claim=claim,
        reference=authored("Li", 2014),
        design="meta_analysis_obs",
        effect_value=-0.86,
        ci_low=-1.68,
        ci_high=-0.04,
        ci_source="derived",
        ci_derivation=LI_DERIVATION,
        effect_unit="BMD, % per year",
    )
    html = page_html(client, claim)
    row = profile_row(html, "imprecision")
    assert "Li 2014" in row
    assert "derived from a P value" in row
    assert "-0.5 and 0.5" in row or "−0.5 and 0.5" in row
    assert "an important effect below, a trivial effect" in row
    # The evidence item and the forest plot's table say so too, not "95% CI" alone.
    derived = "−0.86 (95% CI −1.68 to −0.04, derived from a P value) BMD, % per year"
    assert html.count(derived) == 2
    # ...and the plot's description, which screen readers read.
    assert "Li 2014: −0.86 (95% CI −1.68 to −0.04, derived from a P value).</desc>" in html


def test_a_ci_derived_another_way_is_labelled_derived_not_from_a_p_value(client):
    claim = claim3()
    EvidenceFactory(
        claim=claim,
        effect_value=1.0,
        ci_low=0.5,
        ci_high=1.5,
        ci_source="derived",
        ci_derivation="mean ± 1.96 × SE from table 2",
    )
    html = page_html(client, claim)
    evidence = html[html.index('<section class="evidence"') :]
    assert "1 (95% CI 0.5 to 1.5, derived by the curator, not reported)" in evidence
    assert "derived from a P value" not in evidence


def test_caps_are_listed_with_whether_they_lowered_the_grade(client, engine_grade):
    engine_grade(knockout_mice())
    html = page_html(client, claim3(grade_level="low"))
    assert '<h3 id="caps-heading">Ceilings on the grade</h3>' in html
    assert "At most moderate: one study, not replicated (Rickard 2008)" in html
    assert "1 study decides the grade: Rickard 2008." in html


def test_possible_overlaps_are_flagged_not_merged(client, engine_grade):
    review = ItemFacts(label="Prior 2017", citekey="prior2017", year=2017, stance="supports",
                       design="meta_analysis_rct", population="humans", sample_size=1058,
                       risk_of_bias="low")  # fmt: skip
    trial = ItemFacts(label="PEPI 1996", citekey="pepi1996", year=1996, stance="supports",
                      design="rct", population="humans", sample_size=875,
                      risk_of_bias="low")  # fmt: skip
    result = engine_grade(grade(ClaimFacts("humans"), [review, trial]))
    assert result.profile.overlaps
    html = page_html(client, claim3(grade_level="moderate"))
    assert '<h3 id="overlaps-heading">Possible overlaps, not merged</h3>' in html
    assert "may include" in html


def test_a_reviews_possible_overlaps_read_as_one_sentence_naming_each_study(
    client, django_assert_max_num_queries
):
    """One review of unknown contents may include each of 30 older trials: the engine flags
    30 pairs, the page says so once per review, in the profile and in the steps (issue 27: a
    200-item claim's pairs were 420 kB of its 853 kB), and reads no more for them."""
    claim = claim3()
    EvidenceFactory(claim=claim, reference=authored("Prior", 2017),
                             design="meta_analysis_rct", sample_size=5000)  # fmt: skip
    trials = [authored(f"Trial{n}", 1980 + n) for n in range(30)]
    for reference in trials:
        EvidenceFactory(claim=claim, reference=reference)
    claims_regrade(rubric="grade-3")
    stored = Claim.objects.get(pk=claim.pk).grade_reasons
    assert sum("Prior 2017 may include" in reason for reason in stored) == 30
    with django_assert_max_num_queries(8):
        html = page_html(client, claim)
    sentence = html[html.index("Prior 2017 may include") :]
    sentence = sentence[: sentence.index("</li>")]
    assert sentence.endswith("; check Prior 2017&#x27;s included studies")
    assert all(f"Trial{n} {1980 + n}" in sentence for n in range(30))
    assert " and Trial" in sentence
    assert html.count("Prior 2017 may include") == 2  # the profile's list and every step


def test_a_profile_is_recomputed_only_when_the_claims_grading_values_change(client, monkeypatch):
    monkeypatch.setattr(pages, "PROFILES", Memo(size=8))
    computed = []

    def counted(*args, **kwargs):
        computed.append(args[0]["population"])
        return grade_values(*args, **kwargs)

    monkeypatch.setattr(pages, "grade_values", counted)
    claim = claim3()
    EvidenceFactory(claim=claim, reference=authored("Li", 2014), design="meta_analysis_obs")
    item = EvidenceFactory(claim=claim, reference=authored("Liu", 2005), sample_size=38)
    claims_regrade(rubric="grade-3")
    first = page_html(client, claim)
    assert page_html(client, claim) == first
    assert len(computed) == 1
    Evidence.objects.filter(pk=item.pk).update(sample_size=4000)
    html = page_html(client, claim)
    assert len(computed) == 2
    assert html != first


def test_a_memo_keeps_at_most_its_size():
    memo = Memo(size=4)
    assert [memo.get(n, lambda n=n: n * n) for n in range(6)] == [0, 1, 4, 9, 16, 25]
    assert len(memo.values) <= 4
    assert memo.get(5, lambda: "recomputed") == 25
    assert memo.get(0, lambda: "recomputed") == "recomputed"


def test_overlap_flags_group_by_review_and_a_single_one_keeps_the_engines_words():
    from evidence.rubrics.profile import Overlap

    def flag(review, other):
        return Overlap(
            review, other, f"{review} may include {other}; check {review}'s included studies"
        )

    flags = [flag("A 2019", "C 2001"), flag("B 2018", "C 2001"), flag("A 2019", "D 2002"),
             flag("A 2019", "E 2003")]  # fmt: skip
    grouped = pages.grouped_overlaps(flags)
    assert set(grouped.values()) == {
        "A 2019 may include C 2001, D 2002 and E 2003; check A 2019's included studies",
        flags[1].text,
    }
    stored = ["Starts high: rct (C 2001)", *(f.text for f in flags), "Direction: supported"]
    profile = type("Profile", (), {"overlaps": flags})
    assert pages.reader_reasons(stored, profile) == [
        "Starts high: randomised controlled trial (C 2001)",
        grouped[flags[0].text],
        flags[1].text,
        "Direction: supported",
    ]
    assert pages.reader_reasons(stored, None) == [pages.spelled_out(reason) for reason in stored]


# Reader sentences and notes


def test_no_difference_has_its_badge_and_grade_26_sentence(client):
    claim = claim3(grade_direction="no_difference")
    html = page_html(client, claim)
    assert '<span class="direction direction-no_difference">No difference shown</span>' in html
    assert (
        '<p class="verdict-wording">No difference shown; the evidence is very uncertain.</p>'
    ) in html
    assert "Contradicted" not in html


@pytest.mark.parametrize(
    ("level", "direction", "sentence"),
    [
        ("high", "supported", "The evidence shows that this is true."),
        ("low", "contradicted", "The opposite may be true."),
        ("moderate", "no_difference", "It probably makes little or no difference."),
        ("low", "contested", "The studies disagree; we cannot tell."),
    ],
)
def test_grade_3_claims_read_designs_sentence(client, level, direction, sentence):
    html = page_html(client, claim3(grade_level=level, grade_direction=direction))
    assert f'<p class="verdict-wording">{sentence}</p>' in html


def test_grade_2_claims_keep_their_sentences_and_rubric_label(client):
    html = page_html(client, claim3(grade_rubric="grade-2", grade_direction="contradicted"))
    assert "The evidence is very uncertain; it may or may not be true." in html
    assert "rubric grade-2" in html


def test_prognostic_claim_says_the_grade_is_about_prediction_not_cause(client):
    html = page_html(client, claim3(question="prognostic"))
    assert f"<li>{PROGNOSTIC_NOTE}</li>" in html
    assert PROGNOSTIC_NOTE not in page_html(client, claim3())


def test_laboratory_note_when_animal_studies_decide_a_claim_about_people(client, engine_grade):
    engine_grade(knockout_mice())
    claim = claim3(grade_level="low")
    EvidenceFactory(
        claim=claim, reference=authored("Rickard", 2008), design="animal", population="animals"
    )
    assert f"<li>{LABORATORY_NOTE}</li>" in page_html(client, claim)


def test_no_laboratory_note_when_people_were_studied(client, engine_grade):
    engine_grade(li_2014())
    claim = claim3()
    EvidenceFactory(claim=claim, reference=authored("Li", 2014), design="meta_analysis_obs")
    assert LABORATORY_NOTE not in page_html(client, claim)


def test_a_retracted_claim_carries_no_notes(client):
    html = page_html(client, claim3(status="retracted", question="prognostic"))
    assert PROGNOSTIC_NOTE not in html


# Compound claims


def test_compound_claim_lists_its_parts_with_their_grades_instead_of_its_own(client):
    whole = claim3(
        statement="PR is expressed in osteoblasts and osteoclasts.",
        grade_level="not_graded",
        grade_direction="none",
    )
    blasts = claim3(statement="PR is expressed in osteoblasts.", grade_level="low")
    clasts = claim3(
        statement="PR is expressed in osteoclasts.",
        grade_level="insufficient",
        grade_direction="none",
    )
    hidden = claim3(statement="An unpublished part.", status="draft")
    for part in (blasts, clasts, hidden):
        ClaimRelation.objects.create(from_claim=part, to_claim=whole, kind="part_of")
    html = page_html(client, whole)
    parts = html[
        html.index('<section class="parts"') : html.index(
            "</section>", html.index('<section class="parts"')
        )
    ]
    assert "It has no grade of its own: see its parts." in parts
    assert blasts.statement in parts
    assert clasts.statement in parts
    assert hidden.statement not in html
    assert 'href="/methodology/#level-low" title="What this grade means">Low</a>' in parts
    assert ">Insufficient</a>" in parts
    assert "each part has its own grade" in html
    assert "A background fact" not in html
    part_page = page_html(client, blasts)
    assert (
        f'<span class="relation">Part of:</span> <a href="{whole.get_absolute_url()}">' in part_page
    )


def test_compound_claim_whose_parts_are_unpublished_says_so(client):
    whole = claim3(grade_level="not_graded", grade_direction="none")
    draft = claim3(status="draft")
    ClaimRelation.objects.create(from_claim=draft, to_claim=whole, kind="part_of")
    html = page_html(client, whole)
    assert "It has no grade of its own, and its parts are not published yet." in html
    assert draft.statement not in html


def test_background_fact_is_not_a_compound_claim(client):
    html = page_html(client, claim3(grade_level="not_graded", question="background"))
    assert '<section class="parts"' not in html
    assert "A background fact: not graded." in html


# Lists count the studies that decide


def test_lists_say_how_many_studies_decide(client):
    """Two null trials decide; the second report of one of them and an article that only
    asserts the claim are no studies that decide (grade-3, stored by the regrade)."""
    claim = claim3(grade_direction="no_difference")
    leonetti, liu = authored("Leonetti", 1999), authored("Liu", 2005)
    EvidenceFactory(claim=claim, reference=leonetti, stance="no_effect", sample_size=102)
    EvidenceFactory(claim=claim, reference=leonetti, stance="no_effect", outcome="hip")
    EvidenceFactory(claim=claim, reference=liu, stance="no_effect", sample_size=38)
    EvidenceFactory(claim=claim, stance="asserts", design="popular")
    claims_regrade(rubric="grade-3")
    assert Claim.objects.get(pk=claim.pk).grade_deciding == 2
    topic = TopicFactory()
    claim.topics.add(topic)
    for url in ("/", reverse("claim-list"), topic.get_absolute_url()):
        html = client.get(url).content.decode()
        assert '<span class="counts">2 studies decide</span>' in html, url
        assert " for · " not in html, url


@pytest.mark.parametrize("count", [3, 20])
def test_list_with_evidence_costs_the_same_queries_for_any_page_size(
    client, django_assert_max_num_queries, count
):
    for index in range(count):
        claim = claim3(grade_rubric="grade-2", grade_level="low")
        item = EvidenceFactory(claim=claim, reference=authored(f"Author{index}", 2000))
        item.covers.add(authored(f"Covered{index}", 1999))
    claims_regrade(rubric="grade-2")
    # the list's own 5: the counts are stored with the grades, no evidence is read
    with django_assert_max_num_queries(5):
        response = client.get(reverse("claim-list"))
    assert response.content.decode().count("1 study decides") == count


# /methodology/


def test_methodology_says_adapted_curated_and_explains_each_house_rule(client):
    html = client.get("/methodology/").content.decode()
    assert "<strong>adapted from GRADE</strong>" in html
    assert "The evidence sets are curated, not systematic searches." in html
    for anchor in (
        "rule-cells-start-low",
        "rule-single-study-cap",
        "rule-laboratory-no-ci-cap",
        "rule-risk-of-bias-weights",
        "rule-two-thirds-tally",
        "rule-narrative-review-cap",
    ):
        assert f'id="{anchor}"' in html, anchor
    assert "a third of the deciding evidence" in html
    assert "half is at critical risk" in html
    assert "two thirds of the deciding evidence" in html
    assert "nothing but the genotype or dish decided the groups" in html
    assert "laboratory (cell) studies start at high certainty" not in html
    assert "chance alone decided who got what" not in html
    assert "grade-2 fixes these" not in html
    assert '<span class="direction direction-no_difference">No difference shown</span>' in html
    for note in (PROVISIONAL_NOTE, PROGNOSTIC_NOTE, LABORATORY_NOTE):
        assert f"<q>{note}</q>" in html
