"""Entries: create, edit, delete and restore, without a request (EntryForm checks the fields)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..auth import rate_limit
from ..db import utcnow, write_transaction
from ..extensions import db
from ..roadmap.models import Topic
from ..validation import ValidationError
from .models import Entry, EntryTag
from .notes import extract_tags, render_notes
from .queries import entry_with_key

if TYPE_CHECKING:
    from ..auth.models import User

EARLIEST_DATE = date(1970, 1, 1)
LINK_MAX = 2048
IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class EntryInput:
    """An entry's fields as checked by the entry form (journal/entries/forms.py)."""

    study_date: date
    minutes: int | None
    stage_id: int
    topic_ids: tuple[int, ...]
    notes: str
    link: str | None


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
