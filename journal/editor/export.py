"""Editor time in the JSON export: the user's projects, settings and heartbeats as kept."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..clock import user_zone
from ..extensions import db
from ..roadmap.models import Stage
from .models import EditorProject, Heartbeat
from .sessions import day_start_ms
from .settings import settings_of

if TYPE_CHECKING:
    from ..auth.models import User


def editor_export(
    user: User, date_from: date | None = None, date_to: date | None = None, stage=None
) -> dict | None:
    """The editor part of the export, or None for a user whose editors never sent anything.

    The dates are the user's days; with a stage, only the projects mapped to it.
    """
    zone = user_zone(user)
    conditions = [EditorProject.user_id == user.id]
    if stage is not None:
        conditions.append(EditorProject.stage_id == stage.id)
    connection = db.session.connection()
    projects = connection.execute(
        select(EditorProject.name, Stage.name, EditorProject.ignored)
        .outerjoin(Stage, Stage.id == EditorProject.stage_id)
        .where(*conditions)
        .order_by(EditorProject.name)
    ).all()
    if not projects:
        return None
    if date_from:
        conditions.append(Heartbeat.time_ms >= day_start_ms(date_from, zone))
    if date_to:
        conditions.append(Heartbeat.time_ms < day_start_ms(date_to + timedelta(days=1), zone))
    # Plain rows through the connection, oldest first: no ORM object per heartbeat.
    rows = connection.execute(
        select(
            Heartbeat.time_ms,
            EditorProject.name,
            Heartbeat.type,
            Heartbeat.category,
            Heartbeat.language,
            Heartbeat.branch,
            Heartbeat.is_write,
            Heartbeat.extension,
            Heartbeat.entity,
        )
        .join(EditorProject, EditorProject.id == Heartbeat.project_id)
        .where(Heartbeat.user_id == user.id, *conditions)
        .order_by(Heartbeat.time_ms, Heartbeat.id)
    )
    kept = settings_of(user)
    return {
        "settings": {
            "keep_paths": kept.keep_paths,
            "retention_days": kept.retention_days,
            "session_gap_minutes": kept.session_gap_minutes,
        },
        "projects": [
            {"name": name, "stage": stage_name, "ignored": bool(ignored)}
            for name, stage_name, ignored in projects
        ],
        "heartbeats": [
            {
                "time": time_ms / 1000,
                "project": project,
                "type": kind,
                "category": category,
                "language": language,
                "branch": branch,
                "is_write": bool(is_write),
                "extension": extension,
                "entity": entity,
            }
            for (
                time_ms,
                project,
                kind,
                category,
                language,
                branch,
                is_write,
                extension,
                entity,
            ) in rows
        ],
    }
