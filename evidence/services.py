"""Writes on evidence and on the grade it feeds.

Every evidence write regrades its claim in the same transaction, under a lock on the claim
row, so a stored grade never disagrees with the evidence it was computed from. A regrade
that changes nothing writes nothing (the stored `graded_at` is when the grade last changed).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from citations.merge import reference_merge
from citations.models import Contributor, Reference
from claims.models import Claim
from evidence.grading import EvidenceFacts, Grade, grade
from evidence.history import delete_with_history, save_with_history
from evidence.models import Evidence

GRADE_FIELDS = ["grade_level", "grade_direction", "grade_reasons", "grade_rubric", "graded_at"]
EDITABLE_FIELDS = frozenset(
    field.name
    for field in Evidence._meta.concrete_fields
    if field.editable and field.name not in {"id", "created", "updated"}
)

REGRADED_AFTER_EVIDENCE_CHANGE = "regraded after evidence change"
REGRADED_BY_COMMAND = "regraded by manage.py regrade"
EVIDENCE_ADDED = "evidence added"
EVIDENCE_CHANGED = "evidence changed"
EVIDENCE_DELETED = "evidence deleted"
UNKNOWN_FIELDS = "Unknown evidence fields: {names}."


def claim_compute_grade(*, claim: Claim, evidence) -> Grade:
    """The grade rubric grade-1 gives `claim` from `evidence` (items with their references)."""
    return grade(claim.population, [EvidenceFacts.from_evidence(item) for item in evidence])


@transaction.atomic
def claim_regrade(
    *, claim: Claim, actor=None, reason: str = REGRADED_AFTER_EVIDENCE_CHANGE
) -> Grade:
    """Recompute and store the grade of `claim`; the caller's instance gets the new fields."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    result = claim_compute_grade(claim=locked, evidence=_evidence_of(locked))
    if _apply_grade(locked, result, now=timezone.now()):
        save_with_history(locked, actor=actor, reason=reason, update_fields=GRADE_FIELDS)
    for name in GRADE_FIELDS:
        setattr(claim, name, getattr(locked, name))
    return result


@transaction.atomic
def claims_regrade(
    *, claims=None, actor=None, reason: str = REGRADED_BY_COMMAND
) -> tuple[int, int]:
    """Regrade many claims with a fixed number of queries; returns (claims seen, changed)."""
    # Locked like single regrades, so a concurrent evidence write waits instead of going stale.
    claims = claims if claims is not None else Claim.objects.all()
    claims = list(claims.select_for_update().with_evidence())
    now = timezone.now()
    changed = [
        claim
        for claim in claims
        if _apply_grade(claim, claim_compute_grade(claim=claim, evidence=claim.evidence.all()), now)
    ]
    if changed:
        bulk_update_with_history(
            changed, Claim, GRADE_FIELDS, default_user=actor, default_change_reason=reason
        )
    return len(claims), len(changed)


@transaction.atomic
def evidence_create(*, claim: Claim, reference, actor=None, **fields) -> Evidence:
    _check_fields(fields)
    fields.setdefault("curator", actor)
    item = Evidence(claim=claim, reference=reference, **fields)
    return evidence_save(evidence=item, actor=actor)


@transaction.atomic
def evidence_update(*, evidence: Evidence, actor=None, **fields) -> Evidence:
    _check_fields(fields)
    for name, value in fields.items():
        setattr(evidence, name, value)
    return evidence_save(evidence=evidence, actor=actor)


@transaction.atomic
def evidence_save(*, evidence: Evidence, actor=None) -> Evidence:
    """Validate and save `evidence` as it stands (new or changed), then regrade its claims.

    The admin calls this with the instance its form has filled in.
    """
    previous = Evidence.objects.filter(pk=evidence.pk).values_list("claim_id", flat=True).first()
    claim_ids = _lock_claims({evidence.claim_id, previous} - {None})
    evidence.full_clean()
    reason = EVIDENCE_CHANGED if previous else EVIDENCE_ADDED
    save_with_history(evidence, actor=actor, reason=reason)
    for claim_id in claim_ids:
        claim = evidence.claim if claim_id == evidence.claim_id else Claim(pk=claim_id)
        claim_regrade(claim=claim, actor=actor)
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, actor=None) -> None:
    claim = evidence.claim
    _lock_claims({claim.pk})
    delete_with_history(evidence, actor=actor, reason=EVIDENCE_DELETED)
    claim_regrade(claim=claim, actor=actor)


def _apply_grade(claim: Claim, result: Grade, now) -> bool:
    """Copy `result` onto `claim`; False when the stored grade already equals it."""
    values = {
        "grade_level": result.level,
        "grade_direction": result.direction,
        "grade_reasons": list(result.reasons),
        "grade_rubric": result.rubric,
    }
    if all(getattr(claim, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(claim, name, value)
    claim.graded_at = now
    return True


def _evidence_of(claim: Claim):
    return (
        Evidence.objects.filter(claim=claim)
        .select_related("reference")
        .prefetch_related(
            Prefetch(
                "reference__contributors", queryset=Contributor.objects.select_related("person")
            )
        )
    )


def _lock_claims(claim_ids: set) -> list:
    # A fixed lock order (by primary key) keeps two writers moving one item from deadlocking.
    return list(
        Claim.objects.select_for_update()
        .filter(pk__in=claim_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _check_fields(fields: dict) -> None:
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(UNKNOWN_FIELDS.format(names=", ".join(unknown)))


MARKED_VERIFIED = "verification: {verification}"


@transaction.atomic
def reference_set_verification(
    *, reference: Reference, verification: str, note: str | None = None, actor=None
) -> Reference:
    """The one write of a reference's verification (admin form and action, API, commands):
    validated, kept in the reference's history with who and what, and the claims citing it
    regraded in the same transaction (a rubric may weigh what was verified)."""
    locked = Reference.objects.select_for_update().get(pk=reference.pk)
    locked.verification = verification
    if note is not None:
        locked.verification_note = note
    locked.full_clean()
    reason = MARKED_VERIFIED.format(verification=locked.get_verification_display().lower())
    save_with_history(locked, actor=actor, reason=reason)
    reference.verification, reference.verification_note = verification, locked.verification_note
    citing = Claim.objects.filter(evidence__reference=locked).distinct()
    claims_regrade(
        claims=Claim.objects.filter(pk__in=citing.values("pk")), actor=actor, reason=reason
    )
    return reference


REGRADED_AFTER_MERGE = "regraded: its evidence's reference was merged ({citekey})"


@transaction.atomic
def reference_merge_regrading(*, survivor, loser, actor=None):
    """Merge two references (citations.merge) and regrade every claim whose evidence moved:
    a grade's reasons name each item by its reference ("Prior 1990")."""
    claims = Claim.objects.filter(evidence__reference=loser).values("pk")
    claim_ids = list(claims.distinct().values_list("pk", flat=True))
    plan = reference_merge(survivor=survivor, loser=loser, actor=actor)
    reason = REGRADED_AFTER_MERGE.format(citekey=loser.citekey)
    claims_regrade(claims=Claim.objects.filter(pk__in=claim_ids), actor=actor, reason=reason)
    return plan
