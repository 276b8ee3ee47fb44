"""Small helpers the tests share."""

from __future__ import annotations

import re

# What htmx sends for a targeted swap (a fragment), and for a boosted or full request.
HX = {"HX-Request": "true", "HX-Request-Type": "partial"}
HX_FULL = {"HX-Request": "true", "HX-Request-Type": "full"}


def text(response) -> str:
    return response.get_data(as_text=True)


def is_full_page(response) -> bool:
    return "<!doctype html>" in text(response).lower()


def field_error(response, form_id: str, field: str) -> str | None:
    """The message shown under ``field`` of the form ``form_id``, if any."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(form_id)}-{field}-error">([^<]*)</p>',
        text(response),
    )
    return match.group(1) if match else None


def csrf_token(response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', text(response))
    assert match, "no csrf_token in the page"
    return match.group(1)
