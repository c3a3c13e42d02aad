"""The models of claims, one module per concept, all named here (Django finds them here):

- `claims`: topics, claims with their stored grade, relations between claims, and the rules
  a claim keeps;
- `querysets`: the read vocabulary (`Claim.objects.public()`, `.with_evidence()`,
  `.for_lists()`) and its pieces (`LIST_FIELDS`, `level_is`);
- `review`: a reviewer's notes (`ReviewNote`) and staged changes (`ClaimRevision`);
- `api_tokens`: a curator's API token (`ApiToken`);
- `public_counts`: the public counts' change log (`PublicCount`);
- `postings`: which public claim holds which search lexeme (`ClaimWord`).

The vocabularies (claims.choices, and a claim's `Status` from claims.access) are re-exported
too: DESIGN and callers name them here."""

from claims.access import Status
from claims.choices import (
    ClaimCellSpecies,
    ClaimedDirection,
    Direction,
    GradeLevel,
    Population,
    Question,
    RelationKind,
    RevisionStatus,
    Scale,
)
from claims.models.api_tokens import ApiToken
from claims.models.claims import (
    MID_POSITIVE,
    MID_RATIO_ABOVE_ONE,
    OVERRIDE_NEEDS_RATIONALE,
    POOLED_CI_NEEDS_BOTH,
    POOLED_CI_ORDER,
    POOLED_RATIO_POSITIVE,
    RATIONALE_NEEDS_OVERRIDE,
    Claim,
    ClaimManager,
    ClaimRelation,
    ClaimRelationManager,
    Topic,
    TopicManager,
)
from claims.models.postings import ClaimWord
from claims.models.public_counts import PublicCount
from claims.models.querysets import (
    LIST_FIELDS,
    SEARCH_TIEBREAK,
    ClaimQuerySet,
    TopicQuerySet,
    level_is,
)
from claims.models.review import ClaimRevision, ReviewNote

__all__ = [
    "LIST_FIELDS",
    "MID_POSITIVE",
    "MID_RATIO_ABOVE_ONE",
    "OVERRIDE_NEEDS_RATIONALE",
    "POOLED_CI_NEEDS_BOTH",
    "POOLED_CI_ORDER",
    "POOLED_RATIO_POSITIVE",
    "RATIONALE_NEEDS_OVERRIDE",
    "SEARCH_TIEBREAK",
    "ApiToken",
    "Claim",
    "ClaimCellSpecies",
    "ClaimManager",
    "ClaimQuerySet",
    "ClaimRelation",
    "ClaimRelationManager",
    "ClaimRevision",
    "ClaimWord",
    "ClaimedDirection",
    "Direction",
    "GradeLevel",
    "Population",
    "PublicCount",
    "Question",
    "RelationKind",
    "ReviewNote",
    "RevisionStatus",
    "Scale",
    "Status",
    "Topic",
    "TopicManager",
    "TopicQuerySet",
    "level_is",
]
