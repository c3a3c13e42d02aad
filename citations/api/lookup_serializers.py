"""API shapes of an identifier look-up (POST /api/references/lookup/): the identifier asked
for, and the record found with its authors, its duplicates, the editorial notices the service
lists (`retraction`; `notice_of` when the record is itself a notice) and whether it was added."""

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


class LookupRetractionSerializer(serializers.Serializer):
    state = serializers.CharField(help_text='"retracted", "expression_of_concern" or "corrected".')
    notice = serializers.CharField(help_text="The notice: its DOI or URL.")
    date = serializers.DateField(allow_null=True)
    source = serializers.CharField()


class LookupNoticeOfSerializer(serializers.Serializer):
    state = serializers.CharField()
    work = serializers.CharField(help_text="The work the notice is about: its DOI or URL.")
    date = serializers.DateField(allow_null=True)


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
    retraction = LookupRetractionSerializer(
        allow_null=True, help_text="The most serious notice about the work; stored when added."
    )
    notice_of = LookupNoticeOfSerializer(
        many=True, help_text="When the record is itself a notice: the works it is about."
    )
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
        "retraction": retraction_data(result.retraction),
        "notice_of": [
            {"state": n.state, "work": n.work, "date": n.date} for n in result.found.notice_of
        ],
        "created": created is not None,
    }


def retraction_data(update) -> dict | None:
    if update is None:
        return None
    return {
        "state": update.state,
        "notice": update.notice,
        "date": update.date,
        "source": update.source,
    }
