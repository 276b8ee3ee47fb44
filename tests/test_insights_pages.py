"""The dashboard, its panels and settings as pages and fragments; topic states; Today."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from journal.extensions import db
from journal.roadmap.models import Stage, Topic

from .support import (
    ALICE_ROWS,
    BOB_ROWS,
    HX,
    TODAY,
    add_entries,
    field_error,
    freeze,
    is_full_page,
    stage_ids,
    text,
    user,
)

NOON = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
DASH = " \u2013 "  # between the first and last day of a range
PANELS = {
    "week": "insights-week",
    "streak": "insights-streak",
    "totals": "insights-totals",
    "weeks": "insights-weeks",
    "calendar": "insights-calendar",
    "pace": "insights-pace",
    "week-stages": "week-stages",
}


def stat(page: str, name: str, panel: str = "insights-range") -> str:
    """A number of the stats list inside ``panel``."""
    section = re.search(rf'<section id="{panel}".*?</section>', page, re.S).group(0)
    return re.search(rf'data-stat="{name}">([^<]*)<', section).group(1)


def data(page: str, name: str) -> str:
    return re.search(rf"<[^>]*\b{name}\b[^>]*>([^<]*)<", page).group(1).strip()


@pytest.fixture
def alice(app, auth, monkeypatch):
    """Alice signed in at noon on 18 March 2026 (UTC), Bob's journal beside hers."""
    freeze(monkeypatch, NOON)
    auth.create("bob")
    auth.login("alice")
    with app.app_context():
        add_entries("alice", ALICE_ROWS)
        add_entries("bob", BOB_ROWS)


def test_dashboard_is_in_the_navigation_between_journal_and_the_weekly_review(client, auth):
    auth.login()
    page = text(client.get("/"))
    bar = page.split('class="nav-links"')[1].split("</ul>")[0]
    links = re.findall(r'<li class="nav-\w+"><a href="(/[^"]*)"', bar)
    assert links == ["/", "/journal", "/dashboard", "/review", "/roadmap"]
    assert 'href="/dashboard" aria-current="page"' in text(client.get("/dashboard"))


def test_the_dashboard_is_private(client, auth):
    auth.create()
    response = client.get("/dashboard/streak")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_dashboard_page_shows_every_panel(client, alice):
    response = client.get("/dashboard")
    page = text(response)
    assert response.status_code == 200 and is_full_page(response)
    for panel_id in ["insights-range", *list(PANELS.values())[:-1]]:
        assert f'<section id="{panel_id}"' in page
    assert "Nothing logged yet" not in page


@pytest.mark.parametrize("name", PANELS)
def test_each_panel_in_both_renderings(client, alice, name):
    full = client.get(f"/dashboard/{name}")
    assert full.status_code == 200 and is_full_page(full)
    assert '<a href="/dashboard">← Dashboard</a>' in text(full)
    fragment = client.get(f"/dashboard/{name}", headers=HX)
    assert fragment.status_code == 200 and not is_full_page(fragment)
    body = text(fragment).lstrip()
    assert body.startswith(f'<section id="{PANELS[name]}"')
    # The panel fetches itself again whenever an entry changes anywhere.
    assert f'hx-get="/dashboard/{name}' in body
    assert 'hx-trigger="entries-changed from:body' in body


def test_the_range_chooser_without_and_with_htmx(client, alice):
    page = text(client.get("/dashboard?range=month"))
    assert (stat(page, "hours"), stat(page, "entries"), stat(page, "active-days")) == (
        "6 h 5 min",  # 365 minutes
        "7",
        "5",
    )
    assert re.search(r'value="month" class="chip-button" aria-pressed="true"', page)
    fragment = client.get("/dashboard?range=week", headers=HX)
    body = text(fragment)
    assert not is_full_page(fragment) and body.lstrip().startswith('<section id="insights-range"')
    assert stat(body, "hours") == "2 h 35 min"  # 155 minutes
    assert stat(body, "per-day") == "52 min"
    # The refreshed panel keeps asking for the same range.
    assert 'hx-get="/dashboard?range=week"' in body
    assert f"Mon 16 Mar{DASH}Sun 22 Mar" in body


def test_custom_dates_and_their_errors(client, alice):
    page = text(client.get("/dashboard?range=custom&from=2026-03-15&to=2026-03-16"))
    assert stat(page, "hours") == "3 h" and stat(page, "entries") == "3"
    assert 'value="2026-03-15"' in page
    assert 'hx-get="/dashboard?range=custom&amp;from=2026-03-15&amp;to=2026-03-16"' in page
    bad = client.get("/dashboard?range=custom&from=2026-03-20&to=2026-03-01")
    assert bad.status_code == 200
    assert field_error(bad, "range", "to") == "To must be on or after From."
    assert stat(text(bad), "hours") == "7 h 5 min"  # the default, last 12 weeks: 425 minutes


def test_numbers_on_the_dashboard(client, alice):
    page = text(client.get("/dashboard"))
    assert data(page, "data-week-hours") == "2 h 35 min"
    assert "about <strong>1 h 29 min a day</strong>" in page
    assert "data-focus-nudge" in page  # three stages this week
    assert data(page, "data-current-streak") == "4"
    assert stat(page, "hours", "insights-totals") == "7 h 45 min"  # 465 minutes
    assert stat(page, "active-days", "insights-totals") == "8"
    assert data(page, "data-calendar-summary") == "7 h 45 min on 8 days."
    # Bob's 183.3 hours are his alone.
    assert "183.3 h" not in page and "1000" not in page


def test_an_empty_journal_is_friendly(client, auth, monkeypatch):
    freeze(monkeypatch, NOON)
    auth.login("fred")
    response = client.get("/dashboard")
    page = text(response)
    assert response.status_code == 200
    assert "Nothing logged yet." in page
    assert "Nothing logged in this range." in page
    assert "Nothing logged this week yet." in page
    assert "No hours in the last 12 weeks yet." in page
    assert "Nothing logged in the last 365 days." in page
    assert "no pace to project from yet" in page
    assert data(page, "data-current-streak") == "0"
    for name in PANELS:
        assert client.get(f"/dashboard/{name}", headers=HX).status_code == 200


def test_the_weeks_panel_shows_12_or_52_weeks(client, alice):
    twelve = text(client.get("/dashboard/weeks", headers=HX))
    assert twelve.count('<g class="column"') == 12
    fifty_two = text(client.get("/dashboard/weeks?weeks=52", headers=HX))
    assert fifty_two.count('<g class="column"') == 52
    assert 'hx-get="/dashboard/weeks?weeks=52"' in fifty_two
    # Without JavaScript the choice is a link to the dashboard.
    assert 'href="/dashboard?weeks=52#insights-weeks"' in twelve
    assert text(client.get("/dashboard?weeks=52")).count('<g class="column"') == 52


def test_calendar_cells_carry_each_days_total_and_stages(client, alice):
    page = text(client.get("/dashboard/calendar", headers=HX))
    # The days, and the legend: five levels and "coded, not logged".
    assert page.count('<rect class="heat heat-') == 365 + 6
    cell = re.search(r'<rect [^>]*data-day="2026-03-16"[^>]*><title>([^<]*)</title>', page)
    assert 'data-minutes="90"' in cell.group(0) and "heat-3" in cell.group(0)
    assert (
        cell.group(1)
        == "Mon 16 Mar: 1 h 30 min — Python fundamentals 1 h, Databases and SQL 30 min"
    )
    # One tab stop: today's cell.
    assert re.findall(r'tabindex="0" data-day="([^"]+)"', page) == ["2026-03-18"]


def test_a_year_of_entries_without_a_duration_draws_an_empty_calendar(
    app, client, auth, monkeypatch
):
    """Entries imported without a duration (a jrnl journal, say) count as days studied
    with no known time: the calendar shows them at the lowest level, it does not fail."""
    freeze(monkeypatch, NOON)
    auth.login("alice")
    with app.app_context():
        add_entries("alice", [(TODAY - timedelta(days=n), 0, None) for n in range(3)])
    response = client.get("/dashboard")
    assert response.status_code == 200
    page = text(client.get("/dashboard/calendar", headers=HX))
    cell = re.search(r'<rect [^>]*data-day="2026-03-18"[^>]*><title>([^<]*)</title>', page)
    assert "heat-0" in cell.group(0) and "data-minutes" not in cell.group(0)


def test_a_day_that_crosses_midnight_in_utc_but_not_locally(client, auth, monkeypatch):
    """A New York evening: 21:30 on 10 March locally is already 11 March in UTC."""
    freeze(monkeypatch, datetime(2026, 3, 11, 1, 30, tzinfo=UTC))
    auth.login("nina", timezone="America/New_York")
    today = text(client.get("/"))
    assert re.search(r'name="date" type="date" value="2026-03-10"', today)
    client.post(
        "/entries",
        data={
            "date": "2026-03-10",
            "duration": "1h30",  # 20:00 to 21:30 local: 00:00 to 01:30 UTC
            "stage": str(stage_ids_of(client, "nina")[0]),
            "form_id": "quick-add",
        },
        headers=HX,
    )
    streak = text(client.get("/dashboard/streak", headers=HX))
    assert data(streak, "data-current-streak") == "1"
    assert "Today counts: 1 h 30 min logged." in streak
    calendar = text(client.get("/dashboard/calendar", headers=HX))
    assert re.findall(r'tabindex="0" data-day="([^"]+)" data-minutes="(\d+)"', calendar) == [
        ("2026-03-10", "90")
    ]
    week = text(client.get("/dashboard/week", headers=HX))
    assert f"Mon 9 Mar{DASH}Sun 15 Mar" in week
    assert data(week, "data-week-hours") == "1 h 30 min"


def stage_ids_of(client, username):
    with client.application.app_context():
        return stage_ids(username)


@pytest.mark.parametrize(
    ("moment", "today", "week"),
    [
        # 00:30 in Berlin on the Monday after clocks went forward (UTC+2 now).
        (
            datetime(2026, 3, 29, 22, 30, tzinfo=UTC),
            "Mon 30 Mar",
            f"Mon 30 Mar{DASH}Sun 5 Apr",
        ),
        # 00:30 in Berlin on the Sunday clocks go back, still summer time (UTC+2).
        (
            datetime(2026, 10, 24, 22, 30, tzinfo=UTC),
            "Sun 25 Oct",
            f"Mon 19 Oct{DASH}Sun 25 Oct",
        ),
    ],
)
def test_today_and_this_week_follow_berlin_across_dst(
    client, auth, monkeypatch, moment, today, week
):
    freeze(monkeypatch, moment)
    auth.login("dora", timezone="Europe/Berlin")
    assert f'<p class="muted">{today}</p>' in text(client.get("/"))
    assert week in text(client.get("/dashboard/week", headers=HX))


def test_week_start_drives_the_week_total_on_today(app, client, alice):
    # This Monday-week holds 155 minutes; Sunday 15 March adds 90 to a Sunday-week.
    page = text(client.get("/"))
    assert data(page, "data-week-total") == "2 h 35 min"
    assert f"Mon 16 Mar{DASH}Sun 22 Mar" in page
    response = client.post(
        "/dashboard/settings",
        data={"daily_minimum": "15", "weekly_goal": "10", "week_start": "6", "rest_days": "0"},
    )
    assert response.status_code == 303
    page = text(client.get("/"))
    assert data(page, "data-week-total") == "4 h 5 min"  # 245 minutes
    assert f"Sun 15 Mar{DASH}Sat 21 Mar" in page


def test_today_shows_this_weeks_hours_per_stage(client, alice):
    page = text(client.get("/"))
    section = re.search(r'<section id="week-stages".*?</section>', page, re.S).group(0)
    assert 'hx-trigger="entries-changed from:body"' in section
    rows = re.findall(r'<li class="stage-bar" data-stage="\d+">.*?</li>', section, re.S)
    assert len(rows) == 3
    assert "Python fundamentals" in rows[0] and "1 h 45 min" in rows[0]  # 105 minutes
    assert "2 h 35 min of your 10 h goal (26%)" in section


def test_ten_years_of_daily_entries(app, client, auth, monkeypatch):
    freeze(monkeypatch, NOON)
    auth.login("fred")
    statements = []

    def count(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    assert client.get("/dashboard").status_code == 200
    empty_queries = len(statements)

    auth.logout()
    auth.login("tess")
    first = TODAY - timedelta(days=3652)  # 18 March 2016: 3,653 days to today
    with app.app_context():
        add_entries("tess", [(first + timedelta(days=n), n // 1000, 30) for n in range(3653)])
    statements.clear()
    response = client.get("/dashboard?range=all")
    event.remove(engine, "before_cursor_execute", count)
    page = text(response)
    assert response.status_code == 200
    # No query per entry, per day or per stage: the same statements as an empty journal.
    assert len(statements) == empty_queries
    assert stat(page, "hours") == "1826.5 h"  # 3,653 days of 30 minutes
    assert stat(page, "hours", "insights-totals") == "1826.5 h"
    assert stat(page, "entries", "insights-totals") == "3653"
    assert stat(page, "active-days", "insights-totals") == "3653"
    assert stat(page, "per-day", "insights-totals") == "30 min"
    assert data(page, "data-current-streak") == "3653"
    assert data(page, "data-longest-streak") == "3653 days"
    assert data(page, "data-calendar-summary") == "182.5 h on 365 days."
    assert "Since Fri 18 Mar 2016." in page


# Settings


def test_settings_page_has_the_goals_section(client, auth):
    auth.login()
    page = text(client.get("/settings"))
    section = re.search(r'<section id="insights-settings".*?</section>', page, re.S).group(0)
    assert 'action="/dashboard/settings"' in section
    assert 'name="daily_minimum" type="number"' in section and 'value="15"' in section
    assert 'name="weekly_goal"' in section and 'value="10"' in section
    assert '<option value="0" selected>Monday</option>' in section
    assert 'name="rest_days"' in section and 'value="0"' in section


def test_settings_are_saved(app, client, auth):
    auth.login()
    assert (
        client.get("/dashboard/settings")
        .headers["Location"]
        .endswith("/settings#insights-settings")
    )
    response = client.post(
        "/dashboard/settings",
        data={"daily_minimum": "30", "weekly_goal": "7.5", "week_start": "6", "rest_days": "1"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/settings#insights-settings")
    with app.app_context():
        alice = user("alice")
        saved = (alice.daily_minimum_minutes, alice.weekly_goal_minutes)
        assert saved == (30, 450)
        assert (alice.week_start, alice.rest_days_per_week) == (6, 1)
    page = text(client.get("/settings"))
    assert "Insight settings saved." in page and 'value="7.5"' in page
    fragment = client.post(
        "/dashboard/settings",
        data={"daily_minimum": "20", "weekly_goal": "12", "week_start": "0", "rest_days": "0"},
        headers=HX,
    )
    assert fragment.status_code == 200 and not is_full_page(fragment)
    assert text(fragment).lstrip().startswith('<section id="insights-settings"')
    assert "Insight settings saved." in text(fragment) and 'value="12"' in text(fragment)


GOOD = {"daily_minimum": "15", "weekly_goal": "10", "week_start": "0", "rest_days": "0"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("daily_minimum", "0", "Daily minimum must be a whole number of minutes from 1 to 1440."),
        ("daily_minimum", "1441", "Daily minimum must be a whole number of minutes"),
        ("daily_minimum", "ten", "Daily minimum must be a whole number of minutes"),
        ("weekly_goal", "0.25", "Weekly goal must be a number of hours from 0.5 to 168"),
        ("weekly_goal", "169", "Weekly goal must be a number of hours from 0.5 to 168"),
        ("weekly_goal", "NaN", "Weekly goal must be a number of hours"),
        ("weekly_goal", "", "Weekly goal must be a number of hours"),
        ("week_start", "1", "Week starts on must be Monday or Sunday."),
        ("rest_days", "4", "Rest days must be a whole number from 0 to 3."),
        ("rest_days", "-1", "Rest days must be a whole number from 0 to 3."),
    ],
)
def test_settings_validation(app, client, auth, field, value, message):
    auth.login()
    form = {**GOOD, "daily_minimum": "45", field: value}
    for headers in (HX, {}):
        response = client.post("/dashboard/settings", data=form, headers=headers)
        assert response.status_code == 422
        assert field_error(response, "insights", field).startswith(message)
        assert f'aria-describedby="insights-{field}-error"' in text(response)
    # Without htmx, the whole settings page comes back, the rest of it intact.
    assert is_full_page(response) and 'name="timezone"' in text(response)
    with app.app_context():
        assert user("alice").daily_minimum_minutes == 15  # nothing saved


# Topic states on the roadmap


def topic_ids(username):
    """The user's topic ids, first stage first, in roadmap order."""
    query = (
        select(Topic.id)
        .join(Topic.stage)
        .where(Topic.user_id == user(username).id)
        .order_by(Stage.position, Topic.position)
    )
    return list(db.session.scalars(query))


def topic_state(app, topic_id):
    with app.app_context():
        return db.session.get(Topic, topic_id).state


def test_topics_can_be_marked_learning_done_or_skipped(app, client, auth):
    auth.login()
    with app.app_context():
        stage = stage_ids("alice")[0]
        first, second = topic_ids("alice")[:2]
        first_name = db.session.get(Topic, first).name
    response = client.post(f"/roadmap/topics/{first}/state", data={"state": "done"}, headers=HX)
    body = text(response)
    assert response.status_code == 200 and "roadmap-changed" in response.headers["HX-Trigger"]
    assert body.lstrip().startswith(f'<div id="stage-{stage}-topics"')
    assert "1 of 11 topics done (9%)" in body
    assert re.search(rf'<li id="topic-{first}" class="topic state-done">', body)
    # Its state control now says it is done, and that pressing it reopens the topic.
    form = re.search(rf'topics/{first}/state".*?</form>', body, re.S).group(0)
    assert 'name="state" value="learning" class="state-toggle state-done"' in form
    assert 'aria-label="Functions: done. Reopen"' not in form  # the first topic is not it
    assert f'aria-label="{first_name}: done. Reopen"' in form
    response = client.post(f"/roadmap/topics/{second}/state", data={"state": "skipped"}, headers=HX)
    assert "1 of 11 topics done (9%) · 1 skipped" in text(response)
    client.post(f"/roadmap/topics/{second}/state", data={"state": "learning"}, headers=HX)
    assert topic_state(app, second) == "learning"
    # Without JavaScript: post, then back to the roadmap, at the topic.
    response = client.post(f"/roadmap/topics/{first}/state", data={"state": ""})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/roadmap#topic-{first}")
    assert topic_state(app, first) is None
    assert (
        client.post(f"/roadmap/topics/{first}/state", data={"state": "mastered"}).status_code == 400
    )
    assert topic_state(app, first) is None


def test_another_users_topic_state_cannot_be_set(app, client, auth):
    auth.create("bob")
    auth.login("alice")
    with app.app_context():
        bob_topic = topic_ids("bob")[0]
    for headers in ({}, HX):
        response = client.post(
            f"/roadmap/topics/{bob_topic}/state", data={"state": "done"}, headers=headers
        )
        assert response.status_code == 404
    assert topic_state(app, bob_topic) is None


def test_pace_panel_counts_done_topics_only(app, client, alice):
    with app.app_context():
        topics = topic_ids("alice")[:3]
    for topic_id, state in zip(topics, ("done", "skipped", "learning"), strict=True):
        client.post(f"/roadmap/topics/{topic_id}/state", data={"state": state})
    page = text(client.get("/dashboard/pace", headers=HX))
    assert "Topics: 1 of 11 done · 1 skipped · 1 learning" in page
    assert "Python fundamentals" in page and "3 h 55 min of 40 h · 10%" in page  # 235 minutes
    assert re.search(r"around <strong data-roadmap-finish>[^<]+</strong>", page)
