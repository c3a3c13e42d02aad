"""Claim page fragments rendered once for what they show: each evidence item, and each
reference's entry (citation, identifier links, BibTeX block).

A 200-item page spends most of its rendering time on these. Each is kept in the page cache
(`settings.PAGE_CACHE`, for LEDGER_PAGE_CACHE_SECONDS; with 0, in this process's memory only,
`config.caching.remembered`, since the key cannot go stale) under a digest of
everything it shows: its row's columns (`updated` among them), its reference's columns, its
reference's authors and editors with their names, and the reference's number on this page.
Any edit of these (a title, an author renamed, a retraction recorded by an `update()` that
leaves `updated` alone) makes a new key, so the next render shows it: a stale fragment is
never read, only left to expire. One `get_many` a page, so 200 items cost one cache round trip.
As for whole pages, a deploy that changes a fragment's markup shows within that timeout.

List pages (home, claim list, topic) render each claim's `<li>` and the search form once per
process for what they show (`config.caching.remembered`: no expiry, so with the caches off
too): the claim's columns, its computed counts and its topics; the form's data, options
and errors. A list of twenty claims then costs twenty digests, not twenty renders.
"""

import hashlib
from functools import cache
from operator import attrgetter

from django import template
from django.conf import settings
from django.core.cache import caches
from django.template import Context
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe

from citations.search import VECTOR_FIELD
from claims.cite_this import share_reference_texts
from claims.models import LIST_FIELDS
from config.caching import recalled, remember_many, remembered

register = template.Library()

EVIDENCE_ITEM = "claims/_evidence_item.html"
REFERENCE_ENTRY = "claims/_reference.html"
CLAIM_ITEM = "claims/_claim_item.html"
FILTERS = "claims/_filters.html"


@register.simple_tag(takes_context=True)
def evidence_items(context, items) -> str:
    """Each item's `<li>`: its facts, its reference's label, link and number."""
    digests = reference_digests(context)
    return fragments(
        EVIDENCE_ITEM, "item", items, lambda item: (columns(item), digests(item.reference))
    )


@register.simple_tag(takes_context=True)
def reference_entries(context, references) -> str:
    """Each reference's `<li>`: numbered citation, identifier links, warnings, BibTeX; the
    citations of those to render read in one round trip where another process (with Redis)
    or an earlier page formatted them (claims.cite_this.share_reference_texts)."""
    digests = reference_digests(context)

    def prepare(todo):
        share_reference_texts([reference.to_record() for reference in todo])

    return fragments(REFERENCE_ENTRY, "reference", references, digests, prepare)


def fragments(template_name: str, name: str, rows, content, prepare=None) -> str:
    """`template_name` rendered with each of `rows` as `name`, from the cache (or, with the
    page cache off, this process's memory) where it can; `prepare(rows)` before the rows
    not found there are rendered."""
    keys = [fragment_key(template_name, content(row)) for row in rows]
    if settings.LEDGER_PAGE_CACHE_SECONDS > 0:
        store = caches[settings.PAGE_CACHE]
        found = store.get_many(keys)
    else:
        found = recalled(keys)
    todo = {key: row for key, row in zip(keys, rows, strict=True) if key not in found}
    if todo and prepare:
        prepare(list(todo.values()))
    missing = dict(zip(todo, rendered(template_name, name, todo.values()), strict=True))
    if missing and settings.LEDGER_PAGE_CACHE_SECONDS > 0:
        store.set_many(missing, settings.LEDGER_PAGE_CACHE_SECONDS)
    elif missing:
        remember_many(missing)
    html = [found[key] if key in found else missing[key] for key in keys]
    return mark_safe("".join(html))  # noqa: S308 - each part is an autoescaped template


def rendered(template_name: str, name: str, rows) -> list[str]:
    """`template_name` rendered with each of `rows` as `name`, all in one context."""
    fragment = get_template(template_name).template
    context = Context(autoescape=fragment.engine.autoescape)
    html = []
    for row in rows:
        with context.push({name: row}):
            html.append(fragment.render(context))
    return html


def fragment_key(template_name: str, content) -> str:
    return f"fragment:{template_name}:{digest(content)}"


def digest(content) -> str:
    return hashlib.blake2b(repr(content).encode(), digest_size=20).hexdigest()


def reference_digests(context):
    """`digests(reference)`: the digest of what a reference's entry shows, computed once a
    page render (items share their references)."""
    known = context.render_context.setdefault("fragments.references", {})

    def digests(reference) -> str:
        if reference.pk not in known:
            known[reference.pk] = digest(reference_content(reference))
        return known[reference.pk]

    return digests


@cache
def column_getter(model):
    """All of a model's column values at once, as a tuple, but a stored search vector: it is
    made from other columns (`citations.search.SEARCH_WEIGHTS`), so it tells nothing more,
    and a page need not read it (`ClaimQuerySet.with_evidence` leaves it out)."""
    shown = [field for field in model._meta.concrete_fields if field.name != VECTOR_FIELD]
    return attrgetter(*(field.attname for field in shown))


def columns(row) -> tuple:
    return column_getter(type(row))(row)


def reference_content(reference) -> tuple:
    """What a reference's entry shows: its columns, its people, its number on the page."""
    people = tuple(
        (columns(contributor), columns(contributor.person))
        for contributor in reference.listed_contributors()
    )
    return columns(reference), people, reference.number


@register.simple_tag
def claim_items(claims) -> str:
    """Each claim's `<li>` of a list page (`claims` as `claims.pages.with_deciding_counts`
    leaves them), remembered per process for what it shows."""
    prefix = get_script_prefix()  # the links' prefix: part of what the HTML shows
    html = [
        remembered(
            (CLAIM_ITEM, prefix, claim_item_content(claim)),
            lambda claim=claim: rendered(CLAIM_ITEM, "claim", [claim])[0],
        )
        for claim in claims
    ]
    return mark_safe("".join(html))  # noqa: S308 - each part is an autoescaped template


def claim_item_content(claim) -> tuple:
    """What a claim's list item shows: its listed columns (`ClaimQuerySet.for_lists`, the
    only ones it reads), its counts, its topics' columns."""
    topics = tuple(columns(topic) for topic in claim.list_topics)
    counts = (getattr(claim, "deciding_count", None), getattr(claim, "retracted_tests", None))
    return listed_columns(claim), counts, topics


listed_columns = attrgetter(*LIST_FIELDS)


@register.simple_tag
def search_form(form) -> str:
    """The claim search and filter form, remembered per process for what it shows."""
    content = (FILTERS, get_script_prefix(), search_form_content(form))
    html = remembered(content, lambda: rendered(FILTERS, "form", [form])[0])
    return mark_safe(html)  # noqa: S308 - an autoescaped template


def search_form_content(form) -> tuple:
    """What the form shows: the submitted data, each field's options, the errors."""
    data = sorted(form.data.lists()) if hasattr(form.data, "lists") else sorted(form.data.items())
    options = [
        (name, [(str(value), str(label)) for value, label in field.choices])
        for name, field in form.fields.items()
        if hasattr(field, "choices")
    ]
    errors = form.errors.get_json_data() if form.is_bound else {}
    return form.is_bound, data, sorted(form.initial.items()), options, sorted(errors.items())
