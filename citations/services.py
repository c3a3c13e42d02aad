"""Writes with rules for references: importing a file (plan, then apply) and the admin's
import jobs (the upload kept server-side, then run in the background with its progress).
Adding one from an identifier is citations.identifier_lookup, the curation of one reference
(generated citekeys, contributors typed as one list) citations.curation: both re-exported
here."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from citations import bibtex, importing, readers
from citations.curation import (  # noqa: F401 - re-exported: callers name them here
    AUTHORS_SET,
    people_for,
    reference_generate_citekey,
    reference_number_contributors,
    reference_set_contributors,
)
from citations.heartbeat import Heartbeat
from citations.identifier_lookup import (  # noqa: F401 - re-exported: callers name them here
    ADDED_FROM,
    ADDED_UNDER_NOTICE,
    DUPLICATE_EXISTS,
    RECORD_INVALID,
    LookupResult,
    PersonMatch,
    contributors_replace,
    duplicates_of,
    ensure_person,
    match_people,
    reference_create_from_lookup,
    reference_lookup,
)
from citations.importing import ApplyResult, ImportPlan
from citations.models import ImportJob

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
        with importing.collector_paused():
            plan = reference_import_plan(data=data, encoding=encoding, format=format)
        return ImportOutcome(plan=plan, result=None)
    with importing.serialised(), importing.collector_paused():
        # Planned inside the lock: an import that ran meanwhile is seen, its entries are
        # duplicates, not new references stored twice.
        plan = reference_import_plan(data=data, encoding=encoding, format=format)
        result = importing.apply(
            plan, on_duplicate=on_duplicate, skip_invalid=skip_invalid, progress=progress, user=user
        )
    return ImportOutcome(plan=plan, result=result)


def may_change_references(user) -> bool:
    return user is None or user.has_perm("citations.change_reference")


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
