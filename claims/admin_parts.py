"""A claim's parts and wholes on its admin page, with what publishing would change.

A public whole counts only its public parts (claims.access `counts_for`): a draft related to
it as `part_of` waits, and publishing the draft regrades the whole (claims.services). The
claim page says which parts count now and which wait, and on a part, which public wholes its
publication would regrade, so the curator who publishes it knows what readers will see change.
"""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from claims.access import counts_for_status
from claims.models import ClaimRelation, RelationKind

NO_PARTS = "None: no claim is part of this one."
NOT_A_PART = "None: this claim is part of no other."
COUNTED = "counted"
WAITS = "not counted until it is published"
REGRADED_ON_PUBLISH = "counts this claim once it is published: publishing regrades it"


class PartsMixin:
    """For ClaimAdmin: the read-only `parts` and `wholes` fields."""

    @admin.display(description="Parts (claims part of this one)")
    def parts(self, obj):
        relations = [r for r in _part_relations(obj) if r.to_claim_id == obj.pk]
        rows = [
            (r.from_claim, counts_for_status(obj.status, r.from_claim.status)) for r in relations
        ]
        return _listing(rows, waiting=WAITS, empty=NO_PARTS)

    @admin.display(description="Part of (wholes graded through this claim)")
    def wholes(self, obj):
        relations = [r for r in _part_relations(obj) if r.from_claim_id == obj.pk]
        rows = [(r.to_claim, counts_for_status(r.to_claim.status, obj.status)) for r in relations]
        return _listing(rows, waiting=REGRADED_ON_PUBLISH, empty=NOT_A_PART)


def _part_relations(claim) -> list:
    """The `part_of` relations to and from `claim`, both claims of each read in one query,
    kept on the instance for the other field."""
    if claim.pk is None:
        return []
    if not hasattr(claim, "_part_relations"):
        relations = ClaimRelation.objects.filter(
            Q(from_claim=claim) | Q(to_claim=claim), kind=RelationKind.PART_OF
        )
        claim._part_relations = list(
            relations.select_related("from_claim", "to_claim").order_by("pk")
        )
    return claim._part_relations


def _listing(rows: list, *, waiting: str, empty: str):
    """Each (claim, counted) as a link to the claim, its status and whether it counts now."""
    if not rows:
        return empty
    items = format_html_join(
        "",
        '<li><a href="{}">{}</a> ({}): {}</li>',
        (
            (
                reverse("admin:claims_claim_change", args=[claim.pk]),
                claim.statement,
                claim.get_status_display(),
                COUNTED if counted else waiting,
            )
            for claim, counted in rows
        ),
    )
    return format_html('<ul class="claim-parts">{}</ul>', items)
