"""Staged revisions in the admin: saving a public claim (or one of its evidence items) stages
the change; the claim page shows live vs pending; the authors cannot approve; the page cache
serves the published version until another curator does."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from claims.admin import STAGED_RELATION
from claims.admin_revisions import STAGED
from claims.models import Claim, ClaimRelation, ClaimRevision
from evidence.admin import STAGED_ITEM
from evidence.admin_staging import BULK_STAGED
from evidence.models import Evidence
from evidence.relations import relation_save
from evidence.revisions import AUTHOR_CANNOT_APPROVE, ITEM_JOINS, ITEM_STAYS, claim_revision_create
from evidence.services import claim_regrade
from evidence.wording import COMPOUND
from tests.factories import ClaimFactory, CuratorFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db
OLD = "Progesterone receptors are expressed by osteoblasts."
NEW = "Osteoblasts do NOT express progesterone receptors."


@pytest.fixture
def published():
    claim = ClaimFactory(status="published", statement=OLD, slug="pr-osteoblasts")
    EvidenceFactory(claim=claim, risk_of_bias="low", sample_size=1000)
    claim_regrade(claim=claim)
    return claim


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def decide_url(claim, revision, decision):
    return reverse("admin:claims_claim_revision", args=[claim.pk, revision.pk, decision])


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(response) -> dict:
    """The change form as rendered: every field of the form, its inlines and their management
    forms, as a browser would post it back unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[field.html_name] = [str(v) for v in value]
            else:
                data[field.html_name] = "on" if value is True else str(value)
    return data


def test_saving_a_published_claim_stages_the_statement_and_an_inline_stance(client, published):
    author = CuratorFactory()
    client.force_login(author)
    data = form_data(client.get(change_url(published)))
    data["statement"] = NEW
    data["evidence-0-stance"] = "contradicts"

    response = client.post(change_url(published), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert STAGED in texts(response)
    assert Claim.objects.get(pk=published.pk).statement == OLD
    assert Evidence.objects.get(claim=published).stance == "supports"
    revision = ClaimRevision.objects.get(claim=published)
    assert revision.snapshot["claim"]["statement"] == NEW
    assert revision.snapshot["evidence"][0]["stance"] == "contradicts"
    page = client.get(change_url(published)).content.decode()
    assert 'class="pending-revision"' in page
    assert "<ins>NOT</ins>" in page
    assert 'class="button revision-approve"' in page  # shown; the service refuses an author


def test_the_author_cannot_approve_another_curator_can_and_the_cache_follows(
    client, published, page_cache
):
    author, reviewer = CuratorFactory(), CuratorFactory()
    client.force_login(author)
    data = {**form_data(client.get(change_url(published))), "statement": NEW}
    client.post(change_url(published), data)
    revision = ClaimRevision.objects.get(claim=published)
    client.logout()
    assert OLD in client.get(published.get_absolute_url()).content.decode()  # now cached

    client.force_login(author)
    refused = client.post(decide_url(published, revision, "approve"))
    assert AUTHOR_CANNOT_APPROVE in texts(refused)
    client.logout()
    assert OLD in client.get(published.get_absolute_url()).content.decode()

    client.force_login(reviewer)
    approved = client.post(decide_url(published, revision, "approve"))
    assert f"Revision {revision.pk} approved." in texts(approved)
    client.logout()
    page = client.get(published.get_absolute_url()).content.decode()
    assert NEW in page
    assert OLD not in page


def test_discard_in_the_admin_and_the_history_table(client, published):
    author, reviewer = CuratorFactory(username="alice"), CuratorFactory(username="bob")
    client.force_login(author)
    client.post(
        change_url(published), {**form_data(client.get(change_url(published))), "statement": NEW}
    )
    revision = ClaimRevision.objects.get(claim=published)

    client.force_login(reviewer)
    client.post(decide_url(published, revision, "discard"))

    assert Claim.objects.get(pk=published.pk).statement == OLD
    page = client.get(change_url(published)).content.decode()
    assert f"<tr><td>{revision.pk}</td><td>Discarded</td><td>alice</td><td>bob</td>" in page


def test_the_evidence_admin_stages_a_change_to_an_item_of_a_published_claim(client, published):
    item = published.evidence.get()
    url = reverse("admin:evidence_evidence_change", args=[item.pk])
    client.force_login(CuratorFactory())
    data = {**form_data(client.get(url)), "risk_of_bias": "high", "effect_value": "0.4"}

    response = client.post(url, data)

    assert response.status_code == 302
    assert response.url == change_url(published)
    assert STAGED_ITEM in texts(response)
    item.refresh_from_db()
    assert (item.risk_of_bias, item.effect_value) == ("low", None)
    staged = ClaimRevision.objects.get(claim=published).snapshot["evidence"][0]
    assert (staged["risk_of_bias"], staged["effect_value"]) == ("high", 0.4)


def test_the_evidence_admin_stages_deleting_an_item_of_a_published_claim(client, published):
    item = published.evidence.get()
    kept = EvidenceFactory(claim=published)  # a public claim keeps at least one item
    client.force_login(CuratorFactory())
    url = reverse("admin:evidence_evidence_delete", args=[item.pk])

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert response.url == change_url(published)
    assert STAGED_ITEM in texts(response)
    assert not any("deleted successfully" in text for text in texts(response))
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
    assert Evidence.objects.filter(pk=item.pk).exists()
    staged = ClaimRevision.objects.get(claim=published).snapshot["evidence"]
    assert [row["id"] for row in staged] == [kept.pk]


def test_a_draft_is_still_saved_live_in_the_admin(client):
    claim = ClaimFactory(status="draft", statement=OLD)
    EvidenceFactory(claim=claim)
    client.force_login(CuratorFactory())
    client.post(change_url(claim), {**form_data(client.get(change_url(claim))), "statement": NEW})
    assert Claim.objects.get(pk=claim.pk).statement == NEW
    assert not ClaimRevision.objects.exists()


def test_the_claim_list_filters_revisions_awaiting_my_approval(client, published):
    author, reviewer = CuratorFactory(), CuratorFactory()
    other = ClaimFactory(status="published")
    EvidenceFactory(claim=other)
    claim_revision_create(claim=published, actor=author, fields={"statement": NEW})
    url = reverse("admin:claims_claim_changelist") + "?review=revisions"

    client.force_login(reviewer)
    assert list(client.get(url).context["cl"].result_list) == [published]
    client.force_login(author)
    assert list(client.get(url).context["cl"].result_list) == []


def test_an_evidence_row_added_inline_to_a_published_claim_waits_for_approval(client, published):
    reference = ReferenceFactory(citekey="added2024trial")
    original = published.evidence.get().reference.citekey
    client.force_login(CuratorFactory())
    data = form_data(client.get(change_url(published)))
    row = {k.replace("evidence-0-", "evidence-1-"): v for k, v in data.items()}
    row = {k: v for k, v in row.items() if k.startswith("evidence-1-")}
    row.pop("evidence-1-id")
    data.update(row, **{"evidence-1-reference": str(reference.pk), "evidence-TOTAL_FORMS": "2"})

    response = client.post(change_url(published), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert published.evidence.count() == 1
    [added] = [i for i in ClaimRevision.objects.get().snapshot["evidence"] if i["id"] is None]
    assert (added["reference"], added["stance"]) == (reference.pk, "supports")
    client.force_login(CuratorFactory())
    client.post(decide_url(published, ClaimRevision.objects.get(), "approve"))
    citekeys = set(published.evidence.values_list("reference__citekey", flat=True))
    assert citekeys == {original, "added2024trial"}


@pytest.fixture
def whole():
    """A published claim graded on its own evidence: a `part_of` to it would ungrade it."""
    claim = ClaimFactory(status="published", statement="Progesterone is good for bone.")
    EvidenceFactory(claim=claim, risk_of_bias="low", sample_size=1000)
    claim_regrade(claim=claim)
    return Claim.objects.get(pk=claim.pk)


def reader_view(client, claim) -> tuple:
    """What a reader gets of `claim`: its page and its API grade."""
    client.logout()
    page = client.get(claim.get_absolute_url()).content.decode()
    api = client.get(f"/api/claims/{claim.slug}/").json()
    return page, (api["grade_level"], api["plain_language"])


def test_a_part_of_added_inline_to_a_published_claim_waits_for_a_second_curator(
    client, published, whole, page_cache
):
    author, reviewer = CuratorFactory(), CuratorFactory()
    before_page, before_grade = reader_view(client, whole)
    assert COMPOUND not in before_page
    client.force_login(author)
    data = form_data(client.get(change_url(published)))
    data.update(
        {
            "relations_from-TOTAL_FORMS": "1",
            "relations_from-0-to_claim": str(whole.pk),
            "relations_from-0-kind": "part_of",
            "relations_from-0-note": "Receptors on bone cells.",
        }
    )

    response = client.post(change_url(published), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert STAGED in texts(response)
    assert not ClaimRelation.objects.exists()
    assert reader_view(client, whole) == (before_page, before_grade)
    client.force_login(author)
    page = client.get(change_url(published)).content.decode()
    assert f"Relation: Part of {whole.slug}: added" in page
    revision = ClaimRevision.objects.get(claim=published)
    refused = client.post(decide_url(published, revision, "approve"))
    assert AUTHOR_CANNOT_APPROVE in texts(refused)
    assert not ClaimRelation.objects.exists()

    client.force_login(reviewer)
    client.post(decide_url(published, revision, "approve"))

    assert ClaimRelation.objects.filter(from_claim=published, to_claim=whole).exists()
    page, grade = reader_view(client, whole)
    assert COMPOUND in page  # the cached page followed: "see its parts"
    assert published.statement in page
    assert grade == ("not_graded", COMPOUND)


def test_a_relation_deleted_inline_from_a_published_claim_stays_until_approved(
    client, published, whole
):
    relation_save(
        relation=ClaimRelation(from_claim=published, to_claim=whole, kind="part_of"), actor=None
    )
    client.force_login(CuratorFactory())
    data = form_data(client.get(change_url(published)))
    data["relations_from-0-DELETE"] = "on"

    response = client.post(change_url(published), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ClaimRelation.objects.count() == 1
    assert Claim.objects.get(pk=whole.pk).grade_level == "not_graded"
    assert ClaimRevision.objects.get(claim=published).snapshot["relations"] == []


def test_the_relation_admin_stages_a_relation_of_a_published_claim(client, published, whole):
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claimrelation_add")
    data = {"from_claim": published.pk, "to_claim": whole.pk, "kind": "part_of", "note": ""}

    response = client.post(url, data)

    assert response.status_code == 302
    assert response.url == change_url(published)
    assert STAGED_RELATION in texts(response)
    assert not ClaimRelation.objects.exists()
    assert Claim.objects.get(pk=whole.pk).grade_level == whole.grade_level
    [staged] = ClaimRevision.objects.get(claim=published).snapshot["relations"]
    assert (staged["to_claim"], staged["kind"]) == (whole.pk, "part_of")


def test_the_relation_admin_stages_deleting_a_relation_of_a_published_claim(
    client, published, whole
):
    relation = relation_save(
        relation=ClaimRelation(from_claim=published, to_claim=whole, kind="refines"), actor=None
    )
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claimrelation_delete", args=[relation.pk])

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert response.url == change_url(published)
    assert STAGED_RELATION in texts(response)
    assert not any("deleted successfully" in text for text in texts(response))
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
    assert ClaimRelation.objects.filter(pk=relation.pk).exists()
    assert ClaimRevision.objects.get(claim=published).snapshot["relations"] == []


def test_a_draft_s_relations_are_still_saved_live(client, whole):
    draft = ClaimFactory(status="draft", statement="A draft part.")
    EvidenceFactory(claim=draft)
    client.force_login(CuratorFactory())
    data = form_data(client.get(change_url(draft)))
    data.update(
        {
            "relations_from-TOTAL_FORMS": "1",
            "relations_from-0-to_claim": str(whole.pk),
            "relations_from-0-kind": "refines",
        }
    )
    assert client.post(change_url(draft), data).status_code == 302
    assert ClaimRelation.objects.filter(from_claim=draft, to_claim=whole).exists()
    assert not ClaimRevision.objects.exists()


def test_the_evidence_admin_moves_an_item_neither_onto_nor_off_a_published_claim(client, published):
    draft = ClaimFactory(status="draft", slug="a-draft")
    item = EvidenceFactory(claim=draft, outcome="hip fractures")
    public_item = published.evidence.get()
    client.force_login(CuratorFactory())

    pages = {}
    for moved, to in ((item, published), (public_item, draft)):
        url = reverse("admin:evidence_evidence_change", args=[moved.pk])
        pages[moved.pk] = client.post(url, {**form_data(client.get(url)), "claim": to.pk})

    assert pages[item.pk].status_code == 200  # the form again, with the field's error
    assert pages[item.pk].context["adminform"].form.errors["claim"] == [ITEM_JOINS]
    assert pages[public_item.pk].context["adminform"].form.errors["claim"] == [ITEM_STAYS]
    assert Evidence.objects.get(pk=item.pk).claim_id == draft.pk
    assert Evidence.objects.get(pk=public_item.pk).claim_id == published.pk
    assert not ClaimRevision.objects.exists()


def test_a_bulk_deletion_says_which_rows_it_deleted_and_which_it_staged(client, published):
    public_item = published.evidence.get()
    EvidenceFactory(claim=published)  # a public claim keeps at least one item
    draft_item = EvidenceFactory(claim=ClaimFactory(status="draft"))
    client.force_login(CuratorFactory())
    selected = [public_item.pk, draft_item.pk]
    data = {"action": "delete_selected", "_selected_action": selected, "post": "yes"}

    response = client.post(reverse("admin:evidence_evidence_changelist"), data)

    said = texts(response)
    assert BULK_STAGED.format(deleted=1, total=2, staged=1) in said
    assert not [text for text in said if text.startswith("Successfully deleted")]
    assert set(Evidence.objects.filter(pk__in=selected).values_list("pk", flat=True)) == {
        public_item.pk
    }
    assert ClaimRevision.objects.get(claim=published).status == "pending"


def test_a_bulk_deletion_of_drafts_only_keeps_djangos_message(client):
    items = [EvidenceFactory(claim=ClaimFactory(status="draft")) for _ in range(2)]
    client.force_login(CuratorFactory())
    data = {"action": "delete_selected", "_selected_action": [i.pk for i in items], "post": "yes"}

    response = client.post(reverse("admin:evidence_evidence_changelist"), data)

    assert texts(response) == ["Successfully deleted 2 evidence."]  # verbose_name_plural
    assert not Evidence.objects.filter(pk__in=[i.pk for i in items]).exists()
