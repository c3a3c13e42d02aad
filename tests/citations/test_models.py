"""Reference, Person and Contributor: constraints, clean() and natural keys."""

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from citations.exports import record_stream
from citations.identifiers import INVALID_DOI, INVALID_ISBN
from citations.models import Contributor, Person, Reference
from claims.models import Claim
from tests.factories import ContributorFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def test_clean_normalises_identifiers():
    reference = ReferenceFactory.build(
        doi="https://doi.org/10.1210/EN.2007-1247",
        pmid="018276762",
        pmcid="pmc4592269",
        isbn="978-1-4557-4377-3",
    )
    reference.full_clean()
    assert (reference.doi, reference.pmid, reference.pmcid, reference.isbn) == (
        "10.1210/en.2007-1247",
        "18276762",
        "PMC4592269",
        "9781455743773",
    )


def test_clean_reports_each_invalid_identifier_as_a_field_error():
    reference = ReferenceFactory.build(doi="not-a-doi", isbn="978-1-4557-4377-4")
    with pytest.raises(ValidationError) as exc:
        reference.full_clean()
    assert exc.value.message_dict["doi"] == [INVALID_DOI]
    assert exc.value.message_dict["isbn"] == [INVALID_ISBN]


def test_database_refuses_duplicate_doi_and_citekey():
    ReferenceFactory(citekey="prior1990progesterone", doi="10.1210/edrv-11-2-386")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceFactory(doi="10.1210/edrv-11-2-386")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceFactory(citekey="prior1990progesterone")
    assert Reference.objects.count() == 1


def test_many_references_may_lack_a_doi():
    ReferenceFactory(doi=None)
    ReferenceFactory(doi=None)
    assert Reference.objects.filter(doi__isnull=True).count() == 2


def test_database_refuses_upper_case_doi_and_impossible_year():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceFactory(doi="10.1210/EN.2007-1247")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceFactory(year=3000)
    with pytest.raises(ValidationError) as exc:
        ReferenceFactory.build(year=2500).full_clean()
    assert "year" in exc.value.message_dict


def test_reference_with_evidence_cannot_be_deleted():
    item = EvidenceFactory()
    with pytest.raises(ProtectedError):
        item.reference.delete()
    assert Reference.objects.filter(pk=item.reference.pk).exists()


def test_natural_keys_round_trip_without_primary_keys():
    contributor = ContributorFactory(position=0)
    data = serializers.serialize(
        "json",
        [contributor.person, contributor.reference, contributor],
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    Contributor.objects.all().delete()
    Reference.objects.all().delete()
    Person.objects.all().delete()
    for obj in serializers.deserialize("json", data):
        obj.save()
    restored = Contributor.objects.select_related("person", "reference").get()
    assert restored.natural_key() == (contributor.reference.citekey, "author", 0)
    assert restored.person.natural_key() == contributor.person.natural_key()


def test_to_record_lists_authors_in_order_and_keeps_extra_fields():
    reference = ReferenceFactory(
        citekey="rickard2008bone",
        title="Bone growth and turnover in progesterone receptor knockout mice",
        container_title="Endocrinology",
        year=2008,
        doi="10.1210/en.2007-1247",
        extra_fields={"note": "Female PRKO mice"},
    )
    second, first = (
        Person.objects.create(family="Iwaniec"),
        Person.objects.create(family="Rickard", given="David J."),
    )
    Contributor.objects.create(reference=reference, person=second, position=1)
    Contributor.objects.create(reference=reference, person=first, position=0)
    record = Reference.objects.with_contributors().get(pk=reference.pk).to_record()
    assert [name.family for name in record.authors] == ["Rickard", "Iwaniec"]
    assert record.fields["journal"] == "Endocrinology"
    assert record.fields["year"] == "2008"
    assert record.fields["note"] == "Female PRKO mice"
    assert "pmid" not in record.fields


def test_exports_and_to_record_build_the_same_records():
    chapter = ReferenceFactory(
        citekey="prior1990chapter",
        entry_type="incollection",
        container_title="Bone biology",
        pmid="2190567",
        extra_fields={"note": "Chapter 3", "pmid": "1"},
        latex_source={"title": "Spinal bone loss in {M}ice"},
    )
    article = ReferenceFactory(citekey="rickard2008bone", doi="10.1210/en.2007-1247")
    ContributorFactory(reference=chapter, person=Person.objects.create(family="Prior"))
    ContributorFactory(
        reference=chapter, person=Person.objects.create(family="Vigna"), role="editor"
    )
    ContributorFactory(reference=article, person=Person.objects.create(family="Rickard"))

    exported = list(record_stream(Reference.objects.all()))
    stored = [r.to_record() for r in Reference.objects.with_contributors().order_by("citekey")]

    assert exported == stored
    assert exported[0].fields["booktitle"] == "Bone biology"
    assert exported[0].fields["pmid"] == "2190567"
    assert [name.family for name in exported[0].editors] == ["Vigna"]


@pytest.mark.django_db
def test_cited_by_lists_each_reference_of_the_given_claims_once():
    shared = EvidenceFactory()
    EvidenceFactory(reference=shared.reference, outcome="another outcome")
    other = EvidenceFactory()
    EvidenceFactory(claim=other.claim, reference=shared.reference)
    ReferenceFactory()
    claims = Claim.objects.filter(pk__in=[shared.claim.pk, other.claim.pk])
    cited = Reference.objects.cited_by(claims).order_by("citekey")
    assert list(cited) == sorted([shared.reference, other.reference], key=lambda r: r.citekey)
    assert list(Reference.objects.cited_by(Claim.objects.none())) == []
