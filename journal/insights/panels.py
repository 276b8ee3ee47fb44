"""What each dashboard panel shows, composed from the aggregates in services.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..clock import week_bounds
from ..roadmap.queries import StageRef, stage_refs
from . import services
from .ranges import DateRange
from .streaks import Streaks, find_streaks

if TYPE_CHECKING:
    from ..auth.models import User

# "The current pace" is the average over the days studied so far, today included: the
# last four weeks at most (PACE_DAYS), a week at least (PACE_MIN_DAYS; see pace_days).
PACE_DAYS = 28
PACE_MIN_DAYS = 7
# The week's hours spread over this many stages or more earn a gentle word on focus.
FOCUS_SPREAD = 3


@dataclass(frozen=True)
class StageRow:
    stage: StageRef
    minutes: int
    bar: float  # length of its bar, 0 to 100, against the largest row
    share: int  # percent of all the minutes shown


def stage_rows(
    stages: dict[int, StageRef], minutes: dict[int, int], *, idle: bool = True
) -> list[StageRow]:
    """A row per stage in roadmap order; ``idle`` keeps active stages without minutes."""
    total = sum(minutes.values())
    peak = max(minutes.values(), default=0)
    rows = []
    for stage in stages.values():
        spent = minutes.get(stage.id, 0)
        if not spent and (stage.archived or not idle):
            continue
        bar = round(spent * 100 / peak, 2) if peak else 0
        share = round(spent * 100 / total) if total else 0
        rows.append(StageRow(stage, spent, bar, share))
    return rows


@dataclass(frozen=True)
class RangePanel:
    range: DateRange
    rows: list[StageRow]
    totals: services.Totals


def range_panel(user: User, chosen: DateRange) -> RangePanel:
    """Hours per stage and the totals of the chosen range: two aggregates."""
    by_stage = services.minutes_by_stage(user, chosen.first, chosen.last)
    totals = services.totals(user, chosen.first, chosen.last)
    return RangePanel(chosen, stage_rows(stage_refs(user), by_stage), totals)


@dataclass(frozen=True)
class WeekGoal:
    first: date
    last: date
    today: date
    minutes: int
    goal: int
    rows: list[StageRow]  # stages studied this week, in roadmap order

    @property
    def percent(self) -> int:
        return round(self.minutes * 100 / self.goal) if self.goal else 0

    @property
    def bar(self) -> float:
        return min(100, round(self.minutes * 100 / self.goal, 2)) if self.goal else 0

    @property
    def remaining(self) -> int:
        return max(0, self.goal - self.minutes)

    @property
    def days_left(self) -> int:
        """Days left in the week, today included."""
        return max(0, (self.last - self.today).days + 1)

    @property
    def per_day(self) -> int:
        """Minutes a day, from today to the week's end, that reach the goal."""
        if not self.remaining or not self.days_left:
            return 0
        return -(-self.remaining // self.days_left)

    @property
    def spread(self) -> int:
        return len(self.rows)

    @property
    def unfocused(self) -> bool:
        return self.spread >= FOCUS_SPREAD

    @property
    def top(self) -> StageRow | None:
        return max(self.rows, key=lambda row: row.minutes, default=None)


def week_goal(user: User, today: date) -> WeekGoal:
    """This week (the user's weeks) against the weekly goal, and its spread over stages."""
    first, last = week_bounds(today, user.week_start)
    by_stage = services.minutes_by_stage(user, first, last)
    rows = stage_rows(stage_refs(user), by_stage, idle=False)
    minutes = sum(by_stage.values())
    return WeekGoal(first, last, today, minutes, user.weekly_goal_minutes, rows)


@dataclass(frozen=True)
class StreakPanel:
    streaks: Streaks
    today_minutes: int
    minimum: int
    rest_days: int

    @property
    def today_missing(self) -> int:
        return max(0, self.minimum - self.today_minutes)


def streak_panel(user: User, today: date) -> StreakPanel:
    days = services.days_with_at_least(user, user.daily_minimum_minutes, today)
    streaks = find_streaks(
        days, today, rest_days=user.rest_days_per_week, week_start=user.week_start
    )
    today_minutes = services.totals(user, today, today).minutes
    return StreakPanel(streaks, today_minutes, user.daily_minimum_minutes, user.rest_days_per_week)


@dataclass(frozen=True)
class StagePace:
    stage: StageRef
    logged: int
    suggested: int | None  # None: an open-ended stage
    topics: services.TopicCounts
    finish: date | None = None  # projected, at the current pace

    @property
    def percent(self) -> int | None:
        if not self.suggested:
            return None
        return round(self.logged * 100 / self.suggested)

    @property
    def bar(self) -> float:
        if not self.suggested:
            return 0
        return min(100, round(self.logged * 100 / self.suggested, 2))

    @property
    def reached(self) -> bool:
        return self.suggested is not None and self.logged >= self.suggested

    @property
    def remaining(self) -> int:
        return max(0, self.suggested - self.logged) if self.suggested else 0


def pace_days(first: date | None, today: date) -> int:
    """The span the pace is measured over: the days from the first entry to today, both
    included, counted as at least a week and at most four weeks.

    An 18-day-old journal is measured over its 18 days, not divided by four weeks; a
    journal of two days counts as a week (two days are too few to project a roadmap from).
    """
    if first is None:
        return PACE_DAYS
    return min(PACE_DAYS, max(PACE_MIN_DAYS, (today - first).days + 1))


@dataclass(frozen=True)
class PacePanel:
    rows: list[StagePace]
    since: date  # the first day of the span the pace is measured over
    recent_minutes: int  # in that span
    goal: int
    days: int = PACE_DAYS  # the span's length, see pace_days
    first: date | None = None  # the first entry of the journal

    @property
    def weekly_pace(self) -> int:
        return round(self.recent_minutes * 7 / self.days)

    @property
    def since_first_entry(self) -> bool:
        """Whether the span starts at the first entry (a journal under four weeks old)."""
        return self.days < PACE_DAYS

    @property
    def planned(self) -> list[StagePace]:
        return [row for row in self.rows if row.suggested]

    @property
    def all_reached(self) -> bool:
        return bool(self.planned) and all(row.reached for row in self.planned)

    @property
    def finish(self) -> date | None:
        """When the last stage with a suggested length is reached, at the current pace."""
        dates = [row.finish for row in self.planned if not row.reached]
        return dates[-1] if dates and all(dates) else None


def pace_panel(user: User, today: date) -> PacePanel:
    """Per active stage: hours against the suggestion, topics done, the projected finish.

    Stages are taken in roadmap order at the current pace (see pace_days): a stage is
    projected to finish once the hours still missing up to and including it are done.
    """
    # Entries before the span are at least PACE_DAYS old, so the last four weeks' minutes
    # are the span's minutes, whatever its length.
    minutes = services.stage_minutes_with_recent(user, today - timedelta(days=PACE_DAYS - 1))
    topics = services.topic_counts(user)
    recent = sum(row.recent for row in minutes.values())
    first = min((row.first for row in minutes.values() if row.first), default=None)
    days = pace_days(first, today)
    since = today - timedelta(days=days - 1)
    rows: list[StagePace] = []
    missing = 0
    for stage in stage_refs(user).values():
        if stage.archived:
            continue
        logged = minutes[stage.id].total if stage.id in minutes else 0
        suggested = (
            stage.suggested_weeks * user.weekly_goal_minutes if stage.suggested_weeks else None
        )
        finish = None
        if suggested is not None and logged < suggested:
            missing += suggested - logged
            if recent:
                finish = today + timedelta(days=-(-missing * days // recent))
        counts = topics.get(stage.id, services.TopicCounts())
        rows.append(StagePace(stage, logged, suggested, counts, finish))
    return PacePanel(rows, since, recent, user.weekly_goal_minutes, days, first)
