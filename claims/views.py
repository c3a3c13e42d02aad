"""Public pages: thin views over the named querysets and `claims.pages`."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_http_methods

from citations.models import Reference
from claims.cite_this import cite_this, claim_record
from claims.counts import public_count
from claims.forms import ClaimFilterForm
from claims.listing import page_claims
from claims.methodology import methodology_page
from claims.models import ApiToken, Claim, Topic
from claims.page_cache import is_cacheable, serve_cached, serve_list_cached
from claims.pages import claim_page, reference_page, with_deciding_counts
from claims.services import curator_token_create, curator_token_revoke
from config.pagination import EndAwarePaginator as Paginator
from evidence.living import with_freshness

PAGE_SIZE = 20
FAVICON = "favicon.svg"
RECENT_ON_HOME = 10


def home(request):
    return serve_list_cached(request, lambda version: render_home(request, version))


def render_home(request, counts_version=None):
    claims = Claim.objects.public().for_lists().order_by("-reviewed_at", "-updated")
    form = ClaimFilterForm(counts_version=counts_version)
    context = {
        "claims": with_deciding_counts(claims[:RECENT_ON_HOME], form.topics),
        "topics": form.topics,
        "form": form,
    }
    return render(request, "claims/home.html", context)


def claim_list(request):
    return serve_list_cached(request, lambda version: render_claim_list(request, version))


def render_claim_list(request, counts_version=None):
    form = ClaimFilterForm(request.GET, counts_version=counts_version)
    paginator = Paginator(form.results(), PAGE_SIZE)
    if form.known_total is not None:
        paginator.count = form.known_total  # counted (and cached) with the facets
    page = paginator.get_page(request.GET.get("page"))
    status = 400 if form.errors else 200
    claims = with_deciding_counts(page_claims(page.object_list), form.topics)
    # The words and whether the list is capped, as the page names them: looked up on the
    # form, each name was a failed `form[name]` first (a KeyError listing the fields).
    words = form.cleaned_data.get("q", "")
    context = {"form": form, "page": page, "claims": claims, "words": words, "capped": form.capped}
    return render(request, "claims/claim_list.html", context, status=status)


def claim_detail(request, slug):
    version = Claim.objects.public().page_version(slug) if is_cacheable(request) else None
    return serve_cached(request, version, lambda: render_claim(request, slug))


def render_claim(request, slug):
    claims = with_freshness(Claim.objects.public().with_evidence().with_relations())
    claim = get_object_or_404(claims, slug=slug)
    url = request.build_absolute_uri(claim.get_absolute_url())
    page = claim_page(claim, url=url)
    cite = cite_this(claim_record(claim, url), asked_style(request))
    return render(request, "claims/claim_detail.html", {"claim": claim, "page": page, "cite": cite})


def asked_style(request) -> str:
    """The citation style a reader chose on a page: a typed id wins over the list's choice."""
    return request.GET.get("style_id", "").strip() or request.GET.get("style", "")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the site's icon."""
    return redirect(static(FAVICON))


def methodology(request):
    return render(request, "claims/methodology.html", {"page": methodology_page()})


def topic_detail(request, slug):
    return serve_list_cached(request, lambda _version: render_topic(request, slug))


def render_topic(request, slug):
    topic = get_object_or_404(Topic.objects.public(), slug=slug)
    claims = topic.claims.public().order_by("statement")
    paginator = Paginator(claims, PAGE_SIZE)
    paginator.count = public_count("topic", str(topic.pk))  # kept by the database: no COUNT
    page = paginator.get_page(request.GET.get("page"))
    claims = with_deciding_counts(page_claims(page.object_list))
    context = {"topic": topic, "page": page, "claims": claims}
    return render(request, "claims/topic_detail.html", context)


def reference_detail(request, citekey):
    if "\x00" in citekey:
        # No citekey holds NUL (PostgreSQL refuses it in text): not found, not a server error.
        raise Http404
    references = Reference.objects.cited_by(Claim.objects.public()).with_contributors()
    reference = references.filter(citekey=citekey).first()
    if reference is None:
        # A merged citekey keeps resolving: to the reference it was merged into, for good.
        return redirect(get_object_or_404(references.merged_from(citekey)), permanent=True)
    evidence = reference.evidence.public().select_related("claim").order_by("claim__statement")
    also_cited = reference.aliases.exclude(as_cited="")  # merged records, as sources printed them
    context = {
        "reference": reference,
        "page": reference_page(reference),
        "cite": cite_this(reference.to_record(), asked_style(request)),
        "evidence": evidence,
        "also_cited": also_cited,
    }
    return render(request, "claims/reference_detail.html", context)


REVOKED_MESSAGE = "Your API token was revoked: requests using it are refused from now on."
NOTHING_TO_REVOKE = "You had no API token."


@staff_member_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    """A curator's own API token: create (shown once), replace or revoke."""
    key = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        revoked = curator_token_revoke(user=request.user)
        messages.info(request, REVOKED_MESSAGE if revoked else NOTHING_TO_REVOKE)
        return redirect("api-token")
    if request.method == "POST":
        key = curator_token_create(user=request.user)
    token = ApiToken.objects.filter(user=request.user).first()
    context = {"title": "Your API token", "key": key, "token": token}
    return render(request, "admin/api_token.html", context)
