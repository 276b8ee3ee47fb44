"""Shared set-up for the insights tests: a frozen clock and entries inserted in bulk."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, select

from journal import clock
from journal.auth.models import User
from journal.db import utcnow
from journal.entries.models import Entry
from journal.extensions import db
from journal.roadmap.models import Stage


def freeze(monkeypatch, moment: datetime) -> None:
    """Make "now" the aware instant ``moment``; each user sees it in their own zone."""
    monkeypatch.setattr(clock, "user_now", lambda user: moment.astimezone(clock.user_zone(user)))


def user(username: str = "alice") -> User:
    return db.session.scalar(select(User).where(User.username == username))


def stage_ids(username: str = "alice") -> list[int]:
    """The user's stage ids in roadmap order (the default roadmap's seven)."""
    owner = user(username)
    query = select(Stage.id).where(Stage.user_id == owner.id).order_by(Stage.position)
    return list(db.session.scalars(query))


def add_entries(username: str, rows) -> None:
    """Insert entries in one statement: ``rows`` of (day, stage index, minutes[, deleted])."""
    owner, stages = user(username), stage_ids(username)
    values = []
    for row in rows:
        day, stage, minutes = row[:3]
        deleted = row[3] if len(row) > 3 else False
        values.append(
            {
                "user_id": owner.id,
                "stage_id": stages[stage],
                "study_date": day,
                "minutes": minutes,
                "notes": "",
                "notes_html": "",
                "deleted_at": utcnow() if deleted else None,
            }
        )
    db.session.execute(insert(Entry), values)
    db.session.commit()


def set_user(username: str = "alice", **values) -> None:
    owner = user(username)
    for name, value in values.items():
        setattr(owner, name, value)
    db.session.commit()


# A Wednesday in March 2026: its Monday week runs 16 to 22 March, its Sunday week 15 to 21.
TODAY = date(2026, 3, 18)

# Several stages, a deleted entry, an entry without a duration, and entries on both
# sides of every preset range's edges. Stage indexes: 0 Python, 1 Databases, 2 Web.
ALICE_ROWS = [
    (date(2026, 3, 16), 0, 60),
    (date(2026, 3, 16), 1, 30),
    (date(2026, 3, 17), 0, 45),
    (date(2026, 3, 17), 1, None),  # duration unknown: an entry, no minutes
    (date(2026, 3, 18), 2, 20),
    (date(2026, 3, 18), 0, 500, True),  # deleted: never counted
    (date(2026, 3, 15), 0, 90),  # Sunday before this (Monday) week
    (date(2026, 3, 1), 1, 120),  # first day of the month
    (date(2026, 2, 28), 1, 50),  # day before the month
    (date(2025, 12, 29), 2, 10),  # first day of the last 12 weeks
    (date(2025, 12, 28), 0, 40),  # day before them
]

# Bob studies on the same days, far more: none of it may reach Alice's numbers.
BOB_ROWS = [(row[0], row[1], 1000) for row in ALICE_ROWS]
