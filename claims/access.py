"""Who reads and who writes: the one home of claim visibility and curator permissions.

A claim's `Status` is where it stands in the curation workflow (claims.services). Anonymous
readers see the public claims, `PUBLIC_STATUSES`: published ones, and retracted ones (with a
banner). Everything public on the site follows from that one definition (`is_public`): the
claims listed, the topics (those of a public claim), the evidence items and the references
(those a public claim cites). Curators (`sees_unpublished`) read everything. What a public
claim shows, its grade included, depends on public claims only (`counts_for`): a draft made
part of a published claim counts for it once it is published itself.

The Curators group: curators add, change and view every record of the three apps. They
delete evidence, contributors and relations, but never claims or references: a claim is
retracted, not deleted, and a reference with evidence is protected. They also hold the claim
workflow's own permissions (publish or return to draft, retract, override the grade): a staff
user without them may read a claim but not change what readers see.

This module sits below `claims.models` (which reads it) and imports nothing of the project.
"""

from django.db import models
from django.db.models import Q


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


PUBLIC_STATUSES = (Status.PUBLISHED, Status.RETRACTED)


def is_public(path: str = "") -> Q:
    """The condition "the claim is public", for a query on claims or, through `path` (e.g.
    "claim__", "to_claim__"), on any model that leads to one."""
    return Q(**{f"{path}status__in": PUBLIC_STATUSES})


def counts_for(claim_path: str, other_path: str) -> Q:
    """The condition "the claim at `other_path` counts for the claim at `claim_path`" (e.g.
    a part, "from_claim__", for its whole, "to_claim__"): a public claim reads only public
    claims, so nothing unreviewed changes what readers see of it; an unpublished one reads
    all of them, so curators see what publishing would do (`counts_for_status`)."""
    return ~is_public(claim_path) | is_public(other_path)


def counts_for_status(claim_status: str, other_status: str) -> bool:
    """`counts_for`, for two claims' statuses already in memory."""
    return claim_status not in PUBLIC_STATUSES or other_status in PUBLIC_STATUSES


def sees_unpublished(user) -> bool:
    """Curators (and superusers) read drafts, and references no public claim cites yet."""
    return user is not None and user.has_perm("claims.view_claim")


CURATORS_GROUP = "Curators"

CURATED_MODELS = {
    "citations": ["reference", "person", "contributor", "referencealias", "zoterolibrary"],
    "claims": ["topic", "claim", "claimrelation", "reviewnote"],
    "evidence": ["evidence", "savedsearch", "candidate", "recordalert"],
}
DELETABLE = {
    *("contributor", "claimrelation", "evidence", "person", "topic", "reviewnote"),
    "savedsearch",
}
WORKFLOW_PERMISSIONS = [
    ("claims", "publish_claim"),
    ("claims", "retract_claim"),
    ("claims", "override_grade"),
]


def curator_codenames() -> list[tuple[str, str]]:
    """(app_label, codename) pairs of every permission the Curators group holds."""
    pairs = []
    for app_label, model_names in CURATED_MODELS.items():
        for model in model_names:
            actions = ["add", "change", "view"] + (["delete"] if model in DELETABLE else [])
            pairs += [(app_label, f"{action}_{model}") for action in actions]
            if model in {"reference", "claim", "evidence"}:
                pairs.append((app_label, f"view_historical{model}"))
    return pairs + WORKFLOW_PERMISSIONS


def sync_curators_group(group_model, permission_model) -> None:
    """Grant every curator permission that exists so far (a later migration adds a model's,
    and calls this again)."""
    group, _ = group_model.objects.get_or_create(name=CURATORS_GROUP)
    for app_label, codename in curator_codenames():
        permission = permission_model.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)
