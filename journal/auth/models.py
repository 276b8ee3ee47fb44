"""Users and their signed-in sessions."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import ClassVar

from flask_login import UserMixin
from sqlalchemy import BigInteger, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # An id is never handed out twice, even after an account is deleted.
    __table_args__: ClassVar[dict] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    is_owner: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Insights: what counts as a day studied, the week's target, where a week begins
    # (0 Monday, 6 Sunday, as clock.week_bounds takes it) and the rest days a streak allows.
    daily_minimum_minutes: Mapped[int] = mapped_column(default=15, server_default="15")
    weekly_goal_minutes: Mapped[int] = mapped_column(default=600, server_default="600")
    week_start: Mapped[int] = mapped_column(default=0, server_default="0")
    rest_days_per_week: Mapped[int] = mapped_column(default=0, server_default="0")
    # Changes whenever anything the user's pages show changes (see journal/revisions.py):
    # the key under which rendered pages are kept.
    revision: Mapped[int] = mapped_column(
        BigInteger, default=lambda: secrets.randbits(62), server_default="0"
    )

    sessions: Mapped[list[LoginSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # The raw token of the session this request runs in; set by the user loader.
    session_token = None

    def get_id(self) -> str | None:
        # Flask-Login stores this in the session and remember cookies: the token of one
        # server-side session, so ending that session makes every copy of the cookie useless.
        return self.session_token


class LoginSession(db.Model):
    """One signed-in browser. Only a hash of its token is stored."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="sessions")


class FailedLogin(db.Model):
    """One failed log-in. Counted per account name and per client address, then forgotten.

    Kept in the database so that every worker process sees the same counts.
    """

    __tablename__ = "failed_logins"
    __table_args__ = (
        Index("ix_failed_logins_username_created", "username", "created_at"),
        Index("ix_failed_logins_address_created", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The name as typed (normalised), whether or not such an account exists.
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class WriteAllowance(db.Model):
    """How many saves a user may still make right away (a token bucket; see rate_limit.py).

    In the database, so that every worker and thread spends from the same allowance.
    """

    __tablename__ = "write_allowances"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime]
