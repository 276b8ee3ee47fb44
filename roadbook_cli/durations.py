"""Durations as the journal reads them, checked before an entry waits in the offline queue.

The server decides (the same rules as its entry form); this copy only lets ``roadbook log``
refuse a mistyped duration at once, even with no server in reach. A test holds the two
to the same answers.
"""

from __future__ import annotations

import math
import re

MAX_MINUTES = 24 * 60
INPUT_MAX = 40
_HOURS = r"(?:h|hr|hrs|hour|hours)"
_MINUTES = r"(?:m|min|mins|minute|minutes)"
_NUMBER = r"(\d+(?:[.,]\d+)?|[.,]\d+)"
_FORMS = (
    (re.compile(r"^(\d+)$"), 1),  # a bare whole number is minutes
    (re.compile(r"^(\d*[.,]\d+)$"), 60),  # a bare decimal is hours: 1.5 is 1 h 30 min
    (re.compile(rf"^{_NUMBER}\s*{_MINUTES}$"), 1),
    (re.compile(rf"^{_NUMBER}\s*{_HOURS}$"), 60),
)
_HOURS_AND_MINUTES = (
    re.compile(rf"^(\d+)\s*{_HOURS}\s*,?\s*(\d+)\s*(?:{_MINUTES})?$"),
    re.compile(r"^(\d+):([0-5]\d)$"),
)
_BARE_DECIMAL = _FORMS[1][0]
HELP = "type minutes like 45 or 90 min, or hours like 1.5h, 1h30 or 1h 30m."


class DurationError(ValueError):
    pass


def minutes(text: str) -> int:
    """The whole minutes ``text`` means, or DurationError saying what is wrong."""
    # journal/entries/duration.py's rules again: the client may not import the server.
    value = " ".join(text.strip().lower().split())
    if not value:
        raise DurationError("Duration is required.")
    if value.startswith("-"):
        raise DurationError("Duration must be more than zero.")
    found = _read(value) if len(value) <= INPUT_MAX else None
    if found is None:
        raise DurationError(f"Duration “{text.strip()[:30]}” is not understood: {HELP}")
    if found <= 0:
        raise DurationError("Duration must be more than zero.")
    if found > MAX_MINUTES:
        if _BARE_DECIMAL.match(value):
            raise DurationError(
                f"Duration “{value}” means {value} hours (a number with a decimal point is "
                f"hours), more than 24: for minutes, type {value}m."
            )
        raise DurationError("Duration must be at most 24 hours.")
    return found


def _read(value: str) -> int | None:
    for pattern, factor in _FORMS:
        match = pattern.match(value)
        if match:
            return math.floor(float(match.group(1).replace(",", ".")) * factor + 0.5)
    for pattern in _HOURS_AND_MINUTES:
        match = pattern.match(value)
        if match:
            hours, rest = int(match.group(1)), int(match.group(2))
            return None if rest >= 60 else hours * 60 + rest
    return None
