"""Every real entry of real third-party collections survives a round trip (issue 24): every
.bib file of Debian's texlive-bibtex-extra, texlive-publishers and r-cran-bibtex (fetched at
test time, never committed) is imported with `--skip-invalid`, exported, and read back; every
key of an entry the file holds is still citable from the export (as an entry's key or in a
record's biblatex `ids`). Entries that are not entries (a block whose braces never close, a
key that is no key) are what BibTeX itself refuses; the figures say how many."""

import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from citations.bibtex import parse
from citations.exports import bibtex_stream
from tests.citations.third_party import COLLECTIONS, Unavailable, package_bib_files

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
FIGURES = (
    "\n{package}: {files} files, {kept} of {total} keys kept ({share:.2f} %); "
    "{refused} blocks are no entry\n"
)


def files_of(package: str):
    try:
        return package_bib_files(package)
    except Unavailable as exc:
        pytest.skip(f"Debian package {package} unavailable: {exc}")


def citable(exported: str) -> set[str]:
    """The keys an export lets `\\cite` use: entry keys and biblatex `ids`."""
    keys = set()
    for record in parse(exported).records:
        keys.add(record.key)
        keys.update(key.strip() for key in record.fields.get("ids", "").split(",") if key.strip())
    return keys


def round_trip(path) -> tuple[set[str], set[str], int, int]:
    """Import one file (`import_bibtex --skip-invalid`), export, roll back: (the keys of the
    file's entries, those the export lost, the exit status, blocks no entry)."""
    data = path.read_bytes()
    parsed = parse(data)
    keys = {record.key for record in parsed.records}
    with transaction.atomic():
        try:
            call_command(
                "import_bibtex", str(path), "--skip-invalid", stdout=StringIO(), stderr=StringIO()
            )
            status = 0
        except Exception as exc:  # noqa: BLE001 - the exit status is what is measured
            status = getattr(exc, "returncode", 1)
        exported = "".join(bibtex_stream())
        transaction.set_rollback(True)
    return keys, keys - citable(exported), status, len(parsed.problems)


@pytest.mark.parametrize("package", COLLECTIONS)
def test_a_round_trip_keeps_every_key_of_every_real_entry(package, capsys):
    files = files_of(package)
    total, kept, refused, lost, failed = 0, 0, 0, {}, []
    for path in files:
        keys, missing, status, problems = round_trip(path)
        total, kept = total + len(keys), kept + len(keys) - len(missing)
        refused += problems
        if missing:
            lost[path.name] = sorted(missing)[:10]
        if status != 0 and keys:
            failed.append((path.name, status))
    share = 100 * kept / max(total, 1)
    figures = FIGURES.format(
        package=package, files=len(files), kept=kept, total=total, share=share, refused=refused
    )
    with capsys.disabled():
        sys.stderr.write(figures)
    assert lost == {}
    assert failed == []
