"""Editor time older than each user keeps it is deleted: by the requests that bring new
heartbeats (a bounded batch), and for everyone by `flask --app journal purge-editor-time`."""

from __future__ import annotations

import re
import shlex
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from journal import ROOT
from journal.auth.services import get_user_by_name
from journal.editor import heartbeats, settings
from journal.editor.models import Dismissal, EditorProject
from journal.extensions import db

from .support import Editor, every


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def project_names(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(EditorProject.name)))


def test_new_heartbeats_delete_a_bounded_batch_of_expired_ones(app, monkeypatch):
    editor = Editor(app)
    editor.insert(*(days_ago(91) + timedelta(minutes=n) for n in range(5)))
    editor.insert(days_ago(89))
    monkeypatch.setattr(heartbeats, "PURGE_BATCH", 3)
    editor.send(every(5, 1))
    assert editor.count() == 1 + 2 + 1  # the new one, two expired left, the one of 89 days
    editor.send(every(5, 1, end_ago=20))
    assert editor.count() == 1 + 1 + 1


def test_the_purge_command_deletes_every_users_expired_time(app, runner):
    alice = Editor(app)  # keeps 90 days (the default: she never saved her settings)
    bob = Editor(app, "bob")
    with app.app_context():
        settings.save_settings(get_user_by_name("bob"), settings.Settings(retention_days=30))
    alice.insert(days_ago(91), days_ago(40), project="old-project")
    alice.insert(days_ago(1))
    bob.insert(days_ago(40), days_ago(31), project="bobs-old-project")
    bob.insert(days_ago(29))
    with app.app_context():
        user = get_user_by_name("bob")
        project = db.session.scalar(
            select(EditorProject.id).where(EditorProject.name == "bobs-old-project")
        )
        db.session.add(
            Dismissal(
                user_id=user.id,
                project_id=project,
                day=days_ago(40).date(),
                until_ms=int(days_ago(40).timestamp() * 1000),
            )
        )
        old = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=60)
        db.session.execute(
            EditorProject.__table__.update()
            .where(EditorProject.name.in_(["old-project", "bobs-old-project"]))
            .values(last_seen_at=old)
        )
        db.session.commit()

    result = runner.invoke(args=["purge-editor-time"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Removed 3 heartbeats older than kept."
    assert alice.count() == 2 and bob.count() == 1
    # alice's old project keeps a heartbeat (40 days old); bob's has none left and goes,
    # with his dismissal of its time.
    assert project_names(app) == {"old-project", "flask-tutorial"}
    with app.app_context():
        assert db.session.scalar(select(func.count(Dismissal.id))) == 0
    assert runner.invoke(args=["purge-editor-time"]).output.strip() == (
        "Removed 0 heartbeats older than kept."
    )


def test_a_project_the_user_set_is_kept_without_heartbeats(app, runner):
    editor = Editor(app)
    editor.insert(days_ago(100), project="mapped")
    with app.app_context():
        user = get_user_by_name("alice")
        project = db.session.scalar(select(EditorProject).where(EditorProject.name == "mapped"))
        project.last_seen_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=100)
        db.session.commit()
        settings.save_mapping(user, {project.id: settings.IGNORED})
    runner.invoke(args=["purge-editor-time"])
    assert editor.count() == 0
    assert project_names(app) == {"mapped"}


def test_the_daily_unit_runs_the_purge_command(app, runner):
    deploy = ROOT / "deploy"
    unit = (deploy / "roadbook-purge-editor-time.service").read_text()
    command = shlex.split(re.search(r"^ExecStart=(.+)$", unit, re.M).group(1))
    assert command[:3] == ["/srv/roadbook/app/.venv/bin/flask", "--app", "journal"]
    editor = Editor(app)
    editor.insert(days_ago(100))
    result = runner.invoke(args=command[3:])
    assert result.exit_code == 0, result.output
    assert editor.count() == 0
    timer = (deploy / "roadbook-purge-editor-time.timer").read_text()
    assert "OnCalendar=" in timer and "Persistent=true" in timer
