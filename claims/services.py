"""The curation workflow of a claim, and the curator's override of its grade.

    draft --submit--> in_review --publish--> published --retract--> retracted
      ^                   |
      +--return to draft--+

Publishing needs at least one evidence item, a computed grade, one public part at least when
the claim has parts (`PUBLISH_PARTS_FIRST`) and, with four eyes
(`settings.LEDGER_FOUR_EYES`, on by default), a curator other than the one who submitted the
claim, and one who wrote none of it (`claim_authors`); publishing is a review, so it also sets
`reviewed_at`. A retracted claim stays
public with a banner and its reason: nothing is deleted. Each transition locks the claim row
(with the claims related to it, in key order: `_locked`),
checks the state it finds there, and records who made it and why in the claim's history.
A public claim counts only its public parts (grade-3's `parts`, claims.access `counts_for`),
so publishing a claim regrades it and the wholes it is part of in the same transaction
(evidence.relations.status_change_regrade): a draft's `part_of` reaches readers only then.
Services return the caller's instance, brought up to date.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from citations.history import save_with_history
from claims.access import PUBLIC_STATUSES
from claims.models import ApiToken, Claim, ClaimRelation, Question, RelationKind, Status
from evidence.locks import claims_lock_with_related
from evidence.models import Evidence
from evidence.relations import status_change_regrade

CANNOT_SUBMIT = "Only a draft claim can be submitted for review."
CANNOT_PUBLISH = "Only a claim in review can be published."
CANNOT_RETRACT = "Only a published claim can be retracted."
CANNOT_RETURN_TO_DRAFT = "Only a claim in review can be returned to draft."
PUBLISH_NEEDS_EVIDENCE = "A claim needs at least one evidence item before it is published."
PUBLISH_NEEDS_GRADE = "A claim needs a computed grade before it is published."
RETRACTION_NEEDS_REASON = "A retraction needs a reason."
FOUR_EYES = "A claim is published by a curator other than the one who submitted it."
AUTHOR_CANNOT_PUBLISH = "A claim is published by a curator who wrote none of it."
PUBLISH_PARTS_FIRST = (
    "A claim with parts is published once one of them is: until then readers would get a"
    " grade of the whole statement as one outcome, which nobody reviewed. Publish a part"
    " first ({parts})."
)

SUBMITTED = "submitted for review"
PUBLISHED = "published"
RETRACTED = "retracted"
RETURNED_TO_DRAFT = "returned to draft"
OVERRIDE_SET = "grade override set"
OVERRIDE_CLEARED = "grade override cleared"


@transaction.atomic
def claim_submit_for_review(*, claim: Claim, actor=None) -> Claim:
    locked = _locked(claim, allowed=Status.DRAFT, error=CANNOT_SUBMIT)
    locked.submitted_by = actor
    return _move(claim, locked, Status.IN_REVIEW, actor=actor, reason=SUBMITTED)


@transaction.atomic
def claim_publish(*, claim: Claim, actor=None) -> Claim:
    locked = _locked(claim, allowed=Status.IN_REVIEW, error=CANNOT_PUBLISH)
    if not locked.evidence.exists():
        raise ValidationError(PUBLISH_NEEDS_EVIDENCE)
    if not locked.grade_level:
        raise ValidationError(PUBLISH_NEEDS_GRADE)
    if waiting := _parts_none_public(locked):
        raise ValidationError(PUBLISH_PARTS_FIRST.format(parts=", ".join(waiting)))
    if settings.LEDGER_FOUR_EYES:
        if _same_person(locked.submitted_by_id, actor):
            raise ValidationError(FOUR_EYES)
        if actor is not None and actor.pk in claim_authors(locked):
            raise ValidationError(AUTHOR_CANNOT_PUBLISH)
    locked.published_at = locked.reviewed_at = timezone.now()
    locked.curator = locked.curator or actor
    return _move(claim, locked, Status.PUBLISHED, actor=actor, reason=PUBLISHED)


@transaction.atomic
def claim_retract(*, claim: Claim, reason: str, actor=None) -> Claim:
    if not reason or not reason.strip():
        raise ValidationError(RETRACTION_NEEDS_REASON)
    locked = _locked(claim, allowed=Status.PUBLISHED, error=CANNOT_RETRACT)
    locked.retraction_reason = reason.strip()
    return _move(claim, locked, Status.RETRACTED, actor=actor, reason=RETRACTED)


@transaction.atomic
def claim_return_to_draft(*, claim: Claim, actor=None) -> Claim:
    locked = _locked(claim, allowed=Status.IN_REVIEW, error=CANNOT_RETURN_TO_DRAFT)
    return _move(claim, locked, Status.DRAFT, actor=actor, reason=RETURNED_TO_DRAFT)


@transaction.atomic
def claim_override_grade(*, claim: Claim, level: str, rationale: str, actor=None) -> Claim:
    """Set the curator's level beside the computed one; an empty level clears the override.

    The model requires level and rationale together (OVERRIDE_NEEDS_RATIONALE,
    RATIONALE_NEEDS_OVERRIDE) and full_clean raises those messages.
    """
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    locked.grade_override, locked.override_rationale = level, rationale.strip()
    locked.full_clean()
    reason = OVERRIDE_SET if level else OVERRIDE_CLEARED
    save_with_history(locked, actor=actor, reason=reason)
    return _sync(claim, locked)


def claim_authors(claim: Claim) -> set:
    """The ids of the users who wrote `claim`: its curator, whoever saved its fields (history
    records without a workflow reason: the admin and API edits) and whoever wrote one of its
    evidence items, now or before. Workflow steps, overrides and regrades are not writing."""
    edits = claim.history.filter(history_change_reason__isnull=True)
    items = Evidence.history.filter(claim_id=claim.pk)
    users = {claim.curator_id}
    users |= set(edits.values_list("history_user_id", flat=True))
    users |= set(items.values_list("history_user_id", flat=True))
    return users - {None}


def _parts_none_public(claim: Claim) -> list[str]:
    """The slugs of `claim`'s parts when it has some and none is public. In review it counts
    them all ("not graded, see its parts", what its reviewer sees); public, it counts only
    the public ones (claims.access `counts_for`), so publishing it now would grade the
    bundled statement as one outcome (grade-3 step 0, R11), a grade nobody reviewed."""
    if claim.question == Question.BACKGROUND:
        return []  # not graded either way
    parts = ClaimRelation.objects.filter(to_claim=claim, kind=RelationKind.PART_OF)
    found = parts.order_by("from_claim__slug").values_list("from_claim__slug", "from_claim__status")
    if any(status in PUBLIC_STATUSES for _slug, status in found):
        return []
    return [slug for slug, _status in found]


def _same_person(user_id, actor) -> bool:
    return user_id is not None and actor is not None and user_id == actor.pk


def _locked(claim: Claim, *, allowed: str, error: str) -> Claim:
    """The claim as stored now, locked for this transaction; refused unless in `allowed`.

    The claims related to it are locked with it, all in key order: the step writes them too
    (it regrades the wholes it is part of and moves its neighbours' page version:
    `status_change_regrade`), and a writer that locked its own claim first and those when it
    wrote them would deadlock with a batch regrade, or another step, holding a smaller key
    (evidence.locks)."""
    claims_lock_with_related([claim.pk])
    claim = Claim.objects.get(pk=claim.pk)
    if claim.status != allowed:
        raise ValidationError(error)
    return claim


def _move(claim: Claim, locked: Claim, status: str, *, actor, reason: str) -> Claim:
    was, locked.status = locked.status, status
    locked.full_clean()
    save_with_history(locked, actor=actor, reason=reason)
    status_change_regrade(claim=locked, was=was, actor=actor, reason=reason)
    return _sync(claim, locked)


def _sync(claim: Claim, stored: Claim) -> Claim:
    """Bring the caller's instance up to date with what was just stored."""
    for field in Claim._meta.concrete_fields:
        setattr(claim, field.attname, getattr(stored, field.attname))
    return claim


@transaction.atomic
def curator_token_create(*, user) -> str:
    """A new API token for `user` (any previous one stops working); the key is returned once
    and never shown again: only its digest is stored (claims.ApiToken)."""
    ApiToken.objects.filter(user=user).delete()
    _token, key = ApiToken.objects.create(user=user)
    return key


def curator_token_revoke(*, user) -> bool:
    """Revoke `user`'s API token; False when there was none."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return bool(deleted)
