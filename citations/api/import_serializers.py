"""API shapes of a BibTeX import (POST /api/references/import/): its options, the body it
reads, and what it did (or, on a dry run, would do) with each entry."""

from collections.abc import Mapping

from rest_framework import serializers

from citations import bibtex, importing
from citations.importing.report import import_entry_data, import_outcome_data

NO_BIBTEX = (
    "The request holds no BibTeX: send it as the body (Content-Type: application/x-bibtex "
    'or text/plain), as a multipart "file", or as JSON {"bibtex": "..."}.'
)
NOT_TEXT = "The BibTeX must be text."
__all__ = ["import_entry_data", "import_outcome_data"]  # built in citations.importing.report


class ImportOptionsSerializer(serializers.Serializer):
    """The options of an import, from the query string or form fields."""

    dry_run = serializers.BooleanField(default=False, help_text="Preview: write nothing.")
    skip_invalid = serializers.BooleanField(
        default=False, help_text="Write the valid entries even when some are invalid."
    )
    on_duplicate = serializers.ChoiceField(
        choices=importing.ON_DUPLICATE_CHOICES,
        default=importing.SKIP,
        help_text="What to do with an entry already stored: skip it, update the stored "
        "reference, or fail (write nothing).",
    )
    encoding = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The file's encoding when it is not UTF-8, e.g. windows-1252. Without it, "
        "a file that is not valid UTF-8 is refused with the lines that are not.",
    )

    def validate_encoding(self, value: str) -> str:
        if not value:
            return ""
        try:
            return bibtex.check_encoding(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class ImportUploadSerializer(ImportOptionsSerializer):
    file = serializers.FileField(
        help_text="A .bib, .ris, .json (CSL-JSON), .nbib or .txt (PubMed MEDLINE) or .xml "
        "(PubMed XML) file: its extension chooses the reader."
    )


class ImportJSONSerializer(ImportOptionsSerializer):
    bibtex = serializers.CharField(help_text="BibTeX text.", trim_whitespace=False)


def submitted_bibtex(data) -> str | bytes:
    """The BibTeX of a parsed request body (bytes, a form with "file", or JSON "bibtex");
    a 400 when there is none, or when it is not text."""
    if isinstance(data, Mapping):
        data = data.get("file", data.get("bibtex", ""))
        data = data.read() if hasattr(data, "read") else data
        if not isinstance(data, str | bytes):
            raise serializers.ValidationError({"bibtex": [NOT_TEXT]})
    elif not isinstance(data, bytes):  # JSON that is no object: a string, a list, a number
        raise serializers.ValidationError({"bibtex": [NO_BIBTEX]})
    if not data.strip():
        raise serializers.ValidationError({"bibtex": [NO_BIBTEX]})
    if bibtex.looks_binary(data):
        raise serializers.ValidationError({"bibtex": [bibtex.BINARY_INPUT]})
    return data


class ImportJobSerializer(serializers.Serializer):
    """A dry run previewed by a background job (its file was too large to preview within the
    request): where it stands, and its answer once done."""

    token = serializers.UUIDField()
    url = serializers.CharField(help_text="Where to ask for the job's state (GET).")
    state = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    stage = serializers.CharField(help_text="What the job is doing.")
    message = serializers.CharField(help_text="The result, or why the preview failed.")
    result = serializers.JSONField(
        allow_null=True, help_text="Once done: the dry run's answer (ImportOutcome's shape)."
    )


def import_job_data(job, *, url: str) -> dict:
    return {
        "token": str(job.token),
        "url": url,
        "state": job.state,
        "stage": job.stage,
        "message": job.message,
        "result": job.preview if job.state == "done" else None,
    }


class ImportEntrySerializer(serializers.Serializer):
    """One entry of the file and what importing it does."""

    key = serializers.CharField(help_text="The entry's key in the file.")
    line = serializers.IntegerField(help_text="The line the entry starts on.")
    status = serializers.ChoiceField(choices=importing.STATUSES)
    citekey = serializers.CharField(help_text="The citekey a new reference gets.")
    duplicate_of = serializers.CharField(
        allow_null=True, help_text="Citekey (or key in the file) of the record it duplicates."
    )
    reason = serializers.CharField(help_text="Why it is a duplicate.")
    messages = serializers.ListField(
        child=serializers.CharField(), help_text="Errors of an invalid entry, else warnings."
    )


class ImportOutcomeSerializer(serializers.Serializer):
    """What an import did, or (dry run) would do."""

    dry_run = serializers.BooleanField()
    written = serializers.BooleanField(help_text="Whether anything was written.")
    created = serializers.IntegerField(help_text="New references (dry run: that would be).")
    updated = serializers.IntegerField(help_text="Stored references updated (would be).")
    duplicates = serializers.IntegerField()
    invalid = serializers.IntegerField()
    detail = serializers.CharField(help_text="Why nothing was written; empty when it was.")
    problems = serializers.ListField(
        child=serializers.CharField(), help_text='"line N [key]: message" for each problem.'
    )
    notes = serializers.ListField(child=serializers.CharField())
    entries = ImportEntrySerializer(many=True)
