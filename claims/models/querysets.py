"""The read vocabulary of claims' models (`Claim.objects.public()`, `.with_evidence()`,
`.for_lists()`): the QuerySets their managers are made from, and the pieces they build
(`LIST_FIELDS`, `level_is`). The models they read (claims, relations, evidence) are reached
through the queryset's model: this module imports no model of claims, nor evidence."""

from functools import cache

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from citations.models import CONTRIBUTOR_ROWS, Contributor, Reference, Retraction
from citations.search import VECTOR_FIELD, ranked_search
from claims.access import is_public, sees_unpublished
from claims.choices import RelationKind

SEARCH_TIEBREAK = "statement"  # claims of equal rank, in this order


def _claim_model(topics: models.QuerySet):
    """Claim, reached through the topics' relation: this module imports no model."""
    return topics.model._meta.get_field("claims").related_model


def _relation_model(claim_model):
    """ClaimRelation, reached through the claims' relation: this module imports no model."""
    return claim_model._meta.get_field("relations_to").related_model


class TopicQuerySet(models.QuerySet):
    def public(self):
        """Topics anonymous readers see: those of at least one public claim. A topic only
        drafts use stays unseen (its name alone could tell what is being prepared)."""
        public_claims = _claim_model(self).objects.public().filter(topics=models.OuterRef("pk"))
        return self.filter(models.Exists(public_claims))

    def visible_to(self, user):
        """Every topic for curators; the public ones for everyone else."""
        return self if sees_unpublished(user) else self.public()


class ClaimQuerySet(models.QuerySet):
    def public(self):
        """What anonymous readers see: published claims, and retracted ones (with a banner).
        The one definition of "public" (claims.access, docs/architecture.md)."""
        return self.filter(is_public())

    def visible_to(self, user):
        """Every claim for curators; the public ones for everyone else."""
        return self if sees_unpublished(user) else self.public()

    def with_evidence(self):
        """Prefetch topics and evidence with all that grading (evidence.facts) and the pages
        read: each item's reference, the references' contributors with their people, the
        studies an item covers (as evidence.facts.evidence_for_grading does for evidence rows),
        and in `part_relations` the `part_of` relations to the claim with their parts, public
        or not (a claim with parts is graded through them; evidence.facts.parts_of keeps a
        public claim's public parts only).
        Reached by relation: claims' models import nothing from evidence.
        The stored search vectors, of the claims and of their references, are left out: only
        PostgreSQL reads them, and a reference's, made from its abstract among others, can
        weigh more than the rest of its row."""
        return self.defer(VECTOR_FIELD).prefetch_related(
            "topics",
            # Each claim's items and each reference's people in their models' order, by keys:
            # the default orderings sort by the claim's statement and the reference's citekey
            # through a join (claim and reference are one per prefetched list).
            Prefetch(
                "evidence",
                queryset=_evidence_model(self.model)
                .objects.select_related("reference")
                .defer(f"reference__{VECTOR_FIELD}")
                .order_by("claim_id", "pk"),
            ),
            Prefetch(
                "evidence__reference__contributors",
                queryset=Contributor.objects.select_related("person").order_by(
                    "reference_id", "role", "position"
                ),
                to_attr=CONTRIBUTOR_ROWS,  # a list: read by Reference.listed_contributors()
            ),
            Prefetch(
                "evidence__covers",
                queryset=Reference.objects.only("id", "citekey"),
                to_attr="covered",
            ),
            Prefetch(
                "relations_to",
                queryset=_relation_model(self.model)
                .objects.filter(kind=RelationKind.PART_OF)
                .select_related("from_claim")
                .defer(f"from_claim__{VECTOR_FIELD}")
                .order_by("from_claim__slug"),
                to_attr="part_relations",
            ),
        )

    def search(self, query: str):
        """Full-text search of statement, summary and source wording (statement weighs most)."""
        return ranked_search(self, query, tiebreak=SEARCH_TIEBREAK)

    def page_version(self, slug: str):
        """What a claim page shows, as one comparable value, or None when there is no such
        claim (claims.page_cache). One indexed row: the claim's `updated`, which triggers move
        whenever its evidence, their references or the references' authors change (claims
        migrations 0009 and 0010), and its grade's `graded_at`."""
        return self.filter(slug=slug).values_list("updated", "graded_at").first()

    def with_stance_counts(self):
        """`supporting_count`, `contradicting_count`, `mixed_count`: one correlated subquery
        each, which PostgreSQL evaluates for the rows of the page only (after ORDER BY and
        LIMIT), where a join and GROUP BY would count the evidence of every claim first.
        Evidence from a retracted paper counts for nothing, so it is not counted here."""
        return self.annotate(
            supporting_count=_evidence_count(self.model, "supports"),
            # both count against
            contradicting_count=_evidence_count(self.model, "contradicts", "no_effect"),
            mixed_count=_evidence_count(self.model, "mixed"),
        ).with_retracted_tests()

    def with_retracted_tests(self):
        """`retracted_tests`: how many items that tested the claim cite a retracted paper
        (what the wording of an ungraded claim says; claims.integrity)."""
        testing = ("supports", "contradicts", "no_effect", "mixed")
        return self.annotate(retracted_tests=_evidence_count(self.model, *testing, retracted=True))

    def for_lists(self):
        """What a list page shows of each claim, in the claims' own query: its `LIST_FIELDS`
        only (a claim's other columns, its texts and search vector among them, cost more to
        read than the page's query), `retracted_tests` and `topic_ids` (its topics' ids, in
        one array; claims.pages.with_list_topics gives them their topics without a query)."""
        listed = self.only(*LIST_FIELDS).with_retracted_tests()
        return listed.annotate(topic_ids=_topic_ids(self.model))

    def with_level(self, level: str):
        """Claims whose effective level (the curator's override, else computed) is `level`."""
        return self.filter(level_is(level))

    def with_relations(self):
        """Prefetch related claims in both directions, public ones only (their search vectors
        left out, as `with_evidence` leaves them)."""
        return self.prefetch_related(
            Prefetch(
                "relations_from",
                queryset=_relation_model(self.model)
                .objects.filter(is_public("to_claim__"))
                .select_related("to_claim")
                .defer(f"to_claim__{VECTOR_FIELD}"),
            ),
            Prefetch(
                "relations_to",
                queryset=_relation_model(self.model)
                .objects.filter(is_public("from_claim__"))
                .select_related("from_claim")
                .defer(f"from_claim__{VECTOR_FIELD}"),
            ),
        )


def _evidence_model(claim_model):
    """Evidence, reached through the relation: claims' models import nothing from evidence."""
    return claim_model._meta.get_field("evidence").related_model


# What a list item shows of a claim (templates/claims/_claim_item.html, its badge) and what
# its count of deciding studies reads (claims.pages.deciding_count); the fragment of a listed
# claim is kept under these values (claims/templatetags/fragments.py).
LIST_FIELDS = (
    "id",
    "slug",
    "statement",
    "status",
    "grade_level",
    "grade_override",
    "grade_direction",
    "grade_rubric",
    "grade_deciding",
)


@cache
def _topic_ids(claim_model):
    """The ids of the outer claim's topics, in one array (built once: see `_evidence_count`)."""
    links = claim_model.topics.through.objects.filter(claim_id=OuterRef("pk")).order_by("topic_id")
    return ArraySubquery(links.values("topic_id"))


@cache
def _evidence_count(claim_model, *stances: str, retracted: bool = False):
    """Items of these stances citing a retracted paper (`retracted`), or any other paper.

    Built once per process: every list page annotates with these, and building the
    subquery (its filters, joins and grouping) cost more than running it. Safe to share:
    `annotate` resolves a copy, with a copy of the subquery's query."""
    items = _evidence_model(claim_model).objects.filter(claim=OuterRef("pk"), stance__in=stances)
    is_retracted = Q(reference__retraction=Retraction.RETRACTED)
    items = items.filter(is_retracted if retracted else ~is_retracted).order_by()
    return Coalesce(Subquery(items.values("claim").annotate(n=Count("pk")).values("n")), 0)


def level_is(level: str) -> Q:
    return Q(grade_override=level) | Q(grade_override="", grade_level=level)
