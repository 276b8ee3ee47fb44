"""Personal access tokens: what a script or the terminal client signs in to the API with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db import utcnow
from ..extensions import db

SCOPES = ("read", "write")


class ApiToken(db.Model):
    """One token. Only a hash of it is stored; revoking it deletes the row."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scope IN ('read', 'write')", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, to tell tokens apart in a list.
    prefix: Mapped[str] = mapped_column(String(16))
    # "read", or "write" (read and write).
    scope: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    # Kept to the minute: written at most once a minute, whatever the traffic.
    last_used_at: Mapped[datetime | None]
    # The rate limit's state (GCRA): the time, in milliseconds since the epoch, at which
    # the token's allowance is whole again. Shared by every worker through the database.
    rate_until_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    user: Mapped[User] = relationship()

    @property
    def can_write(self) -> bool:
        return self.scope == "write"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow()
