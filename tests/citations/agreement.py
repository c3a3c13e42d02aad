"""Our formatted citations (citations.citing, citeproc-py) against pandoc's citeproc.

`sample` draws entries deterministically from real third-party .bib files (Debian packages
fetched at test time, never committed); `imported` stores them in the ledger and gives them
back as its exports read them (DOIs and ISBNs normalised, a second key of one work an
alias); `pandoc_entries` renders a CSL-JSON or BibTeX file
of them in one pandoc call (`nocite: '@*'`) with the same .csl file our engine uses;
`citeproc_js_entries` renders it with citeproc-js (citation-js, the engine of Zotero), the
arbiter where the two differ; `comparable` puts an entry of either engine in the form the
two are compared in, leaving out only what is typographically the same or not the entry's
own doing (see there).
"""

import html
import json
import os
import random
import re
import subprocess
from dataclasses import replace
from pathlib import Path

from citations import bibtex, citing, formats
from citations.models import Reference
from citations.services import reference_import_bibtex
from citations.text.records import BibRecord

SEED = 23
ROOT = Path(__file__).resolve().parent.parent.parent
NODE_MODULES = ROOT / ".cache" / "node-tools" / "node_modules"
FORMATTER = Path(__file__).with_name("citation_js_format.js")
ENTRY = re.compile(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>\n?(.*?)\n?</div>\n', re.S)
TAG = re.compile(r"<[^>]+>")
# "to ." where a title's LaTeX gave nothing: citations.citing.tidy drops the space, pandoc not.
SPACE_BEFORE_PUNCTUATION = re.compile(r" ([.,;:])")
NUMBER = re.compile(r"^\[?\d+[.\]]?\s*")
# Straight and typographic quotes print the same mark: ' and ’, ` and ‘.
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def sample(files: list[Path], size: int) -> list[BibRecord]:
    """`size` entries drawn with a fixed seed from every entry of `files` (in file-name order),
    keyed item-0, item-1, ... (real keys repeat across files)."""
    records = []
    for path in sorted(files, key=lambda path: (path.name, str(path))):
        records.extend(bibtex.parse(path.read_bytes()).records)
    drawn = random.Random(SEED).sample(records, size)  # noqa: S311 - a sample, not a secret
    return [replace(record, key=f"item-{index}") for index, record in enumerate(drawn)]


def imported(records: list[BibRecord]) -> list[BibRecord]:
    """`records` imported into the ledger (as BibTeX, `skip_invalid`), read back in their
    order; a record that became another's alias is left out. Needs the database."""
    outcome = reference_import_bibtex(
        data="".join(bibtex.render_entries(records)), skip_invalid=True
    )
    assert outcome.ok, outcome
    stored = {
        reference.citekey: reference.to_record()
        for reference in Reference.objects.with_contributors().filter(
            citekey__in=[record.key for record in records]
        )
    }
    return [stored[record.key] for record in records if record.key in stored]


def comparable(entry: str) -> str:
    """An entry as text (tags dropped, entities unescaped, whitespace collapsed and none before
    punctuation, a numbered
    style's number dropped), quotes in one form. Year suffixes ("1992a") are compared: both
    engines disambiguate the whole list."""
    text = re.sub(r"\s+", " ", html.unescape(TAG.sub("", entry))).strip()
    text = SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    return NUMBER.sub("", text).translate(QUOTES)


def write_bibliography(records: list[BibRecord], path: Path) -> Path:
    """Our export of `records` as pandoc reads it: CSL-JSON (.json) or BibTeX (.bib)."""
    if path.suffix == ".json":
        path.write_text("".join(formats.render_csl(records)), encoding="utf-8")
    else:
        path.write_text("".join(bibtex.render_entries(records)))
    return path


def pandoc_entries(pandoc: str, bibliography: Path, style_id: str) -> dict[str, str]:
    """Entry id -> the HTML pandoc's citeproc prints for it, every entry in one call."""
    command = [pandoc, "--citeproc", "--csl", str(citing.style_path(style_id))]
    command += ["--bibliography", str(bibliography), "-f", "markdown", "-t", "html"]
    output = subprocess.run(  # noqa: S603 - pandoc of the pypandoc-binary wheel, fixed arguments
        [*command, "--wrap=none"],
        input="---\nnocite: '@*'\n---\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return {match.group(1): match.group(2) for match in ENTRY.finditer(output)}


def differences(ours: dict[str, str], theirs: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, ours, pandoc's) of each entry that reads differently once `comparable`, both
    by key, in our order."""
    found = []
    for key, entry in ours.items():
        mine, other = comparable(entry), comparable(theirs.get(key, ""))
        if mine != other:
            found.append((key, mine, other))
    return found


def pairs_in_order(ours: list[str], theirs: list[str]) -> float:
    """The share of pairs of entries that two bibliographies put in the same order (1.0:
    the same order; Kendall's tau as a share), over the keys both hold."""
    rank = {key: index for index, key in enumerate(theirs)}
    ranks = [rank[key] for key in ours if key in rank]
    pairs = len(ranks) * (len(ranks) - 1) // 2
    if not pairs:
        return 1.0
    inverted = _inversions(ranks)
    return 1 - inverted / pairs


def _inversions(values: list[int]) -> int:
    """Pairs out of order in `values` (merge sort, n log n)."""
    if len(values) < 2:
        return 0
    middle = len(values) // 2
    left, right = sorted(values[:middle]), sorted(values[middle:])
    count = _inversions(values[:middle]) + _inversions(values[middle:])
    index = 0
    for value in right:
        while index < len(left) and left[index] <= value:
            index += 1
        count += len(left) - index
    return count


def citeproc_js_entries(bibliography: Path, style_id: str) -> dict[str, str]:
    """Entry id -> the HTML citeproc-js (citation-js) prints for it from a CSL-JSON file."""
    output = subprocess.run(  # noqa: S603 - our own script
        ["node", FORMATTER, bibliography, citing.style_path(style_id)],  # noqa: S607
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        timeout=120,
        check=True,
    ).stdout
    return json.loads(output)


def kinds(ours: dict[str, str], pandoc: dict[str, str], arbiter: dict[str, str]) -> dict[str, list]:
    """Each entry ours and pandoc's render differently, by what citeproc-js prints: "pandoc
    alone" (citeproc-js prints ours), "ours alone" (it prints pandoc's), "all three" differ."""
    found = {"pandoc alone": [], "ours alone": [], "all three": []}
    for key, mine, other in differences(ours, pandoc):
        third = comparable(arbiter.get(key, ""))
        kind = "pandoc alone" if third == mine else "ours alone" if third == other else "all three"
        found[kind].append((key, mine, other))
    return found
