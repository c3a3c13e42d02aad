"""The curator admin: every page answers for a curator, at a bounded number of queries."""

import pytest
from django.db.models import Count
from django.urls import reverse

from citations.admin.references import MANY_CONTRIBUTORS
from citations.models import Contributor, Person
from claims.models import Claim
from tests.factories import (
    ContributorFactory,
    EvidenceFactory,
    ReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    ("citations", "reference"),
    ("citations", "person"),
    ("claims", "claim"),
    ("claims", "topic"),
    ("claims", "claimrelation"),
    ("evidence", "evidence"),
]


def populate(count):
    for _ in range(count):
        item = EvidenceFactory()
        ContributorFactory(reference=item.reference, position=0)
        item.claim.topics.add(TopicFactory())


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_query_count_does_not_grow_with_rows(
    curator_client, django_assert_max_num_queries, app, model
):
    url = reverse(f"admin:{app}_{model}_changelist")
    populate(2)
    with django_assert_max_num_queries(20) as few:
        assert curator_client.get(url).status_code == 200
    populate(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = curator_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_add_form_answers_for_a_curator(curator_client, app, model):
    response = curator_client.get(reverse(f"admin:{app}_{model}_add"))
    assert response.status_code == 200


def test_change_forms_and_history_answer_for_a_curator(curator_client):
    item = EvidenceFactory()
    for name, obj in [
        ("claims_claim", item.claim),
        ("citations_reference", item.reference),
        ("evidence_evidence", item),
    ]:
        for view in ("change", "history"):
            url = reverse(f"admin:{name}_{view}", args=[obj.pk])
            assert curator_client.get(url).status_code == 200, url


def test_claim_changelist_shows_counts_for_and_against(curator_client):
    item = EvidenceFactory(stance="contradicts")
    EvidenceFactory(claim=item.claim, stance="supports")
    EvidenceFactory(claim=item.claim, stance="supports")
    response = curator_client.get(reverse("admin:claims_claim_changelist"))
    row = next(r for r in response.context["cl"].result_list if r.pk == item.claim.pk)
    assert (row.supporting_count, row.contradicting_count) == (2, 1)


def test_reference_search_and_autocomplete(curator_client):
    item = EvidenceFactory(reference__title="Spinal bone loss and ovulatory disturbances")
    response = curator_client.get(
        reverse("admin:citations_reference_changelist"), {"q": "ovulatory"}
    )
    assert [r.pk for r in response.context["cl"].result_list] == [item.reference.pk]
    autocomplete = curator_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "evidence",
            "model_name": "evidence",
            "field_name": "reference",
            "term": "ovulatory",
        },
    )
    assert autocomplete.json()["results"][0]["id"] == str(item.reference.pk)


def test_anonymous_users_are_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_curators_cannot_delete_claims_or_references(curator):
    assert curator.has_perm("claims.change_claim")
    assert curator.has_perm("evidence.delete_evidence")
    assert not curator.has_perm("claims.delete_claim")
    assert not curator.has_perm("citations.delete_reference")


def test_mark_verified_action_updates_selected(curator_client):
    item = EvidenceFactory(reference__verification="unverified")
    response = curator_client.post(
        reverse("admin:citations_reference_changelist"),
        {"action": "mark_verified", "_selected_action": [item.reference.pk]},
    )
    assert response.status_code == 302
    item.reference.refresh_from_db()
    assert item.reference.verification == "verified"


def test_claim_change_form_costs_at_most_one_query_per_evidence_row(
    seed, curator_client, django_assert_max_num_queries
):
    # Each inline row's reference autocomplete looks up its selected option (Django's widget
    # does that per row); titles of evidence and relation rows must not add more.
    claim = Claim.objects.annotate(rows=Count("evidence")).order_by("-rows", "slug").first()
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    # 30 for the seed's largest claim (14 items): the review notes inline reads its notes (one
    # query, however many); 31: the staged revisions panels read the claim's revisions; 32:
    # its parts and wholes (claims.admin_parts: one query for both).
    with django_assert_max_num_queries(32) as seeded:
        assert curator_client.get(url).status_code == 200
    EvidenceFactory.create_batch(10, claim=claim)
    with django_assert_max_num_queries(len(seeded.captured_queries) + 10):
        response = curator_client.get(url)
    assert response.status_code == 200


def test_reference_change_form_costs_at_most_one_query_per_contributor_row(
    curator_client, django_assert_max_num_queries
):
    # As for claims: only the person autocomplete's selected option is looked up per row.
    reference = ReferenceFactory()
    ContributorFactory(reference=reference, position=0)
    url = reverse("admin:citations_reference_change", args=[reference.pk])
    with django_assert_max_num_queries(15) as one:
        assert curator_client.get(url).status_code == 200
    for position in range(1, 11):
        ContributorFactory(reference=reference, position=position)
    with django_assert_max_num_queries(len(one.captured_queries) + 10):
        response = curator_client.get(url)
    assert response.status_code == 200


def test_a_reference_with_10000_authors_has_a_change_form_of_few_queries_and_a_summary(
    curator_client, django_assert_max_num_queries
):
    reference = ReferenceFactory(title="A consortium paper")
    people = Person.objects.bulk_create(
        Person(family=f"Member{i}", given="A.") for i in range(10_000)
    )
    Contributor.objects.bulk_create(
        Contributor(reference=reference, person=person, position=i)
        for i, person in enumerate(people)
    )
    url = reverse("admin:citations_reference_change", args=[reference.pk])

    with django_assert_max_num_queries(20):
        response = curator_client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert MANY_CONTRIBUTORS.format(authors="10,000", editors="0") in page
    assert "Member9999, A." in page  # every author, in the one Authors list
    assert "contributors-TOTAL_FORMS" not in page  # no row-by-row inline


def test_a_reference_with_10000_authors_saves_from_its_change_form_keeping_them(curator_client):
    reference = ReferenceFactory(title="A consortium paper", year=2020)
    people = Person.objects.bulk_create(Person(family=f"M{i}") for i in range(10_000))
    Contributor.objects.bulk_create(
        Contributor(reference=reference, person=person, position=i)
        for i, person in enumerate(people)
    )
    url = reverse("admin:citations_reference_change", args=[reference.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(title="A renamed consortium paper", not_a_duplicate="on")

    response = curator_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    reference.refresh_from_db()
    assert reference.title == "A renamed consortium paper"
    assert reference.contributors.count() == 10_000
