"""A journal as plain data, the shape every format is written from and read into."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime


class FormatError(ValueError):
    """A file that cannot be imported. The message names the line or entry and the fault."""


DURATION_RANGE = "the duration must be from 1 minute to 24 hours."


@dataclass
class TopicRecord:
    name: str
    position: int = 0
    archived_at: datetime | None = None
    created_at: datetime | None = None
    state: str | None = None  # learning, done, skipped; None: not started
    # Whether the file gives the state at all (a file written before states were exported
    # does not): a restore keeps a topic's progress when it does not.
    has_state: bool = True


@dataclass
class StageRecord:
    name: str
    position: int = 0
    color: str | None = None
    suggested_weeks: int | None = None
    description: str = ""
    archived_at: datetime | None = None
    created_at: datetime | None = None
    topics: list[TopicRecord] = field(default_factory=list)


@dataclass
class EntryRecord:
    study_date: date
    # None when the file names no stage (a jrnl entry without a stage tag).
    stage: str | None
    minutes: int | None
    notes: str = ""
    topics: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    link: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Where the entry is in its file, for messages: "line 12", "entry 3", "2026-03-14.md, line 7".
    where: str = ""


@dataclass
class ReviewRecord:
    """A weekly review: the first day of its week and the learner's notes."""

    week_start: date
    notes: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    where: str = ""


@dataclass
class TemplateRecord:
    """The entry template: the text a new entry's notes start with, and whether it is on."""

    enabled: bool
    text: str


@dataclass
class JournalData:
    """Entries, and for a full export the roadmap, settings, template and reviews too."""

    entries: list[EntryRecord] = field(default_factory=list)
    stages: list[StageRecord] = field(default_factory=list)
    # The time zone (``timezone``), and the goals: ``daily_minimum_minutes``,
    # ``weekly_goal_minutes``, ``week_start``, ``rest_days_per_week`` (whole numbers).
    settings: dict[str, str | int] = field(default_factory=dict)
    template: TemplateRecord | None = None
    reviews: list[ReviewRecord] = field(default_factory=list)
    # True when the stages list is the whole roadmap with every attribute (the json format).
    full_roadmap: bool = False
    # The filters an export was made with (from, to, stage), written into the json.
    filters: dict[str, str] = field(default_factory=dict)
    # Editor time (journal/editor/export.py), read only by the json format that writes it.
    editor: Callable[[], dict | None] | None = None


def name_key(name: str) -> str:
    """How names are compared: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


_NOT_WORD = re.compile(r"[^\w]+")


def slug(name: str) -> str:
    """``Databases and SQL`` → ``databases-and-sql``: a stage name as a tag."""
    return _NOT_WORD.sub("-", name.casefold()).strip("-_")


def iso_time(moment: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with a ``Z``; microseconds only when present."""
    if moment is None:
        return None
    return moment.replace(tzinfo=None).isoformat() + "Z"


def parse_time(text: str) -> datetime:
    """Read an ISO 8601 time back to naive UTC; raise ValueError when it is not one, or when
    it falls outside the calendar once in UTC (``9999-12-31T23:59:59-14:00``)."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is not None:
        try:
            value = value.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise ValueError(f"{text} is beyond the calendar in UTC") from None
    return value


def split_list(text: str, separator: str = ";") -> list[str]:
    """Split ``a; b\\; c`` into ``["a", "b; c"]``: a backslash keeps a separator in a name."""
    items, current, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == separator:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


def join_list(items: list[str], separator: str = ";") -> str:
    """The inverse of split_list."""
    escaped = (item.replace("\\", "\\\\").replace(separator, "\\" + separator) for item in items)
    return f"{separator} ".join(escaped)
