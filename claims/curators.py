"""The Curators group: who may write claims, evidence and references.

Curators add, change and view every record of the three apps. They delete evidence,
contributors and relations, but never claims or references: a claim is retracted, not
deleted, and a reference with evidence is protected. They also hold the claim workflow's
own permissions (publish or return to draft, retract, override the grade): a staff user
without them may read a claim but not change what readers see.
"""

from rest_framework.authtoken.models import Token

CURATORS_GROUP = "Curators"

CURATED_MODELS = {
    "citations": ["reference", "person", "contributor", "referencealias"],
    "claims": ["topic", "claim", "claimrelation", "reviewnote"],
    "evidence": ["evidence"],
}
DELETABLE = {"contributor", "claimrelation", "evidence", "person", "topic", "reviewnote"}
WORKFLOW_PERMISSIONS = [
    ("claims", "publish_claim"),
    ("claims", "retract_claim"),
    ("claims", "override_grade"),
]


def curator_codenames() -> list[tuple[str, str]]:
    """(app_label, codename) pairs of every permission the Curators group holds."""
    pairs = []
    for app_label, models in CURATED_MODELS.items():
        for model in models:
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


def sees_unpublished(user) -> bool:
    """Curators (and superusers) read drafts, and references no public claim cites yet."""
    return user is not None and user.has_perm("claims.view_claim")


def curator_token_create(*, user) -> str:
    """A new API token for `user` (any previous one stops working); the key is returned once
    and never shown again."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


def curator_token_revoke(*, user) -> bool:
    """Revoke `user`'s API token; False when there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
