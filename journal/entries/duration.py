"""Durations as people type them: ``45``, ``45m``, ``1.5h``, ``1h30``, ``1h 30m``, ``90 min``.

One parser for the entry form, its preview while typing, imports and scripts. A bare whole
number is minutes (``45``); a bare number with a decimal point is hours (``1.5`` is 1 h 30
min): nobody studies for one and a half minutes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_MINUTES = 24 * 60

_HOURS = r"(?:h|hr|hrs|hour|hours)"
_MINUTES = r"(?:m|min|mins|minute|minutes)"
_NUMBER = r"(\d+(?:[.,]\d+)?|[.,]\d+)"
_PATTERNS = [
    # 45
    (re.compile(r"^(\d+)$"), "bare"),
    # 1.5 / ,5: a decimal without a unit is hours
    (re.compile(r"^(\d*[.,]\d+)$"), "bare hours"),
    # 45m / 90 min
    (re.compile(rf"^{_NUMBER}\s*{_MINUTES}$"), "minutes"),
    # 1.5h / 2 hours
    (re.compile(rf"^{_NUMBER}\s*{_HOURS}$"), "hours"),
    # 1h30 / 1h 30m / 1 hour 30 minutes / 1h, 30 min
    (re.compile(rf"^(\d+)\s*{_HOURS}\s*,?\s*(\d+)\s*(?:{_MINUTES})?$"), "hours+minutes"),
    # 1:30
    (re.compile(r"^(\d+):([0-5]\d)$"), "hours+minutes"),
]

INPUT_MAX = 40
HELP = "type minutes like 45 or 90 min, or hours like 1.5h, 1h30 or 1h 30m."
# A bare whole number up to this is read as minutes, but may have been meant as hours.
HOURS_HINT_MAX = 9


class DurationError(ValueError):
    pass


@dataclass(frozen=True)
class Reading:
    """What a typed duration means: its minutes, and a word when it may surprise."""

    minutes: int
    hint: str = ""


def parse_duration(text: str) -> int:
    """Return the whole number of minutes ``text`` means, or raise DurationError."""
    return read_duration(text).minutes


def read_duration(text: str) -> Reading:
    """Read ``text`` as a duration, or raise DurationError saying what is wrong and how to
    write it."""
    # roadbook_cli/durations.py repeats these rules: the client may not import the server.
    value = " ".join((text or "").strip().lower().split())
    if not value:
        raise DurationError("Duration is required.")
    if value.startswith("-"):
        raise DurationError("Duration must be more than zero.")
    found = _match(value) if len(value) <= INPUT_MAX else None
    if found is None:
        raise DurationError(f"Duration “{_shorten(text)}” is not understood: {HELP}")
    minutes, kind = found
    if minutes <= 0:
        raise DurationError("Duration must be more than zero.")
    if minutes > MAX_MINUTES:
        if kind == "bare hours":
            raise DurationError(
                f"Duration “{value}” means {value} hours (a number with a decimal point is "
                f"hours), more than 24: for minutes, type {value}m."
            )
        raise DurationError("Duration must be at most 24 hours.")
    hint = ""
    if kind == "bare" and minutes <= HOURS_HINT_MAX:
        hint = f"for {minutes} {'hour' if minutes == 1 else 'hours'}, type {minutes}h"
    return Reading(minutes, hint)


def _match(value: str) -> tuple[int, str] | None:
    """The minutes ``value`` means and the kind of pattern it matched, or None."""
    for pattern, kind in _PATTERNS:
        found = pattern.match(value)
        if not found:
            continue
        if kind in ("bare", "minutes"):
            return _round(_number(found.group(1))), kind
        if kind in ("bare hours", "hours"):
            return _round(_number(found.group(1)) * 60), kind
        hours, minutes = int(found.group(1)), int(found.group(2))
        if minutes >= 60:
            return None
        return hours * 60 + minutes, kind
    return None


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _round(minutes: float) -> int:
    """Half a minute and more counts as a minute (1.5 → 2, 2.5 → 3)."""
    return math.floor(minutes + 0.5)


def _shorten(text: str, limit: int = 30) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_duration(minutes: int | None) -> str:
    """``90`` → ``1 h 30 min``; None (an imported entry without one) → ``unknown``."""
    # roadbook_cli/show.py's duration() writes the same: the client may not import the server.
    if minutes is None:
        return "unknown"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    if not rest:
        return f"{hours} h"
    return f"{hours} h {rest} min"


def format_hours(minutes: int | None) -> str:
    """Total minutes as hours with one decimal: ``90`` → ``1.5 h``."""
    hours = (minutes or 0) / 60
    return f"{hours:.1f} h" if hours % 1 else f"{int(hours)} h"


def duration_input(minutes: int | None) -> str:
    """How a stored duration is shown back in a form field: ``90`` → ``1h30``."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


def preview_duration(text: str) -> str:
    """What the form shows beside the field while you type: ``= 1 h 30 min``, or why not."""
    if not (text or "").strip():
        return ""
    try:
        reading = read_duration(text)
    except DurationError as error:
        return str(error)
    shown = f"= {format_duration(reading.minutes)}"
    return f"{shown} · {reading.hint}" if reading.hint else shown
