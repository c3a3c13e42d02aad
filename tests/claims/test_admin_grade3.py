"""The admin for grade-3's inputs: risk of bias with its tool and a guide per tool, the claim's
grading inputs in one fieldset, and `part_of` relations that regrade the whole they bundle."""

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimRelation
from evidence.services import claim_regrade
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

TOOLS = ("RoB 2", "ROBINS-I", "ROBINS-E", "QUIPS", "SYRCLE")


def graded(slug, **fields):
    claim = ClaimFactory(slug=slug, **fields)
    EvidenceFactory(claim=claim, risk_of_bias="low", sample_size=500)
    claim_regrade(claim=claim)
    return claim


def fieldset_of(response, field):
    """The title of the admin fieldset holding `field`."""
    for fieldset in response.context["adminform"]:
        if any(field in line.fields for line in fieldset):
            return fieldset.name
    return None


def test_the_evidence_form_groups_risk_of_bias_with_its_tool_and_a_guide_per_tool(curator_client):
    response = curator_client.get(reverse("admin:evidence_evidence_add"))
    html = response.content.decode()
    assert (
        fieldset_of(response, "rob_tool")
        == fieldset_of(response, "risk_of_bias")
        == ("Risk of bias")
    )
    assert '<details class="rob-guide">' in html
    for tool in TOOLS:
        assert f"<b>{tool}</b>" in html
        assert f">{tool}</option>" in html  # the tool's own name in the choice list
    effect = fieldset_of(response, "effect_value")
    assert {fieldset_of(response, name) for name in ("randomised", "comparison", "ci_source")} == {
        effect
    }


def test_the_claim_form_has_the_grading_inputs_and_relations_offer_part_of(curator_client):
    claim = graded("whole-claim")
    response = curator_client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    for name in (
        "question",
        "claimed_direction",
        "mid",
        "mid_scale",
        "pooled_value",
        "pooled_ci_low",
        "pooled_ci_high",
    ):
        assert fieldset_of(response, name) == "Grading inputs", name
    html = response.content.decode()
    assert '<option value="part_of">Part of</option>' in html
    assert '<option value="prognostic">' in html


def test_relating_a_part_in_the_relation_admin_makes_the_whole_not_graded(curator_client):
    # A draft part: a published one's relations are staged (tests/claims/test_admin_revisions).
    # A draft whole: a published one counts only published parts (tests/evidence/test_public_parts).
    whole, part = graded("the-whole", status="draft"), graded("one-part", status="draft")
    response = curator_client.post(
        reverse("admin:claims_claimrelation_add"),
        {"from_claim": part.pk, "to_claim": whole.pk, "kind": "part_of", "note": ""},
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=whole.pk).grade_level == "not_graded"
    relation = ClaimRelation.objects.get()
    response = curator_client.post(
        reverse("admin:claims_claimrelation_delete", args=[relation.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=whole.pk).grade_level not in ("", "not_graded")


def test_a_part_of_row_on_the_parts_form_regrades_the_whole(curator_client):
    whole, part = graded("bundle", status="in_review"), graded("bundle-part", status="draft")
    data = {
        "statement": part.statement,
        "slug": part.slug,
        "summary": "",
        "source_text": "",
        "population": part.population,
        "question": part.question,
        "cell_species": part.cell_species,
        "mid_scale": "difference",
        "claimed_direction": "unspecified",
        "pooled_measure": "difference",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "relations_from-TOTAL_FORMS": "1",
        "relations_from-INITIAL_FORMS": "0",
        "relations_from-0-to_claim": str(whole.pk),
        "relations_from-0-kind": "part_of",
        "relations_from-0-note": "",
        "review_notes-TOTAL_FORMS": "0",
        "review_notes-INITIAL_FORMS": "0",
    }
    response = curator_client.post(reverse("admin:claims_claim_change", args=[part.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Claim.objects.get(pk=whole.pk).grade_level == "not_graded"
    assert Claim.objects.get(pk=part.pk).grade_level not in ("", "not_graded")
