"""Editor time in the pages: Settings → Editor time (the key, what is kept, projects), and
the suggestions on Today with Log it and Dismiss, with and without htmx."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from journal.auth.services import get_user_by_name
from journal.clock import user_today
from journal.editor.models import EditorKey, EditorProject, EditorSettings, Heartbeat
from journal.entries.models import Entry
from journal.extensions import db
from journal.roadmap.models import Stage

from .support import HX, PASSWORD, Editor, basic, every, text


@pytest.fixture
def editor(app):
    """alice, signed in, whose editor has sent 1 h 20 min on flask-tutorial."""
    editor = Editor(app)
    editor.client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert editor.send(every(5, 17)).status_code == 202  # 16 gaps of 5 minutes
    return editor


def stage_id(app, name: str, username="alice") -> int:
    with app.app_context():
        user = get_user_by_name(username)
        return db.session.scalar(
            select(Stage.id).where(Stage.user_id == user.id, Stage.name == name)
        )


def project_id(app, name="flask-tutorial") -> int:
    with app.app_context():
        return db.session.scalar(select(EditorProject.id).where(EditorProject.name == name))


def map_project(editor, stage: str, name="flask-tutorial"):
    field = f"project-{project_id(editor.app, name)}"
    response = editor.client.post(
        "/settings/editor/projects", data={field: str(stage_id(editor.app, stage))}
    )
    assert response.status_code == 303


def suggestion_texts(page: str) -> list[str]:
    found = re.findall(r'<p class="suggestion-text">(.*?)</p>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", html.unescape(item)).split()) for item in found]


def today(app):
    with app.app_context():
        return user_today(get_user_by_name("alice"))


def editor_zone(app) -> str:
    with app.app_context():
        return get_user_by_name("alice").timezone


# Today ------------------------------------------------------------------------------------


def test_today_suggests_the_editor_time_with_its_stage(editor):
    map_project(editor, "Web frameworks")
    page = text(editor.client.get("/"))
    assert suggestion_texts(page) == [
        "In your editor: 1 h 20 min on flask-tutorial (Web frameworks)"
    ]
    assert "Log it" in page and "Dismiss" in page


def test_an_unmapped_project_says_how_to_choose_its_stage(editor):
    (shown,) = suggestion_texts(text(editor.client.get("/")))
    assert shown == "In your editor: 1 h 20 min on flask-tutorial (no stage yet: choose one)"


def test_an_earlier_days_suggestion_says_its_day(app, editor):
    zone = ZoneInfo(editor_zone(app))
    yesterday = today(app) - timedelta(days=1)
    start = datetime.combine(yesterday, datetime.min.time(), zone) + timedelta(hours=9)
    editor.insert(*(start + timedelta(minutes=m) for m in range(0, 31, 5)))
    assert suggestion_texts(text(editor.client.get("/"))) == [
        "In your editor: 1 h 20 min on flask-tutorial (no stage yet: choose one)",
        "Yesterday · In your editor: 30 min on flask-tutorial (no stage yet: choose one)",
    ]


def test_without_editor_time_today_shows_no_suggestion(app, client, auth):
    auth.login()
    page = text(client.get("/"))
    assert suggestion_texts(page) == []
    assert re.search(r'<section id="editor-suggestions"[^>]*\shidden>', page)
    assert 'hx-get="/editor/suggestions"' not in page  # nothing to follow: no request


def test_log_it_fills_the_entry_form_and_saving_logs_it(app, editor):
    map_project(editor, "Web frameworks")
    page = text(editor.client.get("/"))
    link = html.unescape(re.search(r'<a class="button primary" href="([^"]+)"', page).group(1))
    form_page = editor.client.get(link)
    assert form_page.status_code == 200
    body = text(form_page)
    assert "1 h 20 min in your editor on flask-tutorial, Today" in body
    assert f'name="date" type="date" value="{today(app).isoformat()}"' in body
    assert 'name="duration" type="text" value="1h20"' in body
    web = stage_id(app, "Web frameworks")
    assert re.search(rf'<option value="{web}" selected>Web frameworks</option>', body)
    assert re.search(r'<textarea[^>]*name="notes"[^>]*autofocus>#flask-tutorial </textarea>', body)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', body).group(1)
    assert key.startswith(f"editor-{today(app):%Y%m%d}-{project_id(app)}-")
    assert "hx-post" not in body  # a plain form on a page of its own

    saved = editor.client.post(
        "/entries",
        data={
            "date": today(app).isoformat(),
            "duration": "1h20",
            "stage": str(web),
            "notes": "#flask-tutorial The application factory and blueprints",
            "idempotency_key": key,
        },
    )
    assert saved.status_code == 303
    with app.app_context():
        entry = db.session.scalar(select(Entry))
        assert (entry.minutes, entry.stage_id, entry.tag_names) == (80, web, ["flask-tutorial"])
    after = text(editor.client.get("/"))
    assert suggestion_texts(after) == []
    assert "1 h 20 min" in after  # now as today's entry
    # The form of a logged suggestion leads back to Today, saying so.
    gone = editor.client.get(link)
    assert gone.status_code == 303
    assert "no editor time left to log" in text(editor.client.get("/"))


def test_log_it_with_htmx_fills_the_quick_add_in_place(app, editor):
    link = f"/editor/log?date={today(app).isoformat()}&project={project_id(app)}"
    response = editor.client.get(link, headers=HX)
    body = text(response)
    assert body.lstrip().startswith('<form id="quick-add"')
    assert 'hx-post="/entries"' in body and 'value="1h20"' in body
    # The quick-add's own stage when the project has none: the last one used.
    assert '<textarea id="quick-add-notes"' in body and "#flask-tutorial" in body


def test_log_it_for_a_suggestion_gone_meanwhile_refreshes_the_list(app, editor):
    other = f"/editor/log?date={today(app).isoformat()}&project={project_id(app) + 1}"
    response = editor.client.get(other, headers=HX)
    assert response.headers["HX-Retarget"] == "#editor-suggestions"
    assert text(response).lstrip().startswith('<section id="editor-suggestions"')


def test_the_suggestion_carries_the_users_reflection_prompts(app, editor):
    editor.client.post("/settings/template", data={"enabled": "1", "text": "### What I did\n"})
    body = text(editor.client.get(f"/editor/log?date={today(app)}&project={project_id(app)}"))
    assert "#flask-tutorial \n\n### What I did" in html.unescape(body)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_dismiss_hides_the_suggestion(app, editor, headers):
    page = text(editor.client.get("/"))
    fields = {
        name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
        for name in ("date", "project", "until")
    }
    response = editor.client.post("/editor/dismiss", data=fields, headers=headers)
    if headers:
        assert response.status_code == 200
        assert suggestion_texts(text(response)) == []
    else:
        assert response.status_code == 303
        assert "Suggestion dismissed." in text(editor.client.get("/"))
    assert suggestion_texts(text(editor.client.get("/"))) == []


def test_another_users_project_can_be_neither_logged_nor_dismissed(app, editor):
    bob = Editor(app, "bob")
    bob.send(every(5, 5, project="bobs-project"))
    theirs = project_id(app, "bobs-project")
    response = editor.client.get(f"/editor/log?date={today(app)}&project={theirs}")
    assert response.status_code == 303
    editor.client.post(
        "/editor/dismiss", data={"date": today(app).isoformat(), "project": theirs, "until": "9"}
    )
    assert bob.suggested() == [("bobs-project", 20)]
    assert "bobs-project" not in text(editor.client.get("/"))


@pytest.mark.parametrize(
    "fields",
    [{"date": "yesterday", "project": "1", "until": "1"}, {"date": "2026-01-01", "until": "x"}],
)
def test_a_malformed_dismissal_is_refused(editor, fields):
    assert editor.client.post("/editor/dismiss", data=fields).status_code == 400


def test_the_suggestions_panel_is_a_page_too(editor):
    page = editor.client.get("/editor/suggestions")
    assert "<!doctype html>" in text(page).lower()
    assert "1 h 20 min" in text(page)
    assert 'hx-target="#quick-add"' not in text(page)  # no quick-add on that page
    fragment = text(editor.client.get("/editor/suggestions", headers=HX))
    assert fragment.lstrip().startswith('<section id="editor-suggestions"')
    assert 'hx-target="#quick-add"' in fragment


# Settings → Editor time -------------------------------------------------------------------


def test_a_key_is_shown_once_with_the_lines_to_paste(app, client, auth):
    auth.login()
    response = client.post("/settings/editor/key")
    assert response.status_code == 201
    body = html.unescape(text(response))
    key = re.search(r'id="editor-new-key"[^>]* value="([^"]+)"', body).group(1)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", key)
    assert f"[settings]\napi_url = http://localhost/api/v1\napi_key = {key}" in body
    assert "http://localhost/api/v1/users/current/heartbeats.bulk" in body
    with app.app_context():
        row = db.session.scalar(select(EditorKey))
        assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in (row.prefix, row.key_hash)
    again = text(client.get("/settings"))
    assert key not in again and f"{key[:8]}…" in again and "never used" in again
    assert client.post("/api/v1", json=[], headers=basic(key)).status_code == 202
    assert "last used" in text(client.get("/settings"))


def test_the_key_section_works_in_place_with_htmx(app, client, auth):
    auth.login()
    made = client.post("/settings/editor/key", headers=HX)
    assert text(made).lstrip().startswith('<section id="editor-settings"')
    first = re.search(r'id="editor-new-key"[^>]* value="([^"]+)"', text(made)).group(1)
    replaced = client.post("/settings/editor/key", headers=HX)
    assert "Your earlier key no longer works." in text(replaced)
    assert client.post("/api/v1", json=[], headers=basic(first)).status_code == 401
    revoked = client.post("/settings/editor/key/revoke", headers=HX)
    assert "Editor key revoked" in text(revoked)
    with app.app_context():
        assert db.session.scalar(select(func.count(EditorKey.id))) == 0


def test_settings_are_saved_and_checked(app, client, auth):
    auth.login()
    saved = client.post(
        "/settings/editor",
        data={"keep_paths": "1", "retention_days": "30", "session_gap_minutes": "30"},
    )
    assert saved.status_code == 303
    with app.app_context():
        row = db.session.get(EditorSettings, get_user_by_name("alice").id)
        assert (row.keep_paths, row.retention_days, row.session_gap_minutes) == (True, 30, 30)
    page = text(client.get("/settings"))
    assert '<option value="30" selected>30 days</option>' in page
    assert '<option value="30" selected>30 minutes</option>' in page

    refused = client.post(
        "/settings/editor", data={"retention_days": "7", "session_gap_minutes": "0"}
    )
    assert refused.status_code == 422
    body = text(refused)
    assert 'id="editor-retention_days-error">Keep editor time: choose a period' in body
    assert 'id="editor-session_gap_minutes-error">Session gap: choose' in body
    with app.app_context():
        row = db.session.get(EditorSettings, get_user_by_name("alice").id)
        assert (row.retention_days, row.session_gap_minutes) == (30, 30)  # unchanged


def test_a_shorter_retention_removes_older_heartbeats_at_once(app, editor):
    old = datetime.now(UTC) - timedelta(days=40)
    editor.insert(old, old + timedelta(minutes=5))
    assert editor.count() == 19
    response = editor.client.post(
        "/settings/editor", data={"retention_days": "30", "session_gap_minutes": "15"}
    )
    assert response.status_code == 303
    assert "2 heartbeats older than that removed." in text(editor.client.get("/settings/editor"))
    assert editor.count() == 17


def test_projects_are_listed_and_mapped(app, editor):
    editor.send(every(5, 3, project="dotfiles", end_ago=200))
    page = text(editor.client.get("/settings"))
    assert page.index(">dotfiles <") < page.index(">flask-tutorial <")  # last seen first
    dotfiles = f"project-{project_id(app, 'dotfiles')}"
    tutorial = f"project-{project_id(app)}"
    web = stage_id(app, "Web frameworks")
    response = editor.client.post(
        "/settings/editor/projects",
        data={dotfiles: "ignore", tutorial: str(web)},
        headers=HX,
    )
    assert "Projects saved." in text(response)
    with app.app_context():
        rows = {p.name: (p.stage_id, p.ignored) for p in db.session.scalars(select(EditorProject))}
    assert rows == {"flask-tutorial": (web, False), "dotfiles": (None, True)}


def test_a_project_cannot_get_another_users_stage(app, editor):
    Editor(app, "bob")
    theirs = stage_id(app, "Web frameworks", username="bob")
    field = f"project-{project_id(app)}"
    response = editor.client.post("/settings/editor/projects", data={field: str(theirs)})
    assert response.status_code == 422
    assert f'id="editor-{field}-error">flask-tutorial: choose a stage' in text(response)
    with app.app_context():
        assert db.session.scalar(select(EditorProject.stage_id)) is None


def test_editor_settings_are_private(client):
    assert client.get("/settings/editor").status_code == 302
    assert client.get("/editor/suggestions").status_code == 302


def test_the_kept_dashboard_follows_a_day_becoming_coded_and_only_that(app):
    editor = Editor(app)
    editor.client.post("/login", data={"username": "alice", "password": PASSWORD})
    dashboard = text(editor.client.get("/dashboard"))  # kept, under the user's revision
    assert "heat-coded" not in calendar_cell(dashboard, today(app))
    editor.send(every(5, 3, end_ago=20))  # ten minutes: today is now coded
    assert "heat-coded" in calendar_cell(text(editor.client.get("/dashboard")), today(app))
    with app.app_context():
        before = get_user_by_name("alice").revision
    editor.send(every(5, 2, end_ago=5))  # more of the same day: the calendar is the same
    with app.app_context():
        assert get_user_by_name("alice").revision == before
        assert db.session.scalar(select(func.count(Heartbeat.id))) == 5


# The dashboard's calendar ------------------------------------------------------------------


def calendar_cell(page: str, day) -> str:
    return re.search(rf'<rect [^>]*data-day="{day.isoformat()}"[^>]*><title>[^<]*</title>', page)[0]


def test_the_calendar_marks_days_coded_but_not_logged(app, editor):
    zone = ZoneInfo(editor_zone(app))
    coded, logged, short = (today(app) - timedelta(days=n) for n in (10, 11, 12))
    for day, minutes in ((coded, 30), (logged, 30), (short, 3)):
        start = datetime.combine(day, datetime.min.time(), zone) + timedelta(hours=10)
        editor.insert(*(start + timedelta(minutes=m) for m in range(0, minutes + 1, 3)))
    editor.client.post(
        "/entries",
        data={
            "date": logged.isoformat(),
            "duration": "30m",
            "stage": str(stage_id(app, "Web frameworks")),
        },
    )
    page = text(editor.client.get("/dashboard/calendar", headers=HX))
    assert "heat-coded" in calendar_cell(page, coded)
    assert "coded, not logged</title>" in calendar_cell(page, coded)
    assert "heat-coded" not in calendar_cell(page, logged)  # logged: an ordinary day
    assert "heat-coded" not in calendar_cell(page, short)  # three minutes: not a day coded
    assert "nothing logged</title>" in calendar_cell(page, short)
    assert "</svg> Coded, not logged</p>" in page  # the legend
    # Today has an hour and twenty minutes of editor time too.
    assert "heat-coded" in calendar_cell(page, today(app))


def test_an_ignored_projects_days_are_not_marked(app, editor):
    editor.client.post("/settings/editor/projects", data={f"project-{project_id(app)}": "ignore"})
    page = text(editor.client.get("/dashboard/calendar", headers=HX))
    assert "heat-coded" not in calendar_cell(page, today(app))


def test_the_deletion_page_says_editor_time_goes_with_the_account(client, auth, editor):
    page = text(editor.client.get("/settings/delete"))
    assert "Your editor time (17 heartbeats) and your editor key go with it" in page
    auth.login("bob")
    assert "editor time" not in text(client.get("/settings/delete"))
