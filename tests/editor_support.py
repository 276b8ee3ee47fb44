"""What the editor-time tests share: a user with an editor key, requests as clients make
them, the recorded client requests, and heartbeats written straight into the database."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from journal.auth.services import get_user_by_name
from journal.editor import keys
from journal.editor.models import EditorProject, Heartbeat
from journal.editor.suggestions import suggestions
from journal.extensions import db

from .conftest import AuthActions
from .helpers import midday_zone

FIXTURES = Path(__file__).parent / "fixtures" / "wakatime"


def recorded(name: str) -> dict:
    """A client's request from tests/fixtures/wakatime (see the README there)."""
    return json.loads((FIXTURES / name).read_text())


def basic(secret: str) -> dict[str, str]:
    """How both WakaTime clients send the key."""
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


def shifted(beats: list, *, last_minutes_ago: float = 10) -> list:
    """The heartbeats moved so the last is ``last_minutes_ago`` minutes old, gaps kept."""
    moved = copy.deepcopy(beats)
    latest = max(beat["time"] for beat in moved)
    delta = time.time() - last_minutes_ago * 60 - latest
    for beat in moved:
        beat["time"] += delta
    return moved


def every(minutes: int, count: int, *, project="flask-tutorial", entity=None, end_ago=10):
    """``count`` heartbeats, ``minutes`` apart, the last ``end_ago`` minutes ago."""
    end = time.time() - end_ago * 60
    return [
        {
            "time": end - (count - 1 - n) * minutes * 60,
            "entity": entity or f"/home/learner/{project}/app.py",
            "type": "file",
            "project": project,
            "language": "Python",
            "is_write": n % 2 == 0,
        }
        for n in range(count)
    ]


class Editor:
    """A user (in a zone where it is about noon now) whose editor sends heartbeats."""

    def __init__(self, app, username: str = "alice", zone: str | None = None):
        self.app = app
        self.username = username
        self.client = app.test_client()
        AuthActions(app, self.client).create(username, timezone=zone or midday_zone())
        with app.app_context():
            self.secret = keys.create_key(get_user_by_name(username)).secret

    def send(self, body, path="/api/v1/users/current/heartbeats.bulk", headers=None, **kwargs):
        headers = basic(self.secret) if headers is None else headers
        return self.client.post(path, json=body, headers=headers, **kwargs)

    def stored(self) -> list[Heartbeat]:
        with self.app.app_context():
            rows = db.session.scalars(
                select(Heartbeat)
                .join(EditorProject)
                .where(EditorProject.user_id == self.user_id)
                .order_by(Heartbeat.time_ms)
            ).all()
            db.session.expunge_all()
            return rows

    def count(self) -> int:
        with self.app.app_context():
            return db.session.scalar(
                select(func.count(Heartbeat.id)).where(Heartbeat.user_id == self.user_id)
            )

    @property
    def user_id(self) -> int:
        with self.app.app_context():
            return get_user_by_name(self.username).id

    def suggested(self) -> list[tuple[str, int]]:
        """(project, minutes) of each suggestion, as Today shows them."""
        with self.app.app_context():
            found = suggestions(get_user_by_name(self.username))
            return [(item.project.name, item.minutes) for item in found]

    def insert(self, *moments: datetime, project: str = "flask-tutorial") -> None:
        """Heartbeats at ``moments`` (aware), written straight into the database: past
        what a request may send, as kept from earlier days."""
        with self.app.app_context():
            user_id = self.user_id
            found = db.session.scalar(
                select(EditorProject).where(
                    EditorProject.user_id == user_id, EditorProject.name == project
                )
            )
            if found is None:
                found = EditorProject(user_id=user_id, name=project)
                db.session.add(found)
                db.session.flush()
            for moment in moments:
                millis = int(moment.astimezone(UTC).timestamp() * 1000)
                db.session.add(
                    Heartbeat(
                        user_id=user_id,
                        project_id=found.id,
                        digest=hashlib.md5(f"{user_id}/{project}/{millis}".encode()).hexdigest(),
                        time_ms=millis,
                        type="file",
                        is_write=False,
                        extension=".py",
                    )
                )
            db.session.commit()
