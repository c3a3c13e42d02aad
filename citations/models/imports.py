"""Where imports stand: an admin or API import job with its file and progress, and the
Zotero libraries synced, each with the library version it was last synced at."""

import uuid

from django.conf import settings
from django.db import models

from citations.models.querysets import ImportJobQuerySet


class ImportJob(models.Model):
    """A BibTeX import from the admin: the uploaded file, kept on the server (never in the
    session) from the preview to the import, and then the background job's progress and
    result. The file is dropped when the job ends; stale rows are deleted."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    data = models.BinaryField(blank=True)
    encoding = models.CharField(max_length=40, blank=True)
    format = models.CharField(
        max_length=20,
        default="bibtex",
        help_text="The file's format: bibtex, ris, csl, medline or pubmed-xml (citations.readers).",
    )
    on_duplicate = models.CharField(max_length=10)
    skip_invalid = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    stage = models.CharField(max_length=200, blank=True, help_text="What the job is doing.")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    written = models.BooleanField(default=False)
    message = models.TextField(blank=True, help_text="The result, or why nothing was written.")
    # A preview run as a job (the file was too large to preview within a request): an API
    # dry run keeps the API's answer here and ends; an admin preview keeps the plan's table
    # and waits, PREVIEWED, for the curator to import it.
    dry_run = models.BooleanField(default=False, help_text="An API dry run: preview only.")
    preview = models.JSONField(null=True, blank=True, help_text="The preview, once made.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    heartbeat = models.DateTimeField(
        null=True, blank=True, help_text="When the worker running the job last said it was alive."
    )
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The background task (django-tasks) that runs it."
    )

    objects = ImportJobQuerySet.as_manager()

    def __str__(self):
        return f"BibTeX import {self.token} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def retryable(self) -> bool:
        """Failed with its file kept: its worker stopped (citations.job_recovery)."""
        return self.state == self.State.FAILED and len(self.data or b"") > 0


class ZoteroLibrary(models.Model):
    """A Zotero user or group library (or one collection of it) imported into the ledger,
    and the library version it was last synced at: the next sync asks Zotero only for the
    items changed since (`since=<version>`). Its items are found again by their Zotero key
    (`extra_fields["zoterokey"]`)."""

    class Kind(models.TextChoices):
        USER = "user", "User library"
        GROUP = "group", "Group library"

    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.GROUP)
    library_id = models.CharField(max_length=20, help_text="The numeric user or group ID.")
    collection = models.CharField(max_length=20, blank=True, help_text="A collection key, or all.")
    version = models.PositiveBigIntegerField(default=0, help_text="Library version last synced.")
    synced = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "library_id", "collection"], name="zotero_library_unique"
            ),
        ]
        verbose_name_plural = "Zotero libraries"

    def __str__(self):
        where = f"{self.kind}s/{self.library_id}"
        return f"{where}/collections/{self.collection}" if self.collection else where

    @property
    def items_path(self) -> str:
        """The API path of the library's (or the collection's) items."""
        return f"/{self}/items"
