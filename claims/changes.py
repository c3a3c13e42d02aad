"""What changed since the last published version of a claim, read from its history.

The last published version is the claim as it was when it was last published (reviewed): the
newest historical record where the status became published. Edits made after that are what
a reviewer has not seen. Each
field a curator writes that differs now is one `FieldChange`; text fields carry a word
diff (evidence.revision_diff.word_diff, shared with staged revisions) as (kind, text) runs.
"""

from dataclasses import dataclass

from claims.models import Claim, Status
from evidence.revision_diff import word_diff

COMPARED_FIELDS = [
    "statement",
    "summary",
    "source_text",
    "population",
    "status",
    "grade_override",
    "override_rationale",
    "retraction_reason",
]
TEXT_FIELDS = {"statement", "summary", "source_text", "override_rationale", "retraction_reason"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str
    runs: tuple[tuple[str, str], ...] = ()


def last_published_version(claim: Claim, rows=None):
    """The historical record of `claim` at its last publication, or None. `rows`: its records
    oldest first, when the caller has read them already."""
    if rows is None:
        rows = claim.history.order_by("history_date", "history_id")
    published = None
    for row in rows:
        if row.status != Status.PUBLISHED:
            published = None
        elif published is None:
            published = row
    return published


def changes_since_published(claim: Claim, rows=None) -> list[FieldChange] | None:
    """Field-by-field changes from the last published version; None if never published."""
    published = last_published_version(claim, rows)
    if published is None:
        return None
    changes = []
    for name in COMPARED_FIELDS:
        before, after = getattr(published, name) or "", getattr(claim, name) or ""
        if before != after:
            label = Claim._meta.get_field(name).verbose_name.capitalize()
            runs = word_diff(before, after) if name in TEXT_FIELDS else ()
            changes.append(FieldChange(name, label, str(before), str(after), runs))
    return changes
