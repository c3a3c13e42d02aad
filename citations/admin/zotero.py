"""Zotero libraries in the admin: which libraries the ledger imports, the version each was
last synced at, and an action that syncs the selected ones now (the same service as
`import_zotero`: only what changed since the last sync is fetched)."""

from django.contrib import admin, messages

from citations.importing.zotero import zotero_library_sync
from citations.models import ZoteroLibrary
from citations.sources.http import SourceError

SYNCED = (
    "{library}: {fetched} changed item(s); created {created}, updated {updated}, skipped {skipped}."
)
NOT_SYNCED = "{library}: nothing was imported ({reason})"


@admin.register(ZoteroLibrary)
class ZoteroLibraryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "library_id", "collection", "version", "synced")
    list_filter = ("kind",)
    search_fields = ("library_id", "collection")
    readonly_fields = ("version", "synced")
    actions = ("sync_now",)

    @admin.action(description="Import what changed in the selected Zotero libraries")
    def sync_now(self, request, queryset):
        for library in queryset.order_by("pk"):
            try:
                sync = zotero_library_sync(library=library)
            except SourceError as exc:
                self.message_user(
                    request, NOT_SYNCED.format(library=library, reason=exc), messages.ERROR
                )
                continue
            result = sync.result
            if not result.written:
                reason = result.refused
                self.message_user(
                    request, NOT_SYNCED.format(library=library, reason=reason), messages.ERROR
                )
                continue
            text = SYNCED.format(
                library=library,
                fetched=sync.fetched,
                created=result.created,
                updated=result.updated,
                skipped=result.skipped,
            )
            self.message_user(request, text, messages.SUCCESS)
