"""Live vs pending: what a staged revision would change, field by field (pure, no ORM).

A revision's snapshot and the live snapshot (evidence.revisions) are plain JSON: {"claim":
{field: value}, "evidence": [{"id": pk or None, field: value}]}. Each difference is one
`Change`: a claim field, an evidence item's field, an item added or an item removed. Text
fields carry a word diff (difflib) as (kind, text) runs, kind one of "same", "removed",
"added"; claims.changes uses the same word diff for its panel.
"""

import difflib
import re
from dataclasses import dataclass

TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Change:
    """One difference: `label` names it for a reader ("Statement", "Evidence smith2020 (BMD):
    Stance"); `live` and `pending` are the values as text; `runs` the word diff of text."""

    label: str
    live: str
    pending: str
    runs: tuple[tuple[str, str], ...] = ()


def word_diff(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """Runs of unchanged, removed and added text, word by word."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    runs = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", "".join(old[i1:i2])))
        if j2 > j1:
            runs.append(("added", "".join(new[j1:j2])))
    return tuple(runs)


def snapshot_changes(live: dict, pending: dict, *, labels: dict, names: dict) -> list[Change]:
    """The differences from `live` to `pending`. `labels` maps "claim.<field>" and
    "evidence.<field>" to a reader's label; `names` maps an evidence item's reference id to its
    citekey, so items read "Evidence smith2020 (BMD)"."""
    changes = _field_changes(live["claim"], pending["claim"], labels, "claim", "")
    live_items = {item["id"]: item for item in live["evidence"]}
    pending_ids = {item["id"] for item in pending["evidence"]}
    for item in pending["evidence"]:
        title = f"Evidence {_item_name(item, names)}"
        if item["id"] in live_items:
            before = live_items[item["id"]]
            changes += _field_changes(before, item, labels, "evidence", f"{title}: ")
        else:
            changes.append(Change(f"{title}: added", "", _summary(item, labels)))
    for item_id, item in live_items.items():
        if item_id not in pending_ids:
            title = f"Evidence {_item_name(item, names)}"
            changes.append(Change(f"{title}: removed", _summary(item, labels), ""))
    return changes


def _field_changes(before: dict, after: dict, labels: dict, kind: str, prefix: str) -> list:
    changes = []
    for name, value in after.items():
        old = before.get(name)
        if name == "id" or old == value:
            continue
        live, pending = _text(old), _text(value)
        runs = word_diff(live, pending) if isinstance(value, str) or isinstance(old, str) else ()
        changes.append(Change(prefix + labels.get(f"{kind}.{name}", name), live, pending, runs))
    return changes


def _item_name(item: dict, names: dict) -> str:
    citekey = names.get(item.get("reference"), str(item.get("reference")))
    return f"{citekey} ({item['outcome']})" if item.get("outcome") else citekey


def _summary(item: dict, labels: dict) -> str:
    shown = ("stance", "design", "population", "effect_value", "risk_of_bias")
    return "; ".join(
        f"{labels.get(f'evidence.{name}', name)}: {_text(item.get(name))}"
        for name in shown
        if item.get(name) not in (None, "")
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
