"""CSL-JSON -> ledger -> CSL-JSON over real files others wrote (`csl_files`): each file is
imported through the same service as the API's (`--skip-invalid`, so what cannot be a
reference is reported and the rest comes in), each new reference exported with the CSL
writer, and every variable of the item as written compared with the exported one
(`csl_compare`): all must come back. Figures per source are printed."""

import json
import sys
from collections import Counter

import pytest

from citations import readers
from citations.formats import csl_item
from citations.importing import DUPLICATE, INVALID, NEW
from citations.importing.report import problem_lines
from citations.models import Reference
from citations.services import reference_import_bibtex
from tests.citations import csl_compare, csl_files, registry_files

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
KEYS = ("id", "citation-key")


def _items(data: bytes) -> list:
    items = json.loads(data)
    return [items] if isinstance(items, dict) else items


def round_trip(path) -> dict:
    """Import one file, export its new references: the figures and the losses."""
    data = path.read_bytes()
    items = _items(data)
    outcome = reference_import_bibtex(data=data, format=readers.CSL, skip_invalid=True)
    new = [item for item in outcome.plan.items if item.status == NEW]
    stored = Reference.objects.with_contributors().in_bulk(
        [item.citekey for item in new], field_name="citekey"
    )
    totals = {"read": len(items), "imported": len(new), "fields": 0, "kept": 0}
    totals |= {
        "duplicate": len(outcome.plan.with_status(DUPLICATE)),
        "invalid": len(outcome.plan.with_status(INVALID)),
        "refused": [f"{path.name}: {line}" for line in problem_lines(outcome.plan)],
        "lost": [],
        "not_held": {},
    }
    for item in new:
        original, reference = items[item.line - 1], stored[item.citekey]
        exported = csl_item(reference.to_record())
        figures = csl_compare.compare(original, exported, skip=set(KEYS))
        key = original.get("citation-key") or original.get("id")
        if key not in (None, ""):  # the citekey, or kept as the original key when renamed
            figures["fields"] += 1
            if str(key) in (exported["id"], reference.original_key):
                figures["kept"] += 1
            else:
                figures["lost"].append(("id", key, exported["id"]))
        for name in ("fields", "kept"):
            totals[name] += figures[name]
        totals["lost"] += [(path.name, item.citekey, *loss) for loss in figures["lost"]]
        for part, count in figures["not_held"].items():
            totals["not_held"][part] = totals["not_held"].get(part, 0) + count
    Reference.objects.all().delete()  # fixtures reuse ids and titles: each file afresh
    return totals


def source_figures(files) -> dict:
    totals = {"files": 0, "read": 0, "imported": 0, "duplicate": 0, "invalid": 0}
    totals |= {"fields": 0, "kept": 0, "lost": [], "refused": [], "not_held": {}}
    for path in files:
        figures = round_trip(path)
        totals["files"] += 1
        totals["lost"] += figures.pop("lost")
        totals["refused"] += figures.pop("refused")
        for part, count in figures.pop("not_held").items():
            totals["not_held"][part] = totals["not_held"].get(part, 0) + count
        for name, value in figures.items():
            totals[name] += value
    return totals


def _report(label: str, totals: dict) -> None:
    shown = {k: v for k, v in totals.items() if k not in ("lost", "refused")}
    sys.stdout.write(f"\nCSL -> ledger -> CSL, {label}: {shown | {'lost': len(totals['lost'])}}\n")
    for line in totals["refused"]:
        sys.stdout.write(f"  refused: {line}\n")
    by_variable = Counter(loss[2] for loss in totals["lost"])
    for variable, count in by_variable.most_common():
        example = [loss for loss in totals["lost"] if loss[2] == variable][:8]
        sys.stdout.write(f"  lost {count} {variable}, e.g. {example!r:.1600}\n")


def _fetched(fetch) -> dict:
    try:
        return fetch()
    except registry_files.Unavailable as exc:
        registry_files.unavailable(str(exc))


def test_csl_json_written_by_others_round_trips_every_field(capsys):
    losses = []
    for label, files in _fetched(csl_files.found_files).items():
        totals = source_figures(files)
        with capsys.disabled():
            _report(label, totals)
        assert totals["imported"] >= 1, label
        losses += totals["lost"]
    assert losses == []


def test_csl_json_written_by_pandoc_and_citation_js_round_trips_every_field(capsys):
    losses = []
    for label, files in _fetched(csl_files.tool_written).items():
        totals = source_figures(files)
        with capsys.disabled():
            _report(label, totals)
        assert totals["imported"] == totals["read"] - totals["invalid"] > 0, label
        losses += totals["lost"]
    assert losses == []
