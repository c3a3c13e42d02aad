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

from citations import bibtex, citing
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


# One entry in each of the styles citeproc-py raised on, applying a text-case to text it held
# as `str` or `int` (citations.citeproc_fixes `_text_case_of_any_text`): a name part, a macro
# of publisher and place, a tagged title with a protected word, a sentence-cased title with
# its "." affix, a date's day, a series, an edition's ordinal.
CASED = {
    "acta-polytechnica": """@incollection{c, author={Urban, M.}, title={Chapters},
      booktitle={Collected works}, editor={Ryde, U.}, pages={10--20}, publisher={Wiley},
      address={New York}, year=1990}""",
    "journal-of-endodontics": """@phdthesis{t, author={Liang, Franklin Mark},
      title={Word hyphenation}, school={university of the west}, address={new york}, year=1983}""",
    "izmir-katip-celebi-universitesi-sosyal-bilimler-enstitusu": """@article{a,
      author={Rickard, D. J. and Iwaniec, U. T.}, title={Bone growth in mice},
      journal={J Bone Miner Res}, volume=23, number=4, pages={243--251}, year=2008}""",
    "materials-express": """@book{b, author={Knuth, Donald E.}, title={digital typography of
      the {TeX} world: an introduction}, publisher={CSLI}, year=1999, edition=2}""",
    "university-of-hull-harvard": """@article{a, author={Rickard, D. J.}, title={Bone Growth in
      {MICE} and {de Vries}}, journal={J Bone Miner Res}, volume=23, number=4,
      pages={243--251}, year=2008}""",
    "czech-journal-of-international-relations": """@incollection{c, author={Urban, M.},
      title={the chapters of a book}, booktitle={Collected works}, editor={Ryde, U.},
      pages={10--20}, publisher={Wiley}, address={New York}, year=1990}""",
    "gayana": """@online{o, author={Doe, John}, title={A web page}, year=2019,
      url={https://example.org/page}, urldate={2020-05-01}}""",
    "pontifical-gregorian-university": """@book{b, author={Knuth, Donald E.},
      title={Digital typography}, publisher={CSLI}, address={Stanford}, year=1999, edition=2,
      series={lecture notes}, volume=78}""",
    "biological-journal-of-the-linnean-society": """@book{b, editor={Knuth, Donald E. and
      Lamport, Leslie}, title={Digital typography}, publisher={CSLI}, address={Stanford},
      year=1999}""",
}


@pytest.mark.parametrize("style_id", sorted(CASED))
def test_styles_citeproc_py_failed_on_agree_with_pandoc(style_id, tmp_path):
    records = bibtex.parse(CASED[style_id]).records

    ours = citing.entry(records[0], style_id, form="html")

    assert not ours.startswith("Not formatted")
    assert normalised(ours) == normalised(pandoc_entries(records, style_id, tmp_path)[0])
