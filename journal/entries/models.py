"""Entries: one study session each, with its topics and #tags."""

from __future__ import annotations

from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from ..roadmap.models import Stage, Topic

entry_topics = Table(
    "entry_topics",
    db.metadata,
    Column("entry_id", ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Entry(db.Model):
    __tablename__ = "entries"
    __table_args__ = (
        # Serves the journal list, day and week queries: all filter by user and date.
        Index("ix_entries_user_date", "user_id", "study_date", "id"),
        # Serves the insights aggregates (sums per day and per stage of live entries):
        # equality on user and deleted_at, a range on the date, the rest read from the index.
        Index(
            "ix_entries_user_live_date",
            "user_id",
            "deleted_at",
            "study_date",
            "stage_id",
            "minutes",
        ),
        UniqueConstraint("user_id", "idempotency_key", name="uq_entries_user_idempotency_key"),
        # An entry's id is its address (/entries/<id>): never hand a purged one out again.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    study_date: Mapped[date]
    # None: the duration is unknown (imported from a tool that records none).
    minutes: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(2048))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when deleted; the entry can be restored for a short while, then it is purged.
    deleted_at: Mapped[datetime | None]

    stage: Mapped[Stage] = relationship()
    topics: Mapped[list[Topic]] = relationship(
        secondary=entry_topics, order_by="Topic.position, Topic.id"
    )
    tags: Mapped[list[EntryTag]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EntryTag.name"
    )

    @property
    def notes_markup(self) -> Markup:
        # notes_html was sanitized with nh3 when the entry was saved (see notes.py).
        return Markup(self.notes_html)

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]


class EntryTag(db.Model):
    __tablename__ = "entry_tags"
    __table_args__ = (Index("ix_entry_tags_name_entry", "name", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
