"""The one DRF router: every API resource registers here (URL names "api:<basename>-...")."""

from rest_framework.routers import DefaultRouter

from citations.api import ReferenceViewSet
from claims.api import ClaimViewSet, TopicViewSet
from evidence.api import EvidenceViewSet

router = DefaultRouter()
# Citekeys may contain dots: no ".json"-style suffix routes to confuse with them.
router.include_format_suffixes = False
router.register("claims", ClaimViewSet, basename="claim")
router.register("references", ReferenceViewSet, basename="reference")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("topics", TopicViewSet, basename="topic")
