"""Read a user's journal for an export: a fixed handful of queries, whatever its size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..daily.models import EntryTemplate, WeeklyReview
from ..editor.export import editor_export
from ..entries.models import Entry, EntryTag, entry_topics
from ..entries.queries import live
from ..extensions import db
from ..roadmap.models import Stage, Topic
from ..roadmap.services import get_stage
from ..validation import ValidationError, parse_date_range
from .records import (
    EntryRecord,
    JournalData,
    ReviewRecord,
    StageRecord,
    TemplateRecord,
    TopicRecord,
    name_key,
)

if TYPE_CHECKING:
    from ..auth.models import User


@dataclass(frozen=True)
class ExportFilters:
    date_from: date | None = None
    date_to: date | None = None
    stage: Stage | None = None

    def as_dict(self) -> dict[str, str]:
        values = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "stage": self.stage.name if self.stage else "",
        }
        return {key: value for key, value in values.items() if value}


def parse_export_filters(
    user: User, args: Mapping[str, str], *, stage_by_name: bool = False
) -> ExportFilters:
    """Read the date range and stage; raise ValidationError naming each bad one.

    The page sends a stage's id; the command line names the stage (``stage_by_name``).
    """
    first, last, errors = parse_date_range(args)
    stage = None
    wanted = (args.get("stage") or "").strip()
    if wanted:
        stage = find_stage(user, wanted) if stage_by_name else get_stage(user, wanted)
        if stage is None:
            errors["stage"] = (
                f"Stage “{wanted}” is not one of your stages."
                if stage_by_name
                else "Stage: choose a stage from the list."
            )
    if errors:
        raise ValidationError(errors)
    return ExportFilters(first, last, stage)


def find_stage(user: User, name: str) -> Stage | None:
    """The user's stage with this name (case and spacing aside), if any."""
    wanted = name_key(name)
    stages = db.session.scalars(
        select(Stage).where(Stage.user_id == user.id).order_by(Stage.position, Stage.id)
    )
    return next((stage for stage in stages if name_key(stage.name) == wanted), None)


def load_journal(user: User, filters: ExportFilters | None = None) -> JournalData:
    """Everything an export writes: entries oldest first, the roadmap, the settings."""
    filters = filters or ExportFilters()
    conditions = live(user.id)
    if filters.date_from:
        conditions.append(Entry.study_date >= filters.date_from)
    if filters.date_to:
        conditions.append(Entry.study_date <= filters.date_to)
    if filters.stage is not None:
        conditions.append(Entry.stage_id == filters.stage.id)

    topics: dict[int, list[str]] = defaultdict(list)
    # Plain rows through the connection: no ORM objects to build for ten years of entries.
    connection = db.session.connection()
    topic_rows = connection.execute(
        select(entry_topics.c.entry_id, Topic.name)
        .join(Topic, Topic.id == entry_topics.c.topic_id)
        .join(Entry, Entry.id == entry_topics.c.entry_id)
        .where(*conditions)
        .order_by(entry_topics.c.entry_id, Topic.position, Topic.id)
    )
    for entry_id, name in topic_rows:
        topics[entry_id].append(name)

    tags: dict[int, list[str]] = defaultdict(list)
    tag_rows = connection.execute(
        select(EntryTag.entry_id, EntryTag.name)
        .join(Entry, Entry.id == EntryTag.entry_id)
        .where(*conditions)
        .order_by(EntryTag.entry_id, EntryTag.name)
    )
    for entry_id, name in tag_rows:
        tags[entry_id].append(name)

    rows = connection.execute(
        select(
            Entry.id,
            Entry.study_date,
            Stage.name,
            Entry.minutes,
            Entry.notes,
            Entry.link,
            Entry.created_at,
            Entry.updated_at,
        )
        .join(Stage, Stage.id == Entry.stage_id)
        .where(*conditions)
        .order_by(Entry.study_date, Entry.created_at, Entry.id)
    )
    entries = [
        EntryRecord(
            study_date=study_date,
            stage=stage,
            minutes=minutes,
            notes=notes,
            topics=topics.get(entry_id, []),
            tags=tags.get(entry_id, []),
            link=link,
            created_at=created_at,
            updated_at=updated_at,
        )
        for entry_id, study_date, stage, minutes, notes, link, created_at, updated_at in rows
    ]
    template = db.session.get(EntryTemplate, user.id)
    return JournalData(
        entries=entries,
        stages=_stages(user, filters.stage),
        settings={
            "timezone": user.timezone,
            "daily_minimum_minutes": user.daily_minimum_minutes,
            "weekly_goal_minutes": user.weekly_goal_minutes,
            "week_start": user.week_start,
            "rest_days_per_week": user.rest_days_per_week,
        },
        template=TemplateRecord(template.enabled, template.text) if template else None,
        reviews=_reviews(user, filters),
        full_roadmap=True,
        filters=filters.as_dict(),
        editor=partial(editor_export, user, filters.date_from, filters.date_to, filters.stage),
    )


def _stages(user: User, only: Stage | None) -> list[StageRecord]:
    query = (
        select(Stage)
        .where(Stage.user_id == user.id)
        .options(selectinload(Stage.topics))
        .order_by(Stage.position, Stage.id)
    )
    if only is not None:
        query = query.where(Stage.id == only.id)
    return [
        StageRecord(
            name=stage.name,
            position=stage.position,
            color=stage.color,
            suggested_weeks=stage.suggested_weeks,
            description=stage.description,
            archived_at=stage.archived_at,
            created_at=stage.created_at,
            topics=[
                TopicRecord(
                    name=topic.name,
                    position=topic.position,
                    archived_at=topic.archived_at,
                    created_at=topic.created_at,
                    state=topic.state,
                )
                for topic in sorted(stage.topics, key=lambda t: (t.position, t.id))
            ],
        )
        for stage in db.session.scalars(query)
    ]


def _reviews(user: User, filters: ExportFilters) -> list[ReviewRecord]:
    """The weekly reviews of the weeks the dates reach, oldest first; none for one stage
    (a review is of a whole week, not of a stage)."""
    if filters.stage is not None:
        return []
    query = select(
        WeeklyReview.week_start,
        WeeklyReview.notes,
        WeeklyReview.created_at,
        WeeklyReview.updated_at,
    ).where(WeeklyReview.user_id == user.id)
    if filters.date_from and filters.date_from > date.min + timedelta(days=6):
        # The week that holds the first day began up to six days before it.
        query = query.where(WeeklyReview.week_start >= filters.date_from - timedelta(days=6))
    if filters.date_to:
        query = query.where(WeeklyReview.week_start <= filters.date_to)
    rows = db.session.execute(query.order_by(WeeklyReview.week_start))
    return [ReviewRecord(*row) for row in rows]
