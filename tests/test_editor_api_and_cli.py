"""The editor time not logged yet, through the JSON API's today and the `roadbook` client."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from journal.api import tokens
from journal.auth.services import get_user_by_name
from journal.clock import user_today
from journal.editor import keys
from journal.editor.models import EditorProject
from journal.extensions import db

from .support import Editor, basic, every
from .test_cli import Journal, Terminal, one_line_error


def token_of(app, username="alice") -> dict[str, str]:
    with app.app_context():
        made = tokens.create_token(
            get_user_by_name(username), tokens.TokenInput("laptop", "write", None)
        )
    return {"Authorization": f"Bearer {made.secret}"}


def test_today_lists_the_editor_time_and_logging_it_with_its_key_logs_it(app):
    editor = Editor(app)
    editor.send(every(5, 13))  # an hour
    headers = token_of(app)
    with app.app_context():
        today = user_today(get_user_by_name("alice")).isoformat()
        project = db.session.scalar(select(EditorProject.id))
    (item,) = editor.client.get("/api/v1/today", headers=headers).json["editor_suggestions"]
    key = item.pop("key")
    assert key.startswith(f"editor-{today.replace('-', '')}-{project}-")
    assert item == {
        "date": today,
        "project": "flask-tutorial",
        "minutes": 60,
        "duration": "1h",
        "stage": None,
        "tag": "flask-tutorial",
    }
    created = editor.client.post(
        "/api/v1/entries",
        json={"date": today, "duration": "1h", "stage": "web", "notes": "#flask-tutorial"},
        headers={**headers, "Idempotency-Key": key},
    )
    assert created.status_code == 201
    assert editor.client.get("/api/v1/today", headers=headers).json["editor_suggestions"] == []


# The terminal client ----------------------------------------------------------------------


@pytest.fixture
def served(databases, tmp_path):
    journal = Journal(databases, tmp_path)
    with journal.app.app_context():
        secret = keys.create_key(get_user_by_name("alice")).secret
    journal.editor_key = secret
    yield journal
    journal.close()
    databases.release(journal.database)


@pytest.mark.slow
def test_roadbook_shows_and_logs_the_editor_time(served, tmp_path):
    terminal = Terminal(tmp_path / "home")
    terminal.sign_in(served.url, served.secret)
    assert terminal("editor").out.strip() == "No editor time to log."
    client = served.app.test_client()
    response = client.post("/api/v1", json=every(5, 5), headers=basic(served.editor_key))
    assert response.status_code == 202

    today = terminal("today")
    assert today.code == 0
    lines = today.out.splitlines()
    start = lines.index("In your editor, not logged yet:")
    assert lines[start + 1].startswith("  1. ")
    assert lines[start + 1].endswith("     20 min  flask-tutorial (no stage yet)")
    assert lines[start + 2] == '`roadbook editor N "what you did"` logs one.'

    assert one_line_error(terminal("editor", "2")) == (
        "There is no editor time numbered 2: `roadbook editor` lists it."
    )
    # A project without a stage, and no entry yet to take the last stage from.
    assert one_line_error(terminal("editor", "1", "Blueprints")).startswith("Stage")
    logged = terminal("editor", "1", "Blueprints", "and", "factories", "--stage", "web")
    assert logged.code == 0, logged.err
    assert logged.out.startswith("Saved: 20 min of Web frameworks on ")
    (entry,) = served.entries()
    assert entry[1] == 20 and entry[3] == "#flask-tutorial Blueprints and factories"
    assert terminal("editor").out.strip() == "No editor time to log."
    assert "In your editor" not in terminal("today").out
