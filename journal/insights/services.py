"""The SQL aggregates every insight is built from, each scoped to one user.

Sums are grouped in SQL (per stage, per day, per day and stage); weeks, streaks and
projections are composed in Python from those few rows. Only portable SQL: no date
functions, so the same queries run on SQLite and PostgreSQL. Every query reads live
entries of one user through ``ix_entries_user_live_date``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, case, func, select

from ..entries.models import Entry
from ..entries.queries import live
from ..extensions import db
from ..roadmap.models import Topic

if TYPE_CHECKING:
    from ..auth.models import User


@dataclass(frozen=True)
class Totals:
    minutes: int
    entries: int
    active_days: int
    first_day: date | None = None

    @property
    def minutes_per_active_day(self) -> int:
        return round(self.minutes / self.active_days) if self.active_days else 0


# A row per day and stage, hundreds a page: slots and no frozen check (see DayCell).
@dataclass(slots=True)
class DayStage:
    day: date
    stage_id: int
    minutes: int


@dataclass(frozen=True)
class StageMinutes:
    total: int
    recent: int
    first: date | None = None  # the stage's earliest entry


@dataclass(frozen=True)
class TopicCounts:
    total: int = 0
    learning: int = 0
    done: int = 0
    skipped: int = 0

    @property
    def percent_done(self) -> int:
        return round(self.done * 100 / self.total) if self.total else 0


# Each statement is built once, with bound parameters, and kept: building a SQLAlchemy
# statement (and its cache key) cost more than SQLite took to run it, on every request.
USER, FIRST, LAST = bindparam("user_id"), bindparam("first"), bindparam("last")
SINCE, MINIMUM = bindparam("since"), bindparam("minimum")


def _run(statement, parameters: dict):
    """Run a prebuilt aggregate on the session's connection: plain rows, without the ORM's
    per-row work (a streak reads ten years of days)."""
    return db.session.connection().execute(statement, parameters)


def _live(first: bool = False, last: bool = False) -> list:
    """One user's live entries, dated from ``:first`` and up to ``:last`` when asked."""
    conditions = live(USER)
    if first:
        conditions.append(Entry.study_date >= FIRST)
    if last:
        conditions.append(Entry.study_date <= LAST)
    return conditions


def _bounds(user: User, first: date | None, last: date | None) -> tuple[tuple[bool, bool], dict]:
    """Which bounds a statement needs, and the parameters to run it with."""
    return (first is not None, last is not None), {"user_id": user.id, "first": first, "last": last}


@cache
def _totals_statement(bounds: tuple[bool, bool]):
    return select(
        func.coalesce(func.sum(Entry.minutes), 0),
        func.count(Entry.id),
        func.count(func.distinct(Entry.study_date)),
        func.min(Entry.study_date),
    ).where(*_live(*bounds))


def totals(user: User, first: date | None = None, last: date | None = None) -> Totals:
    """Minutes, entries and days with an entry from ``first`` to ``last`` (None: no bound)."""
    bounds, parameters = _bounds(user, first, last)
    minutes, entries, days, first_day = _run(_totals_statement(bounds), parameters).one()
    return Totals(int(minutes), int(entries), int(days), first_day)


@cache
def _by_stage_statement(bounds: tuple[bool, bool]):
    return (
        select(Entry.stage_id, func.coalesce(func.sum(Entry.minutes), 0))
        .where(*_live(*bounds))
        .group_by(Entry.stage_id)
    )


def minutes_by_stage(
    user: User, first: date | None = None, last: date | None = None
) -> dict[int, int]:
    """Minutes per stage from ``first`` to ``last``; stages without an entry are left out."""
    bounds, parameters = _bounds(user, first, last)
    rows = _run(_by_stage_statement(bounds), parameters).all()
    return {stage_id: int(minutes) for stage_id, minutes in rows}


@cache
def _by_day_and_stage_statement():
    return (
        select(Entry.study_date, Entry.stage_id, func.coalesce(func.sum(Entry.minutes), 0))
        .where(*_live(True, True))
        .group_by(Entry.study_date, Entry.stage_id)
        .order_by(Entry.study_date)
    )


def minutes_by_day_and_stage(user: User, first: date, last: date) -> list[DayStage]:
    """Minutes per day and stage from ``first`` to ``last``: at most days times stages rows."""
    _, parameters = _bounds(user, first, last)
    rows = _run(_by_day_and_stage_statement(), parameters).all()
    return [DayStage(day, stage_id, int(minutes)) for day, stage_id, minutes in rows]


@cache
def _days_statement():
    return (
        select(Entry.study_date)
        .where(*_live(False, True))
        .group_by(Entry.study_date)
        .having(func.sum(Entry.minutes) >= MINIMUM)
        .order_by(Entry.study_date)
    )


def days_with_at_least(user: User, minimum: int, last: date) -> list[date]:
    """Every day up to ``last`` whose minutes reach ``minimum``, oldest first."""
    parameters = {"user_id": user.id, "last": last, "minimum": minimum}
    return _run(_days_statement(), parameters).scalars().all()


@cache
def _stage_minutes_statement():
    recent = func.sum(case((Entry.study_date >= SINCE, Entry.minutes), else_=0))
    return (
        select(
            Entry.stage_id,
            func.coalesce(func.sum(Entry.minutes), 0),
            func.coalesce(recent, 0),
            func.min(Entry.study_date),
        )
        .where(*_live())
        .group_by(Entry.stage_id)
    )


def stage_minutes_with_recent(user: User, since: date) -> dict[int, StageMinutes]:
    """Per stage: all minutes ever, those dated ``since`` or later, and the first day, in
    one pass."""
    rows = _run(_stage_minutes_statement(), {"user_id": user.id, "since": since}).all()
    return {
        stage_id: StageMinutes(int(total), int(late), first)
        for stage_id, total, late, first in rows
    }


@cache
def _topic_counts_statement():
    return (
        select(Topic.stage_id, Topic.state, func.count(Topic.id))
        .where(Topic.user_id == USER, Topic.archived_at.is_(None))
        .group_by(Topic.stage_id, Topic.state)
    )


def topic_counts(user: User) -> dict[int, TopicCounts]:
    """Per stage: its active topics, and how many are learning, done or skipped."""
    rows = _run(_topic_counts_statement(), {"user_id": user.id}).all()
    counts: dict[int, dict[str, int]] = {}
    for stage_id, state, count in rows:
        bucket = counts.setdefault(stage_id, {"total": 0})
        bucket["total"] += int(count)
        if state:
            bucket[state] = int(count)
    return {stage_id: TopicCounts(**bucket) for stage_id, bucket in counts.items()}
