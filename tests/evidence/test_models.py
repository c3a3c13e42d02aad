"""Evidence invariants: confidence intervals, sample sizes, choices."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evidence.models import CI_NEEDS_BOTH, CI_ORDER, Evidence
from tests.factories import EvidenceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"effect_value": 0.68, "ci_low": 0.97, "ci_high": 0.38}, "ci_low", CI_ORDER),
        ({"effect_value": 1.5, "ci_low": 0.38, "ci_high": 0.97}, "effect_value", CI_ORDER),
        ({"effect_value": 0.68, "ci_low": 0.38, "ci_high": None}, "ci_high", CI_NEEDS_BOTH),
    ],
)
def test_clean_rejects_inconsistent_confidence_interval(values, field, message):
    item = EvidenceFactory.build(**values)
    with pytest.raises(ValidationError) as exc:
        item.clean()
    assert exc.value.message_dict[field] == [message]


@pytest.mark.parametrize(
    "values",
    [
        {"effect_value": 0.68, "ci_low": 0.97, "ci_high": 0.38},
        {"effect_value": 1.5, "ci_low": 0.38, "ci_high": 0.97},
        {"ci_low": 0.38, "ci_high": None},
        {"sample_size": 0},
        {"stance": "agrees"},
        {"design": "anecdote"},
        {"risk_of_bias": "medium"},
    ],
)
def test_database_refuses_what_clean_refuses(values):
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(**values)
    assert not Evidence.objects.exists()


def test_valid_effect_with_interval_is_kept():
    item = EvidenceFactory(effect_value=0.68, ci_low=0.38, ci_high=0.97, sample_size=1058)
    item.full_clean()
    assert item.null_value == 0.0
    item.effect_measure = "ratio"
    assert item.null_value == 1.0


def test_label_names_first_author_and_year():
    from citations.models import Contributor, Person

    item = EvidenceFactory(reference__year=2008)
    Contributor.objects.create(
        reference=item.reference, person=Person.objects.create(family="Rickard"), position=0
    )
    assert Evidence.objects.get(pk=item.pk).label == "Rickard 2008"
