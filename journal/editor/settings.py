"""A user's editor settings and projects: read them, check the forms, save them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from wtforms import StringField

from ..db import write_transaction
from ..entries.queries import stage_choices
from ..extensions import db
from ..forms import Form, one_of
from ..revisions import touch
from ..roadmap.models import Stage
from ..validation import ValidationError, clean_text, parse_id
from .keys import key_of
from .models import (
    KEEP_PATHS,
    RETENTION_DAYS,
    SESSION_GAP_MINUTES,
    EditorProject,
    EditorSettings,
    Heartbeat,
)
from .retention import kept_since_ms, purge_expired

if TYPE_CHECKING:
    from ..auth.models import User

# Choices of the settings form.
RETENTIONS = {30: "30 days", 90: "90 days", 180: "180 days", 365: "a year"}
GAPS = (5, 10, 15, 20, 30, 45, 60)
IGNORED = "ignore"
# Expired heartbeats removed at once when the retention is shortened, at most; the rest
# go with the next heartbeats or `flask --app journal purge-editor-time`.
PURGE_ON_SAVE = 50_000
# Rows changed by one write transaction.
BATCH = 5000


@dataclass(frozen=True)
class Settings:
    keep_paths: bool = KEEP_PATHS
    retention_days: int = RETENTION_DAYS
    session_gap_minutes: int = SESSION_GAP_MINUTES


def settings_of(user: User) -> Settings:
    row = db.session.get(EditorSettings, user.id)
    if row is None:
        return Settings()
    return Settings(row.keep_paths, row.retention_days, row.session_gap_minutes)


class EditorSettingsForm(Form):
    """Settings → Editor time → What is kept."""

    keep_paths = StringField()
    retention_days = StringField()
    session_gap_minutes = StringField()

    def validate_keep_paths(self, field):
        """A checkbox: sent as "1" when ticked, absent when not."""
        field.data = field.data == "1"

    def validate_retention_days(self, field):
        one_of(field, RETENTIONS, "Keep editor time: choose a period from the list.", parse_id)

    def validate_session_gap_minutes(self, field):
        message = "Session gap: choose a number of minutes from the list."
        one_of(field, GAPS, message, parse_id)

    def cleaned(self) -> Settings:
        return Settings(
            self.keep_paths.data, self.retention_days.data, self.session_gap_minutes.data
        )


def save_settings(user: User, chosen: Settings) -> int:
    """Save ``chosen``; with paths turned off, forget the paths kept until now. Returns how
    many expired heartbeats were removed (a shorter retention takes effect at once).

    The paths and the expired heartbeats go a batch per write transaction, so that a large
    history never holds the database for long.
    """
    with write_transaction() as session:
        row = session.get(EditorSettings, user.id) or EditorSettings(user_id=user.id)
        row.keep_paths = chosen.keep_paths
        row.retention_days = chosen.retention_days
        row.session_gap_minutes = chosen.session_gap_minutes
        session.add(row)
    while not chosen.keep_paths and _forget_paths(user, BATCH) == BATCH:
        pass
    oldest_ms = kept_since_ms(user, chosen.retention_days)
    purged = 0
    while purged < PURGE_ON_SAVE:
        with write_transaction() as session:
            batch = purge_expired(session, user.id, oldest_ms, BATCH)
            if batch:
                touch(session, user.id)
        purged += batch
        if batch < BATCH:
            break
    return purged


def _forget_paths(user: User, limit: int) -> int:
    kept = (
        select(Heartbeat.id)
        .where(Heartbeat.user_id == user.id, Heartbeat.entity.is_not(None))
        .limit(limit)
    )
    with write_transaction() as session:
        return session.execute(
            update(Heartbeat)
            .where(Heartbeat.id.in_(kept))
            .values(entity=None)
            .execution_options(synchronize_session=False)
        ).rowcount


def projects_of(user: User) -> list[EditorProject]:
    """The user's projects, the most recently seen first."""
    return list(
        db.session.scalars(
            select(EditorProject)
            .where(EditorProject.user_id == user.id)
            .options(selectinload(EditorProject.stage))
            .order_by(EditorProject.last_seen_at.desc(), EditorProject.name)
        )
    )


def parse_mapping(user: User, form: Mapping[str, str]) -> dict[int, int | str | None]:
    """Read the projects form (``project-<id>``: a stage's id, "ignore" or ""): what each
    project of the user's becomes. Raise ValidationError naming each bad choice.

    Not a WTForms class: its fields are the user's projects, one select each, known only
    once they are read; a form class declares its fields before it sees any data."""
    stages = {
        stage.id
        for stage in db.session.scalars(select(Stage).where(Stage.user_id == user.id))
        if not stage.archived
    }
    chosen: dict[int, int | str | None] = {}
    errors = {}
    for project in projects_of(user):
        field = f"project-{project.id}"
        if field not in form:
            continue
        value = clean_text(form.get(field))
        if value == IGNORED:
            chosen[project.id] = IGNORED
        elif not value:
            chosen[project.id] = None
        elif parse_id(value) in stages or parse_id(value) == project.stage_id:
            chosen[project.id] = parse_id(value)
        else:
            errors[field] = f"{project.name or 'No project'}: choose a stage from the list."
    if errors:
        raise ValidationError(errors)
    return chosen


def save_mapping(user: User, chosen: dict[int, int | str | None]) -> None:
    with write_transaction() as session:
        for project in session.scalars(
            select(EditorProject).where(
                EditorProject.user_id == user.id, EditorProject.id.in_(chosen)
            )
        ):
            value = chosen[project.id]
            project.ignored = value == IGNORED
            project.stage_id = value if isinstance(value, int) else None


def section_context(user: User) -> dict:
    """What Settings → Editor time shows: the key, how heartbeats are kept, the projects."""
    projects = projects_of(user)
    return {
        "editor_key": key_of(user),
        "editor_settings": settings_of(user),
        "editor_projects": projects,
        "editor_stage_choices": stage_choices(user) if projects else [],
    }
