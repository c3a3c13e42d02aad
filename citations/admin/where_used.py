"""Where a reference or a person is used, as admin panels: a reference's evidence items with
their claims (and each claim's status), a person's references. HTML built with format_html."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join

NOT_USED = "Not cited by any claim yet."
NO_REFERENCES = "No references."


def reference_uses(reference) -> str:
    items = reference.evidence.select_related("claim").order_by("claim__statement", "pk")
    rows = [
        (
            reverse("admin:claims_claim_change", args=[item.claim_id]),
            item.claim.statement,
            item.claim.get_status_display(),
            reverse("admin:evidence_evidence_change", args=[item.pk]),
            item.get_stance_display(),
            item.outcome or "evidence item",
        )
        for item in items
    ]
    if not rows:
        return NOT_USED
    body = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td><a href="{}">{}: {}</a></td></tr>',
        rows,
    )
    return format_html(
        '<table class="where-used"><thead><tr><th>Claim</th><th>Status</th>'
        "<th>Evidence item</th></tr></thead><tbody>{}</tbody></table>",
        body,
    )


def person_references(person) -> str:
    contributions = person.contributions.select_related("reference").order_by(
        "reference__citekey", "role"
    )
    rows = [
        (
            reverse("admin:citations_reference_change", args=[c.reference_id]),
            c.reference.citekey,
            c.reference.title,
            c.get_role_display(),
            c.position + 1,
        )
        for c in contributions
    ]
    if not rows:
        return NO_REFERENCES
    body = format_html_join("", '<li><a href="{}">{}</a>: {} ({} {})</li>', rows)
    return format_html('<ul class="person-references">{}</ul>', body)
