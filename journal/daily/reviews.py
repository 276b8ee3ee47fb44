"""The weekly review: a week's entries, hours by stage, what blocked the learner."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup
from sqlalchemy import func, select

from ..db import utcnow, write_transaction
from ..entries.duration import format_duration
from ..entries.models import Entry
from ..entries.notes import NOTES_MAX_BYTES, render_notes
from ..entries.queries import entries_between, live
from ..extensions import db
from ..roadmap.models import Stage
from ..validation import ValidationError, clean_text
from .models import WeeklyReview
from .sections import BLOCKED_LABELS, LINK_LABELS, find_sections

if TYPE_CHECKING:
    from ..auth.models import User

# A web address written bare: one character class, so matching it is linear.
_BARE_URL = re.compile(r"(?<![<(\[\w/=\"'])https?://[^\s<>()\[\]`\"']+")


@dataclass(frozen=True)
class Noted:
    """A part of an entry's notes (or its link), as written and as the page shows it."""

    entry: Entry
    text: str

    @property
    def html(self) -> Markup:
        return Markup(render_notes(autolink(self.text)))


@dataclass(frozen=True)
class WeekReview:
    first: date
    last: date
    entries: list[Entry]
    minutes: int
    by_stage: list[tuple[Stage, int]]
    blocked: list[Noted]
    links: list[Noted]
    review: WeeklyReview | None


def autolink(text: str) -> str:
    """Bare web addresses as Markdown autolinks (``<https://…>``), outside code."""
    if "```" in text or "~~~" in text:
        return text
    parts = text.split("`")
    for index in range(0, len(parts), 2):  # even parts are outside `code`
        parts[index] = _BARE_URL.sub(_angle, parts[index])
    return "`".join(parts)


def _angle(found: re.Match) -> str:
    url = found.group(0)
    kept = url.rstrip(".,;:!?")
    return f"<{kept}>{url[len(kept) :]}"


def gather_week(user: User, first: date, last: date) -> WeekReview:
    entries = sorted(entries_between(user, first, last), key=lambda e: (e.study_date, e.id))
    rows = db.session.execute(
        select(Stage, func.coalesce(func.sum(Entry.minutes), 0))
        .join(Entry, Entry.stage_id == Stage.id)
        .where(*live(user.id), Entry.study_date.between(first, last))
        .group_by(Stage.id)
        .order_by(Stage.position, Stage.id)
    ).all()
    by_stage = [(stage, int(minutes)) for stage, minutes in rows]
    blocked = [Noted(e, text) for e in entries for text in find_sections(e.notes, BLOCKED_LABELS)]
    links = [Noted(e, e.link) for e in entries if e.link]
    links += [Noted(e, text) for e in entries for text in find_sections(e.notes, LINK_LABELS)]
    links.sort(key=lambda noted: (noted.entry.study_date, noted.entry.id))
    review = db.session.scalar(
        select(WeeklyReview).where(
            WeeklyReview.user_id == user.id, WeeklyReview.week_start == first
        )
    )
    return WeekReview(
        first=first,
        last=last,
        entries=entries,
        minutes=sum(minutes for _, minutes in by_stage),
        by_stage=by_stage,
        blocked=blocked,
        links=links,
        review=review,
    )


def review_error(notes: str) -> str | None:
    """What is wrong with a week's review ``notes`` (cleaned), if anything."""
    if len(notes.encode("utf-8")) > NOTES_MAX_BYTES:
        return f"Review must be at most {NOTES_MAX_BYTES // 1000} kB."
    return None


def save_review(user: User, first: date, notes: str) -> WeeklyReview:
    notes = clean_text(notes)
    if message := review_error(notes):
        raise ValidationError.one("notes", message)
    notes_html = render_notes(notes)
    with write_transaction() as session:
        review = session.scalar(
            select(WeeklyReview).where(
                WeeklyReview.user_id == user.id, WeeklyReview.week_start == first
            )
        )
        now = utcnow()
        if review is None:
            review = WeeklyReview(user_id=user.id, week_start=first, created_at=now)
            session.add(review)
        review.notes = notes
        review.notes_html = notes_html
        review.updated_at = now
    return review


def review_markdown(week: WeekReview) -> str:
    """The week as one Markdown note, ready to keep with the rest of one's notes."""
    out = [f"# Week of {week.first.isoformat()} to {week.last.isoformat()}", ""]
    out += [f"**{format_duration(week.minutes)}** over {len(week.entries)} entries.", ""]
    if week.by_stage:
        out += ["## Hours by stage", ""]
        out += [f"- {stage.name}: {format_duration(minutes)}" for stage, minutes in week.by_stage]
        out.append("")
    if week.review and week.review.notes:
        out += ["## My review", "", week.review.notes, ""]
    if week.blocked:
        out += ["## What blocked me", ""]
        for noted in week.blocked:
            entry = noted.entry
            out += [
                f"- {entry.study_date.isoformat()} ({entry.stage.name}): {_one_line(noted.text)}"
            ]
        out.append("")
    if week.links:
        out += ["## Links to work", ""]
        out += [
            f"- {noted.entry.study_date.isoformat()}: {_one_line(noted.text)}"
            for noted in week.links
        ]
        out.append("")
    out += ["## Entries", ""]
    for entry in week.entries:
        out += [
            f"### {entry.study_date.isoformat()} · {entry.stage.name} · "
            f"{format_duration(entry.minutes)}",
            "",
        ]
        if entry.notes:
            out += [entry.notes, ""]
    return "\n".join(out).rstrip() + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
