"""Suggested entries: the editor time of the last days, per day and project, not yet logged.

Nothing is ever logged without the learner: a suggestion only fills the entry form. The
entry saved from it carries the suggestion's key as its idempotency key,
``editor-<YYYYMMDD>-<project id>-<until>``, where *until* is the end (milliseconds since
the epoch) of the editor time it covered. That is how a logged suggestion is recognised
(the entry, deleted or not, names it: the key is unique per user, so saving twice saves
once), and a dismissed one by its row in ``editor_dismissals``. Either way, that
project's time that day up to *until* is never suggested again; time coded later that day
comes back as a new suggestion of its own.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..clock import user_today
from ..db import utcnow, write_transaction
from ..entries.duration import MAX_MINUTES, duration_input
from ..entries.models import Entry
from ..entries.notes import TAG_MAX, extract_tags
from ..extensions import db
from ..transfer.records import slug
from .models import Dismissal, EditorProject
from .sessions import minutes_of, project_days
from .settings import settings_of

if TYPE_CHECKING:
    from ..auth.models import User

# Today and the six days before it, as the Today page's recent entries.
SUGGESTION_DAYS = 7
# Less editor time than this in a day makes no suggestion and no mark on the calendar.
MIN_MINUTES = 5
SHOWN_AT_MOST = 10
KEY_PREFIX = "editor-"
KEY_RE = re.compile(r"^editor-(\d{8})-(\d{1,10})-(\d{1,15})$")


@dataclass(frozen=True)
class Suggestion:
    day: date
    project: EditorProject
    minutes: int
    until_ms: int

    @property
    def key(self) -> str:
        return f"{KEY_PREFIX}{self.day:%Y%m%d}-{self.project.id}-{self.until_ms}"

    @property
    def stage(self):
        """The project's stage, if it has one that can take new entries."""
        stage = self.project.stage
        return stage if stage is not None and not stage.archived else None

    @property
    def tag(self) -> str | None:
        return project_tag(self.project.name)

    @property
    def duration(self) -> str:
        """As the entry form's duration field takes it: ``1h20``."""
        return duration_input(self.minutes)

    @property
    def notes(self) -> str:
        return f"#{self.tag} " if self.tag else ""


def project_tag(name: str) -> str | None:
    """``flask-tutorial`` for the project ``Flask Tutorial``: a #tag the notes can hold."""
    tag = slug(name)[:TAG_MAX].strip("-_")
    return tag if tag and extract_tags(f"#{tag}") == [tag] else None


def parse_key(key: str | None) -> tuple[date, int, int] | None:
    """(day, project id, until) of a suggestion's key, or None for any other text."""
    found = KEY_RE.match(key or "")
    if not found:
        return None
    try:
        day = datetime.strptime(found.group(1), "%Y%m%d").date()
    except ValueError:
        return None
    return day, int(found.group(2)), int(found.group(3))


def covered(user: User, first: date, last: date) -> dict[tuple[date, int], int]:
    """Per (day, project id): the end of the time already logged or dismissed."""
    after = f"{KEY_PREFIX}{first:%Y%m%d}"
    before = f"{KEY_PREFIX}{last + timedelta(days=1):%Y%m%d}"
    keys = db.session.scalars(
        select(Entry.idempotency_key).where(
            Entry.user_id == user.id,
            Entry.idempotency_key >= after,
            Entry.idempotency_key < before,
        )
    )
    until: dict[tuple[date, int], int] = defaultdict(int)
    for key in keys:
        parsed = parse_key(key)
        if parsed:
            day, project_id, end = parsed
            until[(day, project_id)] = max(until[(day, project_id)], end)
    dismissed = db.session.execute(
        select(Dismissal.day, Dismissal.project_id, func.max(Dismissal.until_ms))
        .where(Dismissal.user_id == user.id, Dismissal.day >= first, Dismissal.day <= last)
        .group_by(Dismissal.day, Dismissal.project_id)
    )
    for day, project_id, end in dismissed:
        until[(day, project_id)] = max(until[(day, project_id)], end)
    return dict(until)


def suggestions(user: User, today: date | None = None) -> list[Suggestion]:
    """The editor time of the last days not yet logged or dismissed, newest day first."""
    today = today or user_today(user)
    first = today - timedelta(days=SUGGESTION_DAYS - 1)
    found = _suggestions(user, first, today)
    found.sort(key=lambda item: (-item.day.toordinal(), -item.minutes, item.project.name))
    return found[:SHOWN_AT_MOST]


def suggestion_for(user: User, day: date, project_id: int) -> Suggestion | None:
    """The suggestion for one project on one day of the last days, if there is one now."""
    today = user_today(user)
    if not today - timedelta(days=SUGGESTION_DAYS - 1) <= day <= today:
        return None
    found = _suggestions(user, day, day)
    return next((item for item in found if item.project.id == project_id), None)


def uses_an_editor(user: User) -> bool:
    """Whether the user's editors ever sent anything: most users' pages need no more."""
    found = select(EditorProject.id).where(EditorProject.user_id == user.id).limit(1)
    return db.session.scalar(found) is not None


def _suggestions(user: User, first: date, last: date) -> list[Suggestion]:
    if not uses_an_editor(user):
        return []
    gap = settings_of(user).session_gap_minutes
    rows = project_days(user, first, last, gap, covered(user, first, last))
    wanted = [row for row in rows if row.minutes >= MIN_MINUTES]
    if not wanted:
        return []
    projects = _projects(user, {row.project_id for row in wanted})
    return [
        Suggestion(row.day, projects[row.project_id], min(row.minutes, MAX_MINUTES), row.until_ms)
        for row in wanted
        if not projects[row.project_id].ignored
    ]


def _projects(user: User, ids: set[int]) -> dict[int, EditorProject]:
    rows = db.session.scalars(
        select(EditorProject)
        .where(EditorProject.user_id == user.id, EditorProject.id.in_(ids))
        .options(selectinload(EditorProject.stage))
    )
    return {project.id: project for project in rows}


def dismiss(user: User, day: date, project_id: int, until_ms: int) -> bool:
    """Dismiss the project's suggestion of ``day``, up to ``until_ms`` (no later than the
    time it covers now). False when there is no such suggestion (any more)."""
    current = suggestion_for(user, day, project_id)
    if current is None:
        return False
    with write_transaction() as session:
        session.add(
            Dismissal(
                user_id=user.id,
                project_id=project_id,
                day=day,
                until_ms=min(until_ms, current.until_ms),
                created_at=utcnow(),
            )
        )
    return True


def editor_ms_per_day(user: User, first: date, last: date) -> dict[date, int]:
    """Each day's editor time, in milliseconds, on projects not ignored."""
    if not uses_an_editor(user):
        return {}
    gap = settings_of(user).session_gap_minutes
    rows = project_days(user, first, last, gap)
    if not rows:
        return {}
    ignored = set(
        db.session.scalars(
            select(EditorProject.id).where(
                EditorProject.user_id == user.id, EditorProject.ignored.is_(True)
            )
        )
    )
    per_day: dict[date, int] = defaultdict(int)
    for row in rows:
        if row.project_id not in ignored:
            per_day[row.day] += row.ms
    return dict(per_day)


def coded_days(user: User, first: date, last: date) -> set[date]:
    """Days with at least MIN_MINUTES of editor time on projects not ignored."""
    per_day = editor_ms_per_day(user, first, last)
    return {day for day, ms in per_day.items() if minutes_of(ms) >= MIN_MINUTES}
