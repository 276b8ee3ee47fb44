"""Entries: quick-add, validation, idempotency, edit, delete and undo, the pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from journal.auth.services import get_user_by_name
from journal.clock import user_today
from journal.db import utcnow
from journal.entries import services
from journal.entries.models import Entry, EntryTag
from journal.extensions import db
from journal.roadmap.services import stages_of
from journal.templating import day_label

from .support import ENTRY_GRAPH, HX, field_error, is_full_page, text


def first_stage(app, username="alice", index=0):
    with app.app_context():
        return stages_of(get_user_by_name(username))[index]


def today_of(app, username="alice") -> date:
    with app.app_context():
        return user_today(get_user_by_name(username))


def entries(app, username="alice", include_deleted=False):
    with app.app_context():
        user = get_user_by_name(username)
        query = select(Entry).where(Entry.user_id == user.id).order_by(Entry.id)
        query = query.options(*ENTRY_GRAPH)
        if not include_deleted:
            query = query.where(Entry.deleted_at.is_(None))
        return list(db.session.scalars(query))


def add(client, app, **data):
    values = {
        "form_id": "quick-add",
        "lists_day": today_of(app).isoformat(),  # as the Today page's form sends it
        "date": today_of(app).isoformat(),
        "duration": "45m",
        "stage": str(first_stage(app).id),
        "notes": "",
    }
    values.update(data)
    return client.post("/entries", data=values, headers=HX)


# The Today page and quick-add


def test_today_page_has_the_labelled_quick_add_form(app, client, auth):
    auth.login()
    page = text(client.get("/"))
    for label in ("Date", "Duration", "Stage", "Notes"):
        assert re.search(rf'<label for="quick-add-\w+">{label}</label>', page), label
    assert 'name="csrf_token"' in page
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', page)
    assert f'value="{today_of(app).isoformat()}"' in page
    assert "Nothing logged yet today" in page


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_date_defaults_to_today_in_the_users_time_zone(app, client, auth, zone):
    auth.login(timezone=zone)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local_today = datetime.now(ZoneInfo(zone)).date().isoformat()
    assert f'id="quick-add-date" name="date" type="date" value="{local_today}"' in text(
        client.get("/")
    )


def test_quick_add_inserts_the_entry_and_clears_the_form(app, client, auth):
    auth.login()
    stage = first_stage(app, index=1)
    response = add(client, app, duration="1h30", stage=stage.id, notes="Joins and **indexes** #sql")
    assert response.status_code == 200
    body = text(response)
    assert response.headers["HX-Trigger"] == '{"entries-changed":{"target":"body"}}'
    # A fresh form: empty duration, a new idempotency key, the stage just used.
    assert body.lstrip().startswith('<form id="quick-add"')
    assert 'id="quick-add-duration" name="duration" type="text" value=""' in body
    assert f'<option value="{stage.id}" selected>' in body
    # Today's list, re-rendered with the new entry in place; the earlier list is untouched.
    assert '<hx-partial hx-target="#today-section" hx-swap="outerHTML">' in body
    assert "#recent-section" not in body
    [entry] = entries(app)
    assert f'id="entry-{entry.id}" class="entry entry-new"' in body
    assert "1 h 30 min" in body
    assert entry.minutes == 90
    assert entry.stage_id == stage.id
    assert entry.notes_html == "<p>Joins and <strong>indexes</strong> #sql</p>"
    assert entry.tag_names == ["sql"]
    assert entry.created_at <= utcnow() and entry.updated_at == entry.created_at
    assert entry.study_date == today_of(app)


def test_quick_add_of_an_earlier_day_refreshes_the_list_that_shows_it(app, client, auth):
    auth.login()
    client.post(
        "/entries",
        data={
            "date": today_of(app).isoformat(),
            "duration": "1h",
            "stage": str(first_stage(app).id),
            "notes": "today's",
        },
    )
    three_days_ago = today_of(app) - timedelta(days=3)
    body = text(add(client, app, date=three_days_ago.isoformat(), notes="catching up"))
    assert '<hx-partial hx-target="#recent-section" hx-swap="outerHTML">' in body
    assert "#today-section" not in body
    recent = body[body.index('id="recent-section"') :]
    assert "catching up" in recent
    assert "Saved for" not in body
    assert "Entry saved.</hx-partial>" in body


def test_quick_add_of_an_older_day_points_to_the_entry(app, client, auth):
    auth.login()
    old_day = today_of(app) - timedelta(days=40)
    body = text(add(client, app, date=old_day.isoformat(), notes="from my paper notebook"))
    [entry] = entries(app)
    assert entry.study_date == old_day
    # No list beside the form shows it: the fresh form says where it went.
    assert 'hx-partial hx-target="#today-section"' not in body
    assert "#recent-section" not in body
    label = day_label(old_day)
    assert f'Saved for {label}:\n      <a href="/entries/{entry.id}">see the entry</a>.' in body
    assert f"Entry saved for {label}.</hx-partial>" in body
    # The next save of today's session clears the note again.
    body = text(add(client, app, notes="today"))
    assert "Saved for" not in body


@pytest.mark.parametrize(
    ("days_ago", "target"),
    [(-1, "#today-section"), (0, "#today-section"), (1, "#recent-section"),
     (7, "#recent-section"), (8, None)],
)  # fmt: skip
def test_quick_add_sends_the_list_whose_days_hold_the_entry(app, client, auth, days_ago, target):
    auth.login()
    day = today_of(app) - timedelta(days=days_ago)
    body = text(add(client, app, date=day.isoformat()))
    sent = re.findall(r'<hx-partial hx-target="(#[a-z-]+)" hx-swap="outerHTML">', body)
    assert sent == ([target] if target else [])
    assert ("Saved for" in body) is (target is None)


def test_a_today_page_left_open_past_midnight_gets_both_lists_again(app, client, auth):
    auth.login()
    yesterday = (today_of(app) - timedelta(days=1)).isoformat()
    body = text(add(client, app, date=yesterday, lists_day=yesterday))
    # The lists were shown for yesterday: both are sent again, for the new day.
    assert '<hx-partial hx-target="#today-panel" hx-swap="outerHTML">' in body
    panel = body[body.index('id="today-panel"') :]
    assert panel.index('id="recent-section"') < panel.index("45 min")
    # The fresh form carries the new day.
    assert f'name="lists_day" value="{today_of(app).isoformat()}"' in body


def test_quick_add_without_javascript_redirects(app, client, auth):
    auth.login()
    response = client.post(
        "/entries",
        data={"date": "2026-03-01", "duration": "2h", "stage": first_stage(app).id, "notes": "n"},
    )
    assert response.status_code == 303
    assert response.location == "/"
    assert "Entry saved." in text(client.get("/"))
    assert [e.minutes for e in entries(app)] == [120]


def test_an_entry_for_an_earlier_day_appears_in_the_recent_list(app, client, auth):
    auth.login()
    yesterday = today_of(app) - timedelta(days=1)
    body = text(add(client, app, date=yesterday.isoformat(), notes="earlier work"))
    today_list, recent = body.split('id="recent-entries"')
    assert "earlier work" in recent and "Yesterday" in recent
    assert "earlier work" not in today_list


def test_several_entries_a_day(app, client, auth):
    auth.login()
    for duration in ("30m", "45m", "1h"):
        assert add(client, app, duration=duration).status_code == 200
    assert [e.minutes for e in entries(app)] == [30, 45, 60]
    assert "2 h 15 min" in text(client.get("/week", headers=HX))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"duration": ""}, "duration", "Duration is required."),
        ({"duration": "0"}, "duration", "Duration must be more than zero."),
        ({"duration": "-30"}, "duration", "Duration must be more than zero."),
        ({"duration": "25h"}, "duration", "Duration must be at most 24 hours."),
        ({"duration": "lots"}, "duration", "is not understood"),
        ({"date": ""}, "date", "Date is required."),
        ({"date": "yesterday"}, "date", "Date must be a date such as"),
        ({"date": "1969-12-31"}, "date", "Date must be in 1970 or later."),
        ({"stage": ""}, "stage", "Stage: choose a stage of your roadmap."),
        ({"stage": "999999"}, "stage", "Stage: choose a stage of your roadmap."),
        ({"notes": "x" * 10_001}, "notes", "Notes must be at most 10 kB; these are 10 kB"),
        ({"notes": "é" * 5_001}, "notes", "Notes must be at most 10 kB; these are 10 kB"),
        ({"link": "javascript:alert(1)"}, "link", "Link must be a web address"),
        ({"link": "not a url"}, "link", "Link must be a web address"),
        ({"link": "https://x.test/" + "a" * 2100}, "link", "at most 2048 characters"),
        ({"topics": "abc"}, "topics", "Topics: choose topics from the list."),
        ({"topics": "999999"}, "topics", "Topics: choose topics from the list."),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(
    app, client, auth, data, field, message
):
    auth.login()
    response = add(client, app, **data)
    assert response.status_code == 422
    assert message in (field_error(response, "quick-add", field) or "")
    assert "Nothing was saved" in text(response)
    assert "HX-Trigger" not in response.headers
    assert entries(app) == []


def test_a_date_more_than_a_day_ahead_is_refused(app, client, auth):
    auth.login()
    today = today_of(app)
    assert add(client, app, date=(today + timedelta(days=1)).isoformat()).status_code == 200
    response = add(client, app, date=(today + timedelta(days=2)).isoformat())
    assert response.status_code == 422
    assert "Date can be at most one day ahead" in field_error(response, "quick-add", "date")
    assert len(entries(app)) == 1


def test_the_form_keeps_what_was_typed_after_an_error(app, client, auth):
    auth.login()
    response = add(client, app, duration="soon", notes="My notes <b>stay</b>")
    assert 'value="soon"' in text(response)
    assert "My notes &lt;b&gt;stay&lt;/b&gt;</textarea>" in text(response)


def test_errors_without_javascript_show_the_new_entry_page(app, client, auth):
    auth.login()
    response = client.post("/entries", data={"date": "", "duration": "", "stage": ""})
    assert response.status_code == 422
    assert is_full_page(response)
    assert "Date is required." in field_error(response, "entry-form", "date")


def test_topics_must_belong_to_the_chosen_stage(app, client, auth):
    auth.login()
    first, second = first_stage(app, index=0), first_stage(app, index=1)
    response = add(client, app, stage=first.id, topics=[second.topics[0].id])
    assert response.status_code == 422
    assert "Topics must belong to the stage “Python fundamentals”." in text(response)
    ok = add(client, app, stage=first.id, topics=[first.topics[0].id, first.topics[2].id])
    assert ok.status_code == 200
    assert [t.name for t in entries(app)[0].topics] == ["Variables and data types", "Functions"]


def test_topic_picker_follows_the_stage(app, client, auth):
    auth.login()
    stage = first_stage(app, index=4)
    fragment = client.get(f"/entries/new?stage={stage.id}&form_id=quick-add", headers=HX)
    assert text(fragment).lstrip().startswith('<div id="quick-add-topics"')
    assert "Docker" in text(fragment) and "Variables and data types" not in text(fragment)
    page = client.get(f"/entries/new?stage={stage.id}")
    assert is_full_page(page)
    assert f'<option value="{stage.id}" selected>' in text(page)


def test_a_repeated_idempotency_key_saves_one_entry(app, client, auth):
    auth.login()
    key = "0123456789abcdef0123456789abcdef"
    first = add(client, app, idempotency_key=key)
    second = add(client, app, idempotency_key=key)
    assert first.status_code == second.status_code == 200
    assert len(entries(app)) == 1
    add(client, app, idempotency_key="another-key-123")
    assert len(entries(app)) == 2


# One entry: its page, inline edit, delete and undo


def make_entry(app, username="alice", **data) -> int:
    with app.app_context():
        user = get_user_by_name(username)
        stage = stages_of(user)[0]
        values = {
            "study_date": user_today(user),
            "minutes": 60,
            "stage_id": stage.id,
            "topic_ids": (),
            "notes": "Some *notes*",
            "link": None,
        }
        values.update(data)
        entry, _ = services.create_entry(user, services.EntryInput(**values))
        return entry.id


def test_entry_page_in_both_renderings(app, client, auth):
    auth.login()
    entry_id = make_entry(app, link="https://github.com/me/project")
    page = client.get(f"/entries/{entry_id}")
    assert is_full_page(page)
    assert "<em>notes</em>" in text(page)
    assert "Created" in text(page) and "Last edited" in text(page)
    assert 'href="https://github.com/me/project"' in text(page)
    row = client.get(f"/entries/{entry_id}", headers=HX)
    assert text(row).lstrip().startswith(f'<article id="entry-{entry_id}"')


def test_every_entry_in_the_journal_links_to_its_page(app, client, auth):
    auth.login()
    ids = [make_entry(app) for _ in range(3)]
    page = text(client.get("/journal"))
    for entry_id in ids:
        assert f'href="/entries/{entry_id}"' in page


def test_inline_edit(app, client, auth):
    auth.login()
    entry_id = make_entry(app)
    form = client.get(f"/entries/{entry_id}/edit", headers=HX)
    assert text(form).lstrip().startswith(f'<form id="entry-{entry_id}"')
    assert 'value="1h"' in text(form)
    assert "idempotency_key" not in text(form)
    before = entries(app)[0]
    response = client.post(
        f"/entries/{entry_id}",
        data={"date": "2026-02-02", "duration": "2h15", "stage": before.stage_id, "notes": "#new"},
        headers=HX,
    )
    assert response.status_code == 200
    assert text(response).lstrip().startswith(f'<article id="entry-{entry_id}"')
    assert "2 h 15 min" in text(response)
    assert "entries-changed" in response.headers["HX-Trigger"]
    after = entries(app)[0]
    assert (after.study_date, after.minutes, after.tag_names) == (date(2026, 2, 2), 135, ["new"])
    assert after.created_at == before.created_at
    assert after.updated_at >= before.updated_at


def test_inline_edit_errors_stay_in_the_form(app, client, auth):
    auth.login()
    entry_id = make_entry(app)
    response = client.post(
        f"/entries/{entry_id}", data={"date": "2026-02-02", "duration": "0"}, headers=HX
    )
    assert response.status_code == 422
    assert (
        field_error(response, f"entry-{entry_id}", "duration") == "Duration must be more than zero."
    )
    assert entries(app)[0].minutes == 60


def test_edit_without_javascript(app, client, auth):
    auth.login()
    entry_id = make_entry(app)
    page = client.get(f"/entries/{entry_id}/edit")
    assert is_full_page(page) and "Edit entry" in text(page)
    stage_id = entries(app)[0].stage_id
    response = client.post(
        f"/entries/{entry_id}", data={"date": "2026-02-03", "duration": "20", "stage": stage_id}
    )
    assert response.status_code == 303
    assert response.location == f"/entries/{entry_id}"
    bad = client.post(
        f"/entries/{entry_id}", data={"date": "x", "duration": "20", "stage": stage_id}
    )
    assert bad.status_code == 422 and is_full_page(bad)


def test_an_archived_stage_stays_allowed_when_editing_its_entries(app, client, auth):
    auth.login()
    entry_id = make_entry(app)
    stage_id = entries(app)[0].stage_id
    client.post(f"/roadmap/stages/{stage_id}/archive")
    response = client.post(
        f"/entries/{entry_id}",
        data={"date": "2026-02-03", "duration": "20", "stage": stage_id},
        headers=HX,
    )
    assert response.status_code == 200
    # Saved with the archived stage kept, not refused with a message or moved elsewhere.
    (saved,) = entries(app)
    assert (saved.stage_id, saved.minutes, saved.study_date) == (stage_id, 20, date(2026, 2, 3))
    assert "form-error" not in text(response)


def test_delete_and_undo(app, client, auth):
    auth.login()
    entry_id = make_entry(app, notes="to be deleted")
    response = client.post(f"/entries/{entry_id}/delete", headers=HX)
    assert response.status_code == 200
    assert "deleted" in text(response) and "Undo" in text(response)
    assert "entries-changed" in response.headers["HX-Trigger"]
    assert entries(app) == []
    assert "to be deleted" not in text(client.get("/journal"))
    assert client.get(f"/entries/{entry_id}").status_code == 404
    restored = client.post(f"/entries/{entry_id}/restore", headers=HX)
    assert restored.status_code == 200
    assert "to be deleted" in text(restored)
    assert "entries-changed" in restored.headers["HX-Trigger"]
    assert len(entries(app)) == 1


def test_delete_and_undo_without_javascript(app, client, auth):
    auth.login()
    entry_id = make_entry(app)
    response = client.post(f"/entries/{entry_id}/delete", data={"next": "/journal"})
    assert response.status_code == 303 and response.location == "/journal"
    page = text(client.get("/journal"))
    assert "Entry deleted." in page
    assert f'action="/entries/{entry_id}/restore"' in page
    undo = client.post(f"/entries/{entry_id}/restore")
    assert undo.status_code == 303 and undo.location == f"/entries/{entry_id}"
    assert len(entries(app)) == 1


def test_undo_only_for_a_while_then_the_entry_is_purged(app, client, auth):
    auth.login()
    old, recent = make_entry(app), make_entry(app)
    client.post(f"/entries/{old}/delete", headers=HX)
    with app.app_context():
        entry = db.session.get(Entry, old)
        entry.deleted_at = utcnow() - timedelta(seconds=601)
        db.session.commit()
    too_late = client.post(f"/entries/{old}/restore", headers=HX)
    assert too_late.status_code == 422
    assert "too long ago to undo" in text(too_late)
    # The next deletion purges what can no longer be restored, tags included.
    client.post(f"/entries/{recent}/delete", headers=HX)
    assert [e.id for e in entries(app, include_deleted=True)] == [recent]
    assert client.post(f"/entries/{old}/restore", headers=HX).status_code == 404


def test_unknown_duration_is_shown_as_such(app, client, auth):
    auth.login()
    entry_id = make_entry(app, minutes=None)
    assert "unknown" in text(client.get(f"/entries/{entry_id}", headers=HX))
    form = text(client.get(f"/entries/{entry_id}/edit", headers=HX))
    assert 'name="duration" type="text" value=""' in form


def test_tags_follow_the_notes_when_edited(app, client, auth):
    auth.login()
    entry_id = make_entry(app, notes="#one #two")
    stage_id = entries(app)[0].stage_id
    client.post(
        f"/entries/{entry_id}",
        data={"date": "2026-01-01", "duration": "1h", "stage": stage_id, "notes": "#two #three"},
        headers=HX,
    )
    with app.app_context():
        names = db.session.scalars(select(EntryTag.name).where(EntryTag.entry_id == entry_id))
        assert sorted(names) == ["three", "two"]


# The Journal


def test_journal_in_both_renderings(app, client, auth):
    auth.login()
    make_entry(app)
    page = client.get("/journal")
    assert is_full_page(page)
    assert '<label for="filter-q">Search notes</label>' in text(page)
    fragment = client.get("/journal", headers=HX)
    assert text(fragment).lstrip().startswith('<section id="journal-results"')


def test_journal_empty_state(client, auth):
    auth.login()
    assert "Your journal is empty." in text(client.get("/journal"))


def test_journal_filters(app, client, auth):
    auth.login()
    with app.app_context():
        user = get_user_by_name("alice")
        python, sql = stages_of(user)[0].id, stages_of(user)[1].id
    a = make_entry(app, study_date=date(2026, 1, 10), stage_id=python, notes="Generators #python")
    b = make_entry(app, study_date=date(2026, 2, 10), stage_id=sql, notes="JOIN practice #sql")
    c = make_entry(app, study_date=date(2026, 3, 10), stage_id=sql, notes="Indexes 100% #sql #perf")

    def shown(**args):
        body = text(client.get("/journal", query_string=args, headers=HX))
        return [int(i) for i in re.findall(r'<article id="entry-(\d+)"', body)]

    assert shown() == [c, b, a]
    assert shown(stage=sql) == [c, b]
    assert shown(tag="SQL") == [c, b]
    assert shown(tag="#perf") == [c]
    assert shown(**{"from": "2026-02-01"}) == [c, b]
    assert shown(to="2026-02-10") == [b, a]
    assert shown(**{"from": "2026-02-10", "to": "2026-02-10"}) == [b]
    assert shown(q="join") == [b]
    assert shown(q="practice JOIN") == [b]
    assert shown(q="100%") == [c]
    assert shown(q="10_") == []
    assert shown(q="generators", stage=sql) == []
    summary = text(client.get("/journal", query_string={"stage": sql}, headers=HX))
    assert "2 entries · 2 h matching the filters" in summary


def test_journal_filter_errors_are_explained(app, client, auth):
    auth.login()
    body = text(client.get("/journal?from=someday&to=2026-01-01", headers=HX))
    assert "From must be a date such as 2026-03-14." in body
    body = text(client.get("/journal?from=2026-02-01&to=2026-01-01", headers=HX))
    assert "To must be on or after From." in body


def test_journal_load_more(make_app, auth):
    app = make_app(PAGE_SIZE=2)
    client = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(app, client).login()
    ids = [make_entry(app, study_date=date(2026, 1, day)) for day in (1, 2, 2, 3, 4)]
    first = text(client.get("/journal"))
    assert re.findall(r'<article id="entry-(\d+)"', first) == [str(ids[4]), str(ids[3])]
    more = re.search(r'<a id="load-more"[^>]* href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(more, headers=HX)
    body = text(second)
    assert not body.lstrip().startswith("<section")
    assert re.findall(r'<article id="entry-(\d+)"', body) == [str(ids[2]), str(ids[1])]
    more = (
        re.search(r'href="([^"]+)"', body.split('id="load-more"')[1]).group(1).replace("&amp;", "&")
    )
    last = text(client.get(more, headers=HX))
    assert re.findall(r'<article id="entry-(\d+)"', last) == [str(ids[0])]
    assert "load-more" not in last
    # Without JavaScript the same link is a full page.
    assert is_full_page(client.get(more))


def test_load_more_keeps_the_filters(app, client, auth):
    auth.login()
    app.config["PAGE_SIZE"] = 1
    for _ in range(3):
        make_entry(app, notes="#keep")
    make_entry(app, notes="other")
    body = text(client.get("/journal?tag=keep", headers=HX))
    assert re.search(r'href="/journal\?after=[^"]+&amp;tag=keep"', body)


# This week


def test_week_page_and_panel(app, client, auth):
    auth.login()
    make_entry(app, minutes=90)
    make_entry(app, minutes=30)
    make_entry(app, minutes=600, study_date=today_of(app) - timedelta(days=8))
    panel = client.get("/week", headers=HX)
    assert text(panel).lstrip().startswith('<section id="week-total"')
    assert "2 h" in text(panel) and "2 entries" in text(panel)
    assert 'hx-trigger="entries-changed from:body"' in text(panel)
    page = client.get("/week")
    assert is_full_page(page) and "This week" in text(page)


def test_week_total_counts_only_this_week(app, auth):
    from journal.entries.queries import week_summary

    auth.create()
    monday = date(2026, 11, 23)
    make_entry(app, study_date=monday - timedelta(days=1), minutes=100)  # Sunday before
    make_entry(app, study_date=monday, minutes=30)
    make_entry(app, study_date=monday + timedelta(days=6), minutes=45)  # Sunday
    make_entry(app, study_date=monday + timedelta(days=3), minutes=None)  # unknown
    with app.app_context():
        week = week_summary(get_user_by_name("alice"), monday + timedelta(days=2))
    assert (week.first, week.last) == (monday, monday + timedelta(days=6))
    assert week.minutes == 75 and week.entries == 3 and week.active_days == 2
    assert week.days[0] == (monday, 30) and week.days[6] == (monday + timedelta(days=6), 45)


def test_created_time_is_kept_apart_from_the_study_date(app, auth):
    auth.create()
    entry_id = make_entry(app, study_date=date(2020, 5, 5))
    with app.app_context():
        entry = db.session.get(Entry, entry_id)
        assert entry.study_date == date(2020, 5, 5)
        assert entry.created_at.date() >= date(2026, 1, 1)


def test_nothing_partial_when_saving_fails(app, auth):
    """A failure after the entry was written to the database rolls all of it back."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    auth.create()

    def fail_after_flush(session, _context):
        if any(isinstance(obj, EntryTag) for obj in session.new) or session.info.get("flushed"):
            raise RuntimeError("disk full")
        session.info["flushed"] = True

    event.listen(Session, "after_flush", fail_after_flush)
    try:
        with pytest.raises(RuntimeError):
            make_entry(app, notes="#tag")
    finally:
        event.remove(Session, "after_flush", fail_after_flush)
    with app.app_context():
        assert db.session.scalar(select(func.count(Entry.id))) == 0
        assert db.session.scalar(select(func.count()).select_from(EntryTag)) == 0


def test_changing_the_stage_inline_shows_the_new_stage(app, client, auth):
    auth.login()
    entry_id = make_entry(app)
    sql = first_stage(app, index=1)
    response = client.post(
        f"/entries/{entry_id}",
        data={"date": "2026-02-02", "duration": "1h", "stage": sql.id, "topics": sql.topics[0].id},
        headers=HX,
    )
    assert "Databases and SQL" in text(response)
    assert "Python fundamentals" not in text(response)
    assert sql.topics[0].name in text(response)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"duration": "9" * 400}, "duration"),
        ({"duration": "1" * 5000}, "duration"),
        ({"stage": str(2**64)}, "stage"),
        ({"stage": "-1"}, "stage"),
        ({"topics": str(2**64)}, "topics"),
    ],
)
def test_huge_or_odd_numbers_are_refused_not_crashed_on(app, client, auth, data, field):
    auth.login()
    response = add(client, app, **data)
    assert response.status_code == 422
    assert field_error(response, "quick-add", field)


@pytest.mark.parametrize(
    "path",
    [
        f"/entries/{2**64}",
        f"/entries/{2**64}/edit",
        f"/roadmap/stages/{2**64}",
        f"/roadmap/topics/{2**63}",
        "/entries/0",
    ],
)
def test_ids_out_of_range_are_not_found(client, auth, path):
    auth.login()
    assert client.get(path).status_code == 404


def test_odd_filters_and_cursors_do_not_crash(app, client, auth):
    auth.login()
    make_entry(app)
    bad_stage = client.get(f"/journal?stage={2**64}", headers=HX)
    assert bad_stage.status_code == 200
    assert "Stage: choose a stage from the list." in text(bad_stage)
    for cursor in ("garbage", f"2026-01-01.{2**64}", "2026-13-01.5", ".5"):
        response = client.get("/journal", query_string={"after": cursor}, headers=HX)
        assert response.status_code == 200
        assert "<article" not in text(response), cursor


def test_journal_can_filter_by_an_archived_stage(app, client, auth):
    auth.login()
    stage = first_stage(app, index=2)
    make_entry(app, stage_id=stage.id, notes="kept history")
    client.post(f"/roadmap/stages/{stage.id}/archive")
    page = text(client.get(f"/journal?stage={stage.id}"))
    assert '<optgroup label="Archived">' in page
    assert f'<option value="{stage.id}" selected>Web frameworks</option>' in page
    assert "kept history" in page


def test_forms_on_their_own_pages_are_plain_forms(app, client, auth):
    auth.login()
    entry_id = make_entry(app)
    assert 'hx-post="/entries"' not in text(client.get("/entries/new"))
    assert f'hx-post="/entries/{entry_id}"' not in text(client.get(f"/entries/{entry_id}/edit"))
    assert 'hx-post="/entries"' in text(client.get("/"))
    inline = text(client.get(f"/entries/{entry_id}/edit", headers=HX))
    assert f'hx-post="/entries/{entry_id}"' in inline
    assert 'name="duration" type="text" value="1h" required  autofocus' in inline or (
        "autofocus" in inline.split('name="duration"')[1].split(">")[0]
    )


def test_focus_follows_delete_and_undo(app, client, auth):
    auth.login()
    entry_id = make_entry(app)
    deleted = text(client.post(f"/entries/{entry_id}/delete", headers=HX))
    assert '<button type="submit" class="button" autofocus>Undo</button>' in deleted
    restored = text(client.post(f"/entries/{entry_id}/restore", headers=HX))
    assert f'href="/entries/{entry_id}" autofocus>' in restored


def test_creating_an_entry_purges_deletions_past_undo(app, client, auth):
    auth.login()
    old = make_entry(app)
    client.post(f"/entries/{old}/delete", headers=HX)
    with app.app_context():
        db.session.get(Entry, old).deleted_at = utcnow() - timedelta(days=30)
        db.session.commit()
    add(client, app)
    assert [e.id for e in entries(app, include_deleted=True)] == [old + 1]


def test_a_replayed_form_brings_back_its_deleted_entry(app, client, auth):
    auth.login()
    key = "replayed-key-0001"
    add(client, app, idempotency_key=key, notes="first send")
    [entry] = entries(app)
    client.post(f"/entries/{entry.id}/delete", headers=HX)
    again = add(client, app, idempotency_key=key, notes="first send")
    assert again.status_code == 200
    assert [e.id for e in entries(app)] == [entry.id]
    assert "first send" in text(again)


def test_journal_announces_how_many_entries_match(app, client, auth):
    auth.login()
    make_entry(app, notes="alpha")
    make_entry(app, notes="beta")
    body = text(client.get("/journal?q=alpha", headers=HX))
    assert (
        '<hx-partial hx-target="#announcer" hx-swap="innerHTML">1 entry matches the filters.'
        in body
    )
    assert "aria-live" not in body.split("<hx-partial")[0]
