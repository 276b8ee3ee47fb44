"""Export a journal to a file; import a file into a journal, all of it or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import available_timezones

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..clock import user_zone
from ..db import utcnow, write_transaction
from ..entries.models import Entry, EntryTag
from ..entries.notes import extract_tags, render_notes
from ..roadmap.models import Stage, Topic
from .collect import ExportFilters, load_journal
from .formats import EXPORT_FORMATS, read_file
from .plan import ImportPlan, plan_import
from .records import FormatError, JournalData, StageRecord, name_key, slug

_NOT_IN_FILENAME = re.compile(r"[^a-z0-9-]")
_DASHES = re.compile(r"-+")

# Colours for stages an import creates without one (the default roadmap's palette).
PALETTE = ["#3b82f6", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#0ea5e9", "#64748b"]


@dataclass(frozen=True)
class ExportFile:
    filename: str
    mimetype: str
    data: bytes
    entries: int


def export_file(user, fmt: str, filters: ExportFilters | None = None) -> ExportFile:
    """The user's journal (or the filtered part of it) in format ``fmt``."""
    chosen = EXPORT_FORMATS[fmt]
    filters = filters or ExportFilters()
    journal = load_journal(user, filters)
    parts = ["roadbook", user.username]
    if filters.date_from or filters.date_to:
        first = filters.date_from.isoformat() if filters.date_from else "start"
        last = filters.date_to.isoformat() if filters.date_to else "end"
        parts.append(f"{first}-to-{last}")
    # File names stay ASCII: they travel in a Content-Disposition header.
    stage_part = (
        slug(filters.stage.name).encode("ascii", "ignore").decode() if filters.stage else ""
    )
    stage_part = _DASHES.sub("-", _NOT_IN_FILENAME.sub("", stage_part)).strip("-")
    if stage_part:
        parts.append(stage_part)
    filename = "-".join(parts) + "." + chosen.extension
    return ExportFile(filename, chosen.mimetype, chosen.write(journal), len(journal.entries))


def read_upload(user, data: bytes, filename: str = "", fmt: str = "") -> tuple[str, JournalData]:
    """Read a file for ``user`` (jrnl's local times are in the user's time zone)."""
    return read_file(data, filename, fmt, zone=user_zone(user))


def preview_import(
    user, data: bytes, filename="", fmt="", stage: Stage | None = None
) -> ImportPlan:
    """What importing the file would do; raises FormatError when it cannot be imported."""
    fmt, journal = read_upload(user, data, filename, fmt)
    return plan_import(user, journal, fmt, stage)


def import_file(user, data: bytes, filename="", fmt="", stage: Stage | None = None) -> ImportPlan:
    """Read, check and save the file in one write transaction: every entry, or none."""
    fmt, journal = read_upload(user, data, filename, fmt)
    # Rendering is the slow part and needs no database: do it before taking the write lock.
    rendered = {id(entry): render_notes(entry.notes) for entry in journal.entries}
    with write_transaction() as session:
        plan = plan_import(user, journal, fmt, stage)
        if not plan.ready:
            raise FormatError(no_stage_message(plan.without_stage))
        stages = _apply_roadmap(session, user, plan)
        now = utcnow()
        for entry in plan.to_add:
            stage = stages[name_key(entry.stage)]
            topics = {name_key(topic.name): topic for topic in stage.topics}
            created = entry.created_at or now
            notes_html = rendered.get(id(entry))
            if notes_html is None:
                notes_html = render_notes(entry.notes)
            session.add(
                Entry(
                    user_id=user.id,
                    stage_id=stage.id,
                    study_date=entry.study_date,
                    minutes=entry.minutes,
                    notes=entry.notes,
                    notes_html=notes_html,
                    link=entry.link,
                    created_at=created,
                    updated_at=entry.updated_at or created,
                    topics=[topics[name_key(name)] for name in entry.topics],
                    tags=[EntryTag(name=name) for name in extract_tags(entry.notes)],
                )
            )
        if plan.timezone and plan.timezone in available_timezones():
            user.timezone = plan.timezone
    return plan


def no_stage_message(count: int) -> str:
    if count == 1:
        return "1 entry names no stage: choose its stage."
    return f"{count} entries name no stage: choose the stage for them."


def _apply_roadmap(session, user, plan: ImportPlan) -> dict[str, Stage]:
    """Create the new stages and topics (and, when restoring, the file's stage settings)."""
    stages = {
        name_key(stage.name): stage
        for stage in session.scalars(
            select(Stage).where(Stage.user_id == user.id).options(selectinload(Stage.topics))
        )
    }
    now = utcnow()
    position = session.scalar(select(func.max(Stage.position)).where(Stage.user_id == user.id))
    position = position or 0
    created: set[str] = set()
    if plan.restore:
        for record in plan.file_stages:
            stage = stages.get(name_key(record.name))
            if stage is not None:
                _restore_stage(stage, record)
    for n, record in enumerate(plan.new_stages):
        if not plan.restore:
            position += 1
        stage = Stage(
            user_id=user.id,
            position=record.position if plan.restore and record.position else position,
            name=record.name,
            color=record.color or PALETTE[(len(stages) + n) % len(PALETTE)],
            suggested_weeks=record.suggested_weeks,
            description=record.description,
            archived_at=record.archived_at,
            created_at=record.created_at or now,
        )
        session.add(stage)
        stages[name_key(record.name)] = stage
        created.add(name_key(record.name))
    for stage_name, topic_name in plan.new_topics:
        stage = stages[name_key(stage_name)]
        record = _topic_record(plan, stage_name, topic_name)
        # The file's order holds in a stage it creates or restores; elsewhere topics go last.
        keep_order = (
            record and record.position and (plan.restore or name_key(stage_name) in created)
        )
        last = max((topic.position for topic in stage.topics), default=0)
        stage.topics.append(
            Topic(
                user_id=user.id,
                position=record.position if keep_order else last + 1,
                name=topic_name,
                archived_at=record.archived_at if record else None,
                created_at=(record.created_at if record else None) or now,
            )
        )
    session.flush()
    return stages


def _restore_stage(stage: Stage, record: StageRecord) -> None:
    stage.position = record.position or stage.position
    stage.color = record.color or stage.color
    stage.suggested_weeks = record.suggested_weeks
    stage.description = record.description
    stage.archived_at = record.archived_at
    stage.created_at = record.created_at or stage.created_at
    topics = {name_key(topic.name): topic for topic in stage.topics}
    for topic_record in record.topics:
        topic = topics.get(name_key(topic_record.name))
        if topic is not None:
            topic.position = topic_record.position or topic.position
            topic.archived_at = topic_record.archived_at
            topic.created_at = topic_record.created_at or topic.created_at


def _topic_record(plan: ImportPlan, stage_name: str, topic_name: str):
    for stage in plan.file_stages:
        if name_key(stage.name) == name_key(stage_name):
            for topic in stage.topics:
                if name_key(topic.name) == name_key(topic_name):
                    return topic
    return None
