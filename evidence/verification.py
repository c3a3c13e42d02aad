"""Writes on a reference's verification and retraction state, and the regrade they cause.

Whether a record was verified, not found, or retracted changes what a grade may count
(rubric grade-2), so every such write regrades the claims citing the reference in the same
transaction, and leaves a history record naming its source ("verified against Crossref").
Lives here, not in citations: citations knows no claims.

- `reference_find_candidates(reference)`: network read, ranked candidates for its citation
  (`as_cited`, else its stored record in Vancouver style).
- `reference_accept_candidate(reference, candidate)`: fill the verified fields (the citekey
  and `as_cited` stay), set verified or discrepancy, write the differences in the note.
- `reference_mark_not_found(reference)`: a curator's decision; never automatic.
- `reference_record_retraction(reference, updates)`: the most serious notice sets the
  retraction state, notice and date. A state is only ever raised (none < corrected <
  expression of concern < retracted), never cleared by a check: a curator clears it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from citations.history import save_with_history
from citations.importing.mapping import record_values
from citations.models import (
    BIBLIOGRAPHIC_FIELDS,
    IDENTIFIER_FIELDS,
    Reference,
    Retraction,
    Verification,
)
from citations.services import contributors_replace, match_people
from citations.sources import crossref, http, matching, ncbi
from citations.sources.candidates import find_candidates
from citations.sources.client import deadline
from citations.sources.csl import DEFAULT_ENTRY_TYPE
from citations.sources.results import SEVERITY, Update, strongest
from citations.text.styles import vancouver
from claims.models import Claim
from evidence.models import Evidence
from evidence.search_models import RecordAlert
from evidence.services import claims_regrade

VERIFIED_FIELDS = (*BIBLIOGRAPHIC_FIELDS, *IDENTIFIER_FIELDS)
ACCEPTED_FROM = "verified against {source}"
MARKED_NOT_FOUND = "marked not found by a curator"
NOT_FOUND_NOTE = "Searched {sources} on {when}: no record matches this citation."
RETRACTION_FROM = "{state} per {source}"
REGRADED_AFTER_CHECK = "regraded: a cited record was checked ({citekey}, {what})"
CANNOT_ACCEPT = "The record cannot be stored: {errors}"
DOI_TAKEN = (
    "Not accepted: DOI {doi} is already the record of {citekey}. "
    "The two are one work: merge them instead."
)


class DoiTaken(ValidationError):
    """The accepted record's DOI belongs to another stored reference (`holder`)."""

    def __init__(self, *, doi: str, holder: Reference):
        super().__init__(DOI_TAKEN.format(doi=doi, citekey=holder.citekey))
        self.holder = holder


def cited_text(reference: Reference) -> str:
    """The citation to match: as the source printed it, else the stored record."""
    return reference.as_cited.strip() or vancouver(reference.to_record())


def reference_find_candidates(*, reference: Reference) -> list[matching.Candidate]:
    stored = {name: getattr(reference, name) or "" for name in IDENTIFIER_FIELDS}
    return find_candidates(cited=cited_text(reference), stored=stored)


@transaction.atomic
def reference_accept_candidate(
    *, reference: Reference, candidate: matching.Candidate, actor=None
) -> Reference:
    """Fill `reference` from the accepted record; regrade the claims citing it."""
    locked = Reference.objects.select_for_update().get(pk=reference.pk)
    values, errors, _warnings = record_values(candidate.record)
    if errors:
        raise ValidationError(CANNOT_ACCEPT.format(errors="; ".join(errors)))
    holder = Reference.objects.exclude(pk=locked.pk).by_doi(values.get("doi") or "").first()
    if values.get("doi") and holder is not None:
        raise DoiTaken(doi=values["doi"], holder=holder)
    for name in VERIFIED_FIELDS:
        if values.get(name) not in (None, "") and not _vaguer(name, values[name]):
            setattr(locked, name, values[name])
    now = timezone.now()
    locked.verification = candidate.outcome
    note = matching.verification_note(candidate, when=f"{now:%Y-%m-%d}")
    locked.verification_note = _kept_note(note, locked.verification_note)
    locked.verification_checked_at = now
    _raise_retraction(locked, strongest(candidate.found.updates))
    locked.full_clean()
    save_with_history(
        locked, actor=actor, reason=ACCEPTED_FROM.format(source=candidate.found.source)
    )
    record = candidate.record
    if record.authors or record.editors:
        people = match_people(record.authors, candidate.found.orcids)
        contributors_replace(reference=locked, people=people, editors=record.editors)
    _regrade_citing(locked, actor, what=locked.get_verification_display().lower())
    reference.refresh_from_db()
    return reference


@transaction.atomic
def reference_mark_not_found(*, reference: Reference, sources: str = "Crossref", actor=None):
    locked = Reference.objects.select_for_update().get(pk=reference.pk)
    now = timezone.now()
    locked.verification = Verification.NOT_FOUND
    note = NOT_FOUND_NOTE.format(sources=sources, when=f"{now:%Y-%m-%d}")
    locked.verification_note = _kept_note(note, locked.verification_note)
    locked.verification_checked_at = now
    locked.full_clean()
    save_with_history(locked, actor=actor, reason=MARKED_NOT_FOUND)
    _regrade_citing(locked, actor, what="not found")
    reference.refresh_from_db()
    return reference


@transaction.atomic
def reference_record_retraction(*, reference: Reference, updates: list[Update], actor=None) -> bool:
    """Record the most serious notice when it raises the state; True when anything changed."""
    locked = Reference.objects.select_for_update().get(pk=reference.pk)
    now = timezone.now()
    Reference.objects.filter(pk=locked.pk).update(retraction_checked_at=now)
    locked.retraction_checked_at = now
    best = strongest(updates)
    if not _raise_retraction(locked, best):
        reference.retraction_checked_at = now
        return False
    locked.full_clean()
    state = locked.get_retraction_display()
    save_with_history(
        locked, actor=actor, reason=RETRACTION_FROM.format(state=state, source=best.source)
    )
    _regrade_citing(locked, actor, what=state.lower())
    _alert_citing(locked)
    reference.refresh_from_db()
    return True


def _vaguer(name: str, value) -> bool:
    """A service's catch-all type ("misc") never replaces the entry type a curator chose."""
    return name == "entry_type" and value == DEFAULT_ENTRY_TYPE


def _kept_note(note: str, previous: str) -> str:
    """The new note, followed by what a curator wrote before (an older check's note goes)."""
    previous = previous.strip()
    if not previous or previous.startswith(matching.NOTE_START):
        return note
    return f"{note}\n\n{previous}"


def _raise_retraction(reference: Reference, update: Update | None) -> bool:
    """Copy `update` onto `reference` when it is more serious than the stored state."""
    if update is None or SEVERITY.index(update.state) <= SEVERITY.index(reference.retraction):
        return False
    reference.retraction = Retraction(update.state)
    reference.retraction_notice = update.notice[:1000]
    reference.retraction_date = update.date
    return True


def _regrade_citing(reference: Reference, actor, *, what: str) -> None:
    citing = Evidence.objects.filter(reference=reference).values("claim")
    reason = REGRADED_AFTER_CHECK.format(citekey=reference.citekey, what=what)
    claims_regrade(claims=Claim.objects.filter(pk__in=citing), actor=actor, reason=reason)


def _alert_citing(reference: Reference) -> None:
    """One curator alert per claim whose evidence cites `reference` (its new state)."""
    claims = Evidence.objects.filter(reference=reference).values_list("claim", flat=True)
    RecordAlert.objects.bulk_create(
        RecordAlert(
            claim_id=claim,
            reference=reference,
            state=reference.retraction,
            notice=reference.retraction_notice,
        )
        for claim in sorted(set(claims))
    )


# --- one reference at a time, for the commands --------------------------------------------

MATCHED, DISCREPANCY, FOR_CURATORS, NO_CANDIDATE, ERROR = (
    "matched",
    "discrepancy",
    "for_curators",
    "no_candidate",
    "error",
)
NO_IDENTIFIER, UNCHANGED = "skipped", "unchanged"
WEAK_TITLE = 0.5  # below this, even the best candidate is no candidate at all


@dataclass
class CheckOutcome:
    """What checking one reference found: a status, the best candidate, a message."""

    reference: Reference
    status: str
    candidate: matching.Candidate | None = None
    message: str = ""
    changed: bool = False


def reference_verify(*, reference: Reference, dry_run: bool = False, actor=None) -> CheckOutcome:
    """Find candidates; accept one only by the rule of citations.sources.matching; else list it."""
    try:
        candidates = reference_find_candidates(reference=reference)
    except http.SourceError as exc:
        return CheckOutcome(reference, ERROR, message=str(exc))
    choice = matching.clear_choice(candidates)
    best = candidates[0] if candidates else None
    if choice is not None:
        status = MATCHED if choice.outcome == matching.VERIFIED else DISCREPANCY
        if not dry_run and already_holds(reference, choice):
            Reference.objects.filter(pk=reference.pk).update(verification_checked_at=timezone.now())
            return CheckOutcome(reference, status, choice)
        if not dry_run:
            try:
                reference_accept_candidate(reference=reference, candidate=choice, actor=actor)
            except ValidationError as exc:
                return CheckOutcome(reference, ERROR, choice, "; ".join(exc.messages))
        return CheckOutcome(reference, status, choice, changed=not dry_run)
    if not dry_run:
        Reference.objects.filter(pk=reference.pk).update(verification_checked_at=timezone.now())
    if best is None or best.title_similarity < WEAK_TITLE:
        return CheckOutcome(reference, NO_CANDIDATE, best)
    return CheckOutcome(reference, FOR_CURATORS, best)


def already_holds(reference: Reference, candidate: matching.Candidate) -> bool:
    """The reference already states what accepting `candidate` would write (a re-check)."""
    values, _errors, _warnings = record_values(candidate.record)
    same_fields = all(
        getattr(reference, name) == values[name]
        for name in VERIFIED_FIELDS
        if values.get(name) not in (None, "") and not _vaguer(name, values[name])
    )
    # Family names only: a stored person may spell given names differently (matched by ORCID).
    stored = [person.family for person in reference.authors]
    same_people = stored == [name.family for name in candidate.record.authors]
    return same_fields and same_people and reference.verification == candidate.outcome


def reference_check_retraction(
    *, reference: Reference, dry_run: bool = False, actor=None
) -> CheckOutcome:
    """Ask Crossref (by DOI) and PubMed (by PMID) for notices; record the most serious."""
    if not reference.doi and not reference.pmid:
        return CheckOutcome(reference, NO_IDENTIFIER)
    try:
        with deadline():  # Crossref and PubMed: one budget for the check
            updates = _updates(crossref.updates, reference.doi)
            updates += _updates(ncbi.summary_updates, reference.pmid)
    except http.SourceError as exc:
        return CheckOutcome(reference, ERROR, message=str(exc))
    best = strongest(updates)
    if dry_run:
        would = best is not None and SEVERITY.index(best.state) > SEVERITY.index(
            reference.retraction
        )
        return CheckOutcome(reference, best.state if would else UNCHANGED)
    changed = reference_record_retraction(reference=reference, updates=updates, actor=actor)
    return CheckOutcome(reference, reference.retraction if changed else UNCHANGED, changed=changed)


def _updates(fetch, identifier: str) -> list[Update]:
    """A service's notices for an identifier; one it does not hold has none."""
    if not identifier:
        return []
    try:
        return fetch(identifier)
    except http.SourceNotFound:
        return []
