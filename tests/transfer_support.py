"""Helpers for the export and import tests: entries made through the real services."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from pathlib import Path

from sqlalchemy import select

from journal.auth.services import get_user_by_name
from journal.entries import services as entry_services
from journal.entries.models import Entry
from journal.extensions import db
from journal.roadmap.services import stages_of
from journal.transfer import services

from .helpers import ENTRY_GRAPH, HX, text

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def user(username="alice"):
    return get_user_by_name(username)


def add_entry(
    app,
    username="alice",
    *,
    day=date(2026, 3, 14),
    stage=0,
    minutes=45,
    notes="",
    topics=0,
    link=None,
):
    """Save an entry as the form would: ``stage`` and ``topics`` count from the roadmap's start."""
    with app.app_context():
        owner = user(username)
        chosen = stages_of(owner)[stage]
        data = entry_services.EntryInput(
            study_date=day,
            minutes=minutes,
            stage_id=chosen.id,
            topic_ids=tuple(topic.id for topic in chosen.topics[:topics]),
            notes=notes,
            link=link,
        )
        entry, _ = entry_services.create_entry(owner, data)
        return entry.id


def export(app, username="alice", fmt="json", filters=None) -> bytes:
    with app.app_context():
        return services.export_file(user(username), fmt, filters).data


def import_bytes(app, username, data: bytes, filename="", fmt="", stage=None):
    with app.app_context():
        owner = user(username)
        chosen = None
        if stage is not None:
            chosen = next(s for s in stages_of(owner, archived=None) if s.name == stage)
        return services.import_file(owner, data, filename, fmt, chosen)


def entry_rows(app, username="alice"):
    """What a user sees of their entries, oldest first, comparable across accounts."""
    with app.app_context():
        query = (
            select(Entry)
            .where(Entry.user_id == user(username).id, Entry.deleted_at.is_(None))
            .options(*ENTRY_GRAPH)
            .order_by(Entry.study_date, Entry.created_at, Entry.id)
        )
        return [
            (
                entry.study_date,
                entry.stage.name,
                entry.minutes,
                tuple(topic.name for topic in entry.topics),
                entry.notes,
                entry.notes_html,
                tuple(entry.tag_names),
                entry.link,
            )
            for entry in db.session.scalars(query)
        ]


def upload(client, data: bytes, filename: str, headers=HX, **form):
    fields = {"file": (io.BytesIO(data), filename), **form}
    return client.post(
        "/data/import/preview", data=fields, content_type="multipart/form-data", headers=headers
    )


def token_of(response) -> str:
    found = re.search(r'name="token" value="([^"]+)"', text(response))
    assert found, "no import token in the preview"
    return found.group(1)


def alert(response) -> str | None:
    found = re.search(r'<p class="form-error" role="alert">([^<]*)</p>', text(response))
    return html.unescape(found.group(1)) if found else None
