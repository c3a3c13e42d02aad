"""Public pages: thin views over the named querysets."""

from django.shortcuts import get_object_or_404, render

from citations.models import Reference
from claims.models import Claim, Topic


def home(request):
    claims = Claim.objects.public().prefetch_related("topics")
    topics = Topic.objects.all()
    return render(request, "claims/home.html", {"claims": claims, "topics": topics})


def claim_list(request):
    claims = Claim.objects.public().prefetch_related("topics")
    return render(request, "claims/claim_list.html", {"claims": claims})


def claim_detail(request, slug):
    claim = get_object_or_404(Claim.objects.public().with_evidence(), slug=slug)
    return render(request, "claims/claim_detail.html", {"claim": claim})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    claims = topic.claims.public()
    return render(request, "claims/topic_detail.html", {"topic": topic, "claims": claims})


def reference_detail(request, citekey):
    reference = get_object_or_404(
        Reference.objects.cited_by_published().with_contributors(), citekey=citekey
    )
    evidence = reference.evidence.public().select_related("claim")
    return render(
        request, "claims/reference_detail.html", {"reference": reference, "evidence": evidence}
    )
