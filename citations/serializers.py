"""API shapes of references, and the write rule every API serializer shares.

`CleanModelSerializer` validates a write through the model's own `full_clean()` (field
validation, `clean()`, unique and check constraints), the same rules the admin applies, so
bad input is a 400 with field errors and never reaches the database to become a 500.
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from citations.models import Contributor, Reference
from config.exceptions import field_errors

EXTRA_FIELDS_SHAPE = (
    "extra_fields maps BibTeX field names (lower case letters, digits, - and _) to text."
)
CITEKEY_SHAPE = "A citekey starts with a letter or digit; then letters, digits and _ : . + -."
INVALID_URL = "Enter a valid URL."
CITEKEY_FROZEN = "This citekey is cited by a claim and never changes."
ENTRY_TYPE_SHAPE = "An entry type is a BibTeX type in letters only, e.g. article or book."
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
CITEKEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.+-]*$")
ENTRY_TYPE = re.compile(r"^[A-Za-z]+$")

RESOLVERS = {
    "doi": "https://doi.org/{}",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/",
}


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
    entry_type = serializers.RegexField(
        ENTRY_TYPE.pattern,
        max_length=40,
        required=False,
        error_messages={"invalid": ENTRY_TYPE_SHAPE},
    )
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
            name: template.format(getattr(reference, name))
            for name, template in RESOLVERS.items()
            if getattr(reference, name)
        }

    def validate_citekey(self, value):
        renamed = self.instance is not None and value != self.instance.citekey
        if renamed and self.instance.evidence.exists():
            raise serializers.ValidationError(CITEKEY_FROZEN)
        return value

    def validate_entry_type(self, value):
        return value.lower()

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
        fields = ["citekey", "api_url", "page_url", "title", "year", "doi", "url", "verification"]
        read_only_fields = fields

    def get_page_url(self, reference) -> str:
        return reference.get_absolute_url()
