"""Fast, correct entry in the reference admin, and the rules every entry point meets."""

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse

from citations.importing import DUPLICATE, INVALID, NEW
from citations.importing.duplicates import SAME_ISBN
from citations.models import CITEKEY_FROZEN, UNKNOWN_ENTRY_TYPE, Contributor, Reference
from citations.services import reference_import_plan
from tests.factories import (
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db

ADD = "admin:citations_reference_add"


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def reference_form(**fields):
    data = {
        "citekey": "",
        "entry_type": "article",
        "authors": "",
        "title": "Spinal bone loss and ovulatory disturbances",
        "container_title": "New England Journal of Medicine",
        "year": "1990",
        "verification": "unverified",
        "retraction": "none",
        "extra_fields": "{}",
        **management("contributors", 0),
    }
    return {**data, **fields}


def change_data(reference, **fields):
    data = reference_form(
        citekey=reference.citekey,
        entry_type=reference.entry_type,
        title=reference.title,
        container_title=reference.container_title,
        year=str(reference.year or ""),
        verification=reference.verification,
    )
    rows = list(reference.contributors.order_by("role", "position"))
    data.update(management("contributors", len(rows), len(rows)))
    for i, row in enumerate(rows):
        data |= {
            f"contributors-{i}-id": str(row.pk),
            f"contributors-{i}-reference": str(reference.pk),
            f"contributors-{i}-person": str(row.person_id),
            f"contributors-{i}-role": row.role,
        }
    data["authors"] = "; ".join(f"{c.person.family}, {c.person.given}" for c in rows)
    return {**data, **fields}


def errors(response):
    form = response.context["adminform"].form
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def authors_of(reference):
    rows = reference.contributors.filter(role="author").order_by("position")
    return [(c.position, c.person.family, c.person.given) for c in rows]


def test_a_typed_author_list_becomes_ordered_contributors(curator_client):
    data = reference_form(authors="Prior, Jerilynn C.; Vigna, Yvette M. and Martin T. Schechter")
    response = curator_client.post(reverse(ADD), data)
    assert response.status_code == 302, errors(response)
    reference = Reference.objects.get()
    assert authors_of(reference) == [
        (0, "Prior", "Jerilynn C."),
        (1, "Vigna", "Yvette M."),
        (2, "Schechter", "Martin T."),
    ]
    # Left blank, the citekey follows the citekey rule (citations.citekeys).
    assert reference.citekey == "prior1990spinal"


def test_retyping_the_list_reorders_and_reuses_people(curator_client):
    reference = ReferenceFactory(year=1990)
    first, second = PersonFactory(family="Prior", given="J."), PersonFactory(family="Vigna")
    ContributorFactory(reference=reference, person=first, position=0)
    ContributorFactory(reference=reference, person=second, position=1)
    url = reverse("admin:citations_reference_change", args=[reference.pk])
    page = curator_client.get(url).content.decode()
    assert "Prior, J.; Vigna, Ann" in page
    data = change_data(reference, authors="Vigna, Ann; Prior, J.")
    response = curator_client.post(url, data)
    assert response.status_code == 302, errors(response)
    assert authors_of(reference) == [(0, "Vigna", "Ann"), (1, "Prior", "J.")]
    assert Contributor.objects.count() == 2


def test_new_contributor_rows_number_themselves(curator_client):
    people = [PersonFactory(), PersonFactory()]
    data = reference_form(**management("contributors", 2))
    for i, person in enumerate(people):
        data |= {f"contributors-{i}-person": str(person.pk), f"contributors-{i}-role": "author"}
    response = curator_client.post(reverse(ADD), data)
    assert response.status_code == 302, errors(response)
    reference = Reference.objects.get()
    assert [c.position for c in reference.contributors.order_by("position")] == [0, 1]


def test_an_invalid_entry_type_is_refused_in_admin_import_and_database(curator_client):
    response = curator_client.post(reverse(ADD), reference_form(entry_type="journal article"))
    assert response.status_code == 200
    assert "entry_type" in errors(response)
    assert not Reference.objects.exists()
    plan = reference_import_plan(data="@journal_article{k1, title={T}, year={2000}}")
    assert plan.items[0].status == INVALID
    assert plan.items[0].messages == (UNKNOWN_ENTRY_TYPE.format(entry_type="journal_article"),)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.create(citekey="k2", title="T", entry_type="journal article")


def test_a_duplicate_doi_links_to_the_stored_reference(curator_client):
    stored = ReferenceFactory(doi="10.1000/abc")
    response = curator_client.post(reverse(ADD), reference_form(doi="https://doi.org/10.1000/ABC"))
    assert response.status_code == 200
    link = reverse("admin:citations_reference_change", args=[stored.pk])
    assert f'<a href="{link}">{stored.citekey}</a>' in errors(response)["doi"][0]
    assert Reference.objects.count() == 1


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ({"isbn": "9780306406157", "title": "Spinal bone loss"}, {"isbn": "978-0-306-40615-7"}),
        ({"pmid": "2188253"}, {"pmid": "2188253"}),
        (
            {"title": "SPINAL BONE LOSS AND OVULATORY DISTURBANCES", "year": 1990},
            {"container_title": "Journal of Bone Research", "authors": "Prior, Jerilynn C."},
        ),
    ],
)
def test_a_possible_duplicate_is_shown_before_saving(curator_client, stored, typed):
    existing = ReferenceFactory(**stored)
    prior = PersonFactory(family="Prior", given="Jerilynn C.")
    ContributorFactory(reference=existing, person=prior, position=0)
    response = curator_client.post(reverse(ADD), reference_form(**typed))
    assert response.status_code == 200
    link = reverse("admin:citations_reference_change", args=[existing.pk])
    assert f'<a href="{link}">{existing.citekey}</a>' in errors(response)["__all__"][0]
    anyway = curator_client.post(reverse(ADD), reference_form(**typed, not_a_duplicate="on"))
    assert anyway.status_code == 302
    assert Reference.objects.count() == 2


def test_the_admin_cannot_rename_a_cited_reference(curator_client):
    item = EvidenceFactory()
    reference = item.reference
    url = reverse("admin:citations_reference_change", args=[reference.pk])
    response = curator_client.post(url, change_data(reference, citekey="renamed2020"))
    assert response.status_code == 200
    assert errors(response)["citekey"] == [CITEKEY_FROZEN]
    uncited = ReferenceFactory()
    url = reverse("admin:citations_reference_change", args=[uncited.pk])
    assert curator_client.post(url, change_data(uncited, citekey="renamed2020")).status_code == 302


def test_mark_verified_goes_through_the_service_and_writes_history(curator_client, curator):
    reference = ReferenceFactory(verification="unverified")
    response = curator_client.post(
        reverse("admin:citations_reference_changelist"),
        {"action": "mark_verified", "_selected_action": [reference.pk]},
    )
    assert response.status_code == 302
    latest = reference.history.latest("history_id")
    assert (latest.verification, latest.history_user, latest.history_change_reason) == (
        "verified",
        curator,
        "verification: verified",
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 reference(s) marked verified."
    ]


def test_a_verification_edit_in_the_form_goes_through_the_service(curator_client, curator):
    reference = ReferenceFactory()
    url = reverse("admin:citations_reference_change", args=[reference.pk])
    data = change_data(reference, verification="discrepancy", verification_note="Wrong page.")
    assert curator_client.post(url, data).status_code == 302
    latest = reference.history.latest("history_id")
    assert (latest.verification, latest.verification_note, latest.history_change_reason) == (
        "discrepancy",
        "Wrong page.",
        "verification: cited with discrepancies",
    )


def test_the_reference_list_counts_evidence_once_while_searching(curator_client):
    item = EvidenceFactory(reference__title="Ovulatory disturbances and bone")
    for _ in range(2):
        EvidenceFactory(reference=item.reference)
    for position in range(11):
        ContributorFactory(reference=item.reference, position=position)
    url = reverse("admin:citations_reference_changelist")
    for query in ("", "ovulatory", "Family"):
        response = curator_client.get(url, {"q": query})
        rows = response.context["cl"].result_list
        assert [row.evidence_total for row in rows] == [3], query


def test_a_reference_page_lists_where_it_is_used(curator_client):
    item = EvidenceFactory(claim__statement="Progesterone builds bone.", claim__status="draft")
    url = reverse("admin:citations_reference_change", args=[item.reference.pk])
    page = curator_client.get(url).content.decode()
    assert "Progesterone builds bone." in page
    assert "<td>Draft</td>" in page
    person = PersonFactory(family="Prior")
    ContributorFactory(reference=item.reference, person=person, position=0)
    page = curator_client.get(reverse("admin:citations_person_change", args=[person.pk]))
    assert item.reference.citekey in page.content.decode()


def test_a_verification_change_on_the_api_goes_through_the_service(curator):
    from rest_framework.test import APIClient

    reference = ReferenceFactory(citekey="prior1990spinal")
    api = APIClient()
    api.force_authenticate(curator)
    response = api.patch(
        "/api/references/prior1990spinal/",
        {"verification": "verified", "title": "Spinal bone loss"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    latest = reference.history.latest("history_id")
    assert (latest.verification, latest.title, latest.history_change_reason) == (
        "verified",
        "Spinal bone loss",
        "verification: verified",
    )


def test_a_blank_citekey_on_a_new_reference_without_authors_is_generated(curator_client):
    response = curator_client.post(reverse(ADD), reference_form(title="The bone", year="2001"))
    assert response.status_code == 302, errors(response)
    assert Reference.objects.get().citekey == "anon2001bone"


def test_an_import_finds_a_book_with_the_same_isbn(curator):
    stored = ReferenceFactory(entry_type="book", isbn="9780306406157", title="Bone")
    bib = (
        "@book{again, title={Bone and Hormones}, year={2001}, isbn={978-0-306-40615-7}}\n"
        "@book{twice, title={Bone}, year={2002}, isbn={0-306-40615-2}}\n"
        "@book{volume, title={Other}, year={2002}, isbn={0-306-40615-2}}\n"
    )
    plan = reference_import_plan(data=bib)
    assert [(i.status, i.reason) for i in plan.items] == [
        (DUPLICATE, SAME_ISBN.format(target=stored.citekey)),
        (DUPLICATE, SAME_ISBN.format(target=stored.citekey)),
        (NEW, ""),  # a volume of a set sharing its ISBN under a title of its own
    ]


def test_chapters_of_one_book_are_not_duplicates_by_isbn(curator):
    ReferenceFactory(entry_type="incollection", isbn="9780306406157", title="Chapter one")
    bib = (
        "@incollection{c2, title={Chapter two}, year={2001}, isbn={9780306406157}}\n"
        "@incollection{c3, title={Chapter three}, year={2001}, isbn={9780306406157}}\n"
    )
    assert [item.status for item in reference_import_plan(data=bib).items] == [NEW, NEW]


def test_a_contributor_moved_to_editor_goes_last_among_editors(curator_client):
    reference = ReferenceFactory()
    author, editor = PersonFactory(), PersonFactory()
    ContributorFactory(reference=reference, person=author, position=0)
    ContributorFactory(reference=reference, person=editor, position=0, role="editor")
    url = reverse("admin:citations_reference_change", args=[reference.pk])
    data = change_data(reference)
    moved = next(k for k, v in data.items() if v == str(author.pk) and k.endswith("-person"))
    data[moved.replace("-person", "-role")] = "editor"
    data["authors"] = ""  # the typed list now names no author either
    response = curator_client.post(url, data)
    assert response.status_code == 302, errors(response)
    rows = reference.contributors.order_by("role", "position")
    assert [(c.role, c.position, c.person) for c in rows] == [
        ("editor", 0, editor),
        ("editor", 1, author),
    ]


def test_saving_a_known_look_alike_again_does_not_warn_again(curator_client):
    ReferenceFactory(pmid="2188253")
    other = ReferenceFactory(pmid="2188253")
    url = reverse("admin:citations_reference_change", args=[other.pk])
    data = change_data(other, pmid="2188253", pages="1221-7")
    assert curator_client.post(url, data).status_code == 302


def test_a_verification_change_regrades_the_claims_citing_the_reference(curator):
    from evidence.services import MARKED_VERIFIED, reference_set_verification

    item = EvidenceFactory()
    reference_set_verification(reference=item.reference, verification="verified", actor=curator)
    # The claim was never graded: the regrade stores its first grade, and says why.
    latest = item.claim.history.latest("history_id")
    assert latest.history_change_reason == MARKED_VERIFIED.format(verification="verified")
    assert latest.grade_level != ""
