"""Living evidence on the API, for curators: a claim's saved searches and its inbox.

- `GET|POST /api/claims/<slug>/searches/`: the claim's saved searches; a new one.
- `GET /api/claims/<slug>/candidates/`: its untriaged candidates (alerts first), with their
  PMIDs and DOIs; `?decision=later` (or any decision) lists those instead.
- `POST /api/claims/<slug>/candidates/<id>/triage/` `{"decision", "reason"}`: the decision
  (`evidence.living.candidate_triage`); "not_relevant" needs a reason.
Nothing here is public: readers see only the claim page's "Last searched" line.
"""

from django.shortcuts import get_object_or_404
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import Claim
from config.permissions import needs
from evidence.living import candidate_triage
from evidence.search_models import Candidate, Decision, SavedSearch
from evidence.serializers_living import CandidateSerializer, SavedSearchSerializer, TriageSerializer


class ClaimSearchesView(generics.ListCreateAPIView):
    serializer_class = SavedSearchSerializer
    pagination_class = None
    queryset = SavedSearch.objects.none()  # the schema's model; get_queryset reads the claim's

    def get_permissions(self):
        action = "add" if self.request.method == "POST" else "view"
        return [needs(f"evidence.{action}_savedsearch")()]

    def claim(self) -> Claim:
        return get_object_or_404(Claim, slug=self.kwargs["slug"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema has no claim
            return self.queryset
        return SavedSearch.objects.filter(claim=self.claim()).select_related("created_by")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.method == "POST":
            context["claim"] = self.claim()
        return context

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)


class ClaimCandidatesView(generics.ListAPIView):
    serializer_class = CandidateSerializer
    permission_classes = [needs("evidence.view_candidate")]
    queryset = Candidate.objects.none()  # the schema's model; get_queryset reads the claim's

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema has no claim
            return self.queryset
        claim = get_object_or_404(Claim, slug=self.kwargs["slug"])
        decision = self.request.query_params.get("decision", Decision.UNTRIAGED)
        if decision not in Decision.values:
            choices = ", ".join(Decision.values)
            raise ValidationError({"decision": [f"Choose one of {choices}."]})
        found = Candidate.objects.filter(claim=claim, decision=decision)
        return found.select_related("reference").alerts_first()


class CandidateTriageView(APIView):
    permission_classes = [needs("evidence.change_candidate")]

    def post(self, request, slug: str, pk: int):
        candidate = get_object_or_404(Candidate, pk=pk, claim__slug=slug)
        triage = TriageSerializer(data=request.data)
        triage.is_valid(raise_exception=True)
        candidate = candidate_triage(
            candidate=candidate, actor=request.user, **triage.validated_data
        )
        return Response(CandidateSerializer(candidate).data)

    def get_serializer(self, *args, **kwargs):  # the schema's request body
        return TriageSerializer(*args, **kwargs)
