"""Formatted citations (citations.citing, citeproc-py) agree with pandoc's citeproc.

Each seed reference is rendered in APA and in Vancouver by both engines from the same
CSL-JSON and the same style file; entries are compared as text (tags stripped, entities
unescaped, whitespace collapsed, the citation number of a numbered style dropped); the
agreement must be at least 95 % in APA. On the seed 22 of 23 agree in each style; the one
difference is the book with editors and no author: citeproc-py prints the editors again
after the title (it does not suppress a substituted variable), pandoc's Vancouver prints
", editorsBoron WF, ..." (a pandoc bug). A failure message lists each difference.
"""

import html
import json
import re
import subprocess

import pytest

from citations import citing
from citations.formats import csl_item
from citations.models import Reference

pypandoc = pytest.importorskip("pypandoc", reason="pypandoc-binary (a dev dependency) is missing")

pytestmark = pytest.mark.django_db

ENTRY = re.compile(r'<div id="ref-(item-\d+)" class="csl-entry"[^>]*>\n(.*?)\n</div>\n', re.S)
TAG = re.compile(r"<[^>]+>")
NUMBER = re.compile(r"^\[?\d+[.\]]?\s*")


def normalised(text: str) -> str:
    text = html.unescape(TAG.sub("", text))
    return NUMBER.sub("", re.sub(r"\s+", " ", text).strip())


def pandoc_entries(records, style_id: str, tmp_path) -> list[str]:
    """Each record's entry as pandoc's citeproc renders the bibliography (HTML)."""
    items = [{**csl_item(record), "id": f"item-{index}"} for index, record in enumerate(records)]
    bibliography = tmp_path / f"{style_id}.json"
    bibliography.write_text(json.dumps(items), encoding="utf-8")
    command = [pypandoc.get_pandoc_path(), "--citeproc", "--csl", str(citing.style_path(style_id))]
    command += ["--bibliography", str(bibliography), "-f", "markdown", "-t", "html"]
    output = subprocess.run(  # noqa: S603 - pandoc of the pypandoc-binary wheel, fixed arguments
        [*command, "--wrap=none"],
        input="---\nnocite: '@*'\n---\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    found = {match.group(1): match.group(2) for match in ENTRY.finditer(output)}
    return [found.get(f"item-{index}", "") for index in range(len(records))]


def agreement(style_id: str, tmp_path) -> tuple[float, list[tuple[str, str]]]:
    references = Reference.objects.with_contributors().order_by("citekey")
    records = [reference.to_record() for reference in references]
    theirs = pandoc_entries(records, style_id, tmp_path)
    ours = [citing.entry(record, style_id, form="html") for record in records]
    pairs = [(normalised(a), normalised(b)) for a, b in zip(ours, theirs, strict=True)]
    differing = [(mine, other) for mine, other in pairs if mine != other]
    return 1 - len(differing) / len(pairs), differing


def test_seed_in_apa_agrees_with_pandoc_for_at_least_95_percent(seed, tmp_path):
    share, differing = agreement("apa", tmp_path)

    assert Reference.objects.count() >= 20
    assert share >= 0.95, differing  # 22/23: the book with editors only (see the module)


def test_seed_in_vancouver_agreement_is_measured(seed, tmp_path):
    share, differing = agreement("vancouver", tmp_path)

    assert share >= 0.9, differing  # 22/23: both engines mishandle a book with editors only
