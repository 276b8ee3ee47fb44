"""Editor time per day and project: sessions, the user's days (time zones, daylight saving),
and suggestions that never come back once logged or dismissed. Expected minutes are worked
out by hand from the heartbeats' times."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from journal.auth.services import get_user_by_name
from journal.clock import user_today
from journal.editor import settings, suggestions
from journal.editor.models import EditorProject
from journal.editor.sessions import project_days
from journal.extensions import db
from journal.roadmap.models import Stage

from .support import Editor, every


def minutes_per_day(app, first: date, last: date, gap: int = 15, username="alice"):
    """{(day, project name): minutes} as project_days computes them."""
    with app.app_context():
        user = get_user_by_name(username)
        names = dict(db.session.execute(select(EditorProject.id, EditorProject.name)).all())
        return {
            (row.day, names[row.project_id]): row.minutes
            for row in project_days(user, first, last, gap)
        }


def at(zone: str, day: date, *times: str) -> list[datetime]:
    return [
        datetime.combine(day, datetime.strptime(text, "%H:%M").time(), ZoneInfo(zone))
        for text in times
    ]


@pytest.fixture
def editor(app):
    return Editor(app)


def test_heartbeats_less_than_the_gap_apart_make_one_session(app, editor):
    day = date(2026, 3, 10)
    editor.insert(*at(editor_zone(app), day, "10:00", "10:05", "10:10", "10:30", "10:35"))
    # 10:00-10:10 and 10:30-10:35: the pause of 20 minutes is not time spent.
    assert minutes_per_day(app, day, day) == {(day, "flask-tutorial"): 15}
    # With a 30-minute gap the pause is part of the session: 10:00 to 10:35.
    assert minutes_per_day(app, day, day, gap=30) == {(day, "flask-tutorial"): 35}


def editor_zone(app, username="alice") -> str:
    with app.app_context():
        return get_user_by_name(username).timezone


def test_time_between_projects_counts_once_for_the_first(app, editor):
    day = date(2026, 3, 10)
    zone = editor_zone(app)
    editor.insert(*at(zone, day, "10:00", "10:10"), project="api")
    editor.insert(*at(zone, day, "10:05", "10:15"), project="site")
    # api: 10:00-10:05 and 10:10-10:15; site: 10:05-10:10 (its 10:15 heartbeat ends it).
    assert minutes_per_day(app, day, day) == {(day, "api"): 10, (day, "site"): 5}


def test_days_are_the_users_own_days(app):
    editor = Editor(app, zone="Etc/GMT-10")  # ten hours ahead of UTC
    first = date(2026, 3, 10)
    second = first + timedelta(days=1)
    times = [f"23:{m:02d}" for m in range(30, 60, 5)] + [f"00:{m:02d}" for m in range(0, 35, 5)]
    editor.insert(*at("Etc/GMT-10", first, *times[:6]), *at("Etc/GMT-10", second, *times[6:]))
    # 23:30 to midnight on the first day (its 23:55 heartbeat runs to 00:00), then 00:00 to
    # 00:30 on the second: in UTC all of it is one afternoon, 13:30 to 14:30.
    assert minutes_per_day(app, first, second) == {
        (first, "flask-tutorial"): 30,
        (second, "flask-tutorial"): 30,
    }
    # Asked for the first day alone, its last heartbeat still runs on to midnight.
    assert minutes_per_day(app, first, first) == {(first, "flask-tutorial"): 30}


@pytest.mark.parametrize(
    "before",
    [
        date(2026, 10, 25),  # Paris leaves summer time that morning (03:00 back to 02:00)
        date(2026, 3, 29),  # and enters it (02:00 on to 03:00)
    ],
    ids=["autumn", "spring"],
)
def test_days_follow_daylight_saving_changes(app, before):
    editor = Editor(app, zone="Europe/Paris")
    after = before + timedelta(days=1)
    editor.insert(
        *at("Europe/Paris", before, "23:40", "23:45", "23:50", "23:55"),
        *at("Europe/Paris", after, "00:00", "00:05", "00:10", "00:15", "00:20"),
    )
    # The range starts days before the change, in the other offset: each heartbeat still
    # falls on its own local day (23:55 runs to midnight: 20 minutes each side).
    assert minutes_per_day(app, before - timedelta(days=5), after + timedelta(days=1)) == {
        (before, "flask-tutorial"): 20,
        (after, "flask-tutorial"): 20,
    }


# Suggestions ------------------------------------------------------------------------------


def test_a_suggestion_needs_five_minutes(editor):
    editor.send(every(2, 3, end_ago=10))  # 14, 12 and 10 minutes ago: 4 minutes
    assert editor.suggested() == []
    editor.send(every(2, 1, end_ago=8))  # and 8 minutes ago: 6 minutes
    assert editor.suggested() == [("flask-tutorial", 6)]


def test_only_the_last_seven_days_are_suggested(app, editor):
    with app.app_context():
        today = user_today(get_user_by_name("alice"))
    zone = editor_zone(app)
    editor.insert(*at(zone, today - timedelta(days=7), "10:00", "10:30", "10:45"))
    editor.insert(*at(zone, today - timedelta(days=6), "10:00", "10:10", "10:20"))
    with app.app_context():
        found = suggestions.suggestions(get_user_by_name("alice"))
        assert [(item.day, item.minutes) for item in found] == [(today - timedelta(days=6), 20)]


def log_form(editor, **changes) -> dict:
    """The entry form as a suggestion fills it (see test_editor_pages for the page)."""
    with editor.app.app_context():
        item = suggestions.suggestions(get_user_by_name(editor.username))[0]
        stage = db.session.scalar(select(Stage.id).where(Stage.user_id == editor.user_id))
        return {
            "date": item.day.isoformat(),
            "duration": item.duration,
            "stage": str(stage),
            "notes": item.notes + "Blueprints",
            "idempotency_key": item.key,
            **changes,
        }


def save(editor, form: dict):
    from .support import PASSWORD

    editor.client.post("/login", data={"username": editor.username, "password": PASSWORD})
    return editor.client.post("/entries", data=form)


def test_a_logged_suggestion_does_not_come_back_and_later_time_does(editor):
    editor.send(every(5, 9, end_ago=20))  # 40 minutes, ending 20 minutes ago
    assert editor.suggested() == [("flask-tutorial", 40)]
    assert save(editor, log_form(editor, duration="35m")).status_code == 303  # logged, shorter
    assert editor.suggested() == []
    # The session goes on (15 and 10 minutes ago): only what came after is suggested.
    editor.send(every(5, 2, end_ago=10))
    assert editor.suggested() == [("flask-tutorial", 10)]


def test_a_double_submitted_log_saves_one_entry(app, editor):
    from journal.entries.models import Entry

    editor.send(every(5, 7))
    form = log_form(editor)
    assert save(editor, form).status_code == 303
    assert save(editor, form).status_code == 303
    with app.app_context():
        entries = db.session.scalars(select(Entry)).all()
        assert len(entries) == 1
        assert entries[0].minutes == 30 and entries[0].tag_names == ["flask-tutorial"]


def test_a_dismissed_suggestion_does_not_come_back(app, editor):
    editor.send(every(5, 7, end_ago=40))
    editor.send(every(5, 4, end_ago=40, project="side-project"))
    with app.app_context():
        user = get_user_by_name("alice")
        item = next(s for s in suggestions.suggestions(user) if s.project.name == "flask-tutorial")
        assert suggestions.dismiss(user, item.day, item.project.id, item.until_ms)
    assert editor.suggested() == [("side-project", 15)]
    # A new session later that day is suggested on its own.
    editor.send(every(5, 3, end_ago=5))
    assert sorted(editor.suggested()) == [("flask-tutorial", 10), ("side-project", 15)]


def test_a_dismissal_covers_no_more_than_was_shown(app, editor):
    editor.send(every(5, 4, end_ago=30))
    with app.app_context():
        user = get_user_by_name("alice")
        (item,) = suggestions.suggestions(user)
        shown_until = item.until_ms
    editor.send(every(5, 2, end_ago=20))  # arrives after the page was shown
    with app.app_context():
        suggestions.dismiss(get_user_by_name("alice"), item.day, item.project.id, shown_until)
    # 30 to 20 minutes ago was not shown when dismissed: it stays suggested.
    assert editor.suggested() == [("flask-tutorial", 10)]


def test_projects_map_to_stages_or_are_ignored(app, editor):
    editor.send(every(5, 4, end_ago=60, project="flask-tutorial"))
    editor.send(every(5, 4, end_ago=30, project="dotfiles"))
    with app.app_context():
        user = get_user_by_name("alice")
        web = db.session.scalar(
            select(Stage).where(Stage.user_id == user.id, Stage.name == "Web frameworks")
        )
        ids = dict(db.session.execute(select(EditorProject.name, EditorProject.id)).all())
        settings.save_mapping(
            user, {ids["flask-tutorial"]: web.id, ids["dotfiles"]: settings.IGNORED}
        )
        found = suggestions.suggestions(user)
        assert [(item.project.name, item.stage.name, item.tag) for item in found] == [
            ("flask-tutorial", "Web frameworks", "flask-tutorial")
        ]
        web.archived_at = datetime(2026, 1, 1)
        db.session.commit()
        (item,) = suggestions.suggestions(user)
        assert item.stage is None  # an archived stage takes no new entries


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("flask-tutorial", "flask-tutorial"),
        ("My Project.v2", "my-project-v2"),
        ("_private", "private"),
        ("日本語", "日本語"),
        ("!!!", None),
        ("", None),
        ("x" * 80, "x" * 50),
    ],
)
def test_a_project_becomes_a_tag_the_notes_can_hold(name, tag):
    assert suggestions.project_tag(name) == tag


def test_coded_days_count_projects_not_ignored(app, editor):
    zone = editor_zone(app)
    day = date(2026, 3, 10)
    editor.insert(*at(zone, day, "10:00", "10:10"), project="kept")
    editor.insert(*at(zone, day + timedelta(days=1), "10:00", "10:10"), project="dotfiles")
    editor.insert(*at(zone, day + timedelta(days=2), "10:00", "10:03"), project="kept")
    with app.app_context():
        user = get_user_by_name("alice")
        ids = dict(db.session.execute(select(EditorProject.name, EditorProject.id)).all())
        settings.save_mapping(user, {ids["dotfiles"]: settings.IGNORED})
        found = suggestions.coded_days(user, day - timedelta(days=1), day + timedelta(days=3))
    assert found == {day}  # not the ignored project's day, nor the day of three minutes
