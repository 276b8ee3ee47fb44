"""The weekly review: a week's entries, hours by stage, what blocked the learner."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..db import utcnow, write_transaction
from ..entries.duration import format_duration, format_hours
from ..entries.models import Entry
from ..entries.notes import NOTES_MAX_BYTES, render_notes
from ..entries.queries import entries_between
from ..extensions import db
from ..roadmap.models import Stage
from ..validation import ValidationError, clean_text
from .models import WeeklyReview

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BLOCKED = re.compile(r"^what\s+blocked\s+me\s*:?$", re.IGNORECASE)
_LINK = re.compile(r"^link\s+to\s+(the\s+)?work\s*:?$", re.IGNORECASE)


@dataclass(frozen=True)
class WeekReview:
    first: date
    last: date
    entries: list[Entry]
    minutes: int
    by_stage: list[tuple[Stage, int]]
    blocked: list[tuple[Entry, str]]
    links: list[tuple[Entry, str]]
    review: WeeklyReview | None


def section(notes: str, pattern: re.Pattern) -> str:
    """The text under the first heading matching ``pattern``, up to the next heading."""
    lines = notes.splitlines()
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading and pattern.match(heading.group(2)):
            body = []
            for following in lines[index + 1 :]:
                if _HEADING.match(following):
                    break
                body.append(following)
            return "\n".join(body).strip()
    return ""


def gather_week(user, first: date, last: date) -> WeekReview:
    entries = sorted(entries_between(user, first, last), key=lambda e: (e.study_date, e.id))
    rows = db.session.execute(
        select(Stage, func.coalesce(func.sum(Entry.minutes), 0))
        .join(Entry, Entry.stage_id == Stage.id)
        .where(
            Entry.user_id == user.id,
            Entry.deleted_at.is_(None),
            Entry.study_date.between(first, last),
        )
        .group_by(Stage.id)
        .order_by(Stage.position, Stage.id)
    ).all()
    by_stage = [(stage, int(minutes)) for stage, minutes in rows]
    blocked = [(e, text) for e in entries if (text := section(e.notes, _BLOCKED))]
    links = [(e, e.link) for e in entries if e.link]
    links += [(e, text) for e in entries if (text := section(e.notes, _LINK))]
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


def save_review(user, first: date, notes: str) -> WeeklyReview:
    notes = clean_text(notes)
    if len(notes.encode("utf-8")) > NOTES_MAX_BYTES:
        raise ValidationError.one("notes", f"Review must be at most {NOTES_MAX_BYTES // 1000} kB.")
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
    out += [f"**{format_hours(week.minutes)}** over {len(week.entries)} entries.", ""]
    if week.by_stage:
        out += ["## Hours by stage", ""]
        out += [f"- {stage.name}: {format_hours(minutes)}" for stage, minutes in week.by_stage]
        out.append("")
    if week.review and week.review.notes:
        out += ["## My review", "", week.review.notes, ""]
    if week.blocked:
        out += ["## What blocked me", ""]
        for entry, text in week.blocked:
            out += [f"- {entry.study_date.isoformat()} ({entry.stage.name}): " + _one_line(text)]
        out.append("")
    if week.links:
        out += ["## Links to work", ""]
        out += [
            f"- {entry.study_date.isoformat()}: {_one_line(text)}" for entry, text in week.links
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
