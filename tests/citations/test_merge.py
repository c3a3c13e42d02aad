"""Merging duplicate references and people: preview first, then everything moves, the old
citekey redirects for good, and both records' history says what happened."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from citations.merge import CLASHES, reference_merge
from citations.models import Contributor, Person, Reference, ReferenceAlias
from evidence.models import Evidence
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db

MERGE = "admin:citations_reference_merge"


def merge_url(name, *records, **params):
    ids = ",".join(str(r.pk) for r in records)
    extra = "".join(f"&{k}={v}" for k, v in params.items())
    return f"{reverse(name)}?ids={ids}{extra}"


def test_a_reference_merge_moves_evidence_and_redirects_the_old_citekey(curator_client, curator):
    claim = ClaimFactory(status="published")
    survivor = ReferenceFactory(citekey="prior1990spinal")
    loser = ReferenceFactory(citekey="prior1990spinalb")
    kept = EvidenceFactory(claim=claim, reference=survivor, outcome="spine")
    moved = EvidenceFactory(claim=claim, reference=loser, outcome="hip")
    ContributorFactory(reference=loser, position=0)

    preview = curator_client.get(merge_url(MERGE, survivor, loser, survivor=survivor.pk))
    assert preview.status_code == 200
    assert "1 evidence move" in preview.content.decode()
    assert Evidence.objects.filter(reference=loser).exists()  # a preview moves nothing

    data = {"ids": f"{survivor.pk},{loser.pk}", "survivor": survivor.pk, "confirm": "1"}
    response = curator_client.post(reverse(MERGE), data)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Merged {loser} into {survivor}: moved 1 evidence."
    ]
    assert set(Evidence.objects.values_list("pk", "reference")) == {
        (kept.pk, survivor.pk),
        (moved.pk, survivor.pk),
    }
    assert not Reference.objects.filter(pk=loser.pk).exists()
    assert Contributor.objects.count() == 0  # the loser's author list went with it

    old_page = curator_client.get("/references/prior1990spinalb/")
    assert old_page.status_code == 301
    assert old_page["Location"] == "/references/prior1990spinal/"

    survivor_history = survivor.history.latest("history_id")
    assert survivor_history.history_change_reason == "merged prior1990spinalb into this: 1 evidence"
    assert survivor_history.history_user == curator
    gone = Reference.history.filter(id=loser.pk).latest("history_id")
    assert (gone.history_type, gone.history_change_reason) == ("-", "merged into prior1990spinal")
    moved_history = Evidence.history.filter(id=moved.pk).latest("history_id")
    assert moved_history.history_change_reason == "merged into prior1990spinal"
    claim.refresh_from_db()
    reasons = list(claim.history.values_list("history_change_reason", flat=True))
    assert "regraded: its evidence's reference was merged (prior1990spinalb)" in reasons
    alias = ReferenceAlias.objects.get()
    assert (alias.citekey, alias.reference, alias.note) == (
        "prior1990spinalb",
        survivor,
        "merged prior1990spinalb into this: 1 evidence",
    )


def test_a_merge_that_would_make_two_of_one_evidence_item_is_refused(curator):
    claim = ClaimFactory()
    survivor, loser = ReferenceFactory(), ReferenceFactory()
    EvidenceFactory(claim=claim, reference=survivor, outcome="bmd")
    EvidenceFactory(claim=claim, reference=loser, outcome="bmd")
    with pytest.raises(Exception, match=CLASHES.split(":")[0]):
        reference_merge(survivor=survivor, loser=loser, actor=curator)
    assert Reference.objects.count() == 2
    assert Evidence.objects.filter(reference=loser).count() == 1


def test_merging_people_moves_contributions_and_lists_similar_names(curator_client):
    first = PersonFactory(family="Seifert-Klauss", given="Vanadin R.")
    second = PersonFactory(family="Seifert-Klauß", given="Vanadin")
    ContributorFactory(person=first, position=0)
    contribution = ContributorFactory(person=second, position=0)

    listing = curator_client.get(reverse("admin:citations_person_duplicates"))
    assert "similar names" in listing.content.decode()
    assert str(second) in listing.content.decode()

    data = {"ids": f"{first.pk},{second.pk}", "survivor": first.pk, "confirm": "1"}
    response = curator_client.post(reverse("admin:citations_person_merge"), data)
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.person == first
    assert list(Person.objects.all()) == [first]
    assert first.history.latest("history_id").history_change_reason.startswith(
        "merged Seifert-Klauß, Vanadin into this: 1 contributor"
    )


def test_possible_duplicate_references_are_the_same_work_by_the_sameness_rule(curator_client):
    book = ReferenceFactory(isbn="9780306406157", entry_type="book", title="Bone")
    again = ReferenceFactory(isbn="9780306406157", entry_type="book", title="Bone: a subtitle")
    first = ReferenceFactory(title="Spinal bone loss", year=1990)
    second = ReferenceFactory(title="SPINAL BONE LOSS", year=1990)
    for reference in (first, second):
        person, _ = Person.objects.get_or_create(family="Prior", given="J.")
        ContributorFactory(reference=reference, person=person, position=0)
    ReferenceFactory(title="Spinal Bone Loss", year=1990, container_title="Other")
    page = curator_client.get(reverse("admin:citations_reference_duplicates")).content.decode()
    assert "same ISBN, one title starting like the other (9780306406157)" in page
    assert "same title, year, first author, container, volume, issue and pages (1990)" in page
    assert merge_url(MERGE, book, again).replace(",", "%2C") in page
    assert merge_url(MERGE, first, second).replace(",", "%2C") in page


def test_the_merge_action_needs_two_references(curator_client):
    one = ReferenceFactory()
    response = curator_client.post(
        reverse("admin:citations_reference_changelist"),
        {"action": "merge_selected", "_selected_action": [one.pk]},
    )
    assert response.status_code == 302
    two = [one, ReferenceFactory()]
    response = curator_client.post(
        reverse("admin:citations_reference_changelist"),
        {"action": "merge_selected", "_selected_action": [r.pk for r in two]},
    )
    assert response["Location"] == merge_url(MERGE, *two).replace(",", "%2C")
