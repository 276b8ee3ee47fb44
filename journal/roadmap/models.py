"""Stages of a user's roadmap and the topics under each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db


class Stage(db.Model):
    __tablename__ = "stages"
    __table_args__ = (Index("ix_stages_user_position", "user_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(80))
    color: Mapped[str] = mapped_column(String(7))
    suggested_weeks: Mapped[int | None]
    description: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    topics: Mapped[list[Topic]] = relationship(
        back_populates="stage",
        order_by="Topic.position, Topic.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def active_topics(self) -> list[Topic]:
        return [topic for topic in self.topics if topic.archived_at is None]


TOPIC_STATES = ("learning", "done", "skipped")


class Topic(db.Model):
    __tablename__ = "topics"
    __table_args__ = (
        Index("ix_topics_stage_position", "stage_id", "position"),
        CheckConstraint("state IN ('learning', 'done', 'skipped')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    # None (not started), or one of TOPIC_STATES; progress counts "done" only.
    state: Mapped[str | None] = mapped_column(String(10))
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    stage: Mapped[Stage] = relationship(back_populates="topics")

    @property
    def archived(self) -> bool:
        return self.archived_at is not None
