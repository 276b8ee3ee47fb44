"""Jinja filters and per-response headers shared by every page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask_login import current_user

from .clock import user_today, user_zone
from .entries.duration import format_duration, format_hours
from .htmx import add_vary
from .security import add_security_headers

# English names, whatever the server's locale (and faster than strftime, called per cell).
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_label(day: date, today: date | None = None) -> str:
    """``Today``, ``Yesterday``, or a date such as ``Mon 23 Nov 2026``."""
    if today is not None:
        if day == today:
            return "Today"
        if day == today - timedelta(days=1):
            return "Yesterday"
        if day == today + timedelta(days=1):
            return "Tomorrow"
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def local_time(moment: datetime | None) -> str:
    """A stored UTC time shown in the signed-in user's time zone."""
    if moment is None:
        return ""
    zone = user_zone(current_user) if current_user.is_authenticated else UTC
    local = moment.replace(tzinfo=UTC).astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M} ({local.tzname()})"


def register_templating(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(
        duration=format_duration,
        hours=format_hours,
        day=day_label,
        local_time=local_time,
    )
    app.jinja_env.globals.update(user_today=user_today)
    app.after_request(add_security_headers)
    app.after_request(add_vary)
