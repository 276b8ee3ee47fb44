"""Small helpers the tests share."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from datetime import UTC, datetime

from sqlalchemy.orm import selectinload

from journal.entries.models import Entry

# An entry with what a test reads of it once its session has ended.
ENTRY_GRAPH = (selectinload(Entry.stage), selectinload(Entry.topics), selectinload(Entry.tags))

# What htmx sends for a targeted swap (a fragment), and for a boosted or full request.
HX = {"HX-Request": "true", "HX-Request-Type": "partial"}
HX_FULL = {"HX-Request": "true", "HX-Request-Type": "full"}


def text(response) -> str:
    return response.get_data(as_text=True)


def is_full_page(response) -> bool:
    return "<!doctype html>" in text(response).lower()


def field_error(response, form_id: str, field: str) -> str | None:
    """The message shown under ``field`` of the form ``form_id``, if any."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(form_id)}-{field}-error">([^<]*)</p>',
        text(response),
    )
    return match.group(1) if match else None


def csrf_token(response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', text(response))
    assert match, "no csrf_token in the page"
    return match.group(1)


def midday_zone(now: datetime | None = None) -> str:
    """A time zone where it is about noon now: a timer backdated by an hour or so then
    starts on today's date whenever the tests run (near midnight UTC too)."""
    hour = (now or datetime.now(UTC)).hour
    offset = 12 - hour  # from -11 to +12 hours: all have an Etc/GMT zone
    if offset == 0:
        return "Etc/GMT"
    # Etc/GMT zones count the other way round: Etc/GMT-5 is five hours ahead of UTC.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def set_timezone(app, username: str, zone: str) -> None:
    """As saving the settings page does (through the ORM: the user's revision moves)."""
    from journal.auth.services import get_user_by_name
    from journal.extensions import db

    with app.app_context():
        get_user_by_name(username).timezone = zone
        db.session.commit()


def run_sql(path, *statements: str) -> None:
    """Change a SQLite file directly, as a damaged or foreign database would be."""
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        for statement in statements:
            connection.execute(statement)


def backdate_timer(app, minutes, username="alice"):
    """Pretend the user's running timer began ``minutes`` (and a few seconds) ago."""
    from datetime import timedelta

    from journal.auth.services import get_user_by_name
    from journal.daily.models import Timer
    from journal.db import utcnow
    from journal.extensions import db

    with app.app_context():
        user = get_user_by_name(username)
        timer = db.session.get(Timer, user.id)
        timer.started_at = utcnow() - timedelta(minutes=minutes, seconds=5)
        db.session.commit()


def at_once(count: int, send) -> list[int]:
    """Call ``send(number)`` from ``count`` threads released together; their statuses, sorted."""
    start = threading.Barrier(count)
    statuses: list[int] = []

    def run(number):
        start.wait()
        statuses.append(send(number).status_code)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def app_with_users(tmp_path, **config):
    """An app that takes the install to have accounts already: its routes answer without a
    database (the first visit's check for an owner is skipped)."""
    from journal import create_app
    from journal.auth.services import HAS_USERS

    from .conftest import make_config

    app = create_app(make_config(tmp_path, **config))
    app.extensions[HAS_USERS] = True
    return app
