"""Real CSL-JSON files written by others, for the CSL-JSON round trip, fetched at test time
from package registries and never committed (cached under `.cache/registry-files/csl/`):

- the CSL processor test suite (citeproc-js's fixtures, as the `citeproc` Haskell library
  keeps them in `test/csl` and `test/extra`): Debian's source package `haskell-citeproc`,
  fetched with `apt-get source` against the machine's own Debian mirror (a private apt
  state under the cache, the system's lists untouched). Each fixture's INPUT section is a
  CSL-JSON array written by the suite's authors;
- citeproc-py's own fixtures (`tests/local/*.txt` of its PyPI sdist), the same format;
- a Zotero library's items as cite2c saved them in a notebook, and items got from DOIs
  (`tests/notebooks/*.ipynb` of jupyterlab-citation-manager's PyPI sdist);
- citation-js 0.3's test data (npm `citation-js@0.3.0-13`, `test/*.json`): CSL items from
  Wikidata, Crossref, BibTeX and BibJSON as its authors checked them in;
- Crossref's CSL-JSON for one DOI, as recorded in habanero's test cassette (PyPI sdist).

`tool_written()` adds CSL-JSON that third-party tools write from third-party files: pandoc
(`-t csljson`) from Debian's TeX Live .bib files and citation-js from rispy's RIS files.
Where a registry cannot be reached the tests skip (fail under CI), as `registry_files` does.
"""

import base64
import gzip
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from tests.citations import registry_files, third_party
from tests.citations.registry_files import CACHE, Unavailable

TARGET = CACHE / "csl"
SUITE_PACKAGE = "haskell-citeproc"
SUITE_DIRS = ("/test/csl/", "/test/extra/")
CITEPROC_PY = "citeproc-py==0.11.1"
CITATION_MANAGER = "jupyterlab-citation-manager==1.0.0"
NOTEBOOKS = ("cite2c-to-migrate.ipynb", "doi-migrated.ipynb")
HABANERO = "habanero==2.9.2"
HABANERO_CASSETTE = "test_content_negotiation_citeproc_json.yaml"
CITATION_JS = "citation-js@0.3.0-13"
# The CSL items of citation-js 0.3's test data: file -> JSON paths (not its BibTeX JSON).
CITATION_JS_PATHS = {
    "input.json": [
        "output/wd/simple",
        "output/wd/author",
        "output/doi/simple",
        "output/bibtex/simple",
        "output/bibtex/whitespace",
        "output/bibtex/literals",
        "output/bibtex/yearMonthNeeded",
        "output/bibtex/yearMonth",
        "output/bibjson/simple",
    ],
    "output.json": ["input/csl/simple", "input/csl/locale"],
}
INPUT = re.compile(r">>=+ INPUT =+>>\s*\n(.*?)\n<<=+ INPUT =+<<", re.S)

SUITE = "CSL test suite (Debian source haskell-citeproc)"
ZOTERO = "Zotero items via cite2c, DOI items (jupyterlab-citation-manager sdist)"
CROSSREF = "Crossref CSL-JSON (habanero sdist cassette)"
# Source label -> how its files are fetched.
FOUND = {
    SUITE: "suite",
    "citeproc-py fixtures (PyPI sdist)": "citeproc_py",
    ZOTERO: "notebooks",
    "citation-js 0.3 test data (npm)": "citation_js",
    CROSSREF: "crossref",
}


def fixture_input(text: str) -> str | None:
    """The INPUT section (a CSL-JSON array) of a citeproc-js test fixture."""
    found = INPUT.search(text)
    return found.group(1) if found else None


def _write(folder: Path, name: str, items) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")


def _cached(folder: Path, fetch) -> list[Path]:
    """The .json files of `folder`, made by `fetch(folder)` once (a marker says it ran)."""
    done = folder / ".done"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        fetch(folder)
        done.touch()
    return sorted(folder.glob("*.json"))


def _sdist(requirement: str) -> Path:
    """A PyPI sdist, downloaded with pip (the package itself built from source only)."""
    name = requirement.split("==")[0]
    pattern = name.replace("-", "[-_]") + "-*.tar.gz"
    found = [p for p in CACHE.glob("*.tar.gz") if re.fullmatch(pattern.replace("*", ".*"), p.name)]
    if found:
        return sorted(found)[-1]
    CACHE.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", requirement, "--no-deps", "-q"]
    result = registry_files._run([*pip, "--no-binary", name, "-d", str(CACHE)], CACHE)
    found = [p for p in CACHE.glob("*.tar.gz") if re.fullmatch(pattern.replace("*", ".*"), p.name)]
    if result.returncode != 0 or not found:
        raise Unavailable(f"pip download {requirement} failed: {result.stderr[-300:]}")
    return sorted(found)[-1]


def _members(archive: Path, wanted) -> dict[str, bytes]:
    """Member name -> content of an archive's files for which `wanted(name)` holds."""
    with tarfile.open(archive) as tar:
        return {
            m.name: tar.extractfile(m).read()
            for m in tar.getmembers()
            if m.isfile() and wanted(m.name)
        }


def _fixtures(folder: Path, texts: dict[str, bytes]) -> None:
    for name, data in texts.items():
        section = fixture_input(data.decode("utf-8"))
        if section is not None:
            _write(folder, Path(name).stem + ".json", json.loads(section))


# --- the CSL test suite, from Debian's source package ---------------------------------------


def _deb_src_sources() -> str:
    """The machine's Debian sources (deb822 or one-line) as deb-src entries."""
    texts = []
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]:
        if path.suffix == ".sources":
            text = path.read_text()
            texts.append(re.sub(r"(?m)^Types:.*$", "Types: deb-src", text))
        elif path.name.endswith(".list") and path.is_file():
            lines = [line for line in path.read_text().splitlines() if line.startswith("deb ")]
            texts.append("\n".join("deb-src " + line[4:] for line in lines))
    return "\n\n".join(text for text in texts if text.strip()) + "\n"


def _apt_source(package: str) -> Path:
    """A Debian source package's upstream tarball, by `apt-get source --download-only`
    with a private apt state (its own lists and cache under CACHE/apt-src)."""
    found = sorted(CACHE.glob(f"{package}_*.orig.tar.*"))
    if found:
        return found[-1]
    if not shutil.which("apt-get"):
        raise Unavailable(f"apt-get is missing: cannot fetch the source of {package}.")
    state = CACHE / "apt-src"
    for folder in ("lists/partial", "cache/archives/partial", "parts"):
        (state / folder).mkdir(parents=True, exist_ok=True)
    (state / "parts" / "debian-src.sources").write_text(_deb_src_sources())
    options = []
    for option, value in (
        ("Dir::Etc::SourceList", "/dev/null"),
        ("Dir::Etc::SourceParts", state / "parts"),
        ("Dir::State::Lists", state / "lists"),
        ("Dir::Cache", state / "cache"),
    ):
        options += ["-o", f"{option}={value}"]
    for command in (["update"], ["source", "--download-only", package]):
        result = registry_files._run(["apt-get", *options, *command], CACHE)
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip()[-300:]
            raise Unavailable(f"apt-get {' '.join(command)} failed: {tail}")
    found = sorted(CACHE.glob(f"{package}_*.orig.tar.*"))
    if not found:
        raise Unavailable(f"apt-get source {package} gave no upstream tarball.")
    return found[-1]


def _suite(folder: Path) -> None:
    def wanted(name: str) -> bool:
        return name.endswith(".txt") and any(part in name for part in SUITE_DIRS)

    _fixtures(folder, _members(_apt_source(SUITE_PACKAGE), wanted))


# --- the smaller finds ----------------------------------------------------------------------


def _citeproc_py(folder: Path) -> None:
    texts = _members(
        _sdist(CITEPROC_PY), lambda name: "/tests/local/" in name and name.endswith(".txt")
    )
    _fixtures(folder, texts)


def _notebooks(folder: Path) -> None:
    """cite2c's items (from a Zotero library) and the migrated DOI items, by provider."""
    texts = _members(_sdist(CITATION_MANAGER), lambda name: name.endswith(NOTEBOOKS))
    for name, data in texts.items():
        metadata = json.loads(data)["metadata"]
        found = list(metadata.get("cite2c", {}).get("citations", {}).values())
        for by_id in metadata.get("citation-manager", {}).get("items", {}).values():
            found += list(by_id.values())
        if found:
            _write(folder, f"{Path(name).stem}.json", found)
    if not list(folder.glob("*.json")):
        raise Unavailable(f"No CSL items in the notebooks of {CITATION_MANAGER}.")


def _citation_js(folder: Path) -> None:
    if not shutil.which("npm"):
        raise Unavailable("npm is missing: cannot fetch " + CITATION_JS)
    tarball = sorted(CACHE.glob("citation-js-0.3.0-13.tgz"))
    if not tarball:
        CACHE.mkdir(parents=True, exist_ok=True)
        result = registry_files._run(["npm", "pack", CITATION_JS, "--silent"], CACHE)
        tarball = sorted(CACHE.glob("citation-js-0.3.0-13.tgz"))
        if result.returncode != 0 or not tarball:
            raise Unavailable(f"npm pack {CITATION_JS} failed: {result.stderr[-300:]}")
    texts = _members(
        tarball[0], lambda name: name.startswith("package/test/") and name.endswith(".json")
    )
    for file, paths in CITATION_JS_PATHS.items():
        data = json.loads(texts[f"package/test/{file}"])
        for path in paths:
            items = data
            for step in path.split("/"):
                items = items[step]
            _write(folder, f"{Path(file).stem}-{path.replace('/', '-')}.json", items)


def cassette_bodies(yaml_text: str) -> list[bytes]:
    """The gzip-compressed (`!!binary`) response bodies of a VCR cassette, decompressed."""
    bodies = []
    for block in re.finditer(r"string: !!binary \|\n((?:[ \t]+\S+\n)+)", yaml_text):
        data = base64.b64decode("".join(block.group(1).split()))
        bodies.append(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
    return bodies


def _crossref(folder: Path) -> None:
    texts = _members(_sdist(HABANERO), lambda name: name.endswith(HABANERO_CASSETTE))
    for data in texts.values():
        for n, body in enumerate(cassette_bodies(data.decode("utf-8"))):
            _write(folder, f"crossref-{n}.json", json.loads(body))


FETCHERS = {
    "suite": _suite,
    "citeproc_py": _citeproc_py,
    "notebooks": _notebooks,
    "citation_js": _citation_js,
    "crossref": _crossref,
}


def found(label: str) -> list[Path]:
    """The CSL-JSON files of one source of `FOUND`, fetched when not cached."""
    return _cached(TARGET / FOUND[label], FETCHERS[FOUND[label]])


def found_files() -> dict[str, list[Path]]:
    """Source label -> its CSL-JSON files, fetching what is not cached."""
    return {label: found(label) for label in FOUND}


# --- CSL-JSON that third-party tools write from third-party files ----------------------------

NODE_MODULES = registry_files.ROOT / ".cache" / "node-tools" / "node_modules"
CITATION_JS_READER = Path(__file__).with_name("citation_js_read.js")


def _pandoc_csl(folder: Path) -> None:
    try:
        import pypandoc  # noqa: PLC0415 - optional test tool
    except ImportError as missing:
        raise Unavailable(f"pandoc (pypandoc-binary) is missing: {missing}") from None
    try:
        bib = third_party.bib_files()
    except third_party.Unavailable as exc:
        raise Unavailable(str(exc)) from None
    for name, path in bib.items():
        result = subprocess.run(  # noqa: S603 - a fixed executable on third-party files
            [pypandoc.get_pandoc_path(), "-f", "biblatex", "-t", "csljson", str(path)],
            capture_output=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise Unavailable(f"pandoc could not read {name}: {result.stderr[-300:]!r}")
        (folder / f"{Path(name).stem}.json").write_bytes(result.stdout)


def _citation_js_csl(folder: Path) -> None:
    if not NODE_MODULES.exists():
        ensure = registry_files.ROOT / "scripts" / "ensure-node-tools"
        if subprocess.run([ensure], check=False).returncode != 0:  # noqa: S603
            raise Unavailable("citation-js cannot be installed here (scripts/ensure-node-tools)")
    for path in registry_files.ris_files():
        result = subprocess.run(
            ["node", CITATION_JS_READER],  # noqa: S607 - node from PATH
            input=path.read_bytes(),
            capture_output=True,
            timeout=120,
            check=False,
            env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/local/bin:/usr/bin:/bin"},
        )
        if result.returncode == 0 and result.stdout.strip() not in (b"", b"[]"):
            (folder / f"{path.stem}.json").write_bytes(result.stdout)


TOOLS = {
    "pandoc -t csljson of TeX Live .bib files (Debian)": ("pandoc", _pandoc_csl),
    "citation-js of rispy's RIS files (PyPI)": ("citation-js", _citation_js_csl),
}


def tool_written(label: str) -> list[Path]:
    """The CSL-JSON files one tool of `TOOLS` wrote from third-party files."""
    kind, fetch = TOOLS[label]
    return _cached(TARGET / kind, fetch)
