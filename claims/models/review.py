"""Review of a claim: a reviewer's notes beside it, and a change to a public claim waiting
for a second curator."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from claims.choices import RevisionStatus
from claims.models.claims import Claim
from config.model_checks import choice_constraints


class ReviewNote(models.Model):
    """A reviewer's comment on a claim, kept beside it until someone marks it resolved."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="review_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="review_notes",
    )
    created = models.DateTimeField(auto_now_add=True)
    text = models.TextField()
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["claim", "created", "id"]

    def __str__(self):
        return f"Note by {self.author or 'someone'} on {self.created:%Y-%m-%d}"


class ClaimRevision(models.Model):
    """A change to a public claim waiting for a second curator (evidence.revisions).

    `snapshot` is the whole pending version as JSON: {"claim": {field: value}, "evidence":
    [{"id": pk or None, field: value, ...}], "relations": [{"id": pk or None, "to_claim": pk,
    "kind": ..., "note": ...}]} (the relations from the claim; absent in a revision stored
    before relations were staged, which leaves them as they are). Readers keep reading the live
    rows; approving writes the snapshot onto them. `authors` are everyone who added to it;
    `decided_by` approved or discarded it. A claim has at most one pending revision.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="revisions")
    status = models.CharField(
        max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PENDING
    )
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="claim_revisions")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decided_claim_revisions",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["claim", "-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status=RevisionStatus.PENDING),
                name="claimrevision_one_pending",
            ),
            *choice_constraints("claimrevision", status=RevisionStatus),
        ]

    def __str__(self):
        return f"Revision {self.pk} of {self.claim.slug} ({self.status})"
