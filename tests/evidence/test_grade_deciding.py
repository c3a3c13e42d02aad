"""The number of studies that decide a grade is stored with it (`Claim.grade_deciding`): what
list pages show ("2 studies decide"), equal to what they computed on each request before, and
written by every path that stores a grade (each test forgets the stored counts first, so a
path that does not write them fails), and by claims migration 0017 for grades stored before."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from claims.models import Claim
from claims.pages import COUNTED_LEVELS, PROFILED_RUBRICS, deciding_count
from claims.profile_page import deciding_studies
from evidence.facts import compute_grade
from evidence.models import Evidence
from evidence.services import (
    claim_regrade,
    claims_regrade,
    evidence_create,
    evidence_delete,
    evidence_update,
)
from tests.factories import ContributorFactory, PersonFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("claims.migrations.0017_claim_grade_deciding")


@pytest.fixture
def seed(seed_once, db):
    """The seed, loaded once for this module (tests/conftest.py `seed_once`)."""


def recomputed(claim) -> int | None:
    """What list pages computed on each request before the count was stored: the claim's
    profile by the rubric that stored its grade, from its evidence now, for a level whose
    profile names its deciding studies."""
    if claim.grade_level not in COUNTED_LEVELS or claim.grade_rubric not in PROFILED_RUBRICS:
        return None
    profile = compute_grade(claim, claim.evidence.all(), claim.grade_rubric).profile
    return len(deciding_studies(profile)) or None


def assert_stored_counts_are_recomputed() -> list:
    claims = list(Claim.objects.with_evidence())
    for claim in claims:
        assert claim.grade_deciding == recomputed(claim), claim.slug
        assert deciding_count(claim) == claim.grade_deciding, claim.slug
    return claims


def forget_counts() -> None:
    Claim.objects.update(grade_deciding=None)


def test_the_seed_stores_the_counts_list_pages_computed(seed):
    claims = assert_stored_counts_are_recomputed()
    counts = {claim.grade_deciding for claim in claims}
    assert {None, 1, 2} <= counts  # graded claims count, insufficient and not graded ones not


@pytest.mark.parametrize("rubric", ["grade-1", "grade-2", "grade-3"])
def test_the_batch_regrade_stores_each_rubrics_count(seed, rubric):
    forget_counts()
    claims_regrade(rubric=rubric, batch_size=7)
    claims = assert_stored_counts_are_recomputed()
    counted = [claim for claim in claims if claim.grade_deciding]
    assert bool(counted) == (rubric != "grade-1")  # grade-1 has no profile to count from


def test_the_regrade_of_one_claim_stores_its_count(seed):
    forget_counts()
    for claim in Claim.objects.all():
        claim_regrade(claim=claim)
    assert_stored_counts_are_recomputed()


def test_a_regrade_that_finds_only_the_count_missing_writes_it(seed):
    forget_counts()
    seen, changed = claims_regrade()
    assert changed == Claim.objects.filter(grade_deciding__isnull=False).count() > 0
    assert_stored_counts_are_recomputed()


def authored(family: str, year: int):
    reference = ReferenceFactory(year=year, verification="verified")
    ContributorFactory(reference=reference, person=PersonFactory(family=family, given="A."))
    return reference


def test_evidence_writes_store_the_count_of_their_claim(seed):
    claim = Claim.objects.filter(grade_deciding=1, grade_rubric="grade-3").first()

    def stored_and_recomputed():
        stored = Claim.objects.with_evidence().get(pk=claim.pk)
        return stored.grade_deciding, recomputed(stored)

    trial = dict(stance="supports", design="rct", population="humans", risk_of_bias="low")
    forget_counts()
    item = evidence_create(claim=claim, reference=authored("Zed", 2021), sample_size=900, **trial)
    stored, expected = stored_and_recomputed()
    assert stored == expected is not None
    forget_counts()
    evidence_update(evidence=item, sample_size=950)
    stored, expected = stored_and_recomputed()
    assert stored == expected is not None
    forget_counts()
    evidence_delete(evidence=Evidence.objects.get(pk=item.pk))
    assert stored_and_recomputed() == (1, 1)


def test_the_migration_fills_the_counts_of_grades_stored_before(seed):
    graded = list(Claim.objects.values_list("pk", "grade_level", "grade_reasons", "graded_at"))
    forget_counts()
    backfill.fill_deciding_counts(apps, SimpleNamespace(connection=connection))
    assert_stored_counts_are_recomputed()
    assert list(Claim.objects.values_list("pk", "grade_level", "grade_reasons", "graded_at")) == (
        graded
    )


def test_the_migration_fills_in_batches(seed, monkeypatch):
    monkeypatch.setattr(backfill, "BATCH", 3)
    forget_counts()
    backfill.fill_deciding_counts(apps, SimpleNamespace(connection=connection))
    assert_stored_counts_are_recomputed()


def test_list_pages_read_the_stored_count_and_show_it_only_for_a_profiled_grade(seed, client):
    shown = Claim.objects.public().filter(grade_rubric="grade-3", grade_deciding__isnull=False)
    claim = shown.first()
    Claim.objects.filter(pk=claim.pk).update(grade_deciding=7)  # no regrade: no evidence read
    assert '<span class="counts">7 studies decide</span>' in client.get("/claims/").content.decode()
    Claim.objects.filter(pk=claim.pk).update(grade_rubric="grade-1")
    assert "7 studies decide" not in client.get("/claims/").content.decode()
