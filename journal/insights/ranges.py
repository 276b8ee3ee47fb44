"""The dashboard's range chooser: presets in the user's own weeks, or dates from and to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..clock import week_bounds
from ..validation import parse_date_range

PRESETS = {
    "week": "This week",
    "month": "This month",
    "12-weeks": "Last 12 weeks",
    "year": "This year",
    "all": "All time",
}
CUSTOM = "custom"
DEFAULT = "12-weeks"


@dataclass
class DateRange:
    key: str
    first: date | None  # None: from the first entry
    last: date | None  # None: no end
    date_from: str = ""  # the custom dates as typed, to show them back
    date_to: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return PRESETS.get(self.key, "Between dates")

    @property
    def days(self) -> int | None:
        if self.first is None or self.last is None:
            return None
        return (self.last - self.first).days + 1

    def as_args(self) -> dict[str, str]:
        """The range as query-string arguments, for a URL that shows it again."""
        if self.key == CUSTOM:
            args = {"range": CUSTOM, "from": self.date_from, "to": self.date_to}
            return {key: value for key, value in args.items() if value}
        return {"range": self.key}


def preset_bounds(key: str, today: date, week_start: int) -> tuple[date | None, date | None]:
    """First and last day of a preset range; whole weeks, months and years."""
    week_first, week_last = week_bounds(today, week_start)
    if key == "week":
        return week_first, week_last
    if key == "month":
        following = date(today.year + today.month // 12, today.month % 12 + 1, 1)
        return today.replace(day=1), following - timedelta(days=1)
    if key == "12-weeks":
        return week_first - timedelta(weeks=11), week_last
    if key == "year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return None, None


def parse_range(args: Mapping[str, str], today: date, week_start: int) -> DateRange:
    """Read ``range`` (and ``from``/``to``); a bad choice is explained and the default used."""
    key = (args.get("range") or DEFAULT).strip()
    if key != CUSTOM:
        if key not in PRESETS:
            key = DEFAULT
        return DateRange(key, *preset_bounds(key, today, week_start))
    date_from = (args.get("from") or "").strip()[:10]
    date_to = (args.get("to") or "").strip()[:10]
    first, last, errors = parse_date_range({"from": date_from, "to": date_to})
    if not date_from and not date_to:
        errors["from"] = "From or To: give at least one date, such as 2026-03-14."
    if errors:
        fallback = DateRange(DEFAULT, *preset_bounds(DEFAULT, today, week_start))
        fallback.date_from, fallback.date_to, fallback.errors = date_from, date_to, errors
        return fallback
    return DateRange(CUSTOM, first, last, date_from, date_to)
