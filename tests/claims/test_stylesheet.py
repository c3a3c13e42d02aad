"""The stylesheet's colour pairs meet WCAG AA contrast (4.5:1 for text): pure, no browser."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent.parent / "static" / "css" / "site.css").read_text()
COLOURS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))
AA_TEXT = 4.5

# (text, background) pairs the pages actually use.
PAIRS = [
    ("ink", "paper"),
    ("ink", "tint"),
    ("muted", "paper"),
    ("muted", "tint"),
    ("link", "paper"),
    ("link", "tint"),
    ("for", "paper"),
    ("against", "paper"),
    ("mixed", "paper"),
    ("none", "paper"),
    *[("white", level) for level in ("high", "moderate", "low", "very-low", "none")],
    ("white", "link"),
]


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_known_values():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_colours_meet_aa_contrast(text, background):
    colours = {**COLOURS, "white": "#ffffff"}
    assert contrast(colours[text], colours[background]) >= AA_TEXT
