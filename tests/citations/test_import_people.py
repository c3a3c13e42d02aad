"""The people of an import get their ids in one order, whatever the hash seed: names that
differ only in prefix or suffix too."""

from itertools import permutations

import pytest
from django.db import transaction

from citations.importing.people import People, creation_order
from citations.models import Person
from citations.text.records import Name

# One family and given name: only prefix and suffix tell them apart.
NAMES = [
    Name("Berg", "J."),
    Name("Berg", "J.", suffix="Jr."),
    Name("Berg", "J.", prefix="van der"),
    Name("Berg", "J.", prefix="van der", suffix="Jr."),
    Name("Berg", "J.", prefix="von"),
    Name("Berg", "J.", suffix="III"),
]


def test_new_people_are_created_in_one_order_whatever_order_the_names_came_in():
    orders = {tuple(creation_order(names)) for names in permutations(NAMES)}

    assert orders == {tuple(sorted(NAMES, key=lambda n: (n.family, n.given, n.prefix, n.suffix)))}


@pytest.mark.django_db
def test_new_people_get_ids_in_the_order_of_their_whole_names():
    people = People()
    with transaction.atomic():
        people.ensure(set(NAMES))

    stored = Person.objects.order_by("pk").values_list("family", "given", "prefix", "suffix")
    assert [Name(*row) for row in stored] == creation_order(NAMES)
    assert sorted(people.ids.values()) == [people.ids[n] for n in creation_order(NAMES)]
