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

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from citations.history import delete_with_history, save_with_history
from citations.merge import reference_merge
from citations.models import Reference
from claims.models import Claim
from evidence.facts import (
    CLAIM_FIELDS,
    claim_values,
    compute_grade,
    current_rubric,
    evidence_for_grading,
    evidence_values_by_claim,
    grade_values,
    parts_by_claim,
    rubric_named,
)
from evidence.locks import claims_lock
from evidence.models import Evidence
from evidence.rubrics import Grade

# A grade as stored: what the rubric computed (`_computed`), then when it last changed.
COMPUTED_FIELDS = (
    "grade_level",
    "grade_direction",
    "grade_provisional",
    "grade_reasons",
    "grade_rubric",
    "grade_deciding",
)
GRADE_FIELDS = [*COMPUTED_FIELDS, "graded_at"]
EDITABLE_FIELDS = frozenset(
    field.name
    for field in Evidence._meta.concrete_fields
    if field.editable and field.name not in {"id", "created", "updated"}
)

REGRADED_AFTER_EVIDENCE_CHANGE = "regraded after evidence change"
REGRADED_BY_COMMAND = "rubric change"
REGRADE_BATCH_SIZE = 1000
# What a batch regrade reads of each claim: what grading reads and the grade stored now.
REGRADE_READS = ("pk", "slug", *CLAIM_FIELDS, *COMPUTED_FIELDS)
EVIDENCE_ADDED = "evidence added"
EVIDENCE_CHANGED = "evidence changed"
EVIDENCE_DELETED = "evidence deleted"
UNKNOWN_FIELDS = "Unknown evidence fields: {names}."


def claim_compute_grade(
    *, claim: Claim, evidence, rubric: str | None = None, profile: bool = True
) -> Grade:
    """The grade `rubric` (default: the current one) gives `claim` from `evidence`; storing a
    grade asks for no evidence profile (`profile=False`)."""
    return compute_grade(claim, evidence, rubric, profile=profile)


@transaction.atomic
def claim_regrade(
    *, claim: Claim, actor=None, reason: str = REGRADED_AFTER_EVIDENCE_CHANGE
) -> Grade:
    """Recompute and store the grade of `claim`; the caller's instance gets the new fields."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    result = claim_compute_grade(claim=locked, evidence=_evidence_of(locked), profile=False)
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
    on_progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Regrade `claims` (default: all) in batches; returns (claims seen, grades changed).

    Streams in primary-key order, `batch_size` claims at a time, each batch in its own
    transaction with a fixed number of queries that read only what grading needs, so time
    grows linearly and memory stays constant however many claims there are. Only claims whose
    grade changes are written, each with a history row. `on_change` hears of every claim
    whose level or direction changes, `on_progress` of the claims seen so far after each
    batch; `dry_run` computes and reports without writing.
    """
    run = _Regrade(
        # Only a given selection is a subquery: for all claims, a batch is a range of keys.
        selected=None if claims is None else claims.values("pk"),
        size=batch_size,
        actor=actor,
        reason=reason,
        rubric=rubric_named(rubric) if rubric else current_rubric(),
        dry_run=dry_run,
        on_change=on_change,
    )
    seen = changed = 0
    last_pk = None
    while True:
        batch_seen, batch_changed, last_pk = _regrade_batch(run, after=last_pk)
        seen, changed = seen + batch_seen, changed + batch_changed
        if batch_seen and on_progress:
            on_progress(seen)
        if batch_seen < batch_size:
            return seen, changed


@dataclass(frozen=True)
class _Regrade:
    """What the batches of one `claims_regrade` share."""

    selected: object  # a query of the claims' keys; None: all claims
    size: int
    actor: object
    reason: str
    rubric: str
    dry_run: bool
    on_change: Callable[[GradeChange], None] | None


@transaction.atomic
def _regrade_batch(run: _Regrade, *, after) -> tuple:
    """Regrade the next `run.size` claims after key `after`: (claims seen, changed, last key)."""
    page = Claim.objects.all()
    if run.selected is not None:
        page = page.filter(pk__in=run.selected)
    if after is not None:
        page = page.filter(pk__gt=after)
    rows = page.order_by("pk").values_list(*REGRADE_READS, named=True)
    # Locked, then read, like single regrades: a concurrent evidence write waits for the batch.
    claims = list((rows if run.dry_run else rows.select_for_update())[: run.size])
    if not claims:
        return 0, 0, None
    evidence = Evidence.objects.filter(claim_id__gte=claims[0].pk, claim_id__lte=claims[-1].pk)
    if run.selected is not None:
        evidence = evidence.filter(claim_id__in=run.selected)
    items = evidence_values_by_claim(evidence)
    parts = parts_by_claim(_batch_keys(run, claims))
    changed = []
    for claim in claims:
        values = claim_values(claim, parts.get(claim.pk, ()))
        result = grade_values(values, items.get(claim.pk, []), run.rubric, profile=False)
        grade = _computed(result)
        if grade == tuple(getattr(claim, name) for name in COMPUTED_FIELDS):
            continue
        changed.append((claim.pk, *grade))
        if run.on_change and (claim.grade_level, claim.grade_direction) != grade[:2]:
            run.on_change(
                GradeChange(claim.slug, claim.grade_level, claim.grade_direction, *grade[:2])
            )
    if changed and not run.dry_run:
        now = timezone.now()
        _store_grades(changed, now)
        _record_history([pk for pk, *_ in changed], now, run.actor, run.reason)
    return len(claims), len(changed), claims[-1].pk


def _batch_keys(run: _Regrade, claims: list):
    """The keys of a batch's claims for a query: their range, within the selection."""
    keys = Claim.objects.filter(pk__gte=claims[0].pk, pk__lte=claims[-1].pk)
    if run.selected is not None:
        keys = keys.filter(pk__in=run.selected)
    return keys.values("pk")


def _computed(result: Grade) -> tuple:
    """`result` as the values of COMPUTED_FIELDS (a rubric before grade-3 is never provisional;
    no study decides a grade-1 grade or one of a claim not graded: NULL, not 0)."""
    return (
        result.level,
        result.direction,
        result.provisional,
        list(result.reasons),
        result.rubric,
        result.deciding or None,
    )


def _store_grades(grades: list[tuple], now) -> None:
    """Write (pk, level, direction, provisional, reasons, rubric, deciding) of each claim,
    graded `now`, at once.

    One UPDATE from arrays (eight parameters however many claims): Django's bulk_update
    builds a CASE per row and field, which costs more than grading itself.
    """
    pks, levels, directions, provisionals, reasons, rubrics, deciding = map(
        list, zip(*grades, strict=True)
    )
    table = connection.ops.quote_name(Claim._meta.db_table)
    # Only the model's own table name is formatted into the statement.
    sql = (
        f"UPDATE {table} AS claim SET grade_level = v.level, grade_direction = v.direction,"  # noqa: S608
        " grade_provisional = v.provisional, grade_reasons = v.reasons,"
        " grade_rubric = v.rubric, grade_deciding = v.deciding, graded_at = %s"
        " FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::boolean[], %s::jsonb[],"
        " %s::text[], %s::integer[])"
        " AS v(id, level, direction, provisional, reasons, rubric, deciding) WHERE claim.id = v.id"
    )
    reasons = [json.dumps(value) for value in reasons]
    params = [now, pks, levels, directions, provisionals, reasons, rubrics, deciding]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _record_history(pks: list, now, actor, reason: str) -> None:
    """One history row ("changed", by `actor`, for `reason`) per claim of `pks`, as stored
    now: what Claim.history.bulk_history_create writes, copied inside the database instead of
    through a model instance per claim."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = Claim.history.model
    # Without an actor, HistoryRequestMiddleware supplies the request's user (admin, API).
    user = actor or history.get_default_history_user(Claim())
    quote = connection.ops.quote_name
    copied = ", ".join(quote(field.column) for field in history.tracked_fields)
    own = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_type", "history_user", "history_change_reason")
    )
    # Only the models' own table and column names are formatted into the statement.
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({copied}, {own})"  # noqa: S608
        f" SELECT {copied}, %s, %s, %s, %s FROM {quote(Claim._meta.db_table)}"
        f" WHERE {quote(Claim._meta.pk.column)} = ANY(%s) ORDER BY 1"
    )
    date = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, "~", getattr(user, "pk", None), reason, pks])


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
    cited = {evidence.reference_id, *(reference.pk for reference in covers or [])}
    share_references(cited - {None})
    claim_ids = claims_lock({evidence.claim_id, previous} - {None})
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
    claims_lock({claim.pk})
    delete_with_history(evidence, actor=actor, reason=EVIDENCE_DELETED)
    claim_regrade(claim=claim, actor=actor)


def _apply_grade(claim: Claim, result: Grade, now) -> bool:
    """Copy `result` onto `claim`; False when the stored grade already equals it."""
    grade = _computed(result)
    if grade == tuple(getattr(claim, name) for name in COMPUTED_FIELDS):
        return False
    for name, value in zip(GRADE_FIELDS, (*grade, now), strict=True):
        setattr(claim, name, value)
    return True


def _evidence_of(claim: Claim):
    return evidence_for_grading(Evidence.objects.filter(claim=claim))


def share_references(reference_ids: set) -> None:
    """Hold the references an item will cite (FOR KEY SHARE, what the check of its foreign
    keys takes when the transaction commits: they are deferred) before its claims are locked.
    Saving a reference locks it, then the claims citing it (claims migration 0010): taken the
    other way round, each write would wait for the other."""
    if not reference_ids:
        return
    quote = connection.ops.quote_name
    table, key = quote(Reference._meta.db_table), quote(Reference._meta.pk.column)
    # Only the model's own table and column names are formatted into the statement.
    sql = f"SELECT {key} FROM {table} WHERE {key} = ANY(%s) ORDER BY {key} FOR KEY SHARE"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [sorted(reference_ids)])


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
