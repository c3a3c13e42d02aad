"""The curator inbox's counts on the admin index (templates/admin/index.html)."""

from django import template

from evidence.admin_living import alert_counts, inbox_counts

register = template.Library()


@register.inclusion_tag("admin/evidence/inbox_counts.html", takes_context=True)
def screening_inbox(context):
    user = context["request"].user
    return {"rows": inbox_counts(user), "alerts": alert_counts(user)}
