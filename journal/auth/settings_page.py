"""The settings page: the account's own settings, then each area's section.

Every section's data comes from its area's services, gathered here once; the page is
rendered by this one function, whichever form on it was sent (a form sent without htmx
and refused comes back on the whole page, the rest of it intact).
"""

from __future__ import annotations

from flask import render_template

from ..api.tokens import tokens_of
from ..editor.settings import section_context as editor_section
from ..insights.settings import form_values as insights_values
from .models import User
from .timezones import timezone_context


def render_settings_page(
    user: User, *, timezone_query: str = "", selected: str | None = None, **context
) -> str:
    """The page for ``user``; ``context`` overrides a section's part (its errors, the
    values sent)."""
    page = {
        "errors": {},
        **timezone_context(timezone_query, selected or user.timezone),
        "insights_values": insights_values(user),
        "api_tokens": tokens_of(user),
        **editor_section(user),
        **context,
    }
    return render_template("auth/settings.html", **page)
