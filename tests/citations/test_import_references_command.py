"""manage.py import_references: BibTeX, RIS, CSL-JSON, MEDLINE or PubMed XML files, the
format from --format or the extension; import_bibtex keeps working as it did."""

import pytest
from django.core.management import CommandError, call_command

from citations.models import Reference
from tests.citations.test_readers import MEDLINE, PUBMED_XML, RIS

pytestmark = pytest.mark.django_db


def test_the_extension_chooses_the_reader_and_duplicates_cross_formats(tmp_path, capsys):
    (tmp_path / "a.ris").write_text(RIS)
    (tmp_path / "b.xml").write_text(PUBMED_XML)
    call_command("import_references", str(tmp_path / "a.ris"), str(tmp_path / "b.xml"))
    out = capsys.readouterr().out
    assert "a.ris: 2 new, 0 duplicate, 0 invalid." in out
    assert "b.xml: 0 new, 1 duplicate" in out  # PubMed's copy of the RIS article (DOI)
    assert Reference.objects.count() == 2


def test_format_overrides_the_extension_and_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "export.dat"
    path.write_text(MEDLINE)
    call_command("import_references", str(path), "--format", "medline", "--dry-run")
    assert "2 new" in capsys.readouterr().out
    assert Reference.objects.count() == 0


def test_an_unknown_extension_without_format_is_a_usage_error(tmp_path):
    path = tmp_path / "export.dat"
    path.write_text(MEDLINE)
    with pytest.raises(CommandError, match="--format"):
        call_command("import_references", str(path))


def test_import_bibtex_still_reads_bibtex_whatever_the_extension(tmp_path):
    path = tmp_path / "refs.txt"
    path.write_text("@misc{a2020, title = {A}, year = {2020}}\n")
    call_command("import_bibtex", str(path))
    assert Reference.objects.get().citekey == "a2020"
