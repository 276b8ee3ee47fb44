"""Dates in the user's own time zone: what "today" and "this week" mean for them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from .auth.models import User


@cache
def zone_info(name: str) -> ZoneInfo:
    """The zone's rules, read once (a name it does not know raises, and is not kept).
    ``ZoneInfo`` holds on to only its last few zones (the rest it keeps weakly): without
    this, each of the settings page's 400 labels read and parsed its zone's file again on
    every render."""
    return ZoneInfo(name)


def user_zone(user: User) -> ZoneInfo:
    try:
        return zone_info(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return zone_info("UTC")


def user_now(user: User) -> datetime:
    return datetime.now(user_zone(user))


def user_today(user: User) -> date:
    return user_now(user).date()


def user_moment(user: User, moment: datetime) -> datetime:
    """A stored UTC time (naive, as the database keeps it) in the user's time zone."""
    return moment.replace(tzinfo=UTC).astimezone(user_zone(user))


def week_bounds(day: date, week_start: int = 0) -> tuple[date, date]:
    """First and last day of the week holding ``day`` (``week_start``: 0 Monday, 6 Sunday)."""
    first = day - timedelta(days=(day.weekday() - week_start) % 7)
    return first, first + timedelta(days=6)
