"""The claim page's record panels in the admin: its grade history (each computed or
overridden grade, by whom and why), the engine's reasons for the current grade, and what
changed since its last published version (claims.changes reads them from the history)."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from claims.changes import changes_since_published, claim_grade_history, claim_history_rows

NO_GRADE_HISTORY = "No grade yet."
NO_REASONS = "No reasons yet."
NEVER_PUBLISHED = "Not published yet."
UNCHANGED_SINCE_PUBLISHED = "Nothing has changed since the last published version."


class RecordPanelsMixin:
    """For ClaimAdmin: the read-only `grade_history`, `reasons` and `changes_since_published`
    fields."""

    @admin.display(description="Grade history")
    def grade_history(self, obj):
        changes = claim_grade_history(obj, self._history_rows(obj)) if obj.pk else []
        if not changes:
            return NO_GRADE_HISTORY
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (f"{c.date:%Y-%m-%d %H:%M}", c.level, c.direction, c.override, c.user, c.reason)
                for c in changes
            ),
        )
        header = "<thead><tr><th>Date</th><th>Level</th><th>Direction</th><th>Override</th>"
        return format_html(
            '<table class="grade-history">' + header + "<th>By</th><th>Why</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )

    @staticmethod
    def _history_rows(obj) -> list:
        """The claim's history, read once for the grade history and the changes panel."""
        if not hasattr(obj, "_history_rows"):
            obj._history_rows = claim_history_rows(obj)
        return obj._history_rows

    @admin.display(description="Grade reasons")
    def reasons(self, obj):
        if not obj.grade_reasons:
            return NO_REASONS
        items = format_html_join("", "<li>{}</li>", ((reason,) for reason in obj.grade_reasons))
        return format_html('<ul class="grade-reasons">{}</ul>', items)

    @admin.display(description="Changes since the last published version")
    def changes_since_published(self, obj):
        changes = changes_since_published(obj, self._history_rows(obj)) if obj.pk else None
        if changes is None:
            return NEVER_PUBLISHED
        if not changes:
            return UNCHANGED_SINCE_PUBLISHED
        rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", self._diff_rows(changes))
        return format_html('<table class="changes-since-published">{}</table>', rows)

    @staticmethod
    def _diff_rows(changes):
        tags = {"same": "{}", "removed": "<del>{}</del>", "added": "<ins>{}</ins>"}
        for change in changes:
            if change.runs:
                text = format_html_join(
                    "", "{}", ((format_html(tags[k], t),) for k, t in change.runs)
                )
            else:
                text = format_html("<del>{}</del> → <ins>{}</ins>", change.before, change.after)
            yield change.label, text
