"""API shapes of references, and the write rule every API serializer shares.

`CleanModelSerializer` validates a write through the model's own `full_clean()` (field
validation, `clean()`, unique and check constraints), the same rules the admin applies, so
bad input is a 400 with field errors and never reaches the database to become a 500.
"""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from citations import bibtex, importer
from citations.identifiers import RESOLVERS, resolver_url
from citations.models import Contributor, EntryType, Reference
from config.exceptions import field_errors

EXTRA_FIELDS_SHAPE = (
    "extra_fields maps BibTeX field names (lower case letters, digits, - and _) to text."
)
CITEKEY_SHAPE = "A citekey starts with a letter or digit; then letters, digits and _ : . + -."
INVALID_URL = "Enter a valid URL."
ENTRY_TYPE_SHAPE = "{input!r} is not a BibTeX or biblatex entry type (e.g. article, book)."
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
CITEKEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.+-]*$")


@extend_schema_field(
    {"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}], "maxLength": 1000}
)
class OptionalURLField(serializers.CharField):
    """A URL, or empty when a record has none (the schema's "uri" format alone refuses "")."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(URLValidator(message=INVALID_URL))


class SlugField(serializers.SlugRelatedField):
    """A related record named by its slug or citekey; text that cannot be one is a 400."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class CleanModelSerializer(serializers.ModelSerializer):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        many = {field.name for field in self.Meta.model._meta.many_to_many}
        plain = {name: value for name, value in attrs.items() if name not in many}
        instance = self.instance or self.Meta.model()
        for name, value in plain.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(exc)) from exc
        # clean() normalises values (identifiers): write what it settled on.
        return {**attrs, **{name: getattr(instance, name) for name in plain}}


class EntryTypeField(serializers.ChoiceField):
    """A BibTeX or biblatex entry type, in any case ("Article" is article)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": ENTRY_TYPE_SHAPE})
        super().__init__(choices=EntryType.choices, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.lower() if isinstance(data, str) else data)


class ContributorSerializer(serializers.ModelSerializer):
    family = serializers.CharField(source="person.family")
    given = serializers.CharField(source="person.given")
    prefix = serializers.CharField(source="person.prefix")
    suffix = serializers.CharField(source="person.suffix")
    orcid = serializers.CharField(source="person.orcid")

    class Meta:
        model = Contributor
        fields = ["role", "position", "family", "given", "prefix", "suffix", "orcid"]
        read_only_fields = fields


class ReferenceSerializer(CleanModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:reference-detail", lookup_field="citekey"
    )
    page_url = serializers.SerializerMethodField()
    contributors = ContributorSerializer(many=True, read_only=True)
    identifiers = serializers.SerializerMethodField()
    # Patterns here (not only checks in validate_*) so the OpenAPI schema states them.
    citekey = serializers.RegexField(
        CITEKEY.pattern, max_length=100, error_messages={"invalid": CITEKEY_SHAPE}
    )
    entry_type = EntryTypeField(required=False)
    extra_fields = serializers.DictField(child=serializers.CharField(), required=False)
    url = OptionalURLField(max_length=1000, allow_blank=True, required=False)

    class Meta:
        model = Reference
        fields = [
            "citekey",
            "api_url",
            "page_url",
            "entry_type",
            "title",
            "container_title",
            "publisher",
            "year",
            "volume",
            "issue",
            "pages",
            "edition",
            "contributors",
            "doi",
            "pmid",
            "pmcid",
            "isbn",
            "identifiers",
            "url",
            "abstract",
            "extra_fields",
            "verification",
            "verification_note",
            "retraction",
            "retraction_notice",
            "retraction_date",
            "as_cited",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]
        # Identifiers are checked for length once normalised ("PMID: 18276762" is 8 digits).
        extra_kwargs = {
            "doi": {"allow_null": True, "required": False, "max_length": 300},
            "pmid": {"max_length": 50},
            "pmcid": {"max_length": 50},
            "isbn": {"max_length": 50},
        }

    def get_page_url(self, reference) -> str:
        return reference.get_absolute_url()

    def get_identifiers(self, reference) -> dict[str, str]:
        """Resolver links of the identifiers a reference has."""
        return {
            scheme: resolver_url(scheme, getattr(reference, scheme))
            for scheme in RESOLVERS
            if getattr(reference, scheme)
        }

    def validate_extra_fields(self, value):
        if not all(FIELD_NAME.match(key) for key in value):
            raise serializers.ValidationError(EXTRA_FIELDS_SHAPE)
        return value


class ReferenceSummarySerializer(serializers.ModelSerializer):
    """A cited reference inside a claim or an evidence item: enough to find and cite it."""

    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:reference-detail", lookup_field="citekey"
    )
    page_url = serializers.SerializerMethodField()
    url = OptionalURLField(read_only=True)

    class Meta:
        model = Reference
        fields = [
            "citekey",
            "api_url",
            "page_url",
            "title",
            "year",
            "doi",
            "url",
            "verification",
            "retraction",
        ]
        read_only_fields = fields

    def get_page_url(self, reference) -> str:
        return reference.get_absolute_url()


# --- BibTeX import (POST /api/references/import/) ---------------------------------------

NO_BIBTEX = (
    "The request holds no BibTeX: send it as the body (Content-Type: application/x-bibtex "
    'or text/plain), as a multipart "file", or as JSON {"bibtex": "..."}.'
)
NOT_TEXT = "The BibTeX must be text."


class ImportOptionsSerializer(serializers.Serializer):
    """The options of an import, from the query string or form fields."""

    dry_run = serializers.BooleanField(default=False, help_text="Preview: write nothing.")
    skip_invalid = serializers.BooleanField(
        default=False, help_text="Write the valid entries even when some are invalid."
    )
    on_duplicate = serializers.ChoiceField(
        choices=importer.ON_DUPLICATE_CHOICES,
        default=importer.SKIP,
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
    file = serializers.FileField(help_text="A .bib file.")


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


class ImportEntrySerializer(serializers.Serializer):
    """One entry of the file and what importing it does."""

    key = serializers.CharField(help_text="The entry's key in the file.")
    line = serializers.IntegerField(help_text="The line the entry starts on.")
    status = serializers.ChoiceField(choices=importer.STATUSES)
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


def import_entry_data(item: importer.PlanItem) -> dict:
    return {
        "key": item.key,
        "line": item.line,
        "status": item.status,
        "citekey": item.citekey,
        "duplicate_of": item.duplicate_citekey if item.status == importer.DUPLICATE else None,
        "reason": item.reason,
        "messages": list(item.messages),
    }


def import_problems(plan: importer.ImportPlan) -> list[str]:
    return [
        importer.INVALID_LINE.format(line=item.line, key=item.key, message=message).strip()
        for item in plan.with_status(importer.INVALID)
        for message in item.messages
    ]


def import_outcome_data(outcome, *, on_duplicate: str) -> dict:
    """An `ImportOutcome` in the shape of `ImportOutcomeSerializer` (built directly: a plan
    may hold 50,000 entries, too many to pass through serializer fields one by one)."""
    counts, result = outcome.plan.counts, outcome.result
    if result is None:
        created, updated = counts[importer.NEW], len(outcome.plan.updates(on_duplicate))
    else:
        created, updated = result.created, result.updated
    return {
        "dry_run": result is None,
        "written": bool(result and result.written),
        "created": created,
        "updated": updated,
        "duplicates": counts[importer.DUPLICATE],
        "invalid": counts[importer.INVALID],
        "detail": result.refused if result else "",
        "problems": import_problems(outcome.plan),
        "notes": list(outcome.plan.notes),
        "entries": [import_entry_data(item) for item in outcome.plan.items],
    }


class LookupRequestSerializer(serializers.Serializer):
    identifier = serializers.CharField(
        max_length=300, help_text="A DOI, PMID, PMCID or ISBN in any usual spelling."
    )
    save = serializers.BooleanField(
        default=False, help_text="Add the record as a new reference (also `?save=1`)."
    )


class LookupAuthorSerializer(serializers.Serializer):
    family = serializers.CharField()
    given = serializers.CharField()
    orcid = serializers.CharField()
    person = serializers.IntegerField(allow_null=True, help_text="The stored person, if any.")
    matched_by = serializers.CharField(help_text='"ORCID", "name" or "new".')


class LookupDuplicateSerializer(serializers.Serializer):
    citekey = serializers.CharField()
    url = serializers.CharField()


class LookupResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.CharField()
    source = serializers.CharField()
    citekey = serializers.CharField(help_text="The citekey it gets (or got) when added.")
    entry_type = serializers.CharField()
    fields = serializers.DictField(child=serializers.CharField())
    authors = LookupAuthorSerializer(many=True)
    duplicates = LookupDuplicateSerializer(many=True)
    errors = serializers.ListField(child=serializers.CharField())
    created = serializers.BooleanField()


def lookup_result_data(result, *, request, created=None) -> dict:
    """A looked-up record as the API answers it (and what was created, if anything)."""
    authors = [
        {
            "family": match.name.family,
            "given": match.name.given,
            "orcid": match.orcid,
            "person": match.person.pk if match.person else None,
            "matched_by": match.how,
        }
        for match in result.people
    ]
    duplicates = [
        {
            "citekey": reference.citekey,
            "url": request.build_absolute_uri(
                reverse("api:reference-detail", kwargs={"citekey": reference.citekey})
            ),
        }
        for reference in result.duplicates
    ]
    return {
        "kind": result.kind,
        "value": result.value,
        "source": result.found.source,
        "citekey": created.citekey if created else result.item.citekey,
        "entry_type": result.found.record.entry_type,
        "fields": result.found.record.fields,
        "authors": authors,
        "duplicates": duplicates,
        "errors": result.errors,
        "created": created is not None,
    }
