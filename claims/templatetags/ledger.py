"""Template formatting for the public pages: citations, identifiers, effects, links, JSON-LD."""

import json
from urllib.parse import urlencode

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from citations.bibtex import render_entry
from citations.identifiers import doi_url, format_isbn, pmcid_url, pmid_url
from claims import methodology
from claims.cite_this import reference_text
from claims.pages import effect_text
from claims.verdict import NOT_GRADED_LABEL, short_level_label

register = template.Library()

EXPORT_FORMATS = {"bibtex": "BibTeX", "ris": "RIS", "csl": "CSL-JSON"}
# What json.dumps leaves that could end a <script> element or start an HTML comment.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data) -> str:
    """A `<script type="application/ld+json">` that no curator text can break out of."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


@register.filter
def citation(reference) -> str:
    """The reference list's entry (claims.cite_this: Vancouver by the CSL engine)."""
    return reference_text(reference.to_record())


@register.filter
def bibtex(reference) -> str:
    return render_entry(reference.to_record())


@register.filter
def effect(item) -> str:
    """'1.7 (95% CI 1.2 to 2.2) BMD, % change per year', or '' when no effect is recorded."""
    return effect_text(item)


@register.simple_tag
def identifier_links(reference) -> list[dict]:
    """Each identifier of a reference with its resolver link (ISBN has none)."""
    links = []
    if reference.doi:
        links.append(("DOI", reference.doi, doi_url(reference.doi)))
    if reference.pmid:
        links.append(("PubMed", reference.pmid, pmid_url(reference.pmid)))
    if reference.pmcid:
        links.append(("PMC", reference.pmcid, pmcid_url(reference.pmcid)))
    if reference.isbn:
        links.append(("ISBN", format_isbn(reference.isbn), ""))
    if reference.url and not reference.doi:
        links.append(("Web", reference.url, reference.url))
    return [{"label": label, "value": value, "href": href} for label, value, href in links]


@register.simple_tag
def notice_url(reference) -> str:
    """Where a retraction notice is: its URL, or its DOI resolved; '' when neither."""
    notice = (getattr(reference, "retraction_notice", "") or "").strip()
    if notice.startswith(("https://", "http://")):
        return notice
    doi = notice.removeprefix("doi:").strip()
    return doi_url(doi) if doi.startswith("10.") else ""


@register.simple_tag
def export_url(claim, fmt: str) -> str:
    """The API export of a claim's references; the documented path until the API is routed."""
    try:
        path = reverse("api:claim-detail", kwargs={"slug": claim.slug})
    except NoReverseMatch:
        path = f"/api/claims/{claim.slug}/"
    return f"{path}?format={fmt}"


# What `{% url %}` (a name without arguments) and `{% static %}` give, which is the same for
# every request of a process under one script prefix and URLconf: they compute it again on
# every render (a reverse, a manifest lookup and a URL join each), which cost a list page a
# third of its template's time. Forgotten when a test changes the settings they read.
_site_paths: dict[tuple, str] = {}
SITE_PATHS_KEPT = 256  # forgotten all at once past this: a client can vary the script prefix
SITE_PATH_SETTINGS = {"ROOT_URLCONF", "STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG"}


@register.simple_tag
def site_url(name: str) -> str:
    """`{% url name %}` of a URL without arguments, reversed once per process."""
    return site_path(("url", name), lambda: reverse(name))


@register.simple_tag
def asset(path: str) -> str:
    """`{% static path %}`, looked up once per process."""
    return site_path(("static", path), lambda: static(path))


def site_path(what: tuple, compute) -> str:
    key = (*what, get_script_prefix(), get_urlconf())
    path = _site_paths.get(key)
    if path is None:
        if len(_site_paths) >= SITE_PATHS_KEPT:
            _site_paths.clear()  # script prefixes come from the request: bounded
        path = _site_paths[key] = compute()
    return path


@receiver(setting_changed)
def forget_site_paths(*, setting, **kwargs):
    if setting in SITE_PATH_SETTINGS:
        _site_paths.clear()


@register.simple_tag
def export_formats() -> dict[str, str]:
    return EXPORT_FORMATS


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def page_url(context, page_number: int) -> str:
    """The current list URL with only the page number changed (its place kept, else last).
    A dict of the lists, not `QueryDict.copy()`: its deep copy cost three times as much."""
    query = dict(context["request"].GET.lists())
    query["page"] = [str(page_number)]
    return "?" + urlencode(query, doseq=True)


BADGE_TITLE = "What this grade means"
RETRACTED_BADGE_TITLE = "The grade when the claim was retracted: what it meant"


@register.simple_tag
def grade_badge(level: str, label: str, retracted: bool = False) -> str:
    """The grade as a link to its explanation on the methodology page.

    A retracted claim's badge is greyed (`grade-retracted`): it is no longer a verdict.
    """
    anchor = f"level-{level}" if level else "level-not_graded"
    classes = f"grade grade-{level or 'none'}" + (" grade-retracted" if retracted else "")
    return format_html(
        '<a class="{}" href="{}#{}" title="{}">{}</a>',
        classes,
        reverse("methodology"),
        anchor,
        RETRACTED_BADGE_TITLE if retracted else BADGE_TITLE,
        label or NOT_GRADED_LABEL,
    )


@register.simple_tag
def claim_badge(claim) -> str:
    """The short badge of a claim in a list ('Moderate', 'Not graded')."""
    return grade_badge(
        claim.effective_level, short_level_label(claim), retracted=claim.status == "retracted"
    )


@register.simple_tag
def current_rubric() -> str:
    return methodology.current_rubric()
