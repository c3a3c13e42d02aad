"""Root URLs: admin, the REST API (with its schema and docs), and the public pages.

The one DRF router is here too: every API resource registers with it (URL names
"api:<basename>-..."). This is wiring, the top of the import graph (docs/architecture.md).
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from citations.api.styles import CitationStyleList
from claims.api import ClaimViewSet, TopicViewSet
from claims.views import api_token
from evidence.api import CitedReferenceViewSet, EvidenceViewSet
from evidence.api_living import CandidateTriageView, ClaimCandidatesView, ClaimSearchesView

router = DefaultRouter()
# Citekeys may contain dots: no ".json"-style suffix routes to confuse with them.
router.include_format_suffixes = False
router.register("claims", ClaimViewSet, basename="claim")
router.register("references", CitedReferenceViewSet, basename="reference")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("topics", TopicViewSet, basename="topic")

urlpatterns = [
    path("admin/api-token/", api_token, name="api-token"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/citation-styles/", CitationStyleList.as_view(), name="citation-styles"),
    # A claim's living-evidence resources (curators only), nested under the claim.
    path("api/claims/<str:slug>/searches/", ClaimSearchesView.as_view(), name="claim-searches"),
    path(
        "api/claims/<str:slug>/candidates/",
        ClaimCandidatesView.as_view(),
        name="claim-candidates",
    ),
    path(
        "api/claims/<str:slug>/candidates/<int:pk>/triage/",
        CandidateTriageView.as_view(),
        name="candidate-triage",
    ),
    path("api/", include((router.urls, "api"))),
    path("", include("claims.urls")),
]
