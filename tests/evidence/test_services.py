"""Evidence writes regrade their claim in the same transaction, and leave history behind."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from claims.models import Claim
from evidence import services
from evidence.history import claim_grade_history
from evidence.models import CI_ORDER, Evidence
from evidence.services import (
    EVIDENCE_ADDED,
    EVIDENCE_CHANGED,
    EVIDENCE_DELETED,
    REGRADED_AFTER_EVIDENCE_CHANGE,
    REGRADED_BY_COMMAND,
    UNKNOWN_FIELDS,
    claim_regrade,
    claims_regrade,
    evidence_create,
    evidence_delete,
    evidence_update,
)
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db

# grade-3: one trial, low risk of bias, 1,000 people: starts high, capped at moderate (house
# rule: a single study is not replicated).
RCT_MODERATE = [
    "Starts high: randomised controlled trial (Smith 2020)",
    "At most moderate: one study, not replicated (Smith 2020)",
    "Direction: supported: the deciding evidence weighs 1,000 for, 0 against and 0 showing no"
    " difference (by number studied)",
]


def smith_2020():
    reference = ReferenceFactory(year=2020, verification="verified")
    person = PersonFactory(family="Smith", given=f"Ann {reference.pk}")
    ContributorFactory(reference=reference, person=person, position=0)
    return reference


def add_rct(claim, actor=None, **fields):
    fields = {"stance": "supports", "design": "rct", "population": "humans", **fields}
    fields.setdefault("sample_size", 1000)
    fields.setdefault("risk_of_bias", "low")
    return evidence_create(claim=claim, reference=smith_2020(), actor=actor, **fields)


def stored_grade(claim):
    claim.refresh_from_db()
    return (claim.grade_level, claim.grade_direction, claim.grade_reasons, claim.grade_rubric)


def test_creating_evidence_stores_the_grade_on_the_claim(curator):
    claim = ClaimFactory(status="draft")
    item = add_rct(claim, actor=curator)
    assert stored_grade(claim) == ("moderate", "supported", RCT_MODERATE, "grade-3")
    assert claim.graded_at is not None
    assert item.curator == curator


def test_the_callers_claim_instance_sees_the_new_grade():
    claim = ClaimFactory()
    add_rct(claim)
    assert (claim.grade_level, claim.grade_direction) == ("moderate", "supported")


def test_updating_evidence_regrades_the_claim():
    claim = ClaimFactory()
    item = add_rct(claim)
    evidence_update(evidence=item, design="cohort")
    assert stored_grade(claim)[:2] == ("low", "supported")


def test_moving_evidence_to_another_claim_regrades_both():
    first, second = ClaimFactory(), ClaimFactory()
    item = add_rct(first)
    evidence_update(evidence=item, claim=second)
    assert stored_grade(first)[:2] == ("insufficient", "none")
    assert stored_grade(second)[:2] == ("moderate", "supported")


def test_deleting_evidence_regrades_the_claim():
    claim = ClaimFactory()
    item = add_rct(claim)
    evidence_delete(evidence=item)
    assert stored_grade(claim) == (
        "insufficient",
        "none",
        ["Insufficient: no evidence recorded"],
        "grade-3",
    )
    assert Evidence.objects.count() == 0


def test_a_ratio_effect_is_graded_against_a_null_of_one():
    claim = ClaimFactory(claimed_direction="increase")
    add_rct(claim, effect_measure="ratio", effect_value=1.4, ci_low=1.1, ci_high=1.9)
    assert stored_grade(claim)[1] == "supported"  # the interval excludes 1
    item = Evidence.objects.get()
    evidence_update(evidence=item, effect_value=0.9, ci_low=0.7, ci_high=1.2)
    assert stored_grade(claim)[1] == "no_difference"  # it contains 1


def test_invalid_evidence_is_refused_and_the_grade_stays():
    claim = ClaimFactory()
    add_rct(claim)
    before = stored_grade(claim)
    with pytest.raises(ValidationError) as error:
        add_rct(claim, design="cohort", effect_value=2.0, ci_low=0.5, ci_high=1.5)
    assert error.value.message_dict == {"effect_value": [CI_ORDER]}
    assert Evidence.objects.count() == 1
    assert stored_grade(claim) == before


def test_a_failing_regrade_rolls_back_the_evidence_write(monkeypatch):
    claim = ClaimFactory()
    item = add_rct(claim)
    before = stored_grade(claim)

    def broken_engine(*args, **kwargs):
        raise RuntimeError("engine failed")

    monkeypatch.setattr(services, "compute_grade", broken_engine)
    with pytest.raises(RuntimeError, match="engine failed"):
        evidence_update(evidence=item, design="cohort")
    with pytest.raises(RuntimeError, match="engine failed"):
        add_rct(claim, outcome="second")
    assert Evidence.objects.get().design == "rct"
    assert stored_grade(claim) == before


def test_unknown_fields_are_refused():
    claim = ClaimFactory()
    with pytest.raises(ValidationError) as error:
        evidence_create(claim=claim, reference=smith_2020(), stance="supports", colour="red")
    assert error.value.messages == [UNKNOWN_FIELDS.format(names="colour")]
    assert Evidence.objects.count() == 0


def test_a_regrade_that_changes_nothing_writes_nothing(django_assert_num_queries):
    claim = ClaimFactory()
    item = add_rct(claim)
    versions = claim.history.count()
    evidence_update(evidence=item, quote="Bone density rose.")
    assert claim.history.count() == versions
    # savepoint, lock, evidence, contributors, covers, parts, release
    with django_assert_num_queries(7):
        claim_regrade(claim=claim)


def test_history_records_each_evidence_change_with_the_user(curator):
    claim = ClaimFactory()
    item = add_rct(claim, actor=curator)
    evidence_update(evidence=item, actor=curator, design="cohort")
    evidence_delete(evidence=item, actor=curator)
    rows = Evidence.history.order_by("history_id")
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in rows] == [
        ("+", curator, EVIDENCE_ADDED),
        ("~", curator, EVIDENCE_CHANGED),
        ("-", curator, EVIDENCE_DELETED),
    ]
    regrades = claim.history.filter(history_change_reason=REGRADED_AFTER_EVIDENCE_CHANGE)
    assert [(r.grade_level, r.history_user) for r in regrades.order_by("history_id")] == [
        ("moderate", curator),
        ("low", curator),
        ("insufficient", curator),
    ]


def test_grade_history_lists_each_change_with_who_and_why(curator):
    claim = ClaimFactory()
    item = add_rct(claim, actor=curator)
    evidence_update(evidence=item, actor=curator, quote="unchanged grade")
    evidence_update(evidence=item, actor=curator, population="animals", design="animal")
    changes = claim_grade_history(claim)
    assert [(c.level, c.direction, c.user, c.reason) for c in changes] == [
        ("moderate", "supported", curator.username, REGRADED_AFTER_EVIDENCE_CHANGE),
        # a mouse experiment (genotype, not allocated) on a humans claim: starts low, -2
        ("very_low", "supported", curator.username, REGRADED_AFTER_EVIDENCE_CHANGE),
    ]
    assert changes[0].date <= changes[1].date


def build_graded_claims(count):
    for _ in range(count):
        item = EvidenceFactory(design="cohort", sample_size=None)
        ContributorFactory(reference=item.reference, position=0)


def test_regrading_all_claims_takes_a_fixed_number_of_queries(django_assert_num_queries):
    build_graded_claims(2)
    # one batch, smaller than a full one: savepoint, claims (locked), evidence, covers, parts,
    # update, history, release
    with django_assert_num_queries(8) as few:
        assert claims_regrade() == (2, 2)
    build_graded_claims(20)
    Claim.objects.update(grade_level="")
    with django_assert_num_queries(len(few.captured_queries)):
        assert claims_regrade() == (22, 22)
    # A cohort (starts low) with risk of bias not assessed and no size or interval: very low.
    assert set(Claim.objects.values_list("grade_level", flat=True)) == {"very_low"}


def test_regrading_streams_in_batches_of_a_fixed_number_of_queries(django_assert_num_queries):
    build_graded_claims(7)
    # Three batches (3, 3 and 1 claims) of eight queries each; the short one is the last.
    with django_assert_num_queries(3 * 8):
        assert claims_regrade(batch_size=3) == (7, 7)
    with django_assert_num_queries(3 * 6):  # nothing changes: no update, no history
        assert claims_regrade(batch_size=3) == (7, 0)


@pytest.mark.parametrize("claims", [4, 40])
def test_regrade_queries_grow_with_batches_not_claims(claims, django_assert_max_num_queries):
    build_graded_claims(claims)
    batches = -(-claims // 20)
    # eight a batch, and three to find that no claim follows a full last batch
    with django_assert_max_num_queries(8 * batches + 3):
        assert claims_regrade(batch_size=20) == (claims, claims)


def test_batch_regrade_records_each_changed_claim_as_stored_with_actor_and_reason(curator):
    build_graded_claims(3)
    claims_regrade(claims=Claim.objects.filter(pk=Claim.objects.order_by("pk")[0].pk))
    assert claims_regrade(actor=curator, reason="new rubric", batch_size=2) == (3, 2)
    rows = Claim.history.filter(history_change_reason="new rubric").order_by("id")
    tracked = [field.attname for field in Claim.history.model.tracked_fields]
    claims = Claim.objects.order_by("pk")[1:]
    assert [[getattr(row, name) for name in tracked] for row in rows] == [
        [getattr(claim, name) for name in tracked] for claim in claims
    ]
    assert [(row.history_type, row.history_user, row.history_date) for row in rows] == [
        ("~", curator, claim.graded_at) for claim in claims
    ]
    assert claims_regrade(actor=curator, reason="new rubric") == (3, 0)
    assert rows.count() == 2


def test_regrade_command_prints_each_change_and_records_it_as_a_rubric_change():
    build_graded_claims(2)
    slugs = sorted(Claim.objects.values_list("slug", flat=True))
    out = io.StringIO()
    call_command("regrade", stdout=out)
    assert sorted(out.getvalue().splitlines()) == sorted(
        [f"{slug}: ungraded, none -> very_low, supported" for slug in slugs]
        + ["Regraded 2 claims with grade-3; 2 changed."]
    )
    assert REGRADED_BY_COMMAND == "rubric change"
    assert Claim.history.filter(history_change_reason=REGRADED_BY_COMMAND).count() == 2
    out = io.StringIO()
    call_command("regrade", stdout=out)
    assert out.getvalue() == "Regraded 2 claims with grade-3; 0 changed.\n"


def test_regrade_command_with_another_rubric_and_a_dry_run():
    build_graded_claims(1)
    call_command("regrade", stdout=io.StringIO())
    claim = Claim.objects.get()
    out = io.StringIO()
    call_command("regrade", "--rubric", "grade-1", "--dry-run", stdout=out)
    assert out.getvalue() == (
        f"{claim.slug}: very_low, supported -> low, supported\n"
        "Regraded 1 claims with grade-1; 1 would change.\n"
    )
    assert Claim.objects.get().grade_rubric == "grade-3"
    call_command("regrade", "--rubric", "grade-1", stdout=io.StringIO())
    assert Claim.objects.values_list("grade_level", "grade_rubric").get() == ("low", "grade-1")
    changes = claim_grade_history(claim)
    assert [(c.level, c.reason) for c in changes][-1] == ("low", "rubric change")
