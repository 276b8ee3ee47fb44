"""Contrast of the palette in both themes, and what a phone needs to install the app."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CSS = (ROOT / "static" / "css" / "app.css").read_text()


def palette(theme: str) -> dict[str, str]:
    light_block = CSS[CSS.index(":root {") : CSS.index("}", CSS.index(":root {"))]
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", light_block))
    if theme == "dark":
        media = CSS[CSS.index("@media (prefers-color-scheme: dark)") :]
        dark_block = media[media.index(":root {") : media.index("}", media.index(":root {"))]
        colours.update(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", dark_block))
    return colours


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Text colour on background colour, as the stylesheet pairs them.
TEXT_PAIRS = [
    ("text", "bg"),
    ("text", "surface"),
    ("text", "surface-2"),
    ("muted", "bg"),
    ("muted", "surface"),
    ("muted", "surface-2"),
    ("accent", "bg"),
    ("accent", "surface"),
    ("accent-text", "accent"),
    ("danger", "surface"),
    ("danger", "error-bg"),
    ("danger", "bg"),
    ("success-text", "success-bg"),
    ("bg", "text"),  # the toast
]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_text_contrast_passes_wcag_aa(theme, foreground, background):
    colours = palette(theme)
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= 4.5, f"{theme}: {foreground} on {background} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("background", ["bg", "surface", "surface-2"])
def test_the_focus_outline_stands_out(theme, background):
    """WCAG 1.4.11: a focus indicator needs 3:1 against what is around it."""
    colours = palette(theme)
    ratio = contrast(colours["focus"], colours[background])
    assert ratio >= 3, f"{theme}: focus on {background} is {ratio:.2f}:1"


def test_dark_theme_really_changes_the_palette():
    assert palette("dark")["bg"] != palette("light")["bg"]


def test_focus_is_always_visible():
    assert ":focus-visible { outline: 3px solid var(--focus)" in CSS
    # A rule may drop the outline only if it draws the focus another way.
    for rule in re.findall(r"[^{}]*\{[^}]*outline:\s*none[^}]*\}", CSS):
        assert "stroke: var(--focus)" in rule or "box-shadow" in rule, rule.strip()


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def test_web_app_manifest_is_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon["src"]
        path = ROOT / icon["src"].lstrip("/")
        if icon["type"] == "image/png":
            width, height = png_size(path)
            assert f"{width}x{height}" == icon["sizes"]
            sizes.add(width)
    assert {192, 512} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_the_manifest_follows_a_journal_served_under_a_sub_path(app):
    client = app.test_client()
    manifest = json.loads(
        client.get("/manifest.webmanifest", base_url="http://localhost/journal").get_data(
            as_text=True
        )
    )
    assert manifest["start_url"] == "/journal/"
    assert manifest["icons"][0]["src"] == "/journal/static/icons/icon-192.png"


def test_pages_link_the_manifest_and_icons(client, auth):
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="apple-touch-icon"' in page
    assert 'data-url-new-entry="/entries/new"' in page
