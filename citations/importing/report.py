"""Report lines: how the command and the API tell a user what a plan does with each entry
("line N [key]: ..."), so both speak the same words."""

from collections.abc import Iterator

from citations.importing.plans import DUPLICATE, INVALID, NEW, ImportPlan, PlanItem

INVALID_LINE = "  line {line} [{key}]: {message}"
DUPLICATE_LINE = "  line {line} [{key}]: duplicate of {target} ({reason})"
WARNING_LINE = "  line {line} [{key}]: warning: {message}"
KEY_CHANGED_LINE = "  line {line} [{key}]: imported as {citekey} (the key is taken or not usable)"


def item_lines(item: PlanItem) -> Iterator[str]:
    """An invalid entry's errors; else its duplicate or changed key, then its warnings."""
    where = {"line": item.line, "key": item.key}
    if item.status == INVALID:
        yield from (INVALID_LINE.format(**where, message=m) for m in item.messages)
        return
    if item.status == DUPLICATE:
        yield DUPLICATE_LINE.format(**where, target=item.duplicate_citekey, reason=item.reason)
    if item.status == NEW and item.citekey and item.citekey != item.key:
        # A changed key breaks \cite{} commands that use it: say so.
        yield KEY_CHANGED_LINE.format(**where, citekey=item.citekey)
    yield from (WARNING_LINE.format(**where, message=m) for m in item.messages)


def problem_lines(plan: ImportPlan) -> list[str]:
    """ "line N [key]: message" for each error of each invalid entry (the API's problems)."""
    return [
        INVALID_LINE.format(line=item.line, key=item.key, message=message).strip()
        for item in plan.with_status(INVALID)
        for message in item.messages
    ]
