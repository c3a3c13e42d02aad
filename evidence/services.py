"""Writes on evidence and on the grade it feeds.

Every evidence write regrades its claim in the same transaction, under a lock on the claim
row, so a stored grade never disagrees with the evidence it was computed from. A regrade
that changes nothing writes nothing (the stored `graded_at` is when the grade last changed).
Grades come from the current rubric (`evidence.facts.current_rubric`) unless a regrade names
another; each claim stores the rubric that graded it.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from citations.merge import reference_merge
from citations.models import Reference
from claims.models import Claim
from evidence.facts import (
    compute_grade,
    evidence_for_grading,
    evidence_rows_by_claim,
    grade_rows,
)
from evidence.history import delete_with_history, save_with_history
from evidence.models import Evidence
from evidence.rubrics import Grade

GRADE_FIELDS = ["grade_level", "grade_direction", "grade_reasons", "grade_rubric", "graded_at"]
EDITABLE_FIELDS = frozenset(
    field.name
    for field in Evidence._meta.concrete_fields
    if field.editable and field.name not in {"id", "created", "updated"}
)

REGRADED_AFTER_EVIDENCE_CHANGE = "regraded after evidence change"
REGRADED_BY_COMMAND = "rubric change"
REGRADE_BATCH_SIZE = 500
EVIDENCE_ADDED = "evidence added"
EVIDENCE_CHANGED = "evidence changed"
EVIDENCE_DELETED = "evidence deleted"
UNKNOWN_FIELDS = "Unknown evidence fields: {names}."


def claim_compute_grade(*, claim: Claim, evidence, rubric: str | None = None) -> Grade:
    """The grade `rubric` (default: the current one) gives `claim` from `evidence`."""
    return compute_grade(claim, evidence, rubric)


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


@dataclass(frozen=True)
class GradeChange:
    """A claim whose level or direction a regrade changed: old -> new."""

    slug: str
    old_level: str
    old_direction: str
    new_level: str
    new_direction: str

    def __str__(self):
        old = f"{self.old_level or 'ungraded'}, {self.old_direction or 'none'}"
        return f"{self.slug}: {old} -> {self.new_level}, {self.new_direction}"


def claims_regrade(
    *,
    claims=None,
    actor=None,
    reason: str = REGRADED_BY_COMMAND,
    rubric: str | None = None,
    dry_run: bool = False,
    batch_size: int = REGRADE_BATCH_SIZE,
    on_change: Callable[[GradeChange], None] | None = None,
) -> tuple[int, int]:
    """Regrade `claims` (default: all) in batches; returns (claims seen, grades changed).

    Streams in primary-key order, `batch_size` claims at a time, each batch in its own
    transaction with a fixed number of queries, so memory stays constant however many claims
    there are. `on_change` hears of every claim whose level or direction changes; `dry_run`
    computes and reports without writing.
    """
    claims = claims if claims is not None else Claim.objects.all()
    seen = changed = 0
    last_pk = None
    while True:
        page = claims.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        pks = list(page.values_list("pk", flat=True)[:batch_size])
        if not pks:
            return seen, changed
        changed += _regrade_batch(pks, actor, reason, rubric, dry_run, on_change)
        seen += len(pks)
        last_pk = pks[-1]


@transaction.atomic
def _regrade_batch(pks, actor, reason, rubric, dry_run, on_change) -> int:
    # Locked like single regrades, so a concurrent evidence write waits instead of going stale.
    batch = Claim.objects.filter(pk__in=pks).order_by("pk")
    if not dry_run:
        batch = batch.select_for_update()
    batch = list(batch)
    rows = evidence_rows_by_claim(pks)
    now, changed = timezone.now(), []
    for claim in batch:
        old = (claim.grade_level, claim.grade_direction)
        result = grade_rows(claim, rows.get(claim.pk, []), rubric)
        if not _apply_grade(claim, result, now):
            continue
        changed.append(claim)
        if on_change and old != (result.level, result.direction):
            on_change(GradeChange(claim.slug, *old, result.level, result.direction))
    if changed and not dry_run:
        _store_grades(changed)
        Claim.history.bulk_history_create(
            changed, update=True, default_user=actor, default_change_reason=reason
        )
    return len(changed)


def _store_grades(claims: list) -> None:
    """Write the grade fields of `claims` in one statement.

    On PostgreSQL an UPDATE from a VALUES list: Django's bulk_update builds a CASE per row and
    field, which costs more than grading itself at 500 claims a batch.
    """
    if connection.vendor != "postgresql":
        Claim.objects.bulk_update(claims, GRADE_FIELDS)
        return
    row = "(%s::bigint, %s, %s, %s::jsonb, %s, %s::timestamptz)"
    params = []
    for claim in claims:
        params += [
            claim.pk,
            claim.grade_level,
            claim.grade_direction,
            json.dumps(claim.grade_reasons),
            claim.grade_rubric,
            claim.graded_at,
        ]
    table = connection.ops.quote_name(Claim._meta.db_table)
    # Only the model's own table name and placeholders are formatted into the statement.
    sql = (
        f"UPDATE {table} AS claim SET grade_level = v.level, grade_direction = v.direction,"  # noqa: S608
        " grade_reasons = v.reasons, grade_rubric = v.rubric, graded_at = v.graded_at"
        f" FROM (VALUES {', '.join([row] * len(claims))})"
        " AS v(id, level, direction, reasons, rubric, graded_at) WHERE claim.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def evidence_create(*, claim: Claim, reference, actor=None, covers=None, **fields) -> Evidence:
    """A new evidence item; `covers` are the References a synthesis pools."""
    _check_fields(fields)
    fields.setdefault("curator", actor)
    item = Evidence(claim=claim, reference=reference, **fields)
    return evidence_save(evidence=item, actor=actor, covers=covers)


@transaction.atomic
def evidence_update(*, evidence: Evidence, actor=None, covers=None, **fields) -> Evidence:
    """Change `fields` of `evidence` (and its `covers` when given)."""
    _check_fields(fields)
    for name, value in fields.items():
        setattr(evidence, name, value)
    return evidence_save(evidence=evidence, actor=actor, covers=covers)


@transaction.atomic
def evidence_save(*, evidence: Evidence, actor=None, covers=None) -> Evidence:
    """Validate and save `evidence` as it stands (new or changed), then regrade its claims.

    `covers`, when given, replaces the References the item pools (before the regrade). The
    admin calls this with the instance its form has filled in, and regrades again once its
    form has saved the many-to-many `covers`.
    """
    previous = Evidence.objects.filter(pk=evidence.pk).values_list("claim_id", flat=True).first()
    claim_ids = _lock_claims({evidence.claim_id, previous} - {None})
    evidence.full_clean()
    reason = EVIDENCE_CHANGED if previous else EVIDENCE_ADDED
    save_with_history(evidence, actor=actor, reason=reason)
    if covers is not None:
        evidence.covers.set(covers)
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
    return evidence_for_grading(Evidence.objects.filter(claim=claim))


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
