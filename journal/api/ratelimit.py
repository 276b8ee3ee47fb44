"""Requests per minute for a credential (an API token, an editor key), shared by every worker.

A generic cell rate algorithm in one conditional UPDATE of the credential's row, so every
worker shares the count and two requests at once cannot both take the last place. The row
needs ``rate_until_ms`` (the time, in milliseconds since the epoch, at which the allowance
is whole again) and ``last_used_at``, which the same UPDATE keeps to the minute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, timedelta

from flask import current_app
from sqlalchemy import case, select, update

from ..db import utcnow, write_transaction

# When a credential was last used is written at most this often.
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Rate:
    """Requests a kind of credential may make per minute, and how many of them may come at
    once; the app's config may set either (``<setting>_RATE_PER_MINUTE``, ``_RATE_BURST``)."""

    setting: str
    per_minute: int
    burst: int

    def spend(self, model, row_id: int) -> int | None:
        """``spend`` one request of the row ``row_id`` of ``model`` at this rate."""
        config = current_app.config
        return spend(
            model,
            row_id,
            per_minute=int(config.get(f"{self.setting}_RATE_PER_MINUTE", self.per_minute)),
            burst=int(config.get(f"{self.setting}_RATE_BURST", self.burst)),
        )


def spend(model, row_id: int, *, per_minute: int, burst: int) -> int | None:
    """Count one request of the row ``row_id`` of ``model``: None when allowed, else the
    seconds to wait.

    Each request moves ``rate_until_ms`` on by one interval (from now, if it lies in the
    past); a request that would move it further than the burst ahead of now is refused.
    """
    now = utcnow()
    now_ms = int(now.replace(tzinfo=UTC).timestamp() * 1000)
    interval = 60_000 // max(1, per_minute)
    allowance = interval * max(1, burst)
    start = case((model.rate_until_ms > now_ms, model.rate_until_ms), else_=now_ms)
    stale = now - LAST_USED_EVERY
    with write_transaction() as session:
        result = session.execute(
            update(model)
            .where(model.id == row_id, start + interval - allowance <= now_ms)
            .values(
                rate_until_ms=start + interval,
                last_used_at=case(
                    (model.last_used_at.is_(None), now),
                    (model.last_used_at < stale, now),
                    else_=model.last_used_at,
                ),
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:
            return None
        until = session.scalar(select(model.rate_until_ms).where(model.id == row_id))
    if until is None:
        return None  # revoked meanwhile: the next request is refused as unknown
    return max(1, math.ceil((until + interval - allowance - now_ms) / 1000))
