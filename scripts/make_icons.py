"""Render the app icon (static/favicon.svg) into the PNG sizes phones ask for.

Run by hand when the icon changes: `.venv/bin/python scripts/make_icons.py`. Uses the
system Chromium through Playwright, like the browser tests.
"""

from __future__ import annotations

import base64
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "static" / "favicon.svg"
ICONS = ROOT / "static" / "icons"

# name: (size, padding as a share of the size: maskable icons keep to the safe zone)
SIZES = {
    "icon-192.png": (192, 0.0),
    "icon-512.png": (512, 0.0),
    "maskable-512.png": (512, 0.12),
    "apple-touch-icon.png": (180, 0.0),
}


def main() -> None:
    svg = base64.b64encode(SOURCE.read_bytes()).decode("ascii")
    ICONS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for name, (size, padding) in SIZES.items():
            page = browser.new_page(viewport={"width": size, "height": size})
            inner = round(size * (1 - 2 * padding))
            page.set_content(
                f"<body style='margin:0;background:#2457c5;display:grid;place-items:center;"
                f"width:{size}px;height:{size}px'>"
                f"<img src='data:image/svg+xml;base64,{svg}' width='{inner}' height='{inner}'>"
            )
            page.screenshot(path=str(ICONS / name), omit_background=False)
            page.close()
            print(f"wrote static/icons/{name} ({size}x{size})")
        browser.close()


if __name__ == "__main__":
    main()
