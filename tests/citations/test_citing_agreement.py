"""Formatted citations agree with pandoc's citeproc on 1,000 real entries (issue 23, item 5).

1,000 entries are drawn with a fixed seed from every .bib file of Debian's
texlive-bibtex-extra, texlive-publishers and r-cran-bibtex (fetched at test time, never
committed) and rendered by our engine (`citations.citing`, citeproc-py) in APA 7 and in
Vancouver (`nlm-citation-sequence.csl`, NLM's Citing Medicine), and by pandoc 3's citeproc
with the same .csl files from our CSL-JSON export and, separately, from our BibTeX export.
Entries are compared as `tests.citations.agreement.comparable` says; the figures and the
first differences are printed, and the kinds of difference are in docs/citations.md.
"""

import sys

import pytest

from citations import citing
from tests.citations.agreement import differences, pandoc_entries, sample, write_bibliography
from tests.citations.pandoc_tool import pandoc_and_style
from tests.citations.third_party import COLLECTIONS, Unavailable, package_bib_files

pytestmark = pytest.mark.slow

SIZE = 1000
STYLES = ("apa", "vancouver")
# Least share of agreeing entries, by style and by the export pandoc reads. From CSL-JSON the
# two engines read the same data; from BibTeX pandoc's own LaTeX reader comes in too (macros
# of a file's @preamble it does not know, `issue` printed beside `number`, and more).
THRESHOLDS = {
    ("apa", "json"): 0.95,
    ("vancouver", "json"): 0.95,
    ("apa", "bib"): 0.0,
    ("vancouver", "bib"): 0.0,
}
SHOWN = 8


@pytest.fixture(scope="module")
def records():
    try:
        files = [path for package in COLLECTIONS for path in package_bib_files(package)]
    except Unavailable as exc:
        pytest.skip(f"Third-party .bib files unavailable: {exc}")
    return sample(files, SIZE)


@pytest.fixture(scope="module")
def ours(records):
    return {style: citing.bibliography(records, style, form="html") for style in STYLES}


@pytest.mark.parametrize("source", ["json", "bib"])
@pytest.mark.parametrize("style_id", STYLES)
def test_formatted_citations_agree_with_pandoc(records, ours, style_id, source, tmp_path, capsys):
    pandoc, _style = pandoc_and_style()
    bibliography = write_bibliography(records, tmp_path / f"sample.{source}")
    theirs = pandoc_entries(pandoc, bibliography, style_id)
    differing = differences(ours[style_id], theirs)
    share = 1 - len(differing) / SIZE
    report = [
        f"\n{style_id} ({citing.style_path(style_id).name}) from {source}: "
        f"{SIZE - len(differing)}/{SIZE} agree ({share:.1%})"
    ]
    for index, mine, other in differing[:SHOWN]:
        report += [f"  item-{index}", f"    ours:   {mine}", f"    pandoc: {other}"]
    with capsys.disabled():
        sys.stderr.write("\n".join(report) + "\n")

    assert len(ours[style_id]) == len(theirs) == SIZE
    assert share >= THRESHOLDS[style_id, source], "\n".join(report)
