"""Brute force: failed log-ins counted per account name and per client address.

The counts live in the database, so every worker sees them. After a few failures, further
tries wait a delay that doubles with each new failure, up to a ceiling; failures older
than a day are forgotten. A name with no account is counted exactly like a real one, so
the answers never reveal which names exist. A successful log-in clears the name's count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select

from ..db import utcnow, write_transaction
from ..extensions import db
from .models import FailedLogin
from .names import normalize_username

WINDOW = timedelta(hours=24)
SETTINGS = {
    # Failures allowed before the first delay: per account name, and per address (which
    # may be shared by a household or an office).
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_ADDRESS_FREE_FAILURES": 20,
    "LOGIN_DELAY_SECONDS": 30,
    "LOGIN_MAX_DELAY_SECONDS": 15 * 60,
}
KEY_MAX = 64


@dataclass(frozen=True)
class Refusal:
    """Tries are refused for ``seconds`` more."""

    seconds: int

    @property
    def message(self) -> str:
        return f"Too many failed attempts. Try again in {wait_text(self.seconds)}."


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _setting(name: str) -> int:
    return int(current_app.config.get(name, SETTINGS[name]))


def name_key(username: str) -> str:
    return normalize_username(username)[:KEY_MAX]


def client_address() -> str:
    """The client's address (the proxy's view of it once the app trusts its proxy)."""
    return (request.remote_addr or "unknown")[:KEY_MAX]


def delay_after(failures: int, free: int) -> timedelta:
    """How long to wait after ``failures`` recent failures: none at first, then doubling."""
    if failures < free:
        return timedelta(0)
    base = _setting("LOGIN_DELAY_SECONDS")
    ceiling = _setting("LOGIN_MAX_DELAY_SECONDS")
    # The exponent is bounded so that a long run of failures cannot overflow.
    return timedelta(seconds=min(ceiling, base * 2 ** min(failures - free, 32)))


def refusal(username: str, address: str) -> Refusal | None:
    """Whether a log-in by ``username`` from ``address`` must wait, and for how long."""
    now = utcnow()
    since = now - WINDOW
    waits = []
    for column, key, free in (
        (FailedLogin.username, name_key(username), _setting("LOGIN_FREE_FAILURES")),
        (FailedLogin.address, address, _setting("LOGIN_ADDRESS_FREE_FAILURES")),
    ):
        failures, last = db.session.execute(
            select(func.count(FailedLogin.id), func.max(FailedLogin.created_at)).where(
                column == key, FailedLogin.created_at > since
            )
        ).one()
        if last is not None:
            waits.append(last + delay_after(failures, free) - now)
    longest = max(waits, default=timedelta(0))
    if longest <= timedelta(0):
        return None
    return Refusal(math.ceil(longest.total_seconds()))


def record_failure(username: str, address: str) -> None:
    """Count one failed try, and forget the failures older than the window."""
    now = utcnow()
    with write_transaction() as session:
        session.add(FailedLogin(username=name_key(username), address=address, created_at=now))
        session.execute(delete(FailedLogin).where(FailedLogin.created_at <= now - WINDOW))


def clear_failures(username: str) -> None:
    """A successful log-in: the failures of this name stop counting."""
    with write_transaction() as session:
        session.execute(delete(FailedLogin).where(FailedLogin.username == name_key(username)))
