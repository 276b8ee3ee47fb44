"""The user's insight settings: daily minimum, weekly goal, week start and rest days."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..db import write_transaction
from ..validation import ValidationError, clean_text, parse_int

WEEK_STARTS = {0: "Monday", 6: "Sunday"}
DAILY_MINIMUM_MAX = 24 * 60
WEEKLY_GOAL_MAX_HOURS = 168
REST_DAYS_MAX = 3


@dataclass(frozen=True)
class InsightSettings:
    daily_minimum_minutes: int
    weekly_goal_minutes: int
    week_start: int
    rest_days_per_week: int


def form_values(user) -> dict[str, str]:
    """The user's settings as the form shows them (the goal in hours)."""
    hours = Decimal(user.weekly_goal_minutes) / 60
    return {
        "daily_minimum": str(user.daily_minimum_minutes),
        "weekly_goal": f"{hours:.2f}".rstrip("0").rstrip("."),
        "week_start": str(user.week_start),
        "rest_days": str(user.rest_days_per_week),
    }


def parse_settings(form: Mapping[str, str]) -> InsightSettings:
    """Read the settings form, or raise ValidationError naming each field at fault."""
    errors: dict[str, str] = {}
    daily = parse_int(clean_text(form.get("daily_minimum")), 1, DAILY_MINIMUM_MAX)
    if daily is None:
        errors["daily_minimum"] = (
            f"Daily minimum must be a whole number of minutes from 1 to {DAILY_MINIMUM_MAX}."
        )
    goal_minutes = _goal_minutes(clean_text(form.get("weekly_goal")).replace(",", "."))
    if goal_minutes is None:
        errors["weekly_goal"] = (
            f"Weekly goal must be a number of hours from 0.5 to {WEEKLY_GOAL_MAX_HOURS}, "
            "such as 10 or 7.5."
        )
    week_start = clean_text(form.get("week_start"))
    if week_start not in {str(day) for day in WEEK_STARTS}:
        errors["week_start"] = "Week starts on must be Monday or Sunday."
    rest = parse_int(clean_text(form.get("rest_days")), 0, REST_DAYS_MAX)
    if rest is None:
        errors["rest_days"] = f"Rest days must be a whole number from 0 to {REST_DAYS_MAX}."
    if errors:
        raise ValidationError(errors)
    assert goal_minutes is not None and daily is not None and rest is not None
    return InsightSettings(daily, goal_minutes, int(week_start), rest)


def _goal_minutes(text: str) -> int | None:
    try:
        hours = Decimal(text)
    except InvalidOperation:
        return None
    if not hours.is_finite() or not Decimal("0.5") <= hours <= WEEKLY_GOAL_MAX_HOURS:
        return None
    return round(hours * 60)


def save_settings(user, settings: InsightSettings) -> None:
    with write_transaction():
        user.daily_minimum_minutes = settings.daily_minimum_minutes
        user.weekly_goal_minutes = settings.weekly_goal_minutes
        user.week_start = settings.week_start
        user.rest_days_per_week = settings.rest_days_per_week
