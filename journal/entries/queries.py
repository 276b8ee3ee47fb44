"""Reading entries: a day, recent days, this week, and the filtered, paged journal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, func, or_, select

from ..clock import week_bounds
from ..extensions import db
from ..roadmap.models import Stage
from ..validation import clean_text, parse_date_range, parse_id
from .models import Entry, EntryTag
from .notes import clean_tag
from .services import ENTRY_LOAD, live_entries

if TYPE_CHECKING:
    from ..auth.models import User

NEWEST_FIRST = (Entry.study_date.desc(), Entry.id.desc())
SEARCH_MAX = 200


def entries_between(user: User, first: date, last: date) -> list[Entry]:
    """Entries dated from ``first`` to ``last`` inclusive, newest first."""
    query = live_entries(user).where(Entry.study_date.between(first, last))
    return list(db.session.scalars(query.options(*ENTRY_LOAD).order_by(*NEWEST_FIRST)))


def today_entries(user: User, today: date) -> list[Entry]:
    """What the day's list shows: today's entries, and those dated tomorrow (allowed ahead)."""
    return entries_between(user, today, today + timedelta(days=1))


@dataclass(frozen=True)
class WeekSummary:
    first: date
    last: date
    minutes: int
    entries: int
    days: list[tuple[date, int]]

    @property
    def active_days(self) -> int:
        return sum(1 for _, minutes in self.days if minutes)


def week_summary(user: User, today: date, week_start: int | None = None) -> WeekSummary:
    """Minutes studied in the week holding ``today``, in total and per day.

    The week begins on the user's chosen day (Monday or Sunday) unless ``week_start`` says.
    """
    if week_start is None:
        week_start = user.week_start
    first, last = week_bounds(today, week_start)
    rows = db.session.execute(
        select(Entry.study_date, func.coalesce(func.sum(Entry.minutes), 0), func.count(Entry.id))
        .where(
            Entry.user_id == user.id,
            Entry.deleted_at.is_(None),
            Entry.study_date.between(first, last),
        )
        .group_by(Entry.study_date)
    ).all()
    by_day = {row[0]: (int(row[1]), int(row[2])) for row in rows}
    days = [
        (first + timedelta(days=n), by_day.get(first + timedelta(days=n), (0, 0))[0])
        for n in range(7)
    ]
    return WeekSummary(
        first=first,
        last=last,
        minutes=sum(minutes for minutes, _ in by_day.values()),
        entries=sum(count for _, count in by_day.values()),
        days=days,
    )


@dataclass
class JournalFilters:
    stage_id: int | None = None
    tag: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    # Only entries whose duration is unknown (imported from a tool that records none).
    unknown_duration: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(
            self.stage_id
            or self.tag
            or self.date_from
            or self.date_to
            or self.q
            or self.unknown_duration
        )

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for links that keep them."""
        args = {
            "stage": str(self.stage_id or ""),
            "tag": self.tag,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "q": self.q,
            "duration": "unknown" if self.unknown_duration else "",
        }
        return {key: value for key, value in args.items() if value}


def parse_filters(args: Mapping[str, str]) -> JournalFilters:
    """Read the journal's filters; a bad one is left out and explained in ``errors``."""
    filters = JournalFilters()
    stage = (args.get("stage") or "").strip()
    if stage:
        filters.stage_id = parse_id(stage)
        if filters.stage_id is None:
            filters.errors["stage"] = "Stage: choose a stage from the list."
    filters.tag = clean_tag(clean_text(args.get("tag")))[:50]
    filters.date_from, filters.date_to, date_errors = parse_date_range(args)
    filters.errors.update(date_errors)
    filters.q = " ".join(clean_text(args.get("q")).split())[:SEARCH_MAX]
    filters.unknown_duration = (args.get("duration") or "").strip() == "unknown"
    return filters


@dataclass(frozen=True)
class DayGroup:
    """A day's entries as a list shows them, under a heading with the day's total."""

    day: date
    minutes: int
    entries: list[Entry]
    # The day began on the page before (Load more): its heading is there already.
    continued: bool = False


def group_by_day(
    entries: Iterable[Entry],
    totals: Mapping[date, int] | None = None,
    *,
    continued_day: date | None = None,
) -> list[DayGroup]:
    """``entries`` (newest first) in one group per day. A day's total is taken from
    ``totals`` when the list shows only part of the day, else added up from its entries."""
    groups = []
    for day, of_day in groupby(entries, key=lambda entry: entry.study_date):
        rows = list(of_day)
        minutes = totals.get(day, 0) if totals is not None else sum(e.minutes or 0 for e in rows)
        groups.append(DayGroup(day, minutes, rows, continued=day == continued_day))
    return groups


@dataclass(frozen=True)
class JournalTotals:
    entries: int
    minutes: int


@dataclass(frozen=True)
class JournalPage:
    entries: list[Entry]
    next_cursor: str | None
    totals: JournalTotals
    days: list[DayGroup] = field(default_factory=list)

    @property
    def total_entries(self) -> int:
        return self.totals.entries

    @property
    def total_minutes(self) -> int:
        return self.totals.minutes


def journal_page(
    user: User, filters: JournalFilters, *, cursor: str | None, limit: int
) -> JournalPage:
    """One page of the journal, newest first, starting after ``cursor``, grouped by day."""
    conditions = _conditions(user, filters)
    query = select(Entry).where(*conditions)
    after = None
    if cursor:
        after = parse_cursor(cursor)
        if after is None:
            # A cursor no page of ours made: nothing follows it (never page one again).
            return JournalPage([], None, JournalTotals(0, 0))
        day, entry_id = after
        query = query.where(
            or_(Entry.study_date < day, and_(Entry.study_date == day, Entry.id < entry_id))
        )
    rows = list(
        db.session.scalars(query.options(*ENTRY_LOAD).order_by(*NEWEST_FIRST).limit(limit + 1))
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = f"{rows[-1].study_date.isoformat()}.{rows[-1].id}"
    totals = day_totals(user, filters, {row.study_date for row in rows})
    days = group_by_day(rows, totals, continued_day=after[0] if after else None)
    return JournalPage(rows, next_cursor, journal_totals(user, filters), days)


def journal_totals(user: User, filters: JournalFilters) -> JournalTotals:
    """How many entries match ``filters``, and their minutes."""
    count, minutes = db.session.execute(
        select(func.count(Entry.id), func.coalesce(func.sum(Entry.minutes), 0)).where(
            *_conditions(user, filters)
        )
    ).one()
    return JournalTotals(int(count), int(minutes))


def day_totals(user: User, filters: JournalFilters, days: Iterable[date]) -> dict[date, int]:
    """The minutes of the entries matching ``filters`` on each of ``days``."""
    days = set(days)
    if not days:
        return {}
    rows = db.session.execute(
        select(Entry.study_date, func.coalesce(func.sum(Entry.minutes), 0))
        .where(*_conditions(user, filters), Entry.study_date.in_(days))
        .group_by(Entry.study_date)
    )
    return {day: int(minutes) for day, minutes in rows}


def _conditions(user: User, filters: JournalFilters) -> list:
    conditions = [Entry.user_id == user.id, Entry.deleted_at.is_(None)]
    if filters.stage_id:
        conditions.append(Entry.stage_id == filters.stage_id)
    if filters.tag:
        # By prefix: "sq" finds #sql and #sqlite, "python" finds #python/async.
        tagged = EntryTag.name.startswith(filters.tag, autoescape=True)
        conditions.append(exists().where(EntryTag.entry_id == Entry.id, tagged))
    if filters.date_from:
        conditions.append(Entry.study_date >= filters.date_from)
    if filters.date_to:
        conditions.append(Entry.study_date <= filters.date_to)
    if filters.unknown_duration:
        conditions.append(Entry.minutes.is_(None))
    for word in filters.q.split():
        conditions.append(Entry.notes.ilike(f"%{_escape_like(word)}%", escape="\\"))
    return conditions


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parse_cursor(cursor: str) -> tuple[date, int] | None:
    """The place a ``next_cursor`` of journal_page points at, or None for anything else."""
    day, _, entry_id = cursor.partition(".")
    try:
        day_value = date.fromisoformat(day)
    except ValueError:
        return None
    number = parse_id(entry_id)
    return None if number is None else (day_value, number)


def stage_choices(user: User, *, keep: int | None = None, archived: bool = False) -> list[Stage]:
    """Stages for a select: the active ones, plus the archived one an entry already has,
    or every archived one too (``archived=True``, for filters over history)."""
    query = select(Stage).where(Stage.user_id == user.id)
    if not archived:
        active = Stage.archived_at.is_(None)
        query = query.where(or_(active, Stage.id == keep) if keep else active)
    order = (Stage.archived_at.is_not(None), Stage.position, Stage.id)
    return list(db.session.scalars(query.order_by(*order)))


def last_used_stage_id(user: User) -> int | None:
    """The stage of the most recently created entry: the quick-add form's default."""
    return db.session.scalar(
        live_entries(user).with_only_columns(Entry.stage_id).order_by(Entry.id.desc()).limit(1)
    )


TAG_LIST_MAX = 500


def tag_counts(user: User, limit: int = TAG_LIST_MAX) -> list[tuple[str, int]]:
    """The user's tags with how many live entries carry each, most used first."""
    count = func.count(EntryTag.entry_id)
    rows = db.session.execute(
        select(EntryTag.name, count)
        .join(Entry, Entry.id == EntryTag.entry_id)
        .where(Entry.user_id == user.id, Entry.deleted_at.is_(None))
        .group_by(EntryTag.name)
        .order_by(count.desc(), EntryTag.name)
        .limit(limit)
    )
    return [(name, int(number)) for name, number in rows]
