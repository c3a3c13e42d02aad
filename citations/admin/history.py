"""History pages of the curation admin (django-simple-history), safe to show to every curator.

simple-history's "revert" form saves a past version on POST after checking only that the
user may *view* the record. Here a revert needs change permission, and a model whose
writes carry rules that a plain save would skip (a claim's workflow and grade) declares
`history_revert = False`: its history is read-only, and a POST is refused whatever it holds.
The list of changes shows an empty link (no curator yet) as "(none)": simple-history takes
it for a deleted row ("Deleted user (pk=None)").
"""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY_LINK = "(none)"


class ChangesDisplay(HistoricalRecordContextHelper):
    """The changes of one history row, as the history page lists them."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject) and value.pk is None:
            return EMPTY_LINK
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    history_revert = True

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangesDisplay(self.model, historical_record)

    def revert_disabled(self, request, obj=None):
        return not (self.history_revert and self.has_change_permission(request, obj))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
