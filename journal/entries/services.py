"""Entries: validate, create, edit, delete and restore, without a request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..auth import rate_limit
from ..clock import user_today
from ..db import utcnow, write_transaction
from ..extensions import db
from ..roadmap.models import Stage, Topic
from ..roadmap.services import get_stage
from ..validation import ValidationError, clean_text, parse_id
from .duration import DurationError, parse_duration
from .models import Entry, EntryTag
from .notes import NOTES_MAX_BYTES, drop_empty_sections, extract_tags, render_notes
from .queries import entry_with_key

if TYPE_CHECKING:
    from ..auth.models import User

EARLIEST_DATE = date(1970, 1, 1)
LINK_MAX = 2048
IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class EntryInput:
    study_date: date
    minutes: int | None
    stage_id: int
    topic_ids: tuple[int, ...]
    notes: str
    link: str | None


def parse_entry_form(user: User, form: Mapping, *, entry: Entry | None = None) -> EntryInput:
    """Read an entry form, or raise ValidationError with a message for each bad field.

    ``entry`` is the entry being edited: its archived stage and topics stay allowed.
    """
    errors: dict[str, str] = {}
    study_date = _parse_date(user, clean_text(form.get("date")), errors)

    minutes = None
    try:
        minutes = parse_duration(form.get("duration") or "")
    except DurationError as error:
        errors["duration"] = str(error)

    stage = _parse_stage(user, clean_text(form.get("stage")), entry, errors)
    topic_ids = _parse_topics(user, form, stage, entry, errors)

    notes = clean_text(form.get("notes"))
    if form.get("template") == "1":
        notes = drop_empty_sections(notes)
    size = len(notes.encode("utf-8"))
    if size > NOTES_MAX_BYTES:
        errors["notes"] = (
            f"Notes must be at most {NOTES_MAX_BYTES // 1000} kB; these are {size / 1000:.0f} kB."
        )

    link = clean_text(form.get("link")) or None
    if link is not None:
        parts = urlsplit(link)
        if len(link) > LINK_MAX:
            errors["link"] = f"Link must be at most {LINK_MAX} characters."
        elif parts.scheme not in ("http", "https") or not parts.netloc or " " in link:
            errors["link"] = "Link must be a web address starting with http:// or https://."

    if errors:
        raise ValidationError(errors)
    assert study_date is not None and stage is not None
    return EntryInput(
        study_date=study_date,
        minutes=minutes,
        stage_id=stage.id,
        topic_ids=topic_ids,
        notes=notes,
        link=link,
    )


def _parse_date(user: User, text: str, errors: dict[str, str]) -> date | None:
    if not text:
        errors["date"] = "Date is required."
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        errors["date"] = "Date must be a date such as 2026-03-14."
        return None
    if value < EARLIEST_DATE:
        errors["date"] = "Date must be in 1970 or later."
        return None
    latest = user_today(user) + timedelta(days=1)
    if value > latest:
        errors["date"] = f"Date can be at most one day ahead: {latest.isoformat()} or earlier."
        return None
    return value


def _parse_stage(
    user: User, text: str, entry: Entry | None, errors: dict[str, str]
) -> Stage | None:
    stage = get_stage(user, text)
    if stage is None:
        errors["stage"] = "Stage: choose a stage of your roadmap."
        return None
    if stage.archived and not (entry and entry.stage_id == stage.id):
        errors["stage"] = f"Stage “{stage.name}” is archived: choose an active stage."
        return None
    return stage


def _parse_topics(user: User, form, stage, entry, errors) -> tuple[int, ...]:
    raw = form.getlist("topics") if hasattr(form, "getlist") else form.get("topics", [])
    if isinstance(raw, str):
        raw = [raw]
    if not raw:
        return ()
    parsed = [parse_id(value) for value in raw]
    if None in parsed or len(parsed) > 200:
        errors["topics"] = "Topics: choose topics from the list."
        return ()
    ids = tuple(dict.fromkeys(parsed))
    topics = db.session.scalars(select(Topic).where(Topic.id.in_(ids), Topic.user_id == user.id))
    found = {topic.id: topic for topic in topics}
    kept = {topic.id for topic in entry.topics} if entry else set()
    if len(found) != len(ids):
        errors["topics"] = "Topics: choose topics from the list."
    elif stage is not None and any(topic.stage_id != stage.id for topic in found.values()):
        errors["topics"] = f"Topics must belong to the stage “{stage.name}”."
    elif any(topic.archived and topic.id not in kept for topic in found.values()):
        errors["topics"] = "Topics: an archived topic cannot be added."
    return ids


def valid_idempotency_key(key: str | None) -> str | None:
    return key if key and IDEMPOTENCY_KEY_RE.match(key) else None


def create_entry(
    user: User, data: EntryInput, idempotency_key: str | None = None
) -> tuple[Entry, bool]:
    """Save a new entry; return it and whether it is new.

    A repeated ``idempotency_key`` (a double click, a retried request) returns the
    entry the first request saved instead of saving a second one.
    """
    key = valid_idempotency_key(idempotency_key)
    notes_html = _render(user.id, data.notes)
    try:
        return _create(user, data, key, notes_html)
    except IntegrityError:
        # Two sends of one form raced past the check (possible where writes are not
        # serialized, as on PostgreSQL): the unique key kept one; answer with it.
        if key is None:
            raise
        existing = entry_with_key(user, key)
        if existing is None:
            raise
        return existing, False


def _create(user: User, data: EntryInput, key: str | None, notes_html: str) -> tuple[Entry, bool]:
    with write_transaction() as session:
        if key:
            existing = entry_with_key(user, key)
            if existing is not None:
                # The same form sent again: answer with what the first send saved, back
                # in place if it was deleted meanwhile, so "saved" is always true.
                existing.deleted_at = None
                return existing, False
        now = utcnow()
        _purge_deleted(session, user.id, now)
        entry = Entry(user_id=user.id, idempotency_key=key, created_at=now)
        _apply(entry, data, notes_html, now)
        session.add(entry)
    return entry, True


def _render(user_id: int, notes: str) -> str:
    """The notes' HTML, paid for from the user's write allowance before it is made."""
    rate_limit.spend(user_id, rate_limit.text_cost(notes))
    return render_notes(notes, strict=True)


def update_entry(entry: Entry, data: EntryInput) -> None:
    notes_html = _render(entry.user_id, data.notes)
    with write_transaction():
        _apply(entry, data, notes_html, utcnow())


def _apply(entry: Entry, data: EntryInput, notes_html: str, now) -> None:
    # One flush, at commit: loading the old topics and tags must not flush the half-made
    # change first (that wrote the entry, and moved the user's revision, twice).
    with db.session.no_autoflush:
        entry.study_date = data.study_date
        entry.minutes = data.minutes
        entry.stage_id = data.stage_id
        entry.notes = data.notes
        entry.notes_html = notes_html
        entry.link = data.link
        entry.updated_at = now
        entry.topics = (
            list(db.session.scalars(select(Topic).where(Topic.id.in_(data.topic_ids))))
            if data.topic_ids
            else []
        )
        wanted = extract_tags(data.notes)
        entry.tags = [tag for tag in entry.tags if tag.name in wanted] + [
            EntryTag(name=name) for name in wanted if name not in entry.tag_names
        ]


def delete_entry(entry: Entry) -> None:
    """Delete ``entry`` so that it can be restored for a while; purge older deletions."""
    now = utcnow()
    with write_transaction() as session:
        entry.deleted_at = now
        _purge_deleted(session, entry.user_id, now)


def purge_deleted(user_id: int) -> None:
    """Remove for good the entries deleted longer ago than Undo reaches."""
    with write_transaction() as session:
        _purge_deleted(session, user_id, utcnow())


def _purge_deleted(session, user_id: int, now) -> None:
    session.execute(
        delete(Entry).where(
            Entry.user_id == user_id,
            Entry.deleted_at < now - timedelta(seconds=undo_seconds()),
        )
    )


def restore_entry(entry: Entry) -> None:
    if entry.deleted_at is None:
        return
    if utcnow() - entry.deleted_at > timedelta(seconds=undo_seconds()):
        raise ValidationError.one("entry", "This entry was deleted too long ago to undo.")
    with write_transaction():
        entry.deleted_at = None


def undo_seconds() -> int:
    return int(current_app.config["UNDO_SECONDS"])
