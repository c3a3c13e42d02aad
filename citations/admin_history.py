"""History pages of the curation admin (django-simple-history), safe to show to every curator.

simple-history's "revert" form saves a past version on POST after checking only that the
user may *view* the record. Here a revert needs change permission, and a model whose
writes carry rules that a plain save would skip (a claim's workflow and grade) declares
`history_revert = False`: its history is read-only, and a POST is refused whatever it holds.
"""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    history_revert = True

    def revert_disabled(self, request, obj=None):
        return not (self.history_revert and self.has_change_permission(request, obj))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
