"""Object builders for tests (factory_boy): one place for every model."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from citations.models import Contributor, Person, Reference
from claims.access import CURATORS_GROUP, sync_curators_group
from claims.models import Claim, Topic
from evidence.models import Evidence


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


class CuratorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"curator{n}")
    is_staff = True

    @factory.post_generation
    def curator_group(self, create, extracted, **kwargs):
        if create:
            if not Group.objects.filter(name=CURATORS_GROUP).exists():
                # A transactional test flushed the migration's group: build it the same way.
                sync_curators_group(Group, Permission)
            self.groups.add(Group.objects.get(name=CURATORS_GROUP))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    family = factory.Sequence(lambda n: f"Family{n}")
    given = "Ann"


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    citekey = factory.Sequence(lambda n: f"family{n}2020study")
    entry_type = "article"
    title = factory.Sequence(lambda n: f"A study of bone number {n}")
    container_title = "Journal of Bone Research"
    year = 2020


class ContributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contributor

    reference = factory.SubFactory(ReferenceFactory)
    person = factory.SubFactory(PersonFactory)
    position = factory.Sequence(lambda n: n)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    statement = factory.Sequence(lambda n: f"Progesterone changes bone outcome {n}.")
    slug = factory.Sequence(lambda n: f"claim-{n}")
    population = "humans"
    status = "published"


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    reference = factory.SubFactory(ReferenceFactory)
    outcome = factory.Sequence(lambda n: f"outcome {n}")
    stance = "supports"
    design = "rct"
    population = "humans"
    sample_size = 100


def graded_claim(slug: str, status: str = "published") -> Claim:
    """A claim with one low-risk 1,000-participant item, graded by the engine (a part or a
    whole for the relation tests), read back as stored."""
    from evidence.services import claim_regrade  # the service, not a factory: imported late

    claim = ClaimFactory(status=status, slug=slug, statement=f"Claim {slug}.")
    EvidenceFactory(claim=claim, risk_of_bias="low", sample_size=1000)
    claim_regrade(claim=claim)
    return Claim.objects.get(pk=claim.pk)
