"""Living evidence: a claim's saved searches and the candidates their runs find.

- A **saved search** is one documented query of one source (PubMed in E-utilities syntax,
  or Crossref's bibliographic query) for one claim, with optional publication-date limits,
  who wrote it and when, and how far its last run reached (`last_run_until`): the next run
  asks only for what was published since.
- A **candidate** is one record a run found that no stored reference and no earlier
  candidate of the claim already is (DOI, PMID, or the sameness rule's title). A curator
  triages it: relevant (it becomes evidence), not relevant (with a reason, and it never
  comes back), or later. Candidates are kept after triage: they are the screening record
  the PRISMA-style counts are read from (`evidence.living.prisma_counts`).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from citations.models import Reference
from claims.models import Claim


class SearchSource(models.TextChoices):
    PUBMED = "pubmed", "PubMed"
    CROSSREF = "crossref", "Crossref"


class Decision(models.TextChoices):
    UNTRIAGED = "untriaged", "Untriaged"
    RELEVANT = "relevant", "Relevant"
    NOT_RELEVANT = "not_relevant", "Not relevant"
    LATER = "later", "Later"


# Publication types a curator should see first (PubMed's names; Crossref has no such types).
ALERT_TYPES = (
    "Retraction of Publication",
    "Retracted Publication",
    "Meta-Analysis",
    "Systematic Review",
    "Randomized Controlled Trial",
    "Clinical Trial",
)


class SavedSearch(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="saved_searches")
    source = models.CharField(max_length=16, choices=SearchSource.choices)
    query = models.TextField()
    date_from = models.DateField(null=True, blank=True, help_text="Published on or after.")
    date_until = models.DateField(null=True, blank=True, help_text="Published on or before.")
    filters = models.CharField(
        max_length=500,
        blank=True,
        help_text="Crossref filters (e.g. type:journal-article), added to the date limits.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_until = models.DateField(
        null=True, blank=True, help_text="The run reached records published up to this day."
    )
    # PRISMA's first two boxes, summed over every run: records identified, duplicates removed.
    found_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["claim", "created", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=SearchSource.values), name="savedsearch_source_valid"
            )
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.query}"


class CandidateQuerySet(models.QuerySet):
    def untriaged(self):
        return self.filter(decision=Decision.UNTRIAGED)

    def unmailed(self):
        """Untriaged and not yet listed by an e-mail digest (found by a run with or without
        `--email`: the next digest lists it)."""
        return self.untriaged().filter(mailed_at__isnull=True)

    def under_review(self):
        """Not yet decided for good: untriaged or put off for later."""
        return self.filter(decision__in=(Decision.UNTRIAGED, Decision.LATER))

    def alerts_first(self):
        alert = Q(publication_types__overlap=list(ALERT_TYPES))
        return self.alias(
            alert_first=models.ExpressionWrapper(alert, output_field=models.BooleanField())
        ).order_by("-alert_first", "-found_at", "-id")


# What a curator reads of a candidate record, in reading order (the admin and the API).
CANDIDATE_RECORD_FIELDS = [
    "source",
    "search",
    "pmid",
    "doi",
    "title",
    "abstract",
    "journal",
    "year",
    "publication_types",
]


class Candidate(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="candidates")
    search = models.ForeignKey(
        SavedSearch, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates"
    )
    source = models.CharField(max_length=16, choices=SearchSource.choices)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    doi = models.CharField("DOI", max_length=255, blank=True)
    title = models.TextField(blank=True)
    abstract = models.TextField(blank=True)
    journal = models.CharField(max_length=500, blank=True)
    year = models.CharField(max_length=20, blank=True)
    publication_types = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.UNTRIAGED)
    reason = models.TextField(blank=True, help_text="Why it is not relevant (kept).")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reference = models.ForeignKey(
        Reference, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mailed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the e-mail digest listed it."
    )

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "-found_at", "-id"]
        indexes = [models.Index(fields=["claim", "decision"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="candidate_decision_valid"
            ),
            models.UniqueConstraint(
                fields=["claim", "pmid"], condition=~Q(pmid=""), name="candidate_one_pmid"
            ),
            models.UniqueConstraint(
                fields=["claim", "doi"], condition=~Q(doi=""), name="candidate_one_doi"
            ),
        ]

    def __str__(self):
        return self.title or self.doi or self.pmid

    @property
    def is_alert(self) -> bool:
        return bool(set(self.publication_types or ()) & set(ALERT_TYPES))


class RecordAlertQuerySet(models.QuerySet):
    def open(self):
        """Not yet dismissed by a curator."""
        return self.filter(dismissed_at__isnull=True)

    def unmailed(self):
        """Open and not yet listed by an e-mail digest."""
        return self.open().filter(mailed_at__isnull=True)


class RecordAlert(models.Model):
    """A cited reference's new retraction, expression of concern or correction, per citing claim.

    Made by `evidence.verification.reference_record_retraction` when it raises a reference's
    state; shown to curators at the top of the inbox until one dismisses it (who and when
    are kept). Readers never see alerts: the public pages show the reference's state itself.
    The e-mail digest (evidence.digest) lists each alert once, whenever it was made, and sets
    `mailed_at`.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="record_alerts")
    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=32)
    notice = models.CharField(max_length=1000, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the e-mail digest listed it."
    )

    objects = RecordAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["claim", "dismissed_at"])]

    def __str__(self):
        return f"{self.reference} – {self.state}"
