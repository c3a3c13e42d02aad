"""import_bibtex and export_bibtex, run with call_command against their message constants."""

import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from citations import bibtex
from citations.identifiers import INVALID_PMID
from citations.importing import report
from citations.management.commands import check_references, import_bibtex
from citations.models import Contributor, Person, Reference
from claims.management.commands import export_bibtex
from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory, TopicFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data"
ROOT = DATA.parent.parent


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_bibtex", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_bibtex_imports_a_file_and_prints_a_summary():
    output = run_import(str(DATA / "jabref.bib"))
    path = str(DATA / "jabref.bib")
    assert output.splitlines()[0] == import_bibtex.SUMMARY.format(
        path=path, new=3, duplicate=0, invalid=0
    )
    assert output.splitlines()[-1] == import_bibtex.WRITTEN.format(created=3, updated=0, skipped=0)
    assert Reference.objects.count() == 3


def test_import_bibtex_reports_an_imported_key_it_had_to_change(tmp_path):
    ReferenceFactory(citekey="smith2020")
    path = tmp_path / "keys.bib"
    path.write_text(
        "@article{smith2020, author = {Other, Ann}, title = {Different work}, year = {2005}}\n"
        "@article{m\u00fcller2020, author = {M\u00fcller, Anna}, title = {Unicode}, year = 2020}\n"
        "@article{kept2001, author = {Kept, Kim}, title = {Kept key}, year = {2001}}\n",
        encoding="utf-8",
    )
    lines = run_import(str(path)).splitlines()
    changed = report.KEY_CHANGED_LINE
    assert lines[1:3] == [
        changed.format(line=1, key="smith2020", citekey="other2005different"),
        changed.format(line=2, key="m\u00fcller2020", citekey="muller2020unicode"),
    ]
    assert Reference.objects.filter(citekey="kept2001").count() == 1


def test_import_bibtex_dry_run_writes_nothing():
    output = run_import(str(DATA / "zotero.bib"), "--dry-run")
    assert import_bibtex.DRY_RUN in output
    assert Reference.objects.count() == 0


@pytest.mark.parametrize(
    "name",
    [
        "unclosed_brace.bib",
        "missing_key.bib",
        "duplicate_key.bib",
        "bad_string.bib",
        "binary.bin",
        "missing_comma.bib",
    ],
)
def test_import_bibtex_fails_on_malformed_files_naming_the_line_and_writes_nothing(name):
    out = StringIO()
    failed = import_bibtex.FAILED_FILES.format(count=1, total=1)
    with pytest.raises(CommandError, match=re.escape(failed)) as raised:
        call_command("import_bibtex", str(DATA / "malformed" / name), stdout=out, stderr=StringIO())
    assert raised.value.returncode == 1
    assert "  line 1 [" in out.getvalue() or "  line 6 [" in out.getvalue()
    counts = (Reference.objects.count(), Person.objects.count(), Contributor.objects.count())
    assert counts == (0, 0, 0)


def test_import_bibtex_of_an_empty_file_imports_nothing_and_succeeds():
    output = run_import(str(DATA / "malformed" / "empty.bib"))
    assert "nothing to import" in output
    assert Reference.objects.count() == 0


def test_import_bibtex_keeps_an_unusual_identifier_verbatim_with_a_warning():
    output = run_import(str(DATA / "malformed" / "invalid_doi.bib"))
    assert "warning: Field 'doi'" in output
    reference = Reference.objects.get()
    assert (reference.doi, reference.extra_fields["doi"]) == (None, "not-a-doi")


def test_import_bibtex_skip_invalid_writes_the_rest_reports_the_skips_and_succeeds():
    out, err = StringIO(), StringIO()
    path = str(DATA / "malformed" / "unclosed_brace.bib")
    call_command("import_bibtex", path, "--skip-invalid", stdout=out, stderr=err)
    assert list(Reference.objects.values_list("citekey", flat=True)) == ["fine2021"]
    assert (
        err.getvalue() == import_bibtex.SKIPPED_INVALID.format(path=path, count=1, ies="y") + "\n"
    )


def test_import_bibtex_skip_invalid_fails_when_nothing_could_be_imported():
    path = str(DATA / "malformed" / "missing_key.bib")
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_bibtex", path, "--skip-invalid", stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert import_bibtex.NOTHING_IMPORTED.format(path=path) in err.getvalue()


def test_import_bibtex_dry_run_exits_as_the_import_would():
    path = str(DATA / "malformed" / "unclosed_brace.bib")
    call_command("import_bibtex", path, "--dry-run", "--skip-invalid", stdout=StringIO())
    with pytest.raises(CommandError) as raised:
        call_command("import_bibtex", path, "--dry-run", stdout=StringIO(), stderr=StringIO())
    assert raised.value.returncode == 1
    assert Reference.objects.count() == 0


def test_import_bibtex_names_a_missing_file_as_a_usage_error_and_reads_no_file():
    good = str(DATA / "malformed" / "invalid_doi.bib")
    with pytest.raises(CommandError, match="No such file: nowhere.bib") as raised:
        call_command("import_bibtex", good, "nowhere.bib")
    assert raised.value.returncode == import_bibtex.USAGE_ERROR == 2
    assert Reference.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "status"),
    [(["--no-such-option"], 2), (["nowhere.bib"], 2), (["--encoding", "klingon", "x.bib"], 2)],
)
def test_import_bibtex_exits_2_on_usage_errors_from_the_command_line(args, status):
    command = [sys.executable, "manage.py", "import_bibtex", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
    assert done.returncode == status, done.stderr


def test_import_bibtex_help_documents_the_exit_status():
    assert import_bibtex.EXIT_HELP in import_bibtex.Command().help


def test_import_bibtex_refuses_a_file_that_is_not_utf8_naming_its_lines():
    path = str(DATA / "malformed" / "latin1.bib")
    out = StringIO()
    with pytest.raises(CommandError, match="Nothing could be imported"):
        call_command("import_bibtex", path, stdout=out, stderr=StringIO())
    assert "line 2 []: " + bibtex.NOT_UTF8.format(line=2, byte=0xFC) in out.getvalue()
    assert "line 3 []: " + bibtex.NOT_UTF8.format(line=3, byte=0xE9) in out.getvalue()
    assert Reference.objects.count() == 0


def test_import_bibtex_reads_a_windows_1252_file_when_the_encoding_is_given():
    run_import(str(DATA / "malformed" / "latin1.bib"), "--encoding", "windows-1252")
    assert Reference.objects.get().title == "Café study"


def test_import_bibtex_names_an_unknown_encoding():
    with pytest.raises(CommandError, match="Unknown encoding 'klingon'"):
        run_import(str(DATA / "malformed" / "latin1.bib"), "--encoding", "klingon")


def test_export_bibtex_writes_all_references_to_a_file(tmp_path):
    ReferenceFactory(citekey="b2020", title="Second")
    ReferenceFactory(citekey="a2020", title="First")
    target = tmp_path / "out.bib"
    call_command("export_bibtex", "-o", str(target))
    text = target.read_text(encoding="utf-8")
    assert text.startswith("@article{a2020,\n  title = {First},\n")
    assert text.count("@article{") == 2


def test_export_bibtex_limits_to_a_claim_or_topic():
    topic = TopicFactory(slug="bone")
    claim = ClaimFactory(slug="prog-bone")
    claim.topics.add(topic)
    EvidenceFactory(claim=claim, reference=ReferenceFactory(citekey="cited2020"))
    ReferenceFactory(citekey="other2020")
    for option in (["--claim", "prog-bone"], ["--topic", "bone"]):
        out = StringIO()
        call_command("export_bibtex", *option, stdout=out)
        assert "@article{cited2020," in out.getvalue()
        assert "other2020" not in out.getvalue()


def test_export_bibtex_names_an_unknown_claim():
    with pytest.raises(CommandError, match=export_bibtex.UNKNOWN_CLAIM.format(slug="nope")):
        call_command("export_bibtex", "--claim", "nope")


def test_check_references_reports_invalid_and_unnormalised_identifiers():
    ReferenceFactory(citekey="good2020", doi="10.1000/good", pmid="123")
    bad = ReferenceFactory(citekey="bad2020")
    Reference.objects.filter(pk=bad.pk).update(pmid="12x", isbn="0-306-40615-2")
    out = StringIO()
    with pytest.raises(CommandError, match=check_references.PROBLEMS_FOUND):
        call_command("check_references", stdout=out)
    assert out.getvalue().splitlines() == [
        "bad2020: pmid '12x': " + INVALID_PMID,
        "bad2020: isbn '0-306-40615-2' is stored as written; its normal form is '9780306406157'.",
        check_references.SUMMARY.format(count=2, problems=2),
    ]


def test_check_references_passes_clean_data():
    ReferenceFactory(citekey="good2020", doi="10.1000/good")
    out = StringIO()
    call_command("check_references", stdout=out)
    assert out.getvalue() == check_references.SUMMARY.format(count=1, problems=0) + "\n"


class Terminal(StringIO):
    def isatty(self):
        return True


def test_import_bibtex_shows_progress_only_when_its_output_is_a_terminal():
    terminal = Terminal()
    call_command("import_bibtex", str(DATA / "zotero.bib"), stdout=terminal, stderr=StringIO())
    assert "\rImporting: 4/4 entries (100%)" in terminal.getvalue()
    Reference.objects.all().delete()
    assert "Importing" not in run_import(str(DATA / "zotero.bib"))
