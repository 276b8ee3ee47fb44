"""Jinja filters and per-response headers shared by every page.

Durations and dates are written one way everywhere on screen, by the ``duration`` and
``day`` filters below (Python code that builds HTML calls the same functions). Exports
write exact minutes and ISO dates instead (journal/entries/duration.py, journal/transfer).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask, g, has_request_context
from flask_login import current_user
from markupsafe import Markup, escape

from .clock import user_today, user_zone
from .htmx import add_vary
from .security import add_security_headers

# English names, whatever the server's locale (and faster than strftime, called per cell).
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Above this many minutes a duration is shown in hours with one decimal: ``12.5 h``.
DECIMAL_FROM = 10 * 60


def duration_text(minutes: int | None) -> str:
    """A duration as the screen shows it: ``45 min``; ``1 h 30 min``; above 10 h, ``12.5 h``.

    Hours above ten are rounded to a tenth, half up (627 min, 10.45 h, is ``10.5 h``; a
    whole number drops its ``.0``: ``40 h``); below, the minutes are exact. None (an
    imported entry without one) is ``unknown``.
    """
    if minutes is None:
        return "unknown"
    if minutes > DECIMAL_FROM:
        tenths = (minutes * 2 + 6) // 12  # minutes / 6, rounded half up, in integers
        hours, tenth = divmod(tenths, 10)
        return f"{hours}.{tenth} h" if tenth else f"{hours} h"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _this_year() -> int:
    """The signed-in user's current year (once per request), else the server's."""
    if not has_request_context():
        return date.today().year
    if "this_year" not in g:
        authenticated = current_user and current_user.is_authenticated
        g.this_year = (user_today(current_user) if authenticated else date.today()).year
    return g.this_year


def day_label(day: date, today: date | None = None, *, year: int | None = None) -> str:
    """``Mon 23 Nov``, with the year when it is not this year (``Mon 23 Nov 2025``).

    Given ``today``: ``Today``, ``Yesterday`` or ``Tomorrow`` where they apply. Given
    ``year``: the year counted as this one (a caller labelling hundreds of days passes it,
    rather than have each label look the user's today up).
    """
    if today is not None:
        if day == today:
            return "Today"
        if day == today - timedelta(days=1):
            return "Yesterday"
        if day == today + timedelta(days=1):
            return "Tomorrow"
    label = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    if year is None:
        year = today.year if today is not None else _this_year()
    return label if day.year == year else f"{label} {day.year}"


def local_time(moment: datetime | None) -> str:
    """A stored UTC time in the signed-in user's time zone: ``Mon 23 Nov, 14:05 (CET)``."""
    if moment is None:
        return ""
    zone = user_zone(current_user) if current_user.is_authenticated else UTC
    local = moment.replace(tzinfo=UTC).astimezone(zone)
    return f"{day_label(local.date())}, {local:%H:%M} ({local.tzname()})"


SWATCH = (
    '<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
    '<circle cx="6" cy="6" r="6" fill="{}"/></svg>'
)


def swatch(color: str) -> Markup:
    """A stage's colour as a small dot before its name (a filter: lists draw one per row).

    The colour is escaped and put in with ``str.format``: ``Markup.format`` does the same
    through ``string.Formatter``, at ten times the cost per row."""
    return Markup(SWATCH.format(escape(color)))


def register_templating(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(
        duration=duration_text,
        # The same rule under its older name, for templates written before there was one.
        hours=duration_text,
        day=day_label,
        local_time=local_time,
        swatch=swatch,
    )
    app.jinja_env.globals.update(user_today=user_today)
    app.after_request(add_security_headers)
    app.after_request(add_vary)
