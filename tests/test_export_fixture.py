"""The JSON export against a hand-written journal (tests/fixtures/journal.json) in which
every field of every record holds a value other than its default: an export that drops or
empties a field, or an import that loses one, differs from the file."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, insert

from journal.auth.services import get_user_by_name
from journal.daily.models import EntryTemplate, WeeklyReview
from journal.editor.models import EditorProject, EditorSettings, Heartbeat
from journal.entries.models import Entry, EntryTag, entry_topics
from journal.extensions import db
from journal.roadmap.models import Stage, Topic
from journal.transfer.services import export_file, import_file

FIXTURE = Path(__file__).parent / "fixtures" / "journal.json"


def fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def when(text: str | None) -> datetime | None:
    """The fixture's "...Z" times as the database keeps them (naive UTC)."""
    return datetime.fromisoformat(text.removesuffix("Z")) if text else None


def load(user, document: dict) -> None:
    """Write the fixture's records straight into the database, without the importer."""
    session = db.session
    session.execute(delete(Stage).where(Stage.user_id == user.id))
    for key, value in document["settings"].items():
        setattr(user, key, value)  # the time zone and the goals
    stages, topics = {}, {}
    for item in document["stages"]:
        stage = Stage(
            user_id=user.id,
            name=item["name"],
            position=item["position"],
            color=item["color"],
            suggested_weeks=item["suggested_weeks"],
            description=item["description"],
            archived_at=when(item["archived_at"]),
            created_at=when(item["created_at"]),
        )
        session.add(stage)
        session.flush()
        stages[stage.name] = stage.id
        for part in item["topics"]:
            topic = Topic(
                user_id=user.id,
                stage_id=stage.id,
                name=part["name"],
                position=part["position"],
                state=part["state"],
                archived_at=when(part["archived_at"]),
                created_at=when(part["created_at"]),
            )
            session.add(topic)
            session.flush()
            topics[topic.name] = topic.id
    for item in document["entries"]:
        entry = Entry(
            user_id=user.id,
            stage_id=stages[item["stage"]],
            study_date=date.fromisoformat(item["date"]),
            minutes=item["minutes"],
            notes=item["notes"],
            link=item["link"],
            created_at=when(item["created_at"]),
            updated_at=when(item["updated_at"]),
        )
        session.add(entry)
        session.flush()
        for name in item["tags"]:
            session.add(EntryTag(entry_id=entry.id, name=name))
        for name in item["topics"]:
            session.execute(insert(entry_topics).values(entry_id=entry.id, topic_id=topics[name]))
    session.add(EntryTemplate(user_id=user.id, **document["template"]))
    for item in document["reviews"]:
        session.add(
            WeeklyReview(
                user_id=user.id,
                week_start=date.fromisoformat(item["week_start"]),
                notes=item["notes"],
                notes_html="",  # not exported
                created_at=when(item["created_at"]),
                updated_at=when(item["updated_at"]),
            )
        )
    editor = document["editor"]
    session.add(EditorSettings(user_id=user.id, **editor["settings"]))
    projects = {}
    for item in editor["projects"]:
        project = EditorProject(
            user_id=user.id,
            name=item["name"],
            stage_id=stages[item["stage"]],
            ignored=item["ignored"],
        )
        session.add(project)
        session.flush()
        projects[project.name] = project.id
    for n, beat in enumerate(editor["heartbeats"]):
        session.add(
            Heartbeat(
                user_id=user.id,
                project_id=projects[beat["project"]],
                digest=f"fixture-{n}",
                time_ms=round(beat["time"] * 1000),
                **{key: beat[key] for key in (
                    "type", "category", "language", "branch", "is_write", "extension", "entity"
                )},
            )
        )  # fmt: skip
    session.commit()


def exported(app) -> dict:
    with app.app_context():
        return json.loads(export_file(get_user_by_name("alice"), "json").data)


def test_every_field_of_every_record_in_the_fixture_is_set():
    document = fixture()
    editor = document["editor"]
    records = [document["settings"], editor["settings"], *document["entries"]]
    records += [document["template"], *document["reviews"]]
    records += [*editor["projects"], *editor["heartbeats"]]
    for stage in document["stages"]:
        records += [stage, *stage["topics"]]
    unset = [
        (key, record.get("name") or record.get("date") or record.get("time"))
        for record in records
        for key, value in record.items()
        if value in (None, "", [], 0, False) and key != "ignored"
    ]
    assert unset == []
    # A project's "ignored" is a yes or no: both are there.
    assert {project["ignored"] for project in editor["projects"]} == {True, False}


def test_the_json_export_is_the_fixture_journal_field_for_field(app, auth):
    auth.create("alice")
    with app.app_context():
        load(get_user_by_name("alice"), fixture())
    assert exported(app) == fixture()


def test_importing_the_fixture_keeps_every_field(app, auth):
    auth.create("alice")
    document = fixture()
    del document["editor"]  # editor time is exported for the record; imports leave it out
    with app.app_context():
        user = get_user_by_name("alice")
        db.session.execute(delete(Stage).where(Stage.user_id == user.id))
        db.session.commit()
        import_file(user, json.dumps(document).encode(), "journal.json", "json")
    assert exported(app) == document
