"""Reading entries: one function per question, each about one user's live entries.

Every area asks here: "this user's live entries" (``live``, ``live_entries``), an entry by
its id, the rows of a day or a week, the Journal's filtered pages and their totals, tags.
Pages read the columns a row shows (SQLAlchemy Core, no ORM objects), with statements
built once and run with bound parameters: building a statement, and its cache key, cost
more than SQLite took to run it. Write modules (services.py) only write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from itertools import groupby
from typing import TYPE_CHECKING

from markupsafe import Markup
from sqlalchemy import and_, bindparam, exists, func, or_, select

from ..clock import week_bounds
from ..extensions import db
from ..roadmap.models import Stage, Topic
from ..roadmap.queries import StageRef
from ..validation import clean_name, clean_text, parse_date_range, parse_id
from .models import Entry, EntryTag, entry_topics
from .notes import clean_tag

if TYPE_CHECKING:
    from ..auth.models import User

SEARCH_MAX = 200

entries, stages, topics, tags = (
    Entry.__table__,
    Stage.__table__,
    Topic.__table__,
    EntryTag.__table__,
)
USER = bindparam("user_id")


def live(user_id) -> list:
    """Where a query keeps one user's live entries (not deleted): every question about
    "this user's entries" starts here. ``user_id`` may be a bound parameter."""
    return [entries.c.user_id == user_id, entries.c.deleted_at.is_(None)]


def live_entries(user):
    """The user's live entries as ORM objects, for code that changes or exports them."""
    return select(Entry).where(*live(user.id))


def get_entry(user: User, entry_id: int, *, include_deleted: bool = False) -> Entry | None:
    """The user's entry with this id, as an ORM object to change; None for anyone else's."""
    query = select(Entry).where(Entry.id == entry_id, Entry.user_id == user.id)
    if not include_deleted:
        query = query.where(Entry.deleted_at.is_(None))
    return db.session.scalar(query)


def entry_with_key(user: User, key: str) -> Entry | None:
    """The entry a create with this idempotency key saved, deleted or not."""
    return db.session.scalar(
        select(Entry).where(Entry.user_id == user.id, Entry.idempotency_key == key)
    )


@dataclass(frozen=True, slots=True)
class TopicRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class EntryRow:
    """An entry as a list, its own page or the API shows it: its columns, its stage, topics
    and (when asked for) tags."""

    id: int
    study_date: date
    minutes: int | None
    notes: str
    notes_html: str
    link: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    stage: StageRef
    topics: tuple[TopicRef, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def stage_id(self) -> int:
        return self.stage.id

    @property
    def notes_markup(self) -> Markup:
        # notes_html was sanitized with nh3 when the entry was saved (see notes.py).
        return Markup(self.notes_html)

    @property
    def tag_names(self) -> list[str]:
        return list(self.tags)


_ROW = select(
    entries.c.id,
    entries.c.study_date,
    entries.c.minutes,
    entries.c.notes,
    entries.c.notes_html,
    entries.c.link,
    entries.c.created_at,
    entries.c.updated_at,
    entries.c.deleted_at,
    stages.c.id,
    stages.c.name,
    stages.c.color,
    stages.c.archived_at.is_not(None),
).join_from(entries, stages, stages.c.id == entries.c.stage_id)
_NEWEST_FIRST = (entries.c.study_date.desc(), entries.c.id.desc())
IDS = bindparam("ids", expanding=True)
_TOPICS = (
    select(entry_topics.c.entry_id, topics.c.id, topics.c.name)
    .join_from(entry_topics, topics, topics.c.id == entry_topics.c.topic_id)
    .where(entry_topics.c.entry_id.in_(IDS))
    .order_by(topics.c.position, topics.c.id)
)
_TAGS = select(tags.c.entry_id, tags.c.name).where(tags.c.entry_id.in_(IDS)).order_by(tags.c.name)


def _rows(statement, parameters: dict, *, with_tags: bool = False) -> list[EntryRow]:
    """Rows of ``statement`` (``_ROW`` narrowed), with their topics (and tags): three
    queries, whatever the number of rows."""
    found = db.session.execute(statement, parameters).all()
    if not found:
        return []
    ids = [row[0] for row in found]
    by_entry: dict[int, list] = {}
    for entry_id, topic_id, name in db.session.execute(_TOPICS, {"ids": ids}):
        by_entry.setdefault(entry_id, []).append(TopicRef(topic_id, name))
    named: dict[int, list[str]] = {}
    if with_tags:
        for entry_id, name in db.session.execute(_TAGS, {"ids": ids}):
            named.setdefault(entry_id, []).append(name)
    return [
        EntryRow(
            *row[:9],
            StageRef(*row[9:]),
            tuple(by_entry.get(row[0], ())),
            tuple(named.get(row[0], ())),
        )
        for row in found
    ]


_ONE = _ROW.where(entries.c.id == bindparam("entry_id"), entries.c.user_id == USER)
_ONE_LIVE = _ONE.where(entries.c.deleted_at.is_(None))


def entry_row(
    user: User, entry_id: int, *, include_deleted=False, with_tags=False
) -> EntryRow | None:
    """The user's entry with this id as pages show it; None for anyone else's."""
    statement = _ONE if include_deleted else _ONE_LIVE
    found = _rows(statement, {"user_id": user.id, "entry_id": entry_id}, with_tags=with_tags)
    return found[0] if found else None


_BETWEEN = _ROW.where(
    *live(USER), entries.c.study_date.between(bindparam("first"), bindparam("last"))
).order_by(*_NEWEST_FIRST)


def entries_between(user: User, first: date, last: date, *, with_tags=False) -> list[EntryRow]:
    """Entries dated from ``first`` to ``last`` inclusive, newest first."""
    parameters = {"user_id": user.id, "first": first, "last": last}
    return _rows(_BETWEEN, parameters, with_tags=with_tags)


def today_entries(user: User, today: date, *, with_tags=False) -> list[EntryRow]:
    """What the day's list shows: today's entries, and those dated tomorrow (allowed ahead)."""
    return entries_between(user, today, today + timedelta(days=1), with_tags=with_tags)


_ON_DAYS = _ROW.where(
    *live(USER), entries.c.study_date.in_(bindparam("days", expanding=True))
).order_by(*_NEWEST_FIRST)


def entries_on(user, days: Iterable[date]) -> list[EntryRow]:
    """Entries dated on any of ``days``, newest first."""
    days = sorted(set(days))
    return _rows(_ON_DAYS, {"user_id": user.id, "days": days}) if days else []


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


_WEEK = (
    select(entries.c.study_date, func.coalesce(func.sum(entries.c.minutes), 0), func.count())
    .where(*live(USER), entries.c.study_date.between(bindparam("first"), bindparam("last")))
    .group_by(entries.c.study_date)
)


def week_summary(user: User, today: date, week_start: int | None = None) -> WeekSummary:
    """Minutes studied in the week holding ``today``, in total and per day.

    The week begins on the user's chosen day (Monday or Sunday) unless ``week_start`` says.
    """
    if week_start is None:
        week_start = user.week_start
    first, last = week_bounds(today, week_start)
    rows = db.session.execute(_WEEK, {"user_id": user.id, "first": first, "last": last})
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
    filters.q = clean_name(args.get("q"))[:SEARCH_MAX]
    filters.unknown_duration = (args.get("duration") or "").strip() == "unknown"
    return filters


@dataclass(frozen=True)
class DayGroup:
    """A day's entries as a list shows them, under a heading with the day's total."""

    day: date
    minutes: int
    entries: list[EntryRow]
    # The day began on the page before (Load more): its heading is there already.
    continued: bool = False


def group_by_day(
    rows: Iterable[EntryRow],
    totals: Mapping[date, int] | None = None,
    *,
    continued_day: date | None = None,
) -> list[DayGroup]:
    """``rows`` (newest first) in one group per day. A day's total is taken from ``totals``
    when the list shows only part of the day, else added up from its entries."""
    groups = []
    for day, of_day in groupby(rows, key=lambda row: row.study_date):
        listed = list(of_day)
        minutes = totals.get(day, 0) if totals is not None else sum(e.minutes or 0 for e in listed)
        groups.append(DayGroup(day, minutes, listed, continued=day == continued_day))
    return groups


@dataclass(frozen=True)
class JournalTotals:
    entries: int
    minutes: int


@dataclass(frozen=True)
class JournalPage:
    entries: list[EntryRow]
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
    user, filters: JournalFilters, *, cursor: str | None, limit: int, with_tags=False
) -> JournalPage:
    """One page of the journal, newest first, starting after ``cursor``, grouped by day."""
    shape, parameters = _filtered(user, filters)
    after = None
    if cursor:
        after = parse_cursor(cursor)
        if after is None:
            # A cursor no page of ours made: nothing follows it (never page one again).
            return JournalPage([], None, JournalTotals(0, 0))
        parameters["after_day"], parameters["after_id"] = after
    parameters["limit"] = limit + 1
    rows = _rows(_page_statement(shape, after is not None), parameters, with_tags=with_tags)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = f"{rows[-1].study_date.isoformat()}.{rows[-1].id}"
    totals = day_totals(user, filters, {row.study_date for row in rows})
    days = group_by_day(rows, totals, continued_day=after[0] if after else None)
    return JournalPage(rows, next_cursor, journal_totals(user, filters), days)


def journal_totals(user: User, filters: JournalFilters) -> JournalTotals:
    """How many entries match ``filters``, and their minutes."""
    shape, parameters = _filtered(user, filters)
    count, minutes = db.session.execute(_totals_statement(shape), parameters).one()
    return JournalTotals(int(count), int(minutes))


def day_totals(user: User, filters: JournalFilters, days: Iterable[date]) -> dict[date, int]:
    """The minutes of the entries matching ``filters`` on each of ``days``."""
    days = sorted(set(days))
    if not days:
        return {}
    shape, parameters = _filtered(user, filters)
    parameters["days"] = days
    rows = db.session.execute(_day_totals_statement(shape), parameters)
    return {day: int(minutes) for day, minutes in rows}


# A filter's shape: which filters are set, and how many words are searched for. Each shape's
# statements are built once; the filters' values are their parameters.
Shape = tuple[bool, bool, bool, bool, bool, int]


def _filtered(user: User, filters: JournalFilters) -> tuple[Shape, dict]:
    words = filters.q.split()
    shape = (
        bool(filters.stage_id),
        bool(filters.tag),
        bool(filters.date_from),
        bool(filters.date_to),
        filters.unknown_duration,
        len(words),
    )
    parameters = {
        "user_id": user.id,
        "stage_id": filters.stage_id,
        # By prefix: "sq" finds #sql and #sqlite, "python" finds #python/async.
        "tag": _escape_like(filters.tag) + "%",
        "date_from": filters.date_from,
        "date_to": filters.date_to,
    }
    for number, word in enumerate(words):
        parameters[f"word_{number}"] = f"%{_escape_like(word)}%"
    return shape, parameters


def _conditions(shape: Shape) -> list:
    stage, tag, date_from, date_to, unknown, words = shape
    conditions = live(USER)
    if stage:
        conditions.append(entries.c.stage_id == bindparam("stage_id"))
    if tag:
        tagged = tags.c.name.like(bindparam("tag"), escape="\\")
        conditions.append(exists().where(tags.c.entry_id == entries.c.id, tagged))
    if date_from:
        conditions.append(entries.c.study_date >= bindparam("date_from"))
    if date_to:
        conditions.append(entries.c.study_date <= bindparam("date_to"))
    if unknown:
        conditions.append(entries.c.minutes.is_(None))
    for number in range(words):
        conditions.append(entries.c.notes.ilike(bindparam(f"word_{number}"), escape="\\"))
    return conditions


@cache
def _page_statement(shape: Shape, after: bool):
    statement = _ROW.where(*_conditions(shape))
    if after:
        day, entry_id = bindparam("after_day"), bindparam("after_id")
        statement = statement.where(
            or_(
                entries.c.study_date < day,
                and_(entries.c.study_date == day, entries.c.id < entry_id),
            )
        )
    return statement.order_by(*_NEWEST_FIRST).limit(bindparam("limit"))


@cache
def _totals_statement(shape: Shape):
    return select(func.count(), func.coalesce(func.sum(entries.c.minutes), 0)).where(
        *_conditions(shape)
    )


@cache
def _day_totals_statement(shape: Shape):
    return (
        select(entries.c.study_date, func.coalesce(func.sum(entries.c.minutes), 0))
        .where(*_conditions(shape), entries.c.study_date.in_(bindparam("days", expanding=True)))
        .group_by(entries.c.study_date)
    )


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


_LAST_USED = select(entries.c.stage_id).where(*live(USER)).order_by(entries.c.id.desc()).limit(1)


def last_used_stage_id(user) -> int | None:
    """The stage of the most recently created entry: the quick-add form's default."""
    return db.session.scalar(_LAST_USED, {"user_id": user.id})


TAG_LIST_MAX = 500
_TAG_COUNTS = (
    select(tags.c.name, func.count())
    .join_from(tags, entries, entries.c.id == tags.c.entry_id)
    .where(*live(USER))
    .group_by(tags.c.name)
    .order_by(func.count().desc(), tags.c.name)
    .limit(bindparam("limit"))
)


def tag_counts(user: User, limit: int = TAG_LIST_MAX) -> list[tuple[str, int]]:
    """The user's tags with how many live entries carry each, most used first."""
    rows = db.session.execute(_TAG_COUNTS, {"user_id": user.id, "limit": limit})
    return [(name, int(number)) for name, number in rows]
