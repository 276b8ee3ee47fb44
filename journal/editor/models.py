"""Editor time: a key per user, their settings, the projects seen and the heartbeats kept."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from ..roadmap.models import Stage

# Defaults of a user's editor settings.
KEEP_PATHS = False
RETENTION_DAYS = 90
SESSION_GAP_MINUTES = 15


class EditorKey(db.Model):
    """The key a user's editors send heartbeats with: a UUID, of which only a hash is kept.

    One per user; revoking it deletes the row. ``last_used_at`` and ``rate_until_ms`` are
    the API tokens' columns of the same name, kept by the same rate limiter.
    """

    __tablename__ = "editor_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The key's first characters, to recognise it in Settings.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    rate_until_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class EditorSettings(db.Model):
    """How a user's heartbeats are kept and read. No row: the defaults above."""

    __tablename__ = "editor_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # Off by default: a file is kept as its extension only.
    keep_paths: Mapped[bool] = mapped_column(default=KEEP_PATHS)
    retention_days: Mapped[int] = mapped_column(default=RETENTION_DAYS)
    # Heartbeats less than this apart belong to one session.
    session_gap_minutes: Mapped[int] = mapped_column(default=SESSION_GAP_MINUTES)


class EditorProject(db.Model):
    """A project the editors named, and what the journal makes of it: a stage, or nothing."""

    __tablename__ = "editor_projects"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # As the editor sent it; "" for heartbeats without a project.
    name: Mapped[str] = mapped_column(String(100))
    stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stages.id", ondelete="SET NULL"), index=True
    )
    # Ignored projects make no suggestions and mark no day on the calendar.
    ignored: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    stage: Mapped[Stage | None] = relationship()


class Heartbeat(db.Model):
    """One heartbeat, as much of it as the user's privacy settings keep."""

    __tablename__ = "editor_heartbeats"
    __table_args__ = (
        # Sessions read a user's heartbeats in time order over a range of days: from the
        # index alone, with the project beside each time.
        Index("ix_editor_heartbeats_user_time", "user_id", "time_ms", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(
        ForeignKey("editor_projects.id", ondelete="CASCADE"), index=True
    )
    # A keyed hash of the user, the time and the entity: the same heartbeat sent twice
    # is stored once, and the hash does not give the (maybe unkept) path away.
    digest: Mapped[str] = mapped_column(String(32), unique=True)
    # Milliseconds since the epoch, UTC.
    time_ms: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(16), default="file")
    category: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(64))
    branch: Mapped[str | None] = mapped_column(String(128))
    is_write: Mapped[bool] = mapped_column(default=False)
    # A file's extension (".py"); the whole entity only when the user keeps paths.
    extension: Mapped[str | None] = mapped_column(String(16))
    entity: Mapped[str | None] = mapped_column(String(2048))


class Dismissal(db.Model):
    """A suggestion the user dismissed: the project's time that day up to ``until_ms``."""

    __tablename__ = "editor_dismissals"
    __table_args__ = (Index("ix_editor_dismissals_user_day", "user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(
        ForeignKey("editor_projects.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date]
    until_ms: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
