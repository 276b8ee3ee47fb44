"""The entry form as the daily loop uses it: the duration preview, the date kept for a run
of backdated sessions, and the timer's stage."""

from __future__ import annotations

import re
from datetime import timedelta

from .support import HX, text
from .test_entries import add, entries, first_stage, today_of


def preview_of(client, typed, form_id="quick-add"):
    response = client.get("/entries/duration", query_string={"duration": typed, "form_id": form_id})
    assert response.status_code == 200
    match = re.search(
        rf'<output id="{form_id}-duration-preview"[^>]*>(.*?)</output>', text(response), re.S
    )
    assert match, text(response)
    return match.group(1)


def test_the_duration_preview_says_what_the_form_will_save(client, auth):
    auth.login()
    assert preview_of(client, "1.5") == "= 1 h 30 min"
    assert preview_of(client, "90 min") == "= 1 h 30 min"
    assert preview_of(client, "2") == "= 2 min · for 2 hours, type 2h"
    assert preview_of(client, "") == ""
    assert preview_of(client, "1h75").startswith("Duration “1h75” is not understood")
    # The preview belongs to the form that asked; an odd form id falls back to the default.
    assert preview_of(client, "45", form_id="entry-12") == "= 45 min"
    assert preview_of(client, "45", form_id="entry-form") == "= 45 min"
    response = client.get("/entries/duration", query_string={"duration": "1", "form_id": "<x>"})
    assert 'id="entry-form-duration-preview"' in text(response)


def test_the_duration_preview_is_bounded_and_needs_no_session(client, auth):
    # It reads only the text typed: a page whose session expired is not sent away mid-word
    # (saving then says the page has expired).
    auth.create()
    assert preview_of(client, "1.5") == "= 1 h 30 min"
    assert client.get("/entries/new").status_code == 302  # the rest stays private
    auth.login()
    assert len(preview_of(client, "9" * 100_000)) < 200


def test_what_the_preview_shows_is_what_is_saved(app, client, auth):
    auth.login()
    for typed, minutes in (("1.5", 90), ("2", 2), ("0.75", 45)):
        assert add(client, app, duration=typed).status_code == 200
        assert entries(app)[-1].minutes == minutes


def test_a_form_shown_with_a_duration_shows_its_preview(app, client, auth):
    auth.login()
    add(client, app, duration="50m", notes="x")
    entry = entries(app)[0]
    response = client.get(f"/entries/{entry.id}/edit", headers=HX)
    assert re.search(r'id="entry-\d+-duration-preview"[^>]*>= 50 min</output>', text(response))
    # After an error the message under the field says it once; the preview stays empty.
    response = add(client, app, duration="abc")
    assert response.status_code == 422
    assert text(response).count("is not understood") == 1


def date_field(body: str) -> str:
    return re.search(r'<input id="quick-add-date" name="date" type="date" value="([^"]*)"', body)[1]


def test_a_backdated_run_keeps_its_date_until_it_is_changed(app, client, auth):
    auth.login()
    today = today_of(app)
    earlier = (today - timedelta(days=3)).isoformat()
    body = text(add(client, app, date=earlier))
    assert date_field(body) == earlier
    assert "Kept from your last entry." in body
    body = text(add(client, app, date=earlier))
    assert date_field(body) == earlier
    # Back on today: the next form is for today again, without the note.
    body = text(add(client, app, date=today.isoformat()))
    assert date_field(body) == today.isoformat()
    assert "Kept from your last entry." not in body
    assert [e.study_date.isoformat() for e in entries(app)] == [earlier, earlier, today.isoformat()]


def test_a_page_left_open_past_midnight_starts_again_from_the_new_today(app, client, auth):
    auth.login()
    today = today_of(app)
    yesterday = (today - timedelta(days=1)).isoformat()
    # The page was drawn yesterday, and its date was left as it was then.
    body = text(add(client, app, date=yesterday, lists_day=yesterday))
    assert date_field(body) == today.isoformat()


def test_without_javascript_the_date_is_kept_through_the_redirect(app, client, auth):
    auth.login()
    earlier = (today_of(app) - timedelta(days=2)).isoformat()
    values = {
        "lists_day": today_of(app).isoformat(),
        "date": earlier,
        "duration": "30m",
        "stage": str(first_stage(app).id),
    }
    response = client.post("/entries", data=values)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/?date={earlier}"
    assert date_field(text(client.get(response.headers["Location"]))) == earlier
    # A date no form could have made is ignored: the form starts on today.
    for odd in ("2999-01-01", "someday", "1969-12-31"):
        assert date_field(text(client.get(f"/?date={odd}"))) == today_of(app).isoformat()


def test_undo_without_javascript_returns_to_the_page_it_was_offered_on(app, client, auth):
    auth.login()
    add(client, app, notes="keep me")
    [entry] = entries(app)
    response = client.post(f"/entries/{entry.id}/delete", data={"next": "/"})
    assert response.location == "/"
    today = text(client.get("/"))
    assert re.search(
        rf'action="/entries/{entry.id}/restore">\s*<input[^>]+csrf_token[^>]*>\s*'
        r'(?:\{#.*?#\}\s*)?<input type="hidden" name="next" value="/">',
        today,
    )
    undo = client.post(f"/entries/{entry.id}/restore", data={"next": "/"})
    assert undo.status_code == 303 and undo.location == "/"
    assert "keep me" in text(client.get("/"))
    # The Journal with its filters, and never a page off the site.
    client.post(f"/entries/{entry.id}/delete", data={"next": "/journal?q=keep"})
    assert 'name="next" value="/journal?q=keep"' in text(client.get("/journal?q=keep"))
    undo = client.post(f"/entries/{entry.id}/restore", data={"next": "//evil.test/"})
    assert undo.location == f"/entries/{entry.id}"


def test_saving_an_edit_writes_the_entry_and_the_revision_once(app, client, auth):
    from sqlalchemy import event

    from journal.extensions import db

    auth.login()
    add(client, app, notes="first #sql")
    [entry] = entries(app)
    written = []

    def note(conn, cursor, statement, params, context, executemany):
        if statement.startswith("UPDATE"):
            written.append(statement.split(" SET")[0])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        form = {
            "date": entry.study_date.isoformat(),
            "duration": "50m",
            "stage": str(entry.stage_id),
            "notes": "second #sql #joins",
        }
        assert client.post(f"/entries/{entry.id}", data=form, headers=HX).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert sorted(written) == ["UPDATE entries", "UPDATE users"]
    assert entries(app)[0].tag_names == ["joins", "sql"]


def focused(body: str) -> list[str]:
    return re.findall(r'<(?:input|select|textarea) id="quick-add-(\w+)"[^>]*autofocus', body)


def test_the_first_field_at_fault_has_the_focus_and_every_field_stays_as_typed(app, client, auth):
    auth.login()
    response = add(client, app, duration="abc", notes="typed <b>", link="ftp://x")
    assert response.status_code == 422
    body = text(response)
    assert focused(body) == ["duration"]
    assert re.search(
        r'<input id="quick-add-link" name="link" type="url" value="ftp://x"[^>]*'
        r'aria-invalid="true" aria-describedby="quick-add-link-error"',
        body,
    )
    assert '<p class="field-error" id="quick-add-link-error">Link must be a web address' in body
    assert ">typed &lt;b&gt;</textarea>" in body
    assert "please correct the fields marked below" in body
    # The date comes first in the form: at fault too, it has the focus.
    assert focused(text(add(client, app, date="14/03/2026", duration="abc"))) == ["date"]
    assert entries(app) == []


def test_the_kept_date_is_described_by_its_note(app, client, auth):
    auth.login()
    earlier = (today_of(app) - timedelta(days=3)).isoformat()
    body = text(add(client, app, date=earlier))
    assert re.search(r'id="quick-add-date"[^>]*aria-describedby="quick-add-date-hint"', body)
    assert '<p class="hint" id="quick-add-date-hint">Kept from your last entry.' in body
    assert focused(body) == ["duration"]
