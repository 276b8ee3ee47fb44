"""The two charts built from minutes per day and stage: weeks stacked by stage, and the
calendar of the last 365 days. Geometry is computed here; the Jinja macros only draw."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from ..clock import week_bounds
from ..editor.suggestions import coded_days
from ..roadmap.queries import StageRef, stage_refs
from ..templating import MONTHS, day_label, duration_text
from . import services

if TYPE_CHECKING:
    from ..auth.models import User

WEEK_SPANS = (12, 52)
CALENDAR_DAYS = 365
# Calendar geometry, in pixels: the SVG is drawn at its natural size and scrolls.
CELL, GAP = 11, 2
STEP = CELL + GAP
LEFT, TOP = 30, 16
# Axis steps for the weekly chart, in hours.
NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200)


@dataclass(frozen=True)
class Segment:
    stage: StageRef
    minutes: int
    y: float  # top of the segment, in chart units (0 top, 100 bottom)
    height: float


@dataclass(frozen=True)
class WeekBar:
    first: date
    last: date
    minutes: int
    segments: list[Segment]


@dataclass(frozen=True)
class WeekLabel:
    """What is written under a week's column: its first day, and the month where it
    changes (12 weeks), or the month alone where a new one starts (52 weeks)."""

    day: str
    month: str


@dataclass(frozen=True)
class WeeksChart:
    span: int
    weeks: list[WeekBar]
    axis_hours: list[int]  # gridline labels, top (the axis maximum) to bottom (0)
    goal: int
    goal_y: float
    legend: list[StageRef]

    @property
    def labels(self) -> list[WeekLabel]:
        return week_labels([week.first for week in self.weeks], by_month=self.span > 12)

    @property
    def minutes(self) -> int:
        return sum(week.minutes for week in self.weeks)

    @property
    def width(self) -> int:
        return self.span * 10


def weeks_chart(user: User, today: date, span: int) -> WeeksChart:
    """Hours per week over the last ``span`` weeks (this one included), stacked by stage."""
    current, _ = week_bounds(today, user.week_start)
    firsts = [current - timedelta(weeks=n) for n in range(span - 1, -1, -1)]
    rows = services.minutes_by_day_and_stage(user, firsts[0], current + timedelta(days=6))
    per_week: dict[date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        per_week[week_bounds(row.day, user.week_start)[0]][row.stage_id] += row.minutes
    stages = stage_refs(user)
    goal = user.weekly_goal_minutes
    # Room above the goal line, so it never sits on the chart's top edge.
    peak = max([sum(per_week[first].values()) for first in firsts] + [goal * 11 // 10 + 1])
    axis_max, step = _nice_axis(peak)
    weeks = []
    for first in firsts:
        y = 100.0
        segments = []
        for stage in stages.values():
            spent = per_week[first].get(stage.id, 0)
            if spent:
                height = round(spent * 100 / axis_max, 3)
                y = round(y - height, 3)
                segments.append(Segment(stage, spent, y, height))
        weeks.append(
            WeekBar(first, first + timedelta(days=6), sum(per_week[first].values()), segments)
        )
    seen = {segment.stage.id for week in weeks for segment in week.segments}
    legend = [stage for stage in stages.values() if stage.id in seen]
    axis = list(range(axis_max // 60, -1, -step))
    goal_y = round(100 - goal * 100 / axis_max, 3)
    return WeeksChart(span, weeks, axis, goal, goal_y, legend)


def week_labels(firsts: list[date], *, by_month: bool) -> list[WeekLabel]:
    """A label per week: every week's day of the month, the month's name under the first
    week and wherever the month changes; ``by_month``: only the months' names."""
    labels = []
    for index, first in enumerate(firsts):
        new_month = index == 0 or first.month != firsts[index - 1].month
        month = MONTHS[first.month - 1] if new_month else ""
        if by_month and index == 0 and len(firsts) > 1:
            # The first week's month only when that month lasts two weeks more on the chart.
            month = month if all(day.month == first.month for day in firsts[1:3]) else ""
        labels.append(WeekLabel("" if by_month else str(first.day), month))
    return labels


def _nice_axis(peak_minutes: int) -> tuple[int, int]:
    """The axis maximum (minutes, whole hours) and gridline step (hours): 2 to 4 lines."""
    hours = max(peak_minutes / 60, 1)
    step = next((s for s in NICE_STEPS if hours / s <= 4), NICE_STEPS[-1])
    return math.ceil(hours / step) * step * 60, step


# Made 365 times a page: slots and no frozen check (a frozen dataclass sets each field
# through object.__setattr__, and made these cells five times slower).
@dataclass(slots=True)
class DayCell:
    day: date
    minutes: int
    level: int  # 0 nothing logged, 1 to 4 quarters of the busiest day
    stages: list[tuple[StageRef, int]]
    x: int
    y: int
    coded: bool = False  # nothing logged, but time in the user's editor
    # What the cell's title and the table write, made once: the day (``Mon 23 Nov``), its
    # time (``1 h 30 min``) and its stages' (``Python 1 h, SQL 30 min``). HTML already: the
    # stage names in ``by_stage`` are escaped, for heatmap_cells and heatmap_rows only.
    label: str = ""
    time: str = ""
    by_stage: str = ""


@dataclass(frozen=True)
class Calendar:
    first: date
    last: date
    cells: list[DayCell]
    months: list[tuple[str, int]]  # label, x
    weekdays: list[tuple[str, int]]  # label, y
    width: int
    height: int
    peak: int

    @property
    def minutes(self) -> int:
        return sum(cell.minutes for cell in self.cells)

    @property
    def active(self) -> list[DayCell]:
        return [cell for cell in self.cells if cell.stages]


def calendar(user: User, today: date) -> Calendar:
    """The last 365 days, today included: a column per week, a row per weekday."""
    first = today - timedelta(days=CALENDAR_DAYS - 1)
    origin, _ = week_bounds(first, user.week_start)
    stages = stage_refs(user)
    per_day: dict[date, list[tuple[StageRef, int]]] = defaultdict(list)
    for row in services.minutes_by_day_and_stage(user, first, today):
        per_day[row.day].append((stages[row.stage_id], row.minutes))
    order = {stage_id: n for n, stage_id in enumerate(stages)}
    peak = max((sum(m for _, m in day) for day in per_day.values()), default=0)
    coded = coded_days(user, first, today)
    # Stage names are the user's own words: escaped once each, for the cells' HTML.
    names = {stage.id: str(escape(stage.name)) for stage in stages.values()}
    cells, months = [], []
    skipped = (first - origin).days  # the days of the first week before ``first``
    for n in range(CALENDAR_DAYS):
        day = first + timedelta(days=n)
        column, row = divmod(skipped + n, 7)
        x, y = LEFT + column * STEP, TOP + row * STEP
        studied = per_day.get(day)
        label = day_label(day, year=today.year)
        if studied:
            breakdown = sorted(studied, key=lambda item: order[item[0].id])
            minutes = sum(m for _, m in breakdown)
            level = math.ceil(minutes * 4 / peak) if minutes else 0  # unknown durations: 0
            by_stage = ", ".join(
                f"{names[stage.id]} {duration_text(spent)}" for stage, spent in breakdown
            )
            time = duration_text(minutes)
            cell = DayCell(
                day, minutes, level, breakdown, x, y, label=label, time=time, by_stage=by_stage
            )
        else:
            cell = DayCell(day, 0, 0, [], x, y, coded=day in coded, label=label)
        cells.append(cell)
        if day.day == 1 or n == 0:
            months.append((MONTHS[day.month - 1], x))
    # A label for the partial first month only when there is room before the next one.
    if len(months) > 1 and months[1][1] - months[0][1] < 3 * STEP:
        months.pop(0)
    weekdays = []
    for row in range(7):
        day = origin + timedelta(days=row)
        if day.weekday() in (0, 2, 4):
            weekdays.append((f"{day:%a}", TOP + row * STEP + CELL - 2))
    columns = (today - origin).days // 7 + 1
    return Calendar(
        first,
        today,
        cells,
        months,
        weekdays,
        width=LEFT + columns * STEP,
        height=TOP + 7 * STEP,
        peak=peak,
    )


def heatmap_cells(cal: Calendar) -> Markup:
    """The calendar's 365 cells as SVG. Built here rather than in a template loop: each
    cell carries a title, and in a Jinja loop they were the dashboard's heaviest part."""
    last = len(cal.cells) - 1
    parts = []
    for number, cell in enumerate(cal.cells):
        if cell.stages:
            title = f"{cell.label}: {cell.time} — {cell.by_stage}"
        else:
            title = f"{cell.label}: {'coded, not logged' if cell.coded else 'nothing logged'}"
        minutes = f' data-minutes="{cell.minutes}"' if cell.minutes else ""
        coded = " heat-coded" if cell.coded else ""
        parts.append(
            f'<rect class="heat heat-{cell.level}{coded}" x="{cell.x}" y="{cell.y}" width="11" '
            f'height="11" rx="2" tabindex="{0 if number == last else -1}" '
            f'data-day="{cell.day.isoformat()}"{minutes}><title>{title}</title></rect>'
        )
    return Markup("\n".join(parts))


def heatmap_rows(cal: Calendar) -> Markup:
    """The calendar's text alternative: a table row for every day studied, newest first."""
    rows = [
        f'<tr><th scope="row">{cell.label}</th><td>{cell.time}</td><td>{cell.by_stage}</td></tr>'
        for cell in reversed(cal.active)
    ]
    return Markup("\n".join(rows))
