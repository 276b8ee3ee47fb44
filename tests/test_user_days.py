"""Days in the user's own time zone, east and west of UTC, on both sides of midnight and on
the days clocks change: the timer's date, today, this week and streaks.

Every expected date here is worked out by hand from the zone's offset on that day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from journal.auth.services import get_user_by_name
from journal.daily.models import Timer
from journal.extensions import db
from journal.roadmap.services import stages_of

from .support import HX, add_entries, freeze, text

DASH = " \u2013 "


def stage_id(app) -> int:
    with app.app_context():
        return stages_of(get_user_by_name("alice"))[0].id


@pytest.mark.parametrize(
    ("zone", "began", "utc", "day"),
    [
        # East of UTC, just after midnight: still the day before in UTC.
        ("Pacific/Auckland", datetime(2026, 11, 20, 0, 30), datetime(2026, 11, 19, 11, 30),
         "2026-11-20"),
        ("Asia/Tokyo", datetime(2026, 11, 20, 8, 0), datetime(2026, 11, 19, 23, 0), "2026-11-20"),
        # East, just before midnight: the same day in UTC.
        ("Pacific/Auckland", datetime(2026, 11, 20, 23, 30), datetime(2026, 11, 20, 10, 30),
         "2026-11-20"),
        # West of UTC, in the evening: already the next day in UTC.
        ("America/Los_Angeles", datetime(2026, 11, 20, 20, 0), datetime(2026, 11, 21, 4, 0),
         "2026-11-20"),
        # West, just after midnight: the same day in UTC.
        ("America/Los_Angeles", datetime(2026, 11, 21, 0, 30), datetime(2026, 11, 21, 8, 30),
         "2026-11-21"),
        # The evening clocks went forward (UTC-4 from 2:00) and the one they went back (UTC-5).
        ("America/New_York", datetime(2026, 3, 8, 21, 0), datetime(2026, 3, 9, 1, 0),
         "2026-03-08"),
        ("America/New_York", datetime(2026, 11, 1, 20, 30), datetime(2026, 11, 2, 1, 30),
         "2026-11-01"),
        # Sydney's mornings after its clocks changed: UTC+11 from 4 October, UTC+10 from 5 April.
        ("Australia/Sydney", datetime(2026, 10, 4, 8, 0), datetime(2026, 10, 3, 21, 0),
         "2026-10-04"),
        ("Australia/Sydney", datetime(2026, 4, 5, 9, 0), datetime(2026, 4, 4, 23, 0),
         "2026-04-05"),
    ],
)  # fmt: skip
def test_a_stopped_timer_is_dated_the_day_it_began_where_the_user_is(
    app, client, auth, zone, began, utc, day
):
    assert began.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None) == utc
    auth.login(timezone=zone)
    client.post("/timer/start", data={"stage": stage_id(app)}, headers=HX)
    with app.app_context():
        timer = db.session.get(Timer, get_user_by_name("alice").id)
        timer.started_at = utc  # stored in UTC, as the database keeps times
        db.session.commit()
    body = text(client.post("/timer/stop", headers=HX))
    assert f'id="quick-add-date" name="date" type="date" value="{day}"' in body


# (zone, the instant, the user's today as the page shows it, its Monday week, yesterday)
MOMENTS = [
    # Tokyo (UTC+9), half past midnight on a Monday: Sunday in UTC.
    ("Asia/Tokyo", datetime(2026, 3, 1, 15, 30, tzinfo=UTC), "Mon 2 Mar", ("Mon 2 Mar",
     "Sun 8 Mar"), date(2026, 3, 2)),
    # Auckland, the Monday after its clocks went forward (UTC+13): Sunday in UTC.
    ("Pacific/Auckland", datetime(2026, 9, 27, 11, 30, tzinfo=UTC), "Mon 28 Sep",
     ("Mon 28 Sep", "Sun 4 Oct"), date(2026, 9, 28)),
    # New York, late on the Sunday its clocks went forward (UTC-4): Monday in UTC.
    ("America/New_York", datetime(2026, 3, 9, 3, 30, tzinfo=UTC), "Sun 8 Mar",
     ("Mon 2 Mar", "Sun 8 Mar"), date(2026, 3, 8)),
    # Los Angeles, late on the Sunday its clocks went back (UTC-8): Monday in UTC.
    ("America/Los_Angeles", datetime(2026, 11, 2, 7, 30, tzinfo=UTC), "Sun 1 Nov",
     ("Mon 26 Oct", "Sun 1 Nov"), date(2026, 11, 1)),
    # Los Angeles, just after midnight on a Monday (UTC-8): Monday in UTC too.
    ("America/Los_Angeles", datetime(2026, 11, 9, 8, 30, tzinfo=UTC), "Mon 9 Nov",
     ("Mon 9 Nov", "Sun 15 Nov"), date(2026, 11, 9)),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "moment", "today", "week", "day"), MOMENTS)
def test_today_this_week_and_the_streak_follow_the_users_zone(
    app, client, auth, monkeypatch, zone, moment, today, week, day
):
    freeze(monkeypatch, moment)
    auth.login(timezone=zone)
    with app.app_context():
        # Today and the day before, 25 minutes each: a streak of two, and this week's time.
        add_entries("alice", [(day, 0, 25), (date.fromordinal(day.toordinal() - 1), 0, 25)])
    assert f'<p class="muted">{today}</p>' in text(client.get("/"))
    this_week = text(client.get("/week", headers=HX))
    assert f"{week[0]}{DASH}{week[1]}" in this_week
    minutes = 25 if today.startswith("Mon") else 50  # Monday's yesterday is last week
    assert f"data-week-total>{minutes} min</p>" in this_week
    streak = text(client.get("/dashboard/streak", headers=HX))
    assert "<span data-current-streak>2</span>" in streak
