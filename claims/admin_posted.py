"""What a claim's change form posts in its inline rows, read before the form saves anything:
the claims its relation rows relate to and the references its evidence rows cite. The save
locks them first, in their order (evidence.locks), though the formsets write them later.

Only the rows the management form counts are read (the change view validated those before it
saves), at most a formset's own bound, and only ASCII digits are keys ("²".isdigit() is true
too).
"""

from evidence.models import Evidence

MAX_POSTED_ROWS = 1000  # a formset's own bound (Django's default max_num)
# The prefix of a claim's evidence inline rows in a posted change form ("evidence").
EVIDENCE_PREFIX = Evidence._meta.get_field("claim").remote_field.get_accessor_name()


def posted_references(post) -> set[int]:
    """The references the evidence inline's posted rows cite (`reference`) or pool
    (`covers`)."""
    cited = posted_row_keys(post, EVIDENCE_PREFIX, "reference")
    return cited | posted_row_keys(post, EVIDENCE_PREFIX, "covers")


def posted_row_keys(post, prefix: str, field: str) -> set[int]:
    """The keys the inline `prefix`'s posted rows give `field`: each of its values (a
    many-to-many field posts several)."""
    total = post.get(f"{prefix}-TOTAL_FORMS", "").strip()
    rows = range(min(int(total), MAX_POSTED_ROWS)) if total.isascii() and total.isdigit() else ()
    values = (value.strip() for row in rows for value in post.getlist(f"{prefix}-{row}-{field}"))
    return {int(value) for value in values if value.isascii() and value.isdigit()}
