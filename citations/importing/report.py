"""Reports of a plan: the lines the command and the API tell a user what a plan does with
each entry ("line N [key]: ..."), so both speak the same words; the API's answer
(`import_outcome_data`); and `plan_snapshot`, the admin preview's table as plain data (what
a preview job keeps for the page to show). All plain data: JSON as it is."""

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


def import_entry_data(item: PlanItem) -> dict:
    return {
        "key": item.key,
        "line": item.line,
        "status": item.status,
        "citekey": item.citekey,
        "duplicate_of": item.duplicate_citekey if item.status == DUPLICATE else None,
        "reason": item.reason,
        "messages": list(item.messages),
    }


def import_outcome_data(outcome, *, on_duplicate: str) -> dict:
    """An `ImportOutcome` in the shape of `ImportOutcomeSerializer` (built directly: a plan
    may hold 50,000 entries, too many to pass through serializer fields one by one)."""
    counts, result = outcome.plan.counts, outcome.result
    if result is None:
        created, updated = counts[NEW], len(outcome.plan.updates(on_duplicate))
    else:
        created, updated = result.created, result.updated
    return {
        "dry_run": result is None,
        "written": bool(result and result.written),
        "created": created,
        "updated": updated,
        "duplicates": counts[DUPLICATE],
        "invalid": counts[INVALID],
        "detail": result.refused if result else "",
        "problems": problem_lines(outcome.plan),
        "notes": list(outcome.plan.notes),
        "entries": [import_entry_data(item) for item in outcome.plan.items],
    }


def plan_snapshot(plan: ImportPlan) -> dict:
    """What the admin's preview table shows of a plan, as plain data (the template reads the
    same names from a plan or from this)."""
    return {
        "counts": plan.counts,
        "notes": list(plan.notes),
        "items": [
            {
                "line": item.line,
                "key": item.key,
                "status": item.status,
                "values": {name: (item.values or {}).get(name) for name in ("title", "year")},
                "authors": [
                    {"prefix": name.prefix, "family": name.family, "given": name.given}
                    for name in item.authors
                ],
                "citekey": item.citekey,
                "duplicate_of": item.duplicate_of,
                "duplicate_citekey": item.duplicate_citekey,
                "reason": item.reason,
                "messages": list(item.messages),
            }
            for item in plan.items
        ],
    }
