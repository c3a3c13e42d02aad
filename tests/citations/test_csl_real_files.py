"""CSL-JSON -> ledger -> CSL-JSON over real files others wrote (`csl_files`): each file is
imported through the same service as the API's (`--skip-invalid`, so what cannot be a
reference is reported and the rest comes in), each new reference exported with the CSL
writer, and every variable of the item as written compared with the exported one
(`csl_compare`): all must come back. Figures per source are printed."""

import json
import sys
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from rest_framework.test import APIClient

from citations import readers
from citations.formats import csl_item
from citations.importing import DUPLICATE, INVALID, NEW
from citations.importing.report import problem_lines
from citations.models import Reference
from citations.services import reference_import_bibtex
from tests.citations import csl_compare, csl_files, registry_files
from tests.factories import CuratorFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
KEYS = ("id", "citation-key")


def _items(data: bytes) -> list:
    items = json.loads(data)
    return [items] if isinstance(items, dict) else items


def round_trip(path) -> dict:
    """Import one file, export its new references: the figures and the losses. Fixtures
    reuse ids and titles: each file is imported into an empty ledger (rolled back after)."""
    with transaction.atomic():
        totals = _round_trip(path)
        transaction.set_rollback(True)
    return totals


def _round_trip(path) -> dict:
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
        examples = [loss for loss in totals["lost"] if loss[2] == variable][:3]
        sys.stdout.write(f"  lost {count} {variable}, e.g. {examples!r:.600}\n")


def _fetched(fetch, *args):
    try:
        return fetch(*args)
    except registry_files.Unavailable as exc:
        registry_files.unavailable(str(exc))


SUITE = next(iter(csl_files.FOUND))  # 873 fixtures: two halves, each test under a minute
FOUND_PARTS = [(SUITE, "1/2"), (SUITE, "2/2")] + [
    (label, "") for label in list(csl_files.FOUND)[1:]
]


def _check(label: str, totals: dict, capsys) -> None:
    with capsys.disabled():
        _report(label, totals)
    assert totals["imported"] == totals["read"] - totals["invalid"] - totals["duplicate"] > 0
    assert set(totals["not_held"]) <= set(csl_compare.NOT_HELD_NAME_PARTS)
    assert totals["kept"] == totals["fields"]
    assert totals["lost"] == []


@pytest.mark.parametrize(("label", "part"), FOUND_PARTS)
def test_csl_json_written_by_others_round_trips_every_field(label, part, capsys):
    files = _fetched(csl_files.found, label)
    if part:
        number, count = (int(n) for n in part.split("/"))
        files, label = files[number - 1 :: count], f"{label} (part {part})"
    _check(label, source_figures(files), capsys)


@pytest.mark.parametrize("label", list(csl_files.TOOLS))
def test_csl_json_written_by_pandoc_and_citation_js_round_trips_every_field(label, capsys):
    _check(label, source_figures(_fetched(csl_files.tool_written, label)), capsys)


def test_import_references_reports_real_csl_files(capsys):
    """The command reads a Zotero library's items (cite2c); a suite fixture whose one item
    names an author by a given name alone is reported, and nothing imported is exit 1."""
    by_name = {
        path.name: path for files in _fetched(csl_files.found_files).values() for path in files
    }
    zotero, refused = by_name["cite2c-to-migrate.json"], by_name["name_OnlyGivenname.json"]
    call_command("import_references", str(zotero))
    assert f"{zotero}: 6 new, 0 duplicate, 0 invalid." in capsys.readouterr().out
    with pytest.raises(CommandError, match="Nothing could be imported"):
        call_command("import_references", str(refused), "--skip-invalid")
    out = capsys.readouterr().out
    assert f"{refused}: 0 new, 0 duplicate, 1 invalid." in out
    assert "line 1 [ITEM-1]: A name in 'author' is not an object" in out


def test_the_api_imports_crossref_csl_json_by_content_type():
    (path,) = _fetched(csl_files.found, csl_files.CROSSREF)
    client = APIClient()
    client.force_authenticate(CuratorFactory())
    response = client.post(
        "/api/references/import/",
        path.read_bytes(),
        content_type="application/vnd.citationstyles.csl+json",
    )
    assert response.status_code == 201, response.json()
    assert Reference.objects.get().doi == "10.1126/science.169.3946.635"
