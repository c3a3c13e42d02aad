"""The curator inbox's counts on the admin index (templates/admin/index.html)."""

from django import template

from evidence.admin_living import inbox_counts

register = template.Library()


@register.inclusion_tag("admin/evidence/inbox_counts.html", takes_context=True)
def screening_inbox(context):
    return {"rows": inbox_counts(context["request"].user)}
