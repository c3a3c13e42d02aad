"""Real RIS, MEDLINE (.nbib) and PubMed XML files for the readers' round trips, fetched at
test time from package registries and never committed:

- RIS: the test data of `rispy`'s sdist on PyPI (`pip download rispy==0.8.1`), files that
  exercise EndNote/Zotero-style entries, BOMs, unknown and list tags, multi-line values;
- MEDLINE and PubMed XML: the PubMed files of Debian's `r-cran-rbibutils` (`apt-get
  download`): 77 PubMed records as "Send to citation manager" saves them, and an efetch
  XML of six articles (easyPubMed's vignette).

They are cached under `.cache/registry-files/` (gitignored). Where a registry cannot be
reached the tests skip with the reason, except under CI (`CI` set), where they fail: a
round trip that silently never runs would prove nothing.
"""

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CACHE = ROOT / ".cache" / "registry-files"
RISPY_SDIST = "rispy==0.8.1"
RBIBUTILS = "r-cran-rbibutils"
RBIBUTILS_DIR = "./usr/lib/R/site-library/rbibutils/bib/"
PUBMED_FILES = [
    "single.nbib",
    "pubmed-balloongui-set.nbib",
    "pubmed-balloongui-set_09_31542275.nbib",
    "easyPubMedvig.xml",
    "easyPubMedvig_no_new_lines.xml",
]


class Unavailable(Exception):
    """A registry cannot be reached here: tests skip with this (fail under CI)."""


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"registry files are required under CI: {reason}")
    pytest.skip(reason)


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


def ris_files() -> list[Path]:
    """rispy's RIS test files (its sdist's tests/data/*.ris)."""
    target = CACHE / "rispy"
    if not list(target.glob("*.ris")):
        target.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", RISPY_SDIST, "--no-deps"]
        result = _run([*pip, "--no-binary", ":all:", "-d", str(CACHE), "-q"], CACHE)
        sdists = sorted(CACHE.glob("rispy-*.tar.gz"))
        if result.returncode != 0 or not sdists:
            raise Unavailable(f"pip download {RISPY_SDIST} failed: {result.stderr[-300:]}")
        with tarfile.open(sdists[-1]) as archive:
            for member in archive.getmembers():
                if "/tests/data/" in member.name and member.name.endswith(".ris"):
                    data = archive.extractfile(member).read()
                    (target / Path(member.name).name).write_bytes(data)
    return sorted(target.glob("*.ris"))


def pubmed_files() -> dict[str, Path]:
    """Debian r-cran-rbibutils's PubMed files: name -> path."""
    target = CACHE / "rbibutils"
    if not all((target / name).exists() for name in PUBMED_FILES):
        target.mkdir(parents=True, exist_ok=True)
        for tool in ("apt-get", "dpkg-deb"):
            if not shutil.which(tool):
                raise Unavailable(f"{tool} is missing: cannot fetch {RBIBUTILS}.")
        if not sorted(CACHE.glob(f"{RBIBUTILS}_*.deb")):
            result = _run(["apt-get", "download", RBIBUTILS], CACHE)  # noqa: S607
            if result.returncode != 0:
                raise Unavailable(f"apt-get download {RBIBUTILS} failed: {result.stderr[-300:]}")
        deb = sorted(CACHE.glob(f"{RBIBUTILS}_*.deb"))[-1]
        wanted = {RBIBUTILS_DIR + name: name for name in PUBMED_FILES}
        command = ["dpkg-deb", "--fsys-tarfile", str(deb)]
        with (
            subprocess.Popen(command, stdout=subprocess.PIPE) as process,  # noqa: S603
            tarfile.open(fileobj=process.stdout, mode="r|") as archive,
        ):
            for entry in archive:
                if entry.name in wanted:
                    data = archive.extractfile(entry).read()
                    (target / wanted[entry.name]).write_bytes(data)
    return {name: target / name for name in PUBMED_FILES}
