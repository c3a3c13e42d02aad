"""Adding a reference from an identifier: look the record up (citations.sources.lookup),
preview it with its people (matched by ORCID, else by name) and duplicates, then add it,
verified, with its ordered authors and any notice the service lists."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from citations import importing
from citations.importing import PlanItem
from citations.importing.mapping import vars_of
from citations.models import Contributor, Person, Reference, Retraction, Role, Verification
from citations.sources import lookup
from citations.sources.results import NONE, Found, Update, strongest
from citations.text.records import Name

DUPLICATE_EXISTS = "Not added: {citekey} already holds this record."
RECORD_INVALID = "Not added: {errors}"
ADDED_FROM = "Added from {source} ({kind} {value})"
ADDED_UNDER_NOTICE = "; {state} per {source}"


@dataclass(frozen=True)
class PersonMatch:
    """An author of a fetched record and the stored person it is (None: a new person)."""

    name: Name
    orcid: str
    person: Person | None
    how: str  # "ORCID", "name" or "new"


@dataclass
class LookupResult:
    """A fetched record as it would be added: values, citekey, people and duplicates."""

    kind: str
    value: str
    found: Found
    item: PlanItem
    people: list[PersonMatch]
    duplicates: list[Reference]

    @property
    def errors(self) -> list[str]:
        return list(self.item.messages) if self.item.status == importing.INVALID else []

    @property
    def retraction(self) -> Update | None:
        """The most serious notice the service lists for the work (None: there is none)."""
        best = strongest(self.found.updates)
        return best if best is not None and best.state != NONE else None


def match_people(names: list[Name], orcids: tuple[str, ...] = ()) -> list[PersonMatch]:
    """Each name's stored person: by ORCID first, else by the exact name; two queries."""
    orcids = tuple(orcids) + ("",) * (len(names) - len(orcids))
    by_orcid = {p.orcid: p for p in Person.objects.filter(orcid__in=[o for o in orcids if o])}
    families = {name.family for name in names}
    by_name = {p.as_name(): p for p in Person.objects.filter(family__in=families)}
    matches = []
    for name, orcid in zip(names, orcids, strict=False):
        if orcid and orcid in by_orcid:
            matches.append(PersonMatch(name, orcid, by_orcid[orcid], "ORCID"))
        elif name in by_name:
            matches.append(PersonMatch(name, orcid, by_name[name], "name"))
        else:
            matches.append(PersonMatch(name, orcid, None, "new"))
    return matches


def duplicates_of(values: dict, item: PlanItem) -> list[Reference]:
    """Stored references sharing an identifier with `values`, or the same work."""
    query = Q(pk__in=[item.duplicate_of] if item.duplicate_of else [])
    for name in ("doi", "pmid", "pmcid", "isbn"):
        if values.get(name):
            query |= Q(**{name: values[name]})
    return list(Reference.objects.filter(query).order_by("citekey"))


def reference_lookup(*, identifier: str) -> LookupResult:
    """Fetch the record an identifier names and plan its addition; writes nothing.

    Raises `InvalidIdentifier` (not an identifier) or `SourceError` (the service failed).
    """
    kind, value = lookup.parse_identifier(identifier)
    found = lookup.lookup(kind, value)
    (item,) = importing.plan([found.record]).items
    values = item.values or {}
    people = match_people(found.record.authors, found.orcids)
    return LookupResult(kind, value, found, item, people, duplicates_of(values, item))


@transaction.atomic
def reference_create_from_lookup(*, result: LookupResult, actor=None) -> Reference:
    """Add the looked-up record as a new, verified reference with its ordered authors."""
    if result.duplicates:
        raise ValidationError(DUPLICATE_EXISTS.format(citekey=result.duplicates[0].citekey))
    if result.errors:
        raise ValidationError(RECORD_INVALID.format(errors="; ".join(result.errors)))
    values = {k: v for k, v in result.item.values.items() if k != "original_key"}
    reference = Reference(citekey=result.item.citekey, **values)
    reference.verification = Verification.VERIFIED
    reason = ADDED_FROM.format(**_origin(result)) + _notice_recorded(reference, result.retraction)
    reference.verification_note = f"{reason}."
    reference.verification_checked_at = timezone.now()
    reference.full_clean()
    _save_with_reason(reference, actor, reason)
    contributors_replace(
        reference=reference, people=result.people, editors=result.found.record.editors
    )
    return reference


def _notice_recorded(reference: Reference, update: Update | None) -> str:
    """Store the service's notice on the new reference, before anything cites it (so no grade
    ever counts a retracted paper); the words the history and the note add."""
    if update is None:
        return ""
    reference.retraction = Retraction(update.state)
    reference.retraction_notice = update.notice[:1000]
    reference.retraction_date = update.date
    state = reference.get_retraction_display().lower()
    return ADDED_UNDER_NOTICE.format(state=state, source=update.source)


def _origin(result: LookupResult) -> dict:
    return {"source": result.found.source, "kind": result.kind.upper(), "value": result.value}


def contributors_replace(*, reference: Reference, people: list[PersonMatch], editors=()) -> None:
    """Make `people` the ordered authors (and `editors` the editors) of `reference`."""
    authors = [ensure_person(match) for match in people]
    editor_people = [p.person or ensure_person(p) for p in match_people(list(editors))]
    reference.contributors.all().delete()
    Contributor.objects.bulk_create(
        [
            Contributor(reference=reference, person=person, role=role, position=position)
            for role, persons in ((Role.AUTHOR, authors), (Role.EDITOR, editor_people))
            for position, person in enumerate(persons)
        ]
    )


def ensure_person(match: PersonMatch) -> Person:
    """The matched person (given the ORCID it lacked), or a new one."""
    person = match.person
    orcid_free = match.orcid and not Person.objects.filter(orcid=match.orcid).exists()
    if person is None:
        existing = Person.objects.filter(**vars_of(match.name)).first()
        person = existing or Person(**vars_of(match.name))
    if orcid_free and not person.orcid:
        person.orcid = match.orcid
    if person.pk is None or orcid_free:
        person.full_clean(validate_unique=False)
        person.save()
    return person


def _save_with_reason(reference: Reference, actor, reason: str) -> None:
    """Save with a django-simple-history record naming `actor` and `reason`."""
    if actor is not None:
        reference._history_user = actor
    reference._change_reason = reason
    try:
        reference.save()
    finally:
        for name in ("_history_user", "_change_reason"):
            reference.__dict__.pop(name, None)
