"""API shapes of references: the record, and its summary inside a claim or an evidence item.

Writes are validated by the model's own `full_clean()` (config.api.serializers). The shapes of
a BibTeX import and of an identifier look-up are citations.api.import_serializers and
citations.api.lookup_serializers.
"""

import re

from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from citations.identifiers import RESOLVERS, resolver_url
from citations.models import (
    BIBLIOGRAPHIC_FIELDS,
    IDENTIFIER_FIELDS,
    Contributor,
    EntryType,
    Reference,
)
from config.api.serializers import CleanModelSerializer

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


# How the API points at a reference: `LINK_FIELDS`, its citekey, its API URL and its page. (A
# comment, not a docstring: drf-spectacular would give it as the description of every subclass.)
class ReferenceLinks(serializers.Serializer):
    LINK_FIELDS = ["citekey", "api_url", "page_url"]

    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:reference-detail", lookup_field="citekey"
    )
    page_url = serializers.SerializerMethodField()

    def get_page_url(self, reference) -> str:
        return reference.get_absolute_url()


class ReferenceSerializer(ReferenceLinks, CleanModelSerializer):
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
            *ReferenceLinks.LINK_FIELDS,
            *BIBLIOGRAPHIC_FIELDS,
            "contributors",
            *IDENTIFIER_FIELDS,
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


class ReferenceSummarySerializer(ReferenceLinks, serializers.ModelSerializer):
    """A cited reference inside a claim or an evidence item: enough to find and cite it."""

    url = OptionalURLField(read_only=True)

    class Meta:
        model = Reference
        fields = [
            *ReferenceLinks.LINK_FIELDS,
            "title",
            "year",
            "doi",
            "url",
            "verification",
            "retraction",
            "retraction_notice",
            "retraction_date",
        ]
        read_only_fields = fields
