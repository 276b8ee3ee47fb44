"""The clock's own values: the user's zone, now and stored times in it, and the week's days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from journal.clock import user_moment, user_now, user_today, user_zone, week_bounds


def person(zone):
    return SimpleNamespace(timezone=zone)


@pytest.mark.parametrize("zone", [None, "", "Not/AZone", "../../etc/passwd", "utc\x00"])
def test_a_missing_or_unknown_zone_is_utc(zone):
    assert user_zone(person(zone)).key == "UTC"


def test_a_known_zone_is_used():
    assert user_zone(person("Asia/Tokyo")).key == "Asia/Tokyo"


def test_now_and_today_are_in_the_users_zone():
    before = datetime.now(UTC)
    now = user_now(person("Pacific/Kiritimati"))  # UTC+14 all year
    assert now.tzinfo.key == "Pacific/Kiritimati" and now.utcoffset() == timedelta(hours=14)
    assert before - timedelta(seconds=5) <= now <= datetime.now(UTC) + timedelta(seconds=5)
    assert user_today(person("Pacific/Kiritimati")) == now.date() or now.hour == 0


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        # Berlin on the day its clocks go forward: 01:30 UTC is 03:30 summer time...
        (datetime(2026, 3, 29, 1, 30), "2026-03-29T03:30:00+02:00"),
        # ...and half an hour before the change, 00:30 UTC is 01:30 winter time.
        (datetime(2026, 3, 29, 0, 30), "2026-03-29T01:30:00+01:00"),
        # The day they go back: 00:30 UTC is 02:30 summer time, 01:30 UTC is 02:30 winter.
        (datetime(2026, 10, 25, 0, 30), "2026-10-25T02:30:00+02:00"),
        (datetime(2026, 10, 25, 1, 30), "2026-10-25T02:30:00+01:00"),
        # Late in the evening in UTC is the next day in Berlin.
        (datetime(2026, 1, 14, 23, 30), "2026-01-15T00:30:00+01:00"),
    ],
)
def test_a_stored_utc_time_shown_in_the_users_zone(stored, shown):
    assert user_moment(person("Europe/Berlin"), stored).isoformat() == shown


@pytest.mark.parametrize(
    ("day", "week_start", "first", "last"),
    [
        (date(2026, 3, 4), 0, date(2026, 3, 2), date(2026, 3, 8)),  # a Wednesday
        (date(2026, 3, 2), 0, date(2026, 3, 2), date(2026, 3, 8)),  # a Monday
        (date(2026, 3, 8), 0, date(2026, 3, 2), date(2026, 3, 8)),  # a Sunday
        (date(2026, 3, 8), 6, date(2026, 3, 8), date(2026, 3, 14)),
        (date(2026, 3, 7), 6, date(2026, 3, 1), date(2026, 3, 7)),  # a Saturday
        (date(2026, 1, 1), 0, date(2025, 12, 29), date(2026, 1, 4)),  # across the year
    ],
)
def test_the_week_holding_a_day(day, week_start, first, last):
    assert week_bounds(day, week_start) == (first, last)
    assert week_bounds(day) == week_bounds(day, 0)


def test_a_stored_time_does_not_depend_on_the_servers_own_zone(server_in_new_york):
    # 23:30 UTC on 14 January is 00:30 on the 15th in Berlin, wherever the server runs.
    shown = user_moment(person("Europe/Berlin"), datetime(2026, 1, 14, 23, 30))
    assert shown.isoformat() == "2026-01-15T00:30:00+01:00"
    # The database keeps UTC: a user in UTC sees the stored time unchanged.
    shown = user_moment(person(None), datetime(2026, 1, 14, 23, 30))
    assert shown.isoformat() == "2026-01-14T23:30:00+00:00"
