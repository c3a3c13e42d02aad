"""Round trips over real files from package registries (`registry_files`): RIS -> ledger ->
RIS, MEDLINE and PubMed XML -> ledger -> CSL-JSON lose no field that the format holds and the
model keeps (CSL-JSON -> ledger -> CSL-JSON over files others wrote: test_csl_real_files).
Each file is read, imported through the same service as the API's, each new reference
exported again and read back with the same reader; every field of the first reading that
the export format can hold must come back equal, and so must the authors and editors."""

import json
import sys

import pytest
from django.core.management import call_command

from citations import readers
from citations.formats import CSL_FIELDS, RIS_FIELDS, TITLE_FIELDS, csl_item, render_ris_entry
from citations.importing import NEW
from citations.models import Reference
from citations.readers import csl, ris
from citations.services import reference_import_bibtex
from tests.citations import registry_files

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Fields each export writes (besides the kept "ris-"/"csl-" ones).
RIS_HOLDS = set(RIS_FIELDS) | {"pages", "pmid", "pmcid", "month", "day", "keywords"}
CSL_HOLDS = set(CSL_FIELDS) | {"number", "pages", "year", "month", "day"}


def _ris_files():
    try:
        return registry_files.ris_files()
    except registry_files.Unavailable as exc:
        registry_files.unavailable(str(exc))


def _pubmed_files():
    try:
        return registry_files.pubmed_files()
    except registry_files.Unavailable as exc:
        registry_files.unavailable(str(exc))


def _same(name: str, value: str, again: str | None) -> bool:
    """Equal, DOIs compared as DOIs are: without regard to case (the ledger lower-cases).
    Titles too: CSL-JSON and RIS give titles in sentence case, the convention pandoc applies
    to BibTeX (issue 23), so that the three formats render alike; every word is kept."""
    if (name == "doi" or name in TITLE_FIELDS) and again is not None:
        return value.lower() == again.lower()
    return value == again


def _held(fields: dict, holds: set, prefix: str) -> dict:
    return {k: v for k, v in fields.items() if k in holds or k.startswith(prefix)}


def round_trip(data: bytes, format: str, export, read_back, holds: set, prefix: str) -> dict:
    """Import `data`, export each new reference, read it back: the figures and the losses."""
    read = readers.READERS[format](data)
    by_line = {record.line: record for record in read.records}
    outcome = reference_import_bibtex(data=data, format=format, skip_invalid=True)
    figures = {"read": len(read.records), "imported": 0, "fields": 0, "kept": 0, "lost": []}
    for item in outcome.plan.items:
        if item.status != NEW:
            continue
        figures["imported"] += 1
        original = by_line[item.line]
        stored = Reference.objects.get(citekey=item.citekey)
        again = read_back(export(stored.to_record()))
        wanted = _held(original.fields, holds, prefix)
        figures["fields"] += len(wanted) + 2
        for name, value in wanted.items():
            if _same(name, value, again.fields.get(name)):
                figures["kept"] += 1
            else:
                figures["lost"].append((item.citekey, name, value, again.fields.get(name)))
        for role in ("authors", "editors"):
            if getattr(again, role) == getattr(original, role):
                figures["kept"] += 1
            else:
                figures["lost"].append((item.citekey, role, getattr(original, role), None))
    return figures


def _ris_back(text: str):
    return ris.read(text).records[0]


def _csl_back(item: dict):
    return csl.read(json.dumps([item])).records[0]


def test_ris_to_ledger_to_ris_keeps_every_field(capsys):
    totals = {"files": 0, "read": 0, "imported": 0, "fields": 0, "kept": 0}
    lost = []
    for path in _ris_files():
        figures = round_trip(path.read_bytes(), readers.RIS, render_ris_entry, _ris_back,
                             RIS_HOLDS, "ris-")  # fmt: skip
        lost += [(path.name, *loss) for loss in figures.pop("lost")]
        totals["files"] += 1
        for name, value in figures.items():
            totals[name] += value
        Reference.objects.all().delete()  # files repeat works: each is imported afresh
    with capsys.disabled():
        sys.stdout.write(f"\nRIS -> ledger -> RIS: {totals}" + "\n")
    assert totals["imported"] == totals["read"] >= 20
    assert lost == []


@pytest.mark.parametrize("name", registry_files.PUBMED_FILES)
def test_pubmed_to_ledger_to_csl_keeps_every_field(name, capsys):
    path = _pubmed_files()[name]
    format = readers.PUBMED_XML if name.endswith(".xml") else readers.MEDLINE
    figures = round_trip(path.read_bytes(), format, csl_item, _csl_back, CSL_HOLDS, "csl-")
    with capsys.disabled():
        sys.stdout.write(
            f"\n{name} -> ledger -> CSL: {figures | {'lost': len(figures['lost'])}}" + "\n"
        )
    assert figures["imported"] >= 1
    assert figures["lost"] == []
    assert Reference.objects.exclude(pmid="").count() == figures["imported"]


def test_import_references_reports_a_real_pubmed_file_then_finds_it_all_duplicate(capsys):
    path = _pubmed_files()["pubmed-balloongui-set.nbib"]
    call_command("import_references", str(path))
    assert f"{path}: 75 new, 0 duplicate, 0 invalid." in capsys.readouterr().out
    call_command("import_references", str(path), "--dry-run")
    assert f"{path}: 0 new, 75 duplicate, 0 invalid." in capsys.readouterr().out
    assert Reference.objects.count() == 75
