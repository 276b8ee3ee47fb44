"""The study timer, entry templates and "on this day", without a request."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import UTC, date
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from ..clock import user_zone
from ..db import utcnow, write_transaction
from ..entries.duration import MAX_MINUTES, format_duration
from ..entries.queries import EntryRow, entries_on, last_used_stage_id, stage_choices
from ..extensions import db
from ..roadmap.services import get_stage
from ..validation import ValidationError, clean_text
from .models import EntryTemplate, Timer

if TYPE_CHECKING:
    from ..auth.models import User

# In the spirit of the #100DaysOfCode log: a few prompts, each a heading of its own.
DEFAULT_TEMPLATE = """### What I did


### What I learned


### What blocked me


### Link to work
"""
TEMPLATE_MAX = 5000


def running_timer(user: User) -> Timer | None:
    return db.session.scalar(select(Timer).where(Timer.user_id == user.id))


def start_timer(user: User, stage_id: int | None) -> tuple[Timer, bool]:
    """Start a session for a stage; return the timer and whether it is new.

    Only one timer runs per user: starting again keeps the one already running.
    """
    stage = get_stage(user, stage_id)
    if stage is None or stage.archived:
        raise ValidationError.one("stage", "Stage: choose a stage of your roadmap to time.")
    with write_transaction() as session:
        timer = session.scalar(select(Timer).where(Timer.user_id == user.id))
        if timer is not None:
            return timer, False
        timer = Timer(user_id=user.id, stage_id=stage.id, started_at=utcnow())
        session.add(timer)
    return timer, True


@dataclass(frozen=True)
class StoppedTimer:
    stage_id: int
    minutes: int
    capped: bool
    started_on: date  # the user's local day the session began: the entry's date

    @property
    def message(self) -> str:
        text = f"Timer stopped after {format_duration(self.minutes)}."
        if self.capped:
            text += " It ran over 24 hours, so the duration is capped: check it before saving."
        return text


def stop_timer(user: User) -> StoppedTimer:
    """Stop the running timer and say how long it ran, in whole minutes (at least one)."""
    with write_transaction() as session:
        timer = session.scalar(select(Timer).where(Timer.user_id == user.id))
        if timer is None:
            raise ValidationError.one("timer", "No timer is running.")
        started_at = timer.started_at
        stage_id = timer.stage_id
        seconds = (utcnow() - started_at).total_seconds()
        session.delete(timer)
    minutes = max(1, math.ceil(seconds / 60))
    started_on = started_at.replace(tzinfo=UTC).astimezone(user_zone(user)).date()
    return StoppedTimer(stage_id, min(minutes, MAX_MINUTES), minutes > MAX_MINUTES, started_on)


def discard_timer(user: User) -> None:
    with write_transaction() as session:
        session.execute(delete(Timer).where(Timer.user_id == user.id))


def elapsed_seconds(timer: Timer) -> int:
    """How long the timer has run, by the server's clock."""
    return max(0, int((utcnow() - timer.started_at).total_seconds()))


def clock_label(seconds: int) -> str:
    """A running timer as a clock: ``07:05`` under an hour, then ``1:02:03``."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def entry_template(user: User) -> EntryTemplate:
    """The user's template settings (not saved until changed)."""
    found = db.session.get(EntryTemplate, user.id)
    return found or EntryTemplate(user_id=user.id, enabled=False, text=DEFAULT_TEMPLATE)


def template_for_new_entry(user: User) -> str:
    """The notes a new entry starts with: the template when the user turned it on."""
    template = db.session.get(EntryTemplate, user.id)
    return template.text if template and template.enabled else ""


def template_error(enabled: bool, text: str) -> str | None:
    """What is wrong with the prompts ``text`` (cleaned), if anything."""
    if len(text) > TEMPLATE_MAX:
        return f"Template must be at most {TEMPLATE_MAX} characters."
    if enabled and not text:
        return "Template is empty: write some prompts, or turn it off."
    return None


def save_entry_template(user: User, *, enabled: bool, text: str) -> None:
    text = clean_text(text)
    if message := template_error(enabled, text):
        raise ValidationError.one("template", message)
    with write_transaction() as session:
        template = session.get(EntryTemplate, user.id)
        if template is None:
            template = EntryTemplate(user_id=user.id)
            session.add(template)
        template.enabled = enabled
        template.text = text + "\n" if text else ""


def on_this_day(user: User, today: date, *, months: int = 11, years: int = 10) -> list[EntryRow]:
    """Entries from this day of the month in the last months, and this date in past years."""
    days = {_months_back(today, n) for n in range(1, months + 1)}
    days |= {_years_back(today, n) for n in range(1, years + 1)}
    days.discard(None)
    return entries_on(user, days)


def _months_back(day: date, months: int) -> date | None:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    if day.day > calendar.monthrange(year, month + 1)[1]:
        return None  # no 31 September: that month simply has no "this day"
    return date(year, month + 1, day.day)


def _years_back(day: date, years: int) -> date | None:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return None  # 29 February in a year that has none


def timer_panel(user: User) -> dict:
    """What the timer panel shows: the timer, if one runs, and the stages it can start on
    (like the quick-add form, the one used last first)."""
    timer = running_timer(user)
    return {
        "timer": timer,
        "timer_seconds": elapsed_seconds(timer) if timer else 0,
        "timer_stages": stage_choices(user),
        "timer_stage": None if timer else last_used_stage_id(user),
    }
