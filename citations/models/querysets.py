"""The read vocabulary of citations' models (`Reference.objects.by_doi(doi)`, `.search(q)`,
`ImportJob.objects.stale()`): the QuerySets their managers are made from. The models they
read are reached through the queryset's model, so this module imports no model."""

from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import MD5, Coalesce, Lower
from django.utils import timezone

from citations.choices import Role, Verification
from citations.reference_records import sameness_record
from citations.search import ranked_search, similar_to
from citations.text.sameness import WORK, candidate_keys, same_work, title_hash


def _contributors(references: models.QuerySet):
    """Contributor, reached through the relation: this module imports no model."""
    return references.model._meta.get_field("contributors").related_model


class ReferenceQuerySet(models.QuerySet):
    def by_doi(self, doi: str):
        return self.filter(doi=doi.lower())

    def merged_from(self, citekey: str):
        """The reference an old citekey was merged into (`ReferenceAlias`), where a reader
        should go instead; never the one holding that citekey itself (a redirect would loop)."""
        return self.filter(aliases__citekey=citekey).exclude(citekey=citekey)

    def with_contributors(self):
        return self.prefetch_related(
            models.Prefetch(
                "contributors", queryset=_contributors(self).objects.select_related("person")
            )
        )

    def cited_by(self, claims):
        """References that are evidence for any of `claims` (a Claim queryset), each once.
        Who may see which claims is the caller's to say (`Claim.objects.public()`,
        `.visible_to(user)`): citations knows no claims."""
        evidence = self.model._meta.get_field("evidence").related_model
        cited = evidence.objects.filter(reference=models.OuterRef("pk"), claim__in=claims)
        return self.filter(models.Exists(cited))  # a semi-join: no DISTINCT over every column

    def with_first_author(self):
        """Each reference annotated with `first_author`: its first author's family name, ""
        without one (the sameness rule's `first_author`)."""
        first = _contributors(self).objects.filter(
            reference=models.OuterRef("pk"), role=Role.AUTHOR
        )
        family = first.order_by("position").values("person__family")[:1]
        return self.annotate(first_author=Coalesce(models.Subquery(family), models.Value("")))

    def same_work_as(self, values: dict) -> list[tuple[models.Model, str]]:
        """The references that are the same work as the record `values` (field values and
        `first_author`), each with the rule that says so, by `citations.text.sameness`."""
        wanted = Q(pk__in=[])
        for name, key in candidate_keys(values):
            if name == WORK:
                wanted |= Q(title_md5=title_hash(values["title"]), year=values["year"])
            else:
                wanted |= Q(**{name: key})
        rows = self.alias(title_md5=MD5(Lower("title"))).filter(wanted).with_first_author()
        found = [(ref, same_work(values, sameness_record(ref))) for ref in rows.order_by("pk")]
        return [(ref, why) for ref, why in found if why]

    def due_for_verification(self, *, checked_before, only_unverified: bool = False):
        """Not looked up since `checked_before` (never checked first): verify_references."""
        due = self.filter(
            Q(verification_checked_at__isnull=True) | Q(verification_checked_at__lt=checked_before)
        )
        if only_unverified:
            due = due.filter(verification=Verification.UNVERIFIED)
        return due.order_by(F("verification_checked_at").asc(nulls_first=True), "pk")

    def due_for_retraction_check(self, *, checked_before):
        """With a DOI or PMID, not asked about since `checked_before`: check_retractions."""
        due = self.filter(Q(doi__isnull=False) | ~Q(pmid=""))
        due = due.filter(
            Q(retraction_checked_at__isnull=True) | Q(retraction_checked_at__lt=checked_before)
        )
        return due.order_by(F("retraction_checked_at").asc(nulls_first=True), "pk")

    def search(self, query: str):
        """Full-text search of title, container, as-cited text and abstract (title weighs most)."""
        return ranked_search(
            self,
            query,
            tiebreak="citekey",
        )

    def similar_to(self, term: str):
        """Typo-tolerant look-up by citekey, title or an author's family name, closest first
        (pg_trgm word similarity; citations.search.similar_to)."""
        authors = _contributors(self).objects.using(self.db)
        by_author = authors.filter(person__family__trigram_word_similar=term)
        return similar_to(
            self, term, ("citekey", "title"), also=Q(pk__in=by_author.values("reference"))
        )


class ImportJobQuerySet(models.QuerySet):
    def stale(self):
        """Jobs a curator left more than a day ago: previews never imported, finished jobs."""
        return self.filter(updated__lt=timezone.now() - timedelta(days=1)).exclude(
            state__in=[self.model.State.QUEUED, self.model.State.RUNNING]
        )

    def stopped(self, *, silent_for: timedelta):
        """Running jobs whose worker has said nothing for `silent_for`: it is gone."""
        cutoff = timezone.now() - silent_for
        beat = Coalesce("heartbeat", "updated")
        return self.filter(state=self.model.State.RUNNING).alias(beat=beat).filter(beat__lt=cutoff)
