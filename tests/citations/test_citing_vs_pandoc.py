"""Formatted citations (citations.citing, citeproc-py) agree with pandoc's citeproc.

Each seed reference is rendered in APA and in Vancouver by both engines from the same
CSL-JSON and the same style file; entries are compared as text (tags stripped, entities
unescaped, whitespace collapsed, the citation number of a numbered style dropped). On the seed
all 23 agree in APA and 22 in Vancouver: the one difference is pandoc's, the book with editors
and no author, where pandoc prints ", editorsBoron WF, ..." (a `<names>` label without
`<name>` put first; citeproc-js prints ours, "Boron WF, Boulpaep EL, editors."). A failure
message lists each difference. tests/citations/test_citing_agreement.py compares 1,000 real
entries.
"""

import html
import json
import re

import pytest

from citations import citing
from citations.formats import csl_item
from citations.models import Reference
from tests.citations.agreement import pandoc_entries as entries_by_pandoc

pypandoc = pytest.importorskip("pypandoc", reason="pypandoc-binary (a dev dependency) is missing")

pytestmark = pytest.mark.django_db

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
    found = entries_by_pandoc(pypandoc.get_pandoc_path(), bibliography, style_id)
    return [found.get(f"item-{index}", "") for index in range(len(records))]


def agreement(style_id: str, tmp_path) -> tuple[float, list[tuple[str, str]]]:
    references = Reference.objects.with_contributors().order_by("citekey")
    records = [reference.to_record() for reference in references]
    theirs = pandoc_entries(records, style_id, tmp_path)
    ours = [citing.entry(record, style_id, form="html") for record in records]
    pairs = [(normalised(a), normalised(b)) for a, b in zip(ours, theirs, strict=True)]
    differing = [(mine, other) for mine, other in pairs if mine != other]
    return 1 - len(differing) / len(pairs), differing


def test_seed_in_apa_agrees_with_pandoc_entirely(seed, tmp_path):
    share, differing = agreement("apa", tmp_path)

    assert Reference.objects.count() >= 20
    assert differing == []
    assert share == 1


def test_seed_in_vancouver_differs_from_pandoc_only_by_its_label_bug(seed, tmp_path):
    share, differing = agreement("vancouver", tmp_path)

    # 22/23: pandoc's label of the book with editors only (see the module)
    assert [theirs for _ours, theirs in differing] == [
        ", editorsBoron WF, Boulpaep EL. Medical physiology. 3rd ed. Philadelphia: Elsevier; 2017."
    ]
    assert share >= 0.95
