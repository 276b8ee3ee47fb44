"""The SQL aggregates every insight is built from, each scoped to one user.

Sums are grouped in SQL (per stage, per day, per day and stage); weeks, streaks and
projections are composed in Python from those few rows. Only portable SQL: no date
functions, so the same queries run on SQLite and PostgreSQL. Every query reads live
entries of one user through ``ix_entries_user_live_date``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from ..entries.models import Entry
from ..extensions import db
from ..roadmap.models import Stage, Topic


@dataclass(frozen=True)
class Totals:
    minutes: int
    entries: int
    active_days: int
    first_day: date | None = None

    @property
    def minutes_per_active_day(self) -> int:
        return round(self.minutes / self.active_days) if self.active_days else 0


@dataclass(frozen=True)
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


def _live(user, first: date | None = None, last: date | None = None) -> list:
    conditions = [Entry.user_id == user.id, Entry.deleted_at.is_(None)]
    if first is not None:
        conditions.append(Entry.study_date >= first)
    if last is not None:
        conditions.append(Entry.study_date <= last)
    return conditions


def stages_by_id(user) -> dict[int, Stage]:
    """Every stage of the user, archived too (old entries keep theirs), in roadmap order."""
    query = (
        select(Stage)
        .where(Stage.user_id == user.id)
        .order_by(Stage.archived_at.is_not(None), Stage.position, Stage.id)
    )
    return {stage.id: stage for stage in db.session.scalars(query)}


def totals(user, first: date | None = None, last: date | None = None) -> Totals:
    """Minutes, entries and days with an entry from ``first`` to ``last`` (None: no bound)."""
    minutes, entries, days, first_day = db.session.execute(
        select(
            func.coalesce(func.sum(Entry.minutes), 0),
            func.count(Entry.id),
            func.count(func.distinct(Entry.study_date)),
            func.min(Entry.study_date),
        ).where(*_live(user, first, last))
    ).one()
    return Totals(int(minutes), int(entries), int(days), first_day)


def minutes_by_stage(user, first: date | None = None, last: date | None = None) -> dict[int, int]:
    """Minutes per stage from ``first`` to ``last``; stages without an entry are left out."""
    rows = db.session.execute(
        select(Entry.stage_id, func.coalesce(func.sum(Entry.minutes), 0))
        .where(*_live(user, first, last))
        .group_by(Entry.stage_id)
    )
    return {stage_id: int(minutes) for stage_id, minutes in rows}


def minutes_by_day_and_stage(user, first: date, last: date) -> list[DayStage]:
    """Minutes per day and stage from ``first`` to ``last``: at most days times stages rows."""
    rows = db.session.execute(
        select(Entry.study_date, Entry.stage_id, func.coalesce(func.sum(Entry.minutes), 0))
        .where(*_live(user, first, last))
        .group_by(Entry.study_date, Entry.stage_id)
        .order_by(Entry.study_date)
    )
    return [DayStage(day, stage_id, int(minutes)) for day, stage_id, minutes in rows]


def days_with_at_least(user, minimum: int, last: date) -> list[date]:
    """Every day up to ``last`` whose minutes reach ``minimum``, oldest first."""
    total = func.sum(Entry.minutes)
    query = (
        select(Entry.study_date)
        .where(*_live(user, None, last))
        .group_by(Entry.study_date)
        .having(total >= minimum)
        .order_by(Entry.study_date)
    )
    return list(db.session.scalars(query))


def stage_minutes_with_recent(user, since: date) -> dict[int, StageMinutes]:
    """Per stage: all minutes ever, those dated ``since`` or later, and the first day, in
    one pass."""
    recent = func.sum(case((Entry.study_date >= since, Entry.minutes), else_=0))
    rows = db.session.execute(
        select(
            Entry.stage_id,
            func.coalesce(func.sum(Entry.minutes), 0),
            func.coalesce(recent, 0),
            func.min(Entry.study_date),
        )
        .where(*_live(user))
        .group_by(Entry.stage_id)
    )
    return {
        stage_id: StageMinutes(int(total), int(late), first)
        for stage_id, total, late, first in rows
    }


def topic_counts(user) -> dict[int, TopicCounts]:
    """Per stage: its active topics, and how many are learning, done or skipped."""
    rows = db.session.execute(
        select(Topic.stage_id, Topic.state, func.count(Topic.id))
        .where(Topic.user_id == user.id, Topic.archived_at.is_(None))
        .group_by(Topic.stage_id, Topic.state)
    )
    counts: dict[int, dict[str, int]] = {}
    for stage_id, state, count in rows:
        bucket = counts.setdefault(stage_id, {"total": 0})
        bucket["total"] += int(count)
        if state:
            bucket[state] = int(count)
    return {stage_id: TopicCounts(**bucket) for stage_id, bucket in counts.items()}
