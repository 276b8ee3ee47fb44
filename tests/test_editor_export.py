"""Heartbeats are the user's data: the JSON export holds them (as kept), with the projects
and the editor settings, and follows the export's dates and stage."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from journal.auth.services import get_user_by_name
from journal.editor import settings
from journal.editor.models import EditorProject
from journal.extensions import db
from journal.roadmap.models import Stage
from journal.transfer.collect import ExportFilters
from journal.transfer.services import export_file, read_upload

from .support import Editor, every


def exported(app, fmt="json", filters=None) -> bytes:
    with app.app_context():
        return export_file(get_user_by_name("alice"), fmt, filters).data


def test_the_json_export_holds_the_heartbeats_as_kept(app):
    editor = Editor(app)
    beats = every(5, 2)
    beats[0].update(branch="main", category="coding", language="Python", is_write=True)
    beats[1].update(type="domain", entity="docs.python.org", category="browsing")
    editor.send(beats)
    document = json.loads(exported(app))
    assert document["editor"]["settings"] == {
        "keep_paths": False,
        "retention_days": 90,
        "session_gap_minutes": 15,
    }
    assert document["editor"]["projects"] == [
        {"name": "flask-tutorial", "stage": None, "ignored": False}
    ]
    first, second = document["editor"]["heartbeats"]
    assert first == {
        "time": round(beats[0]["time"] * 1000) / 1000,
        "project": "flask-tutorial",
        "type": "file",
        "category": "coding",
        "language": "Python",
        "branch": "main",
        "is_write": True,
        "extension": ".py",
        "entity": None,  # the path was not kept: it is not in the export either
    }
    assert (second["type"], second["entity"], second["extension"]) == ("domain", None, None)


def test_no_editor_part_without_editor_time_and_in_no_other_format(app, auth):
    auth.create("alice")
    assert "editor" not in json.loads(exported(app))
    editor = Editor(app, "bob")
    editor.send(every(5, 3))
    assert "editor" not in json.loads(exported(app))  # bob's, not alice's
    with app.app_context():
        for fmt in ("markdown", "csv"):
            assert b"flask-tutorial" not in export_file(get_user_by_name("bob"), fmt).data


def test_the_export_filters_apply_to_heartbeats(app):
    editor = Editor(app, zone="Europe/Paris")
    paris = ZoneInfo("Europe/Paris")
    for day in (date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)):
        # 23:30 in Paris: 22:30 UTC, still the Paris day.
        editor.insert(datetime.combine(day, datetime.min.time(), paris) + timedelta(hours=23.5))
    editor.insert(datetime(2026, 3, 10, 12, tzinfo=paris), project="dotfiles")
    tenth = ExportFilters(date(2026, 3, 10), date(2026, 3, 10))
    only_tenth = json.loads(exported(app, filters=tenth))
    times = [beat["time"] for beat in only_tenth["editor"]["heartbeats"]]
    assert times == [
        datetime(2026, 3, 10, 12, tzinfo=paris).timestamp(),
        datetime(2026, 3, 10, 23, 30, tzinfo=paris).timestamp(),
    ]
    with app.app_context():
        user = get_user_by_name("alice")
        web = db.session.scalar(
            select(Stage).where(Stage.user_id == user.id, Stage.name == "Web frameworks")
        )
        tutorial = db.session.scalar(
            select(EditorProject.id).where(EditorProject.name == "flask-tutorial")
        )
        settings.save_mapping(user, {tutorial: web.id})
        web_only = json.loads(export_file(user, "json", ExportFilters(stage=web)).data)
    assert [p["name"] for p in web_only["editor"]["projects"]] == ["flask-tutorial"]
    assert {beat["project"] for beat in web_only["editor"]["heartbeats"]} == {"flask-tutorial"}
    assert len(web_only["editor"]["heartbeats"]) == 3


def test_a_json_export_with_editor_time_still_reads_back(app):
    """Readers ignore keys they do not know: the file imports as before (its entries)."""
    editor = Editor(app)
    editor.send(every(5, 3))
    data = exported(app)
    with app.app_context():
        fmt, journal = read_upload(get_user_by_name("alice"), data, "backup.json")
    assert fmt == "json"
    assert [stage.name for stage in journal.stages][:2] == [
        "Python fundamentals",
        "Databases and SQL",
    ]
