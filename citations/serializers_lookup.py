"""API shapes of an identifier look-up (POST /api/references/lookup/): the identifier asked
for, and the record found with its authors, its duplicates and whether it was added."""

from django.urls import reverse
from rest_framework import serializers


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
