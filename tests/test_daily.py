"""The daily habit: study timer, reflection prompts, on this day, weekly review."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from journal.auth.services import get_user_by_name
from journal.clock import user_today, week_bounds
from journal.daily import services
from journal.daily.models import EntryTemplate, Timer, WeeklyReview
from journal.entries.models import Entry
from journal.entries.notes import drop_empty_sections
from journal.extensions import db

from .support import (
    HX,
    backdate_timer,
    is_full_page,
    log_on,
    midday_zone,
    set_timezone,
    stage_id_of,
    text,
)


def running(app, username="alice"):
    with app.app_context():
        user = get_user_by_name(username)
        return db.session.scalar(select(Timer).where(Timer.user_id == user.id))


# The study timer


def test_start_shows_a_running_timer_that_survives_a_reload(app, client, auth):
    auth.login()
    stage = stage_id_of(app, index=2)
    response = client.post("/timer/start", data={"stage": stage}, headers=HX)
    assert response.status_code == 200
    assert text(response).lstrip().startswith('<section id="timer" class="card timer is-running"')
    assert "Web frameworks" in text(response)
    assert running(app).stage_id == stage
    # The start lives on the server: a fresh page load shows the same running timer.
    page = text(client.get("/"))
    assert "is-running" in page and "Stop and log it" in page
    assert f'data-timer-started="{running(app).started_at.isoformat()}Z"' in page


def test_one_timer_per_user_starting_again_keeps_the_first(app, client, auth):
    auth.login()
    first, second = stage_id_of(app), stage_id_of(app, index=1)
    client.post("/timer/start", data={"stage": first}, headers=HX)
    started = running(app).started_at
    client.post("/timer/start", data={"stage": second}, headers=HX)
    timer = running(app)
    assert (timer.stage_id, timer.started_at) == (first, started)
    response = client.post("/timer/start", data={"stage": second})
    assert response.status_code == 303
    assert "A timer is already running." in text(client.get("/"))


def test_stop_fills_the_entry_form_with_the_duration(app, client, auth):
    auth.login()
    stage = stage_id_of(app, index=1)
    client.post("/timer/start", data={"stage": stage}, headers=HX)
    backdate_timer(app, 25)
    response = client.post("/timer/stop", headers=HX)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<form id="quick-add"')
    assert 'id="quick-add-duration" name="duration" type="text" value="26m"' in body
    assert f'<option value="{stage}" selected>' in body
    assert 'id="quick-add-notes" name="notes"' in body and "autofocus" in body
    assert '<hx-partial hx-target="#timer" hx-swap="outerHTML">' in body
    assert "Timer stopped after 26 min." in body
    assert running(app) is None
    # Nothing is saved until the learner saves the entry.
    with app.app_context():
        assert db.session.scalar(select(Entry.id)) is None


def test_stop_without_javascript_opens_the_prefilled_new_entry_page(app, client, auth):
    auth.login()
    stage = stage_id_of(app, index=3)
    client.post("/timer/start", data={"stage": stage})
    set_timezone(app, "alice", midday_zone())  # 91 minutes ago was today there
    backdate_timer(app, 90)
    response = client.post("/timer/stop")
    assert response.status_code == 303
    with app.app_context():
        today = user_today(get_user_by_name("alice"))
    assert response.location == f"/entries/new?stage={stage}&duration=1h31&date={today}"
    page = client.get(response.location)
    assert is_full_page(page)
    assert 'name="duration" type="text" value="1h31"' in text(page)
    assert "Timer stopped after 1 h 31 min." in text(page)


def test_a_timer_left_running_for_days_is_capped_and_said_so(app, client, auth, stage_id):
    auth.login()
    client.post("/timer/start", data={"stage": stage_id}, headers=HX)
    backdate_timer(app, 3 * 24 * 60)
    body = text(client.post("/timer/stop", headers=HX))
    assert 'value="24h"' in body
    assert "capped" in body


def test_stop_or_start_errors(app, client, auth, stage_id):
    auth.login()
    response = client.post("/timer/stop", headers=HX)
    assert response.status_code == 422
    assert "No timer is running." in text(response)
    stage = stage_id
    client.post(f"/roadmap/stages/{stage}/archive")
    refused = client.post("/timer/start", data={"stage": stage}, headers=HX)
    assert refused.status_code == 422
    assert "choose a stage of your roadmap to time" in text(refused)
    assert running(app) is None


def test_discard(app, client, auth, stage_id):
    auth.login()
    client.post("/timer/start", data={"stage": stage_id}, headers=HX)
    response = client.post("/timer/discard", headers=HX)
    assert response.status_code == 200 and "Start" in text(response)
    assert running(app) is None


def test_timer_page_in_both_renderings(client, auth):
    auth.login()
    page = client.get("/timer")
    assert is_full_page(page) and "Study timer" in text(page)
    panel = client.get("/timer", headers=HX)
    assert text(panel).lstrip().startswith('<section id="timer"')


def test_timers_belong_to_their_user(app, auth):
    alice, bob = app.test_client(), app.test_client()
    type(auth)(app, alice).login("alice")
    type(auth)(app, bob).login("bob")
    alice.post("/timer/start", data={"stage": stage_id_of(app)})
    assert running(app, "bob") is None
    assert "is-running" not in text(bob.get("/"))
    # Bob cannot time with alice's stage.
    assert bob.post("/timer/start", data={"stage": stage_id_of(app)}, headers=HX).status_code == 422


# Reflection prompts


def test_drop_empty_sections():
    template = services.DEFAULT_TEMPLATE
    assert drop_empty_sections(template) == ""
    filled = template.replace("### What I learned\n", "### What I learned\nDecorators.\n")
    assert drop_empty_sections(filled) == "### What I learned\nDecorators."
    nested = "## Day\n### Part\ntext\n### Empty\n"
    assert drop_empty_sections(nested) == "## Day\n### Part\ntext"
    assert drop_empty_sections("No headings at all.") == "No headings at all."


def test_template_starts_new_entries_and_unanswered_prompts_are_dropped(app, client, auth):
    auth.login()
    page = client.get("/settings/template")
    assert "What blocked me" in text(page)
    response = client.post(
        "/settings/template", data={"enabled": "1", "text": services.DEFAULT_TEMPLATE}
    )
    assert response.status_code == 303
    today = text(client.get("/"))
    assert "### What I did" in today and 'name="template" value="1"' in today
    notes = services.DEFAULT_TEMPLATE.replace(
        "### What blocked me\n", "### What blocked me\nAsync confused me.\n"
    )
    client.post(
        "/entries",
        data={
            "date": date.today().isoformat(),
            "duration": "1h",
            "stage": stage_id_of(app),
            "notes": notes,
            "template": "1",
        },
    )
    with app.app_context():
        entry = db.session.scalar(select(Entry))
        assert entry.notes == "### What blocked me\nAsync confused me."


def test_template_is_off_by_default_and_validated(app, client, auth):
    auth.login()
    assert "### What I did" not in text(client.get("/"))
    empty = client.post("/settings/template", data={"enabled": "1", "text": "  "})
    assert empty.status_code == 422
    assert "Template is empty" in text(empty)
    long = client.post("/settings/template", data={"enabled": "1", "text": "x" * 5001})
    assert long.status_code == 422 and "at most 5000 characters" in text(long)
    with app.app_context():
        assert db.session.scalar(select(EntryTemplate)) is None
    client.post("/settings/template", data={"enabled": "1", "text": "### Mine\n"})
    client.post("/settings/template", data={"reset": "1"})
    with app.app_context():
        template = db.session.scalar(select(EntryTemplate))
        assert not template.enabled and template.text == services.DEFAULT_TEMPLATE


# On this day


def on_this_day(app, today, username="alice"):
    with app.app_context():
        return [e.study_date for e in services.on_this_day(get_user_by_name(username), today)]


def test_on_this_day_finds_the_same_date_in_earlier_months_and_years(app, auth):
    auth.create()
    today = date(2026, 3, 31)
    for day in (
        date(2026, 1, 31),  # two months back
        date(2025, 3, 31),  # a year back
        date(2020, 3, 31),  # six years back
        date(2026, 3, 30),  # not the same day
        date(2025, 12, 31),  # three months back
        date(2015, 3, 31),  # eleven years back: too far
        date(2026, 3, 31),  # today itself is not a memory
    ):
        log_on(app, day)
    assert on_this_day(app, today) == [
        date(2026, 1, 31),
        date(2025, 12, 31),
        date(2025, 3, 31),
        date(2020, 3, 31),
    ]


def test_on_this_day_handles_short_months_and_leap_days(app, auth):
    auth.create()
    log_on(app, date(2024, 2, 29))
    log_on(app, date(2023, 2, 28))
    assert on_this_day(app, date(2028, 2, 29)) == [date(2024, 2, 29)]
    assert on_this_day(app, date(2025, 2, 28)) == [date(2023, 2, 28)]


def test_on_this_day_appears_on_the_today_page(app, client, auth):
    auth.login()
    with app.app_context():
        today = user_today(get_user_by_name("alice"))
    log_on(app, today.replace(year=today.year - 1), notes="A year ago I learned SQL")
    page = text(client.get("/"))
    assert "On this day" in page and "A year ago I learned SQL" in page


def test_on_this_day_never_shows_another_users_entries(app, auth):
    auth.create("alice")
    auth.create("bob")
    log_on(app, date(2025, 6, 1), username="bob")
    assert on_this_day(app, date(2026, 6, 1), "alice") == []


# Weekly review


def test_weekly_review_gathers_the_week(app, client, auth):
    auth.login()
    monday = date(2026, 11, 16)
    log_on(app, monday - timedelta(days=1), minutes=500)  # the Sunday before
    log_on(app, monday, minutes=60, notes="### What blocked me\nPip resolver.\n")
    log_on(app, monday + timedelta(days=2), minutes=30, stage=1, link="https://x.test/pr/1")
    log_on(
        app, monday + timedelta(days=6), minutes=45, notes="### Link to work\nhttps://x.test/repo"
    )
    page = client.get("/review/2026-11-18")  # any day of the week opens that week
    body = text(page)
    assert is_full_page(page)
    assert "2 h 15 min this week" in body
    assert "Python fundamentals</span> <strong>1 h 45 min</strong>" in body
    assert "Databases and SQL</span> <strong>30 min</strong>" in body
    assert "Pip resolver." in body
    assert body.count('<article id="entry-') == 3


def test_weekly_review_note_saved_and_downloaded_as_markdown(app, client, auth):
    auth.login()
    monday = week_bounds(date(2026, 11, 18))[0]
    log_on(app, monday, minutes=60, notes="### What blocked me\nCORS.\n")
    saved = client.post(f"/review/{monday}", data={"notes": "A good week."}, headers=HX)
    assert saved.status_code == 200 and "Review saved." in text(saved)
    assert text(saved).lstrip().startswith('<form id="review-note"')
    client.post(f"/review/{monday}", data={"notes": "A really good week."})
    with app.app_context():
        reviews = list(db.session.scalars(select(WeeklyReview)))
        assert [(r.week_start, r.notes) for r in reviews] == [(monday, "A really good week.")]
    download = client.get(f"/review/{monday}.md")
    assert download.mimetype == "text/markdown"
    assert f'filename="week-{monday}.md"' in download.headers["Content-Disposition"]
    markdown = text(download)
    assert markdown.startswith(f"# Week of {monday} to {monday + timedelta(days=6)}\n")
    assert "## My review\n\nA really good week." in markdown
    assert "## What blocked me\n\n- 2026-11-16 (Python fundamentals): CORS." in markdown
    assert "- Python fundamentals: 1 h" in markdown


def test_weekly_review_errors_and_isolation(app, auth):
    alice, bob = app.test_client(), app.test_client()
    type(auth)(app, alice).login("alice")
    type(auth)(app, bob).login("bob")
    log_on(app, date(2026, 11, 16), notes="### What blocked me\nalice-secret\n")
    alice.post("/review/2026-11-16", data={"notes": "alice-review"})
    body = text(bob.get("/review/2026-11-16"))
    assert "alice-secret" not in body and "alice-review" not in body
    assert bob.get("/review/not-a-date").status_code == 404
    too_long = alice.post("/review/2026-11-16", data={"notes": "x" * 10_001}, headers=HX)
    assert too_long.status_code == 422 and "Review must be at most 10 kB." in text(too_long)


def test_review_pages_link_weeks(app, client, auth):
    auth.login()
    this_week = text(client.get("/review"))
    assert "← Previous week" in this_week and "Next week →" not in this_week
    assert "Next week →" in text(client.get("/review/2026-01-05"))


@pytest.mark.parametrize("path", ["/timer", "/review", "/settings/template"])
def test_daily_pages_need_a_login(client, auth, path):
    auth.create()
    assert client.get(path).status_code == 302


def test_htmx_changes_are_announced_to_screen_readers(app, client, auth, stage_id):
    auth.login()
    entry_id = log_on(app, date(2026, 1, 5))
    stage = stage_id
    created = client.post(
        "/entries", data={"date": "2026-01-05", "duration": "1h", "stage": stage}, headers=HX
    )
    assert '<hx-partial hx-target="#announcer" hx-swap="innerHTML">Entry saved' in text(created)
    updated = client.post(
        f"/entries/{entry_id}",
        data={"date": "2026-01-05", "duration": "2h", "stage": stage},
        headers=HX,
    )
    assert '<hx-partial hx-target="#announcer" hx-swap="innerHTML">Entry updated.' in text(updated)
    deleted = client.post(f"/entries/{entry_id}/delete", headers=HX)
    assert 'role="status">Entry of' in text(deleted)
    restored = client.post(f"/entries/{entry_id}/restore", headers=HX)
    assert '<hx-partial hx-target="#announcer" hx-swap="innerHTML">Entry restored.' in text(
        restored
    )
    assert 'id="announcer" class="visually-hidden" aria-live="polite"' in text(client.get("/"))


def test_a_session_over_midnight_is_logged_on_the_day_it_began(app, client, auth):
    auth.login(timezone="Europe/Paris")
    client.post("/timer/start", data={"stage": stage_id_of(app)}, headers=HX)
    with app.app_context():
        user = get_user_by_name("alice")
        timer = db.session.get(Timer, user.id)
        # 22:30 in Paris yesterday (21:30 UTC in winter), stopped now.
        yesterday = user_today(user) - timedelta(days=1)
        from datetime import datetime
        from zoneinfo import ZoneInfo

        began = datetime.combine(yesterday, datetime.min.time().replace(hour=22, minute=30))
        timer.started_at = (
            began.replace(tzinfo=ZoneInfo("Europe/Paris"))
            .astimezone(ZoneInfo("UTC"))
            .replace(tzinfo=None)
        )
        db.session.commit()
    body = text(client.post("/timer/stop", headers=HX))
    assert f'id="quick-add-date" name="date" type="date" value="{yesterday}"' in body


def test_stop_on_the_timers_own_page_opens_the_filled_in_form(app, client, auth, stage_id):
    auth.login()
    from_timer_page = {**HX, "HX-Current-URL": "http://localhost/timer"}
    started = text(client.post("/timer/start", data={"stage": stage_id}, headers=from_timer_page))
    # There is no quick-add form on that page: Stop is a plain form that opens one.
    assert 'hx-target="#quick-add"' not in started
    assert 'hx-target="#quick-add"' in text(
        client.get("/timer", headers={**HX, "HX-Current-URL": "http://localhost/"})
    )
    response = client.post("/timer/stop")
    assert response.status_code == 303 and response.location.startswith("/entries/new?")
    assert "Timer stopped after" in text(client.get(response.location))


def test_timer_changes_are_announced(app, client, auth, stage_id):
    auth.login()
    started = text(client.post("/timer/start", data={"stage": stage_id}, headers=HX))
    assert '<hx-partial hx-target="#announcer" hx-swap="innerHTML">Timer started.' in started
    discarded = text(client.post("/timer/discard", headers=HX))
    assert "Timer discarded." in discarded


def test_the_weekly_review_follows_the_users_week_start(app, client, auth):
    auth.login()
    client.post(
        "/dashboard/settings",
        data={"daily_minimum": "15", "weekly_goal": "10", "week_start": "6", "rest_days": "0"},
    )
    page = text(client.get("/review/2019-01-08"))  # a Tuesday, in a year that is not this one
    assert "Sun 6 Jan 2019 \u2013 Sat 12 Jan 2019" in page


@pytest.mark.parametrize("week", ["0001-01-01", "0001-01-03", "9999-12-31", "1969-12-31"])
def test_review_weeks_out_of_range_are_not_found(client, auth, week):
    auth.login()
    assert client.get(f"/review/{week}").status_code == 404
    assert client.get(f"/review/{week}.md").status_code == 404
    assert client.post(f"/review/{week}", data={"notes": "x"}).status_code == 404
