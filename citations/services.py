"""Writes with rules for references: importing BibTeX (plan, then apply), the admin's import
jobs (the upload kept server-side, then run in the background with its progress), adding
one from an identifier (look up, preview with people and duplicates, then add), contributors
typed as one list, generated citekeys."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from citations import bibtex, citekeys, importing, readers
from citations.heartbeat import Heartbeat
from citations.history import save_with_history
from citations.importing import ApplyResult, ImportPlan, PlanItem
from citations.importing.mapping import vars_of
from citations.models import (
    Contributor,
    ImportJob,
    Person,
    Reference,
    Retraction,
    Role,
    Verification,
)
from citations.sources import lookup
from citations.sources.results import NONE, Found, Update, strongest
from citations.text.records import Name

UNKNOWN_FORMAT = "Unknown import format {format!r}: one of " + ", ".join(readers.FORMATS) + "."
DEEP_FORMATS = {readers.CSL, readers.PUBMED_XML}  # JSON and XML: nesting is bounded
UNKNOWN_ON_DUPLICATE = "on_duplicate must be one of: skip, update, fail."
UPDATE_NEEDS_CHANGE = (
    "on_duplicate=update overwrites references: it needs permission to change them."
)
JOB_DONE = "Imported {created} reference(s), updated {updated}, skipped {skipped} duplicate(s)."
JOB_READING = "Reading the file and finding duplicates"
JOB_WRITING = "Writing references: {done} of {total}"
JOB_CRASHED = "The import stopped on an unexpected error; nothing was written."
JOB_PREVIEW_QUEUED = "Waiting to preview the file"
JOB_PREVIEWED = "Previewed: nothing was written."


@dataclass
class ImportOutcome:
    """The plan of an import and, unless it was a dry run, what applying it did."""

    plan: ImportPlan
    result: ApplyResult | None

    @property
    def ok(self) -> bool:
        """Nothing invalid, and the plan was written (or only previewed)."""
        nothing_invalid = not self.plan.with_status(importing.INVALID)
        return nothing_invalid and (self.result is None or self.result.written)


def bibtex_reader(data: str | bytes, encoding: str | None = None) -> bibtex.Reader:
    """A reader of an uploaded file, within the configured limits."""
    return bibtex.Reader(
        data,
        encoding=encoding or None,
        max_value=settings.BIBTEX_MAX_FIELD_BYTES,
        max_expansion=settings.BIBTEX_MAX_EXPANSION_BYTES,
    )


def reference_import_plan(
    *, data: str | bytes, encoding: str | None = None, format: str = readers.BIBTEX
) -> ImportPlan:
    """Read a file in `format` (`readers.FORMATS`: BibTeX, RIS, CSL-JSON, MEDLINE, PubMed
    XML) and plan its import; reads the database, writes nothing."""
    if format == readers.BIBTEX:
        reader = bibtex_reader(data, encoding)
        return importing.plan(reader.entries(), reader.notes)
    if format not in readers.READERS:
        raise ValueError(UNKNOWN_FORMAT.format(format=format))
    options = {"max_depth": settings.SOURCES_MAX_DEPTH} if format in DEEP_FORMATS else {}
    result = readers.READERS[format](data, encoding or None, **options)
    return importing.plan(result.entries(), result.notes)


def reference_import_bibtex(
    *,
    data: str | bytes,
    encoding: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    on_duplicate: str = importing.SKIP,
    progress: Callable[[int, int], None] | None = None,
    user=None,
    format: str = readers.BIBTEX,
) -> ImportOutcome:
    """Import a file (BibTeX, or another of `readers.FORMATS`): one transaction, or nothing
    written (see `importing.apply`).

    `user` is who imports (None for the command line): updating duplicates needs their
    permission to change references, adding new ones is the caller's to check.
    """
    if on_duplicate not in importing.ON_DUPLICATE_CHOICES:
        raise ValueError(UNKNOWN_ON_DUPLICATE)
    if on_duplicate == importing.UPDATE and not may_change_references(user):
        raise PermissionDenied(UPDATE_NEEDS_CHANGE)
    if dry_run:
        plan = reference_import_plan(data=data, encoding=encoding, format=format)
        return ImportOutcome(plan=plan, result=None)
    with importing.serialised():
        # Planned inside the lock: an import that ran meanwhile is seen, its entries are
        # duplicates, not new references stored twice.
        plan = reference_import_plan(data=data, encoding=encoding, format=format)
        result = importing.apply(
            plan, on_duplicate=on_duplicate, skip_invalid=skip_invalid, progress=progress, user=user
        )
    return ImportOutcome(plan=plan, result=result)


# --- adding a reference from an identifier ----------------------------------------------

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


def may_change_references(user) -> bool:
    return user is None or user.has_perm("citations.change_reference")


# --- curation of one reference ----------------------------------------------------------

AUTHORS_SET = "authors set from a typed list"


def reference_generate_citekey(*, family: str, year, title: str, exclude_pk=None) -> str:
    """A free citekey by the citekey rule (citations.citekeys), with a suffix when taken."""
    base = citekeys.base_key(family, year, title)
    stored = Reference.objects.filter(citekey__istartswith=base).exclude(pk=exclude_pk)
    taken = {key.lower() for key in stored.values_list("citekey", flat=True)}
    return citekeys.unique_key(base, taken)


def people_for(names: list[Name]) -> list[Person]:
    """The stored person of each name, created when missing (same name, same person)."""
    people = []
    for name in names:
        person, _ = Person.objects.get_or_create(
            family=name.family, given=name.given, prefix=name.prefix, suffix=name.suffix
        )
        people.append(person)
    return people


@transaction.atomic
def reference_set_contributors(
    *, reference: Reference, names: list[Name], role: str = Role.AUTHOR, actor=None
) -> list[Contributor]:
    """Replace the authors (or editors) of `reference` with `names`, numbered in order."""
    reference.contributors.filter(role=role).delete()
    rows = [
        Contributor(reference=reference, person=person, role=role, position=position)
        for position, person in enumerate(people_for(names))
    ]
    created = Contributor.objects.bulk_create(rows)
    save_with_history(reference, actor=actor, reason=AUTHORS_SET)
    return created


@transaction.atomic
def reference_number_contributors(*, reference: Reference) -> None:
    """Positions 0, 1, 2 ... per role in their current order: no gaps after a delete."""
    rows = list(reference.contributors.order_by("role", "position", "pk"))
    wanted, counters = [], {}
    for row in rows:
        wanted.append(counters.get(row.role, 0))
        counters[row.role] = wanted[-1] + 1
    if [row.position for row in rows] == wanted:
        return
    # Out of the way first: the unique (reference, role, position) holds after each statement.
    top = max(row.position for row in rows) + 1
    reference.contributors.update(position=F("position") + top)
    for row, position in zip(rows, wanted, strict=True):
        row.position = position
    Contributor.objects.bulk_update(rows, ["position"])


# --- admin import jobs --------------------------------------------------------------------


def import_job_create(
    *,
    user,
    data: bytes,
    encoding: str = "",
    on_duplicate: str,
    skip_invalid: bool,
    dry_run: bool = False,
    format: str = readers.BIBTEX,
) -> ImportJob:
    """Keep an uploaded file on the server until it is imported (or abandoned: stale jobs
    are deleted here, each time a new one starts). `dry_run`: an API dry run, previewed by
    a job and never imported."""
    ImportJob.objects.stale().delete()
    return ImportJob.objects.create(
        user=user,
        data=data,
        encoding=encoding,
        format=format,
        on_duplicate=on_duplicate,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
    )


def needs_preview_job(data: str | bytes) -> bool:
    """Is a file too large to preview within a request's time budget?"""
    return len(data) > settings.BIBTEX_PREVIEW_INLINE_MAX_BYTES


def import_job_preview(*, job_id: int) -> ImportJob:
    """Preview a job's file (in the background worker): an API dry run keeps the API's answer
    and drops the file (DONE); an admin upload keeps the plan's table and the file, PREVIEWED,
    for the curator to import. Nothing is written but the job."""
    job = ImportJob.objects.get(pk=job_id)
    _job_running(job)
    try:
        plan = reference_import_plan(
            data=bytes(job.data), encoding=job.encoding or None, format=job.format
        )
    except Exception:
        _job_failed(job, JOB_CRASHED)
        raise
    if job.dry_run:
        outcome = ImportOutcome(plan=plan, result=None)
        job.preview = importing.import_outcome_data(outcome, on_duplicate=job.on_duplicate)
        job.state, job.data, job.message = ImportJob.State.DONE, b"", JOB_PREVIEWED
    else:
        job.preview, job.state = importing.plan_snapshot(plan), ImportJob.State.PREVIEWED
    job.stage = ""
    job.save()
    return job


class JobProgress:
    """Writes a running job's progress on a database connection of its own: the import's
    transaction would hide it from the curator's page until the very end."""

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int, total: int) -> None:
        stage = JOB_WRITING.format(done=done, total=total)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET done = %s, total = %s, stage = %s "  # noqa: S608
                "WHERE id = %s",
                [done, total, stage, self.job_id],
            )

    def close(self) -> None:
        self.side.close()


def _job_running(job: ImportJob) -> None:
    job.state, job.stage, job.heartbeat = ImportJob.State.RUNNING, JOB_READING, timezone.now()
    job.save(update_fields=["state", "stage", "heartbeat", "updated"])


def _job_finished(job: ImportJob, result: ApplyResult) -> None:
    job.refresh_from_db(fields=["done", "total"])
    job.state, job.stage, job.data, job.written = ImportJob.State.DONE, "", b"", result.written
    job.message = (
        JOB_DONE.format(created=result.created, updated=result.updated, skipped=result.skipped)
        if result.written
        else result.refused
    )
    job.save()


def _job_failed(job: ImportJob, message: str) -> None:
    job.state, job.stage, job.data, job.message = ImportJob.State.FAILED, "", b"", message
    job.save()


def import_job_run(*, job_id: int) -> ImportJob:
    """Run an import job (in the background worker): the same import as the API's, with
    progress written as it goes and a heartbeat beside it (citations.heartbeat); the file
    is dropped once the job ends."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    _job_running(job)
    progress = JobProgress(job)
    try:
        with Heartbeat(job.pk):
            outcome = reference_import_bibtex(
                data=bytes(job.data),
                encoding=job.encoding or None,
                format=job.format,
                on_duplicate=job.on_duplicate,
                skip_invalid=job.skip_invalid,
                progress=progress,
                user=job.user,
            )
    except PermissionDenied as exc:  # The curator lost a permission since the preview.
        _job_failed(job, str(exc))
        return job
    except Exception:
        _job_failed(job, JOB_CRASHED)
        raise
    finally:
        progress.close()
    _job_finished(job, outcome.result)
    return job
