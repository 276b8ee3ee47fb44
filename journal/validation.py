"""The errors services raise: bad input (a message per field at fault), and a request
refused for now (the database is busy, or too many tries or saves in a short time)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from werkzeug.routing import IntegerConverter


class ValidationError(ValueError):
    """Input that cannot be saved. ``errors`` maps a form field's name to its message."""

    status = 422
    retry_after: int | None = None

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: str) -> ValidationError:
        return cls({field: message})


class Refused(Exception):
    """Nothing is wrong with the request, but it cannot be done now: nothing was saved, and
    the same request may be sent again after ``retry_after`` seconds. A form shows
    ``message`` above its fields (``errors["form"]``), or under ``field``, and keeps what
    was typed."""

    status = 503

    def __init__(self, message: str, retry_after: int, field: str = "form"):
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, int(retry_after))
        self.field = field

    @property
    def errors(self) -> dict[str, str]:
        return {self.field: self.message}


class TooManyRequests(Refused):
    """Too many tries or saves in a short time."""

    status = 429


# What a form's save can answer instead of saving: views catch these together.
NOT_SAVED = (ValidationError, Refused)


# The largest id every supported database stores in an INTEGER column (PostgreSQL's is
# 32-bit): a bigger number typed in a form or a URL can name nothing, and must not reach SQL.
MAX_ID = 2**31 - 1


# More digits than any number a form or a file may hold: int() never sees thousands of
# them (its cost grows with their square, and past 4,300 it raises ValueError).
INT_DIGITS_MAX = 20


def parse_int(value, low: int, high: int) -> int | None:
    """A whole number typed in a form or read from a file, from ``low`` to ``high``; else None.

    Decimal digits only (those of any script, as ``int`` reads them), without a sign.
    """
    text = str(value if value is not None else "").strip()
    if not text.isdecimal() or len(text) > INT_DIGITS_MAX:
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_id(value) -> int | None:
    """A row id as sent by a form or a URL: ASCII digits within range, else None."""
    text = str(value or "").strip()
    return parse_int(text, 1, MAX_ID) if text.isascii() else None


def parse_date_range(
    args: Mapping[str, str],
) -> tuple[date | None, date | None, dict[str, str]]:
    """``from`` and ``to`` as sent (each may be left out): the dates, and a message for each
    one at fault. Callers choose what a fault means (refuse, leave the filter out, fall back)."""
    errors: dict[str, str] = {}
    found: dict[str, date | None] = {}
    for name, label in (("from", "From"), ("to", "To")):
        text = (args.get(name) or "").strip()
        found[name] = None
        if text:
            try:
                found[name] = date.fromisoformat(text)
            except ValueError:
                errors[name] = f"{label} must be a date such as 2026-03-14."
    first, last = found["from"], found["to"]
    if first and last and first > last:
        errors["to"] = "To must be on or after From."
        last = None
    return first, last, errors


def clean_text(value: str | None) -> str:
    """Trim surrounding space, normalise line endings (browsers send CRLF), drop NUL bytes."""
    text = (value or "").replace("\x00", "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def clean_name(value: str | None) -> str:
    """A name on one line: ``clean_text``, then every run of spaces and line ends one space."""
    return " ".join(clean_text(value).split())


class IdConverter(IntegerConverter):
    """``<int:…>`` in a route: an id too large for the database matches no route (a 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
