"""Editor time is kept for the period each user chooses, then deleted.

Every request that brings heartbeats deletes a bounded batch of its user's expired ones;
saving a shorter period deletes them at once (up to a bound); and
``flask --app journal purge-editor-time``, run daily (docs/editors.md), deletes them for
every user, whether or not their editors still send anything.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from ..auth.models import User
from ..clock import user_today, user_zone
from ..db import write_transaction
from ..extensions import db
from ..revisions import touch
from .models import RETENTION_DAYS, Dismissal, EditorProject, EditorSettings, Heartbeat
from .sessions import day_start_ms


def kept_since_ms(user: User, days: int) -> int:
    """The start of the oldest day kept: midnight in the user's zone, ``days`` days ago.
    Whole days expire at once, so the calendar changes with expiry once a day at most."""
    return day_start_ms(user_today(user) - timedelta(days=days), user_zone(user))


def purge_expired(session, user_id: int, oldest_ms: int, limit: int) -> int:
    """Delete at most ``limit`` of the user's heartbeats older than ``oldest_ms``; then the
    dismissals as old, and the projects left without heartbeats that the user never set."""
    doomed = (
        select(Heartbeat.id)
        .where(Heartbeat.user_id == user_id, Heartbeat.time_ms < oldest_ms)
        .limit(limit)
    )
    purged = session.execute(
        delete(Heartbeat)
        .where(Heartbeat.id.in_(doomed))
        .execution_options(synchronize_session=False)
    ).rowcount
    if purged:
        session.execute(
            delete(Dismissal)
            .where(Dismissal.user_id == user_id, Dismissal.until_ms < oldest_ms)
            .execution_options(synchronize_session=False)
        )
        unused = ~select(Heartbeat.id).where(Heartbeat.project_id == EditorProject.id).exists()
        session.execute(
            delete(EditorProject)
            .where(
                EditorProject.user_id == user_id,
                EditorProject.stage_id.is_(None),
                EditorProject.ignored.is_(False),
                EditorProject.last_seen_at
                < datetime.fromtimestamp(oldest_ms / 1000, UTC).replace(tzinfo=None),
                unused,
            )
            .execution_options(synchronize_session=False)
        )
    return purged


def purge_all(batch: int = 5000) -> int:
    """Delete every user's expired editor time, a batch per write transaction (so a write
    never holds the database long); return how many heartbeats went."""
    kept_for = db.session.execute(
        select(User, EditorSettings.retention_days).outerjoin(
            EditorSettings, EditorSettings.user_id == User.id
        )
    ).all()
    total = 0
    for user, days in kept_for:
        user_id = user.id
        oldest_ms = kept_since_ms(user, days or RETENTION_DAYS)
        while True:
            with write_transaction() as session:
                purged = purge_expired(session, user_id, oldest_ms, batch)
                if purged:
                    touch(session, user_id)
            total += purged
            if purged < batch:
                break
    return total
