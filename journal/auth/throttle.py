"""Brute force: failed log-ins counted per account name and per client address.

The counts live in the database, so every worker sees them. After a few failures, further
tries wait a delay that doubles with each new failure, up to a ceiling; failures older
than a day are forgotten. A name with no account is counted exactly like a real one, so
the answers never reveal which names exist. A successful log-in clears the name's count.

A try is counted before its password is checked: ``reserve`` records it as a failure in
the same write transaction that finds it allowed, and a try that turns out right takes its
record back (``Attempt.succeeded``). Tries sent at the same time by many threads and
workers are therefore counted one by one: after the free ones, the rest are refused
without their password ever being checked, the right one included.

Interface, for anything that checks a secret (log-ins, password pages, API tokens)::

    attempt = throttle.reserve(name, throttle.client_address())  # or TooManyAttempts
    if check(secret):
        attempt.succeeded(clear=True)   # clear=True: forget the name's earlier failures
    # else: nothing to do, the try is already counted
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select, text

from ..db import utcnow, write_transaction
from ..extensions import db
from ..validation import TooManyRequests
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


class TooManyAttempts(TooManyRequests):
    """Tries are refused for ``retry_after`` more seconds; nothing was checked or counted."""

    def __init__(self, refused: Refusal):
        super().__init__(refused.message, refused.seconds)


@dataclass(frozen=True)
class Attempt:
    """A try counted as a failure until it proves right."""

    id: int
    username: str

    def succeeded(self, *, clear: bool = False) -> None:
        """The secret was right: the try no longer counts (``clear``: nor the name's others)."""
        with write_transaction() as session:
            session.execute(delete(FailedLogin).where(FailedLogin.id == self.id))
        if clear:
            clear_failures(self.username)


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


# Serializes reservations on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
_POSTGRES_LOCK_KEY = 0x726F6164  # any constant: "road"


def reserve(username: str, address: str) -> Attempt:
    """Count a try by ``username`` from ``address`` before its secret is checked, or raise
    TooManyAttempts when tries must wait (then nothing is counted)."""
    now = utcnow()
    with write_transaction() as session:
        # The lock is PostgreSQL's alone, and mutation runs use SQLite: not mutated there.
        # pragma: no mutate start
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK_KEY})
        # pragma: no mutate end
        wait = refusal(username, address)
        if wait is not None:
            raise TooManyAttempts(wait)
        row = FailedLogin(username=name_key(username), address=address, created_at=now)
        session.add(row)
        session.execute(delete(FailedLogin).where(FailedLogin.created_at <= now - WINDOW))
        session.flush()
        return Attempt(row.id, username)


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
    """Count one failed try after the fact, and forget the failures older than the window.
    (``reserve`` counts a try before it is checked, which is what keeps counts exact.)"""
    now = utcnow()
    with write_transaction() as session:
        session.add(FailedLogin(username=name_key(username), address=address, created_at=now))
        session.execute(delete(FailedLogin).where(FailedLogin.created_at <= now - WINDOW))


def clear_failures(username: str) -> None:
    """A successful log-in: the failures of this name stop counting."""
    with write_transaction() as session:
        session.execute(delete(FailedLogin).where(FailedLogin.username == name_key(username)))
