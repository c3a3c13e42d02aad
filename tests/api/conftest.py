"""API fixtures: clients for each kind of user, and a small cited library."""

import pytest
from rest_framework.test import APIClient

from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    CuratorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
    TopicFactory,
    UserFactory,
)


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def curator_api(db):
    client = APIClient()
    client.force_authenticate(CuratorFactory())
    return client


@pytest.fixture
def reviewer(db):
    """A second curator: approves what `curator_api`'s curator wrote."""
    return CuratorFactory()


@pytest.fixture
def reviewer_api(reviewer):
    client = APIClient()
    client.force_authenticate(reviewer)
    return client


@pytest.fixture
def staff_api(db):
    """Staff without the Curators group: may log into the admin, holds no permissions."""
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True))
    return client


@pytest.fixture
def library(db):
    """A topic with a published claim citing two references, plus a draft claim citing a third."""
    topic = TopicFactory(slug="bone", name="Bone")
    claim = ClaimFactory(slug="prko-bone-mass", statement="PRKO mice have high bone mass.")
    claim.topics.add(topic)
    rickard = ReferenceFactory(
        citekey="rickard2008progesterone",
        title="Progesterone-receptor knockout mice have an improved bone balance",
        container_title="Endocrinology",
        year=2008,
        volume="149",
        pages="2383--2390",
        doi="10.1210/en.2007-1247",
    )
    ContributorFactory(
        reference=rickard, person=PersonFactory(family="Rickard", given="David J."), position=0
    )
    ContributorFactory(
        reference=rickard, person=PersonFactory(family="Iwaniec", given="Urszula T."), position=1
    )
    prior = ReferenceFactory(
        citekey="prior1990progesterone", title="Progesterone as a bone-trophic hormone", year=1990
    )
    ContributorFactory(reference=prior, person=PersonFactory(family="Prior", given="Jerilynn C."))
    EvidenceFactory(claim=claim, reference=rickard, design="animal", population="animals")
    EvidenceFactory(claim=claim, reference=prior, stance="asserts", design="narrative_review")
    draft = ClaimFactory(slug="secret-draft", status="draft", statement="A draft claim.")
    draft.topics.add(topic)
    hidden = ReferenceFactory(citekey="hidden2021draft", title="Only a draft cites this")
    EvidenceFactory(claim=draft, reference=hidden)
    return {
        "topic": topic,
        "claim": claim,
        "draft": draft,
        "references": [rickard, prior],
        "hidden": hidden,
    }
