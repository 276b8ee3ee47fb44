"""Editor time per day and project, computed in SQL from the heartbeats, in the user's zone.

The time between two heartbeats less than the session gap apart (15 minutes unless the
user sets another) counts for the project of the first of the two, as WakaTime counts
it: a session is a run of such heartbeats, and time spent switching between two projects
is never counted twice. The last heartbeat of a session adds nothing.

Days are the user's own: a heartbeat's day is found in SQL from its UTC time plus the
zone's offset at that time, with the offset's changes (daylight saving) over the range
asked for worked out here, so a day is right whatever zone the user lived in when the
heartbeat came.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, case, func, literal_column, select

from ..clock import user_zone
from ..extensions import db
from .models import Heartbeat

if TYPE_CHECKING:
    from ..auth.models import User

DAY_MS = 86_400_000
EPOCH = date(1970, 1, 1)
# Daylight-saving changes are never closer together than this.
OFFSET_STEP_MS = 6 * 3_600_000


@dataclass(frozen=True)
class ProjectDay:
    """The editor time of one project on one day (after ``cutoff_ms``, when one is given)."""

    day: date
    project_id: int
    ms: int
    # The end of the time counted: a suggestion logged or dismissed covers up to here.
    until_ms: int

    @property
    def minutes(self) -> int:
        return minutes_of(self.ms)


def minutes_of(ms: int) -> int:
    """Milliseconds as whole minutes, half a minute up."""
    return (ms + 30_000) // 60_000


def day_start_ms(day: date, zone: ZoneInfo) -> int:
    """Midnight at the start of ``day`` in ``zone``, in milliseconds since the epoch."""
    return int(datetime.combine(day, time(0), zone).timestamp() * 1000)


def day_of(time_ms: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(time_ms / 1000, zone).date()


def _offset_ms(moment_ms: int, zone: ZoneInfo) -> int:
    offset = datetime.fromtimestamp(moment_ms / 1000, zone).utcoffset()
    return int(offset.total_seconds() * 1000) if offset else 0


def offset_segments(zone: ZoneInfo, start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """The zone's UTC offsets over [start, end): (from this time on, this offset) pairs."""
    segments = [(start_ms, _offset_ms(start_ms, zone))]
    moment = start_ms
    while moment < end_ms:
        step = min(moment + OFFSET_STEP_MS, end_ms)
        if _offset_ms(step, zone) != segments[-1][1]:
            low, high = moment, step  # the offset changes after low, by high
            while high - low > 1:
                middle = (low + high) // 2
                if _offset_ms(middle, zone) == segments[-1][1]:
                    low = middle
                else:
                    high = middle
            segments.append((high, _offset_ms(high, zone)))
        moment = step
    return segments


def _number(value: int):
    # Whole numbers computed here, written into the SQL: typed as the column they meet.
    return literal_column(str(int(value)), BigInteger)


def local_day_number(column, zone: ZoneInfo, start_ms: int, end_ms: int):
    """SQL for the user's day (days since 1970-01-01) of a time column in milliseconds."""
    segments = offset_segments(zone, start_ms, end_ms)
    offset = _number(segments[0][1])
    if len(segments) > 1:
        offset = case(
            *[
                (column < _number(starts), _number(before))
                for (_, before), (starts, _) in pairwise(segments)
            ],
            else_=_number(segments[-1][1]),
        )
    return (column + offset) // _number(DAY_MS)


def project_days(
    user: User,
    first: date,
    last: date,
    gap_minutes: int,
    cutoffs: Mapping[tuple[date, int], int] | None = None,
) -> list[ProjectDay]:
    """Editor time per day and project from ``first`` to ``last`` (the user's days).

    ``cutoffs`` maps a (day, project id) to a time: only that project's time after it is
    counted that day (what a logged or dismissed suggestion covered is not counted again).
    One query; the heartbeats never leave the database.
    """
    zone = user_zone(user)
    start_ms = day_start_ms(first, zone)
    end_ms = day_start_ms(last + timedelta(days=1), zone)
    following = func.lead(Heartbeat.time_ms).over(order_by=Heartbeat.time_ms)
    stream = (
        select(
            Heartbeat.project_id,
            Heartbeat.time_ms,
            local_day_number(Heartbeat.time_ms, zone, start_ms, end_ms).label("day"),
            (func.coalesce(following, Heartbeat.time_ms) - Heartbeat.time_ms).label("gap"),
        )
        .where(
            Heartbeat.user_id == user.id,
            Heartbeat.time_ms >= start_ms,
            # The heartbeats just after the range: the last one in it may run on to them.
            Heartbeat.time_ms < end_ms + gap_minutes * 60_000,
        )
        .subquery()
    )
    credit = case((stream.c.gap <= _number(gap_minutes * 60_000), stream.c.gap), else_=0)
    cutoff = _number(0)
    if cutoffs:
        cutoff = case(
            *[
                (
                    and_(
                        stream.c.day == _number((day - EPOCH).days),
                        stream.c.project_id == _number(project_id),
                    ),
                    _number(until),
                )
                for (day, project_id), until in cutoffs.items()
            ],
            else_=0,
        )
    credited = (
        select(
            stream.c.day,
            stream.c.project_id,
            stream.c.time_ms,
            credit.label("credit"),
            cutoff.label("cutoff"),
        )
        .where(stream.c.time_ms < _number(end_ms))
        .subquery()
    )
    end = credited.c.time_ms + credited.c.credit
    counted = case(
        (credited.c.time_ms >= credited.c.cutoff, credited.c.credit),
        (end > credited.c.cutoff, end - credited.c.cutoff),
        else_=0,
    )
    rows = db.session.execute(
        select(
            credited.c.day,
            credited.c.project_id,
            func.sum(counted),
            func.max(end),
        )
        .group_by(credited.c.day, credited.c.project_id)
        .order_by(credited.c.day, credited.c.project_id)
    )
    return [
        ProjectDay(EPOCH + timedelta(days=int(day)), project_id, int(ms or 0), int(until))
        for day, project_id, ms, until in rows
    ]
