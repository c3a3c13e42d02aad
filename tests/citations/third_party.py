"""Third-party .bib files for round-trip and compile tests, fetched at test time, never committed.

The files come from Debian's TeX Live packages (`apt-get download`, no root needed): `xampl.bib`
(BibTeX's own examples, texlive-base), `biblatex-examples.bib` (biblatex's, with @set,
crossref, xdata and related) and Nelson Beebe's bibliographies of TeX literature
(texlive-bibtex-extra: TUGboat, TeX books, fonts, with @preamble macros such as `\\TUB` and
`\\Thanh`). The packages are cached under `.cache/third-party-bib/` (gitignored); where they
cannot be downloaded the tests are skipped with a message.
"""

import shutil
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CACHE = ROOT / ".cache" / "third-party-bib"
TEXMF_BIB = "./usr/share/texlive/texmf-dist/bibtex/bib/"
# Debian package -> the files taken from it, under TEXMF_BIB.
SOURCES = {
    "texlive-base": ["base/xampl.bib"],
    "texlive-bibtex-extra": [
        "biblatex/biblatex/biblatex-examples.bib",
        "beebe/tugboat.bib",
        "beebe/texbook1.bib",
        "beebe/texnique.bib",
        "beebe/texjourn.bib",
        "beebe/serif.bib",
    ],
}
FILES = [Path(name).name for names in SOURCES.values() for name in names]


class Unavailable(Exception):
    """The files cannot be fetched here (no apt-get, no network): tests skip with this."""


def _download(package: str) -> Path:
    found = sorted(CACHE.glob(f"{package}_*.deb"))
    if found:
        return found[-1]
    if not shutil.which("apt-get"):
        raise Unavailable("apt-get is missing: cannot download Debian's TeX Live .bib files.")
    result = subprocess.run(
        ["apt-get", "download", package],  # noqa: S607 - Debian's own tool, found on PATH
        cwd=CACHE,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    found = sorted(CACHE.glob(f"{package}_*.deb"))
    if result.returncode != 0 or not found:
        reason = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no .deb"]
        raise Unavailable(f"apt-get download {package} failed (offline?): {reason[0]}")
    return found[-1]


def _extract(deb: Path, members: list[str]) -> None:
    """Take `members` out of a .deb's data archive (dpkg-deb streams it as a tar)."""
    if not shutil.which("dpkg-deb"):
        raise Unavailable("dpkg-deb is missing: cannot unpack Debian packages.")
    with subprocess.Popen(
        ["dpkg-deb", "--fsys-tarfile", str(deb)],  # noqa: S607
        stdout=subprocess.PIPE,
    ) as process:
        wanted = {TEXMF_BIB + member: Path(member).name for member in members}
        with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
            for entry in archive:
                if entry.name in wanted:
                    data = archive.extractfile(entry).read()
                    (CACHE / wanted[entry.name]).write_bytes(data)


def bib_files() -> dict[str, Path]:
    """File name -> path of every third-party .bib file, downloading what is missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    for package, members in SOURCES.items():
        missing = [m for m in members if not (CACHE / Path(m).name).exists()]
        if missing:
            _extract(_download(package), missing)
    files = {name: CACHE / name for name in FILES}
    absent = [name for name, path in files.items() if not path.exists()]
    if absent:
        raise Unavailable(f"Not found in the Debian packages: {', '.join(absent)}")
    return files


# Whole Debian packages whose every .bib file a test reads (issue 24: BibTeX keeps every real
# entry): extracted with `dpkg-deb -x` under CACHE/<package>/, never committed.
COLLECTIONS = ("texlive-bibtex-extra", "texlive-publishers", "r-cran-bibtex")


def package_bib_files(package: str) -> list[Path]:
    """Every .bib file of a Debian package, downloading and unpacking it when missing."""
    target = CACHE / package
    done = target / ".unpacked"
    if not done.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        if not shutil.which("dpkg-deb"):
            raise Unavailable("dpkg-deb is missing: cannot unpack Debian packages.")
        deb = _download(package)
        shutil.rmtree(target, ignore_errors=True)
        result = subprocess.run(
            ["dpkg-deb", "-x", str(deb), str(target)],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if result.returncode != 0:
            raise Unavailable(f"dpkg-deb -x {deb.name} failed: {result.stderr.strip()[:200]}")
        done.touch()
    return sorted(path for path in target.rglob("*.bib") if path.is_file())
