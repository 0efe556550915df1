"""WCAG AA contrast of the colours the stylesheet uses for text, computed from static/css/site.css."""

import re
from pathlib import Path

import pytest

from twinning.constants import Status

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "site.css").read_text()
VARIABLES = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_status_badges_have_aa_contrast_with_white_text(status):
    # Every status has its own colour, used for the badge background, map line and chart bar.
    assert status in VARIABLES, f"no --{status} colour in site.css"
    assert contrast(VARIABLES[status], "#ffffff") >= 4.5


@pytest.mark.parametrize(
    "foreground, background",
    [("ink", "bg"), ("muted", "bg"), ("muted", "panel"), ("link", "bg"), ("link", "panel")],
)
def test_text_colours_have_aa_contrast(foreground, background):
    assert contrast(VARIABLES[foreground], VARIABLES[background]) >= 4.5


def test_status_colours_are_distinct():
    colours = [VARIABLES[s.value] for s in Status]
    assert len(set(colours)) == len(colours)


def test_other_text_colours_meet_aa():
    # Header text on the header, the map's labels on the map, the conflict note, form errors.
    assert contrast("#ffffff", "#12263f") >= 4.5
    assert contrast("#4b5563", "#eef3f8") >= 4.5
    assert contrast("#1f2328", "#fff8c5") >= 4.5 and contrast("#6b4c00", "#ffffff") >= 4.5
    assert contrast("#a40e26", "#f6f8fa") >= 4.5
    for colour in ("#12263f", "#4b5563", "#6b4c00", "#a40e26"):
        assert colour in CSS
