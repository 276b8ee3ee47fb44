"""The one error every service raises for bad input: a message per field at fault."""

from __future__ import annotations


class ValidationError(ValueError):
    """Input that cannot be saved. ``errors`` maps a form field's name to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: str) -> ValidationError:
        return cls({field: message})


def clean_text(value: str | None) -> str:
    """Trim surrounding space, normalise line endings (browsers send CRLF), drop NUL bytes."""
    text = (value or "").replace("\x00", "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# Ids are 64-bit signed integers in every supported database.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A database id from user input (a form field, a query argument), or None."""
    text = str(value or "").strip()
    if not text.isdecimal() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
