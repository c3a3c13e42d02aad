"""The URL of a page a model's admin adds to Django's own (merge, imports, workflow steps)."""

from django.urls import path


def admin_page_path(model_admin, route: str, view, name: str):
    """`route` (below the model's admin URLs) served by `view` behind the admin's login and
    staff check, named `<app_label>_<model_name>_<name>` as Django names its own pages (so
    `{% url opts|admin_urlname:name %}` finds it)."""
    opts = model_admin.opts
    return path(
        route,
        model_admin.admin_site.admin_view(view),
        name=f"{opts.app_label}_{opts.model_name}_{name}",
    )
