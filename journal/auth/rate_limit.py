"""Per-user write rate limits: saves spend from an allowance that refills with time.

A save that renders Markdown costs more the longer its text (``text_cost``), so one account
cannot keep the workers busy rendering: a user may save ``WRITE_BURST`` units at once, then
``WRITES_PER_MINUTE`` units a minute. The allowance is spent in the database, before the
costly work, in a write transaction of its own: saves sent at the same time by several
threads or workers each take their share exactly once.
"""

from __future__ import annotations

import math

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..db import utcnow, write_transaction
from ..validation import TooManyRequests
from .models import WriteAllowance

SETTINGS = {"WRITE_BURST": 60, "WRITES_PER_MINUTE": 60}
# A save's cost: one unit, and one more for each 1,000 bytes of text it renders.
BYTES_PER_UNIT = 1000


class TooManyWrites(TooManyRequests):
    def __init__(self, seconds: int):
        super().__init__(
            "You are saving faster than the journal allows: nothing was saved. "
            f"Try again in {seconds} second{'s' if seconds != 1 else ''}.",
            seconds,
        )


def text_cost(text: str) -> int:
    """What saving ``text`` (Markdown to render) costs."""
    return 1 + len(text.encode("utf-8")) // BYTES_PER_UNIT


def _setting(name: str) -> float:
    return float(current_app.config.get(name, SETTINGS[name]))


def spend(user_id: int, cost: float = 1) -> None:
    """Take ``cost`` units from the user's allowance, or raise TooManyWrites (nothing taken).

    ``WRITE_BURST`` = 0 turns the limit off.
    """
    burst, per_second = _setting("WRITE_BURST"), _setting("WRITES_PER_MINUTE") / 60
    if burst <= 0 or per_second <= 0:
        return
    cost = min(cost, burst)
    now = utcnow()
    with write_transaction() as session:
        postgresql = session.get_bind().dialect.name == "postgresql"
        insert = postgresql_insert if postgresql else sqlite_insert
        session.execute(
            insert(WriteAllowance)
            .values(user_id=user_id, tokens=burst, updated_at=now)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        allowance = session.scalar(
            select(WriteAllowance)
            .where(WriteAllowance.user_id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        elapsed = max(0.0, (now - allowance.updated_at).total_seconds())
        tokens = min(burst, allowance.tokens + elapsed * per_second)
        if tokens < cost:
            raise TooManyWrites(math.ceil((cost - tokens) / per_second))
        allowance.tokens = tokens - cost
        allowance.updated_at = now
