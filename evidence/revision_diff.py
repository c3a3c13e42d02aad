"""Live vs pending: what a staged revision would change, field by field (pure, no ORM).

A revision's snapshot and the live snapshot (evidence.revisions) are plain JSON: {"claim":
{field: value}, "evidence": [{"id": pk or None, field: value}], "relations": [{"id": pk or
None, "to_claim": pk, "kind": ..., "note": ...}]}. Each difference is one `Change`: a claim
field, an evidence item's field, an item added or removed, a relation's field, a relation added
or removed. Text
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


def snapshot_changes(
    live: dict, pending: dict, *, labels: dict, names: dict, claims: dict | None = None
) -> list[Change]:
    """The differences from `live` to `pending`. `labels` maps "claim.<field>",
    "evidence.<field>", "relation.<field>" and "relation.kind.<value>" to a reader's label;
    `names` maps an evidence item's reference id to its citekey, so items read "Evidence
    smith2020 (BMD)"; `claims` a related claim's id to its slug ("Relation: Part of bmd")."""
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
    return changes + _relation_changes(live, pending, labels, claims or {})


def _relation_changes(live: dict, pending: dict, labels: dict, claims: dict) -> list[Change]:
    before = {relation["id"]: relation for relation in live.get("relations", [])}
    after = pending.get("relations", live.get("relations", []))
    changes = []
    for relation in after:
        title = f"Relation: {_relation_name(relation, labels, claims)}"
        if relation["id"] in before:
            old, new = (_readable(r, labels, claims) for r in (before[relation["id"]], relation))
            changes += _field_changes(old, new, labels, "relation", f"{title}: ")
        else:
            changes.append(
                Change(f"{title}: added", "", _relation_summary(relation, labels, claims))
            )
    kept = {relation["id"] for relation in after}
    for relation_id, relation in before.items():
        if relation_id not in kept:
            title = f"Relation: {_relation_name(relation, labels, claims)}"
            summary = _relation_summary(relation, labels, claims)
            changes.append(Change(f"{title}: removed", summary, ""))
    return changes


def _readable(relation: dict, labels: dict, claims: dict) -> dict:
    """The relation with its kind's label and the other claim's slug in place of the keys."""
    kind = labels.get(f"relation.kind.{relation.get('kind')}", relation.get("kind"))
    other = claims.get(relation.get("to_claim"), str(relation.get("to_claim")))
    return {**relation, "kind": kind, "to_claim": other}


def _relation_name(relation: dict, labels: dict, claims: dict) -> str:
    shown = _readable(relation, labels, claims)
    return f"{shown['kind']} {shown['to_claim']}"


def _relation_summary(relation: dict, labels: dict, claims: dict) -> str:
    """ "Part of bone-health: Spine BMD." (the note after the colon, when there is one)."""
    note = relation.get("note") or ""
    name = _relation_name(relation, labels, claims)
    return f"{name}: {note}" if note else name


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
