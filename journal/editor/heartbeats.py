"""Heartbeats in: check each one, keep what the user's privacy settings allow, store it once.

A request holds at most 25 heartbeats (what both WakaTime clients send at most). Each gets
its own answer, as the clients expect: 201 with the heartbeat as kept, or 400 naming what
is wrong with it (a client drops such a heartbeat rather than sending it again). The same
heartbeat sent twice (same time and entity) is stored once and answered 201 both times.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, select, update

from ..clock import user_zone
from ..db import insert_or_ignore, utcnow, write_transaction
from ..extensions import db
from ..revisions import touch
from ..validation import clean_text
from .keys import key_of
from .models import EditorProject, Heartbeat
from .retention import kept_since_ms, purge_expired
from .sessions import day_of, day_start_ms
from .settings import settings_of
from .suggestions import coded_days

if TYPE_CHECKING:
    from ..auth.models import User

MAX_PER_REQUEST = 25
# Bounds on what one user's editors can make the journal keep: heartbeats a day (one
# every 17 seconds all day long; editors send one a minute or two while you type), and
# projects (each is a line in Settings).
MAX_PER_DAY = 5000
MAX_PROJECTS = 200
# Heartbeats dated further ahead than this are refused (a clock gone wrong).
AHEAD = timedelta(days=1)
# Expired heartbeats removed by each request that sends some, at most.
PURGE_BATCH = 1000
FIELDS = {
    # name: (most characters, label)
    "entity": (2048, "entity"),
    "type": (16, "type"),
    "category": (32, "category"),
    "project": (100, "project"),
    "branch": (128, "branch"),
    "language": (64, "language"),
}
EXTENSION_RE = re.compile(r"^\.[A-Za-z0-9_+-]{1,15}$")


@dataclass(frozen=True)
class HeartbeatInput:
    time_ms: int
    entity: str
    type: str
    category: str | None
    project: str
    branch: str | None
    language: str | None
    is_write: bool


def parse(item: object) -> HeartbeatInput | dict[str, list[str]]:
    """One heartbeat as a client sends it, or its errors by field (WakaTime's shape)."""
    if not isinstance(item, dict):
        return {"heartbeat": ["A heartbeat must be a JSON object with a time and an entity."]}
    errors: dict[str, list[str]] = {}
    moment = item.get("time", item.get("timestamp"))
    time_ms = None
    is_number = isinstance(moment, int | float) and not isinstance(moment, bool)
    if is_number and math.isfinite(moment) and 0 < moment < 10**11:
        time_ms = round(moment * 1000)
    else:
        errors["time"] = ["time must be a number of seconds since 1970 (UTC)."]
    values: dict[str, str | None] = {}
    for name, (longest, label) in FIELDS.items():
        value = item.get(name)
        if value is None:
            values[name] = None
        elif not isinstance(value, str):
            errors[name] = [f"{label} must be text."]
        elif not _encodable(value):
            errors[name] = [f"{label} must be text in Unicode (it holds a lone surrogate)."]
        else:
            value = clean_text(value)
            if len(value) > longest:
                errors[name] = [f"{label} must be at most {longest} characters."]
            values[name] = value or None
    is_write = item.get("is_write")
    if is_write is not None and not isinstance(is_write, bool):
        errors["is_write"] = ["is_write must be true, false or null."]
    if errors:
        return errors
    return HeartbeatInput(
        time_ms=time_ms,
        entity=values["entity"] or "",
        type=(values["type"] or "file").lower(),
        category=values["category"],
        project=values["project"] or "",
        branch=values["branch"],
        language=values["language"],
        is_write=bool(is_write),
    )


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def extension(entity: str) -> str | None:
    """A file's extension, lower case (``.py``), the one part of a path kept by default."""
    name = PureWindowsPath(entity).name if "\\" in entity else PurePosixPath(entity).name
    suffix = PurePosixPath(name).suffix.lower()
    return suffix if EXTENSION_RE.match(suffix) else None


def digest(user_id: int, time_ms: int, entity: str) -> str:
    """What makes a heartbeat the same one: its user, time and entity, hashed with the
    app's secret key (the hash of a path not kept must not let it be guessed)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{user_id}\x00{time_ms}\x00{entity}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def receive(user: User, items: list) -> list[tuple[dict, int]]:
    """Check and store ``items``; the answer for each, in order: (body, status)."""
    settings = settings_of(user)
    zone = user_zone(user)
    now = utcnow()
    now_ms = int(now.replace(tzinfo=UTC).timestamp() * 1000)
    oldest_ms = kept_since_ms(user, settings.retention_days)
    latest_ms = now_ms + int(AHEAD.total_seconds() * 1000)
    answers: list[tuple[dict, int] | None] = [None] * len(items)
    wanted: list[tuple[int, HeartbeatInput]] = []
    for index, item in enumerate(items):
        parsed = parse(item)
        if isinstance(parsed, dict):
            answers[index] = ({"errors": parsed}, 400)
        elif parsed.time_ms < oldest_ms:
            answers[index] = _refused(
                "time",
                f"This heartbeat is older than the {settings.retention_days} days your "
                "journal keeps editor time: it is not kept.",
            )
        elif parsed.time_ms > latest_ms:
            answers[index] = _refused("time", "This heartbeat is dated more than a day ahead.")
        else:
            wanted.append((index, parsed))

    with write_transaction() as session:
        projects = _project_ids(session, user, [beat.project for _, beat in wanted], now)
        room = _room_per_day(session, user, zone, {day_of(b.time_ms, zone) for _, b in wanted})
        rows = {}
        for index, beat in wanted:
            project_id = projects.get(beat.project)
            day = day_of(beat.time_ms, zone)
            if project_id is None:
                answers[index] = _refused(
                    "project",
                    f"Your journal already follows {MAX_PROJECTS} projects, the most it "
                    "keeps: ignore or remove some in Settings → Editor time.",
                )
                continue
            if room[day] <= 0:
                answers[index] = _refused(
                    "time", f"This day already holds {MAX_PER_DAY:,} heartbeats, the most kept."
                )
                continue
            room[day] -= 1
            row = _row(user, settings.keep_paths, beat, project_id)
            rows.setdefault(row["digest"], row)  # the same heartbeat twice in one request
            answers[index] = ({"data": _shown(row, beat.project)}, 201)
        days = {day_of(row["time_ms"], zone) for row in rows.values()}
        # What the calendar shows of those days: cached pages are dropped only when it changes.
        before = coded_days(user, min(days), max(days)) if days else set()
        stored = insert_or_ignore(session, Heartbeat.__table__, list(rows.values()), ["digest"])
        changed = stored and coded_days(user, min(days), max(days)) != before
        if purge_expired(session, user.id, oldest_ms, PURGE_BATCH) or changed:
            touch(session, user.id)
    return answers


def _refused(field: str, message: str) -> tuple[dict, int]:
    return {"errors": {field: [message]}}, 400


def _project_ids(session, user: User, named: list[str], now) -> dict[str, int]:
    """The ids of the projects named, made for those new (in the order they come) while
    the user has fewer than MAX_PROJECTS."""
    names = set(named)
    if not names:
        return {}
    by_name = _ids_by_name(session, user, names)
    new = [name for name in dict.fromkeys(named) if name not in by_name]
    if new:
        count = session.scalar(
            select(func.count(EditorProject.id)).where(EditorProject.user_id == user.id)
        )
        fitting = new[: max(0, MAX_PROJECTS - count)]
        rows = [
            {"user_id": user.id, "name": name, "ignored": False, "created_at": now,
             "last_seen_at": now}
            for name in fitting
        ]  # fmt: skip
        insert_or_ignore(session, EditorProject.__table__, rows, ["user_id", "name"])
        by_name = _ids_by_name(session, user, names)
    session.execute(
        update(EditorProject)
        .where(EditorProject.id.in_(by_name.values()))
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    return by_name


def _ids_by_name(session, user: User, names: set[str]) -> dict[str, int]:
    rows = session.execute(
        select(EditorProject.name, EditorProject.id).where(
            EditorProject.user_id == user.id, EditorProject.name.in_(names)
        )
    )
    return dict(rows.all())


def _room_per_day(session, user: User, zone, days) -> Counter:
    """How many more heartbeats each of ``days`` may hold."""
    room = Counter()
    for day in days:
        start = day_start_ms(day, zone)
        end = day_start_ms(day + timedelta(days=1), zone)
        held = session.scalar(
            select(func.count(Heartbeat.id)).where(
                Heartbeat.user_id == user.id, Heartbeat.time_ms >= start, Heartbeat.time_ms < end
            )
        )
        room[day] = MAX_PER_DAY - held
    return room


def _row(user: User, keep_paths: bool, beat: HeartbeatInput, project_id: int) -> dict:
    is_file = beat.type == "file"
    return {
        "user_id": user.id,
        "project_id": project_id,
        "digest": digest(user.id, beat.time_ms, beat.entity),
        "time_ms": beat.time_ms,
        "type": beat.type,
        "category": beat.category,
        "language": beat.language,
        "branch": beat.branch,
        "is_write": beat.is_write,
        "extension": extension(beat.entity) if is_file else None,
        "entity": beat.entity if keep_paths else None,
    }


def _shown(row: dict, project: str) -> dict:
    """A heartbeat as answered: what was kept of it, in WakaTime's field names."""
    return {
        "id": row["digest"],
        "time": row["time_ms"] / 1000,
        "entity": row["entity"] if row["entity"] is not None else row["extension"],
        "type": row["type"],
        "category": row["category"],
        "project": project or None,
        "branch": row["branch"],
        "language": row["language"],
        "is_write": row["is_write"],
    }


def heartbeat_count(user: User) -> int:
    return db.session.scalar(select(func.count(Heartbeat.id)).where(Heartbeat.user_id == user.id))


def deletion_context(user: User) -> dict:
    """What the account deletion page says of editor time: it goes with the account."""
    return {"editor_heartbeat_count": heartbeat_count(user), "editor_key": key_of(user)}
