"""Pages in the page cache are never stale: every change moves the user's revision."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from journal import create_app
from journal.auth.models import User
from journal.cache import RenderCache
from journal.extensions import db
from journal.roadmap.models import Stage, Topic

from .support import HX, PASSWORD, AuthActions, csrf_token, make_config, text


def revision(app, username="alice") -> int:
    with app.app_context():
        return db.session.scalar(select(User.revision).where(User.username == username))


def first(app, model, username="alice"):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        return db.session.scalar(
            select(model.id).where(model.user_id == user_id).order_by(model.id).limit(1)
        )


def entry_data(app, **extra):
    return {"date": "2026-01-05", "duration": "1h", "stage": first(app, Stage), **extra}


def test_every_change_moves_the_revision_and_reading_does_not(app, client, auth):
    auth.login()
    steps = {
        "create an entry": lambda: client.post("/entries", data=entry_data(app)),
        "edit it": lambda: client.post(
            f"/entries/{entry_id()}", data=entry_data(app, duration="2h")
        ),
        "delete it": lambda: client.post(f"/entries/{entry_id()}/delete"),
        "restore it": lambda: client.post(f"/entries/{entry_id()}/restore"),
        "rename a stage": lambda: client.post(
            f"/roadmap/stages/{first(app, Stage)}", data={"name": "Mine", "color": "#123456"}
        ),
        "move a stage": lambda: client.post(
            f"/roadmap/stages/{first(app, Stage)}/move", data={"direction": "down"}
        ),
        "archive a topic": lambda: client.post(f"/roadmap/topics/{first(app, Topic)}/archive"),
        "mark a topic done": lambda: client.post(
            f"/roadmap/topics/{first(app, Topic)}/state", data={"state": "done"}
        ),
        "change the time zone": lambda: client.post("/settings", data={"timezone": "Asia/Tokyo"}),
        "change the weekly goal": lambda: client.post(
            "/dashboard/settings",
            data={"daily_minimum": "20", "weekly_goal": "12", "week_start": "0", "rest_days": "1"},
        ),
    }

    def entry_id():
        with app.app_context():
            from journal.entries.models import Entry

            return db.session.scalar(select(Entry.id).order_by(Entry.id.desc()).limit(1))

    for step, action in steps.items():
        before = revision(app)
        response = action()
        assert response.status_code in (200, 303), (step, response.status_code)
        assert revision(app) != before, f"{step} did not move the revision"
    before = revision(app)
    for path in ("/", "/journal", "/dashboard", "/roadmap", "/week", "/review", "/settings"):
        client.get(path)
    assert revision(app) == before


def test_a_change_made_by_another_worker_shows_at_once(app, client, auth, tmp_path):
    """Two app instances on one database, as two gunicorn workers are."""
    auth.login()
    client.post("/entries", data=entry_data(app, notes="first-note"))
    assert "1 h" in text(client.get("/dashboard"))  # now cached by this worker
    assert "first-note" in text(client.get("/journal"))
    same_database = app.config["SQLALCHEMY_DATABASE_URI"]
    other = create_app(make_config(tmp_path / "other", SQLALCHEMY_DATABASE_URI=same_database))
    other_client = other.test_client()
    AuthActions(other, other_client).login()
    other_client.post("/entries", data=entry_data(app, duration="2h", notes="second-note"))
    dashboard = text(client.get("/dashboard"))
    assert "3 h" in dashboard
    journal = text(client.get("/journal"))
    assert "second-note" in journal and "first-note" in journal
    with other.app_context():
        db.engine.dispose()


def test_pages_are_rendered_once_per_revision(app, client, auth):
    auth.login()
    client.post("/entries", data=entry_data(app), headers=HX)
    first_dashboard = text(client.get("/dashboard"))
    cache = app.extensions["render_cache"]
    hits = cache.hits
    again = text(client.get("/dashboard"))
    assert cache.hits == hits + 1
    assert strip_tokens(again) == strip_tokens(first_dashboard)
    client.post("/entries", data=entry_data(app, duration="30m"), headers=HX)
    misses = cache.misses
    assert "1 h 30 min" in text(client.get("/dashboard"))
    assert cache.misses == misses + 1  # a new revision: rendered again


def strip_tokens(html: str) -> str:
    return re.sub(r'value="[^"]*\.[^"]*"|"X-CSRFToken": "[^"]+"', "", html)


def two_devices(app):
    """Two browsers signed in to alice's account with CSRF checks on, as in production."""
    devices = app.test_client(), app.test_client()
    AuthActions(app, devices[0]).create()
    for client in devices:
        token = csrf_token(client.get("/login"))
        client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    return devices


def test_each_session_gets_lists_with_its_own_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    phone, laptop = two_devices(app)
    token = csrf_token(phone.get("/"))
    for number in range(2):
        phone.post("/entries", data={**entry_data(app), "csrf_token": token, "notes": f"n{number}"})
    for client in (phone, laptop):
        page = text(client.get("/journal"))
        entry_id, row_token = re.search(
            r'action="/entries/(\d+)/delete"[^>]*>\s*<input type="hidden" name="csrf_token" '
            r'value="([^"]+)"',
            page,
        ).groups()
        # The row's own form works for the session that got it (without JavaScript).
        response = client.post(f"/entries/{entry_id}/delete", data={"csrf_token": row_token})
        assert response.status_code == 303


def test_partial_and_full_renderings_are_kept_apart(app, client, auth):
    auth.login()
    client.post("/entries", data=entry_data(app))
    full = text(client.get("/journal"))
    fragment = text(client.get("/journal", headers=HX))
    assert "<!doctype html>" in full.lower()
    assert "<!doctype html>" not in fragment.lower()
    assert text(client.get("/journal")).lower().count("<!doctype html>") == 1


def test_the_cache_keeps_to_its_budget():
    page = "x" * 30  # each page below is 31 bytes in UTF-8
    cache = RenderCache(max_bytes=3 * 31 + 15)
    for number in range(10):
        cache.get_or_render(number, lambda number=number: page + str(number))
    assert cache._bytes <= cache.max_bytes
    assert list(cache._items) == [7, 8, 9]
    rendered = []
    assert cache.get_or_render(9, lambda: rendered.append(1) or "new") == b"x" * 30 + b"9"
    assert rendered == []  # a hit: not rendered again
    assert cache.get_or_render("big", lambda: "y" * 200) == b"y" * 200  # answered, not cached
    assert "big" not in cache._items
    assert cache.get_or_render("é", lambda: "é" * 50) == "é".encode() * 50  # 100 bytes: cached
    assert cache._bytes <= cache.max_bytes and "é" in cache._items


def test_with_expiring_csrf_tokens_cached_pages_renew_at_half_their_life(make_app, monkeypatch):
    app = make_app(WTF_CSRF_TIME_LIMIT=3600)
    client = app.test_client()
    AuthActions(app, client).login()
    now = [1_800_000.0]
    monkeypatch.setattr("journal.cache._now", lambda: now[0])
    client.get("/dashboard")
    cache = app.extensions["render_cache"]
    misses = cache.misses
    now[0] += 1799
    client.get("/dashboard")
    assert cache.misses == misses  # the same half hour: the cached page
    now[0] += 1
    client.get("/dashboard")
    assert cache.misses == misses + 1  # a new half hour: made again, with a fresh token


@pytest.mark.parametrize("budget", [0])
def test_a_zero_budget_turns_the_cache_off(make_app, budget):
    app = make_app(RENDER_CACHE_BYTES=budget)
    client = app.test_client()
    AuthActions(app, client).login()
    client.get("/dashboard")
    client.get("/dashboard")
    assert app.extensions["render_cache"]._items == {}


def test_two_new_sessions_never_share_a_cached_page(make_app):
    """Both sessions open the Journal first thing after logging in: each page's forms
    must carry that session's own token."""
    app = make_app(WTF_CSRF_ENABLED=True)
    first, second = two_devices(app)
    first.post(
        "/entries", data={**entry_data(app), "csrf_token": csrf_token(first.get("/entries/new"))}
    )
    for client in (first, second):
        with client.session_transaction() as session:
            session.pop("csrf_token", None)  # as right after a login
    pages = [text(client.get("/journal")) for client in (first, second)]
    entry_id, row_token = re.search(
        r'action="/entries/(\d+)/delete"[^>]*>\s*<input type="hidden" name="csrf_token" '
        r'value="([^"]+)"',
        pages[1],
    ).groups()
    response = second.post(f"/entries/{entry_id}/delete", data={"csrf_token": row_token})
    assert response.status_code == 303


def test_a_new_account_never_sees_a_deleted_accounts_cached_pages(app, auth):
    alice = app.test_client()
    AuthActions(app, alice).login("alice")
    stage = first(app, Stage)
    alice.post(f"/roadmap/stages/{stage}", data={"name": "alice-private", "color": "#123456"})
    alice.post("/entries", data=entry_data(app))
    assert "alice-private" in text(alice.get("/dashboard"))  # cached by this worker
    alice.post("/settings/delete", data={"password": PASSWORD})
    bob = app.test_client()
    app.config["SIGNUP"] = "open"
    bob.post("/signup", data={"username": "bob", "password": PASSWORD})
    for number in range(3):
        bob.post("/entries", data=entry_data(app, notes=f"bob {number}"))
        assert "alice-private" not in text(bob.get("/dashboard"))
        assert "alice-private" not in text(bob.get("/journal"))


@pytest.mark.sqlite_only("restores a SQLite file")
def test_after_a_restore_pages_show_the_restored_journal(app, client, auth, tmp_path):
    from journal.ops.backup import backup_database
    from journal.ops.restore import restore_database

    auth.login()
    client.post("/entries", data=entry_data(app, duration="5m"))
    backup = backup_database(app, tmp_path / "before.sqlite3")
    for _ in range(3):  # later changes, each page cached under its revision
        client.post("/entries", data=entry_data(app, duration="2h"))
        client.get("/dashboard")
    restore_database(app, backup)
    auth.login()  # the restored database knows no later session
    for _ in range(4):  # new changes after the restore
        assert "6 h" not in text(client.get("/dashboard"))
        client.post("/entries", data=entry_data(app, duration="1m"))
    assert "9 min" in text(client.get("/dashboard"))


@pytest.mark.parametrize("path", ["/dashboard", "/journal"])
def test_a_cached_page_is_sent_as_cached_and_each_session_gets_its_own(make_app, path):
    app = make_app(WTF_CSRF_ENABLED=True)
    phone, laptop = two_devices(app)
    token = csrf_token(phone.get("/"))
    phone.post("/entries", data={**entry_data(app), "csrf_token": token})
    assert "Entry saved." in text(phone.get("/"))
    first_view = phone.get(path)
    cache = app.extensions["render_cache"]
    hits = cache.hits
    again = phone.get(path)
    assert cache.hits == hits + 1  # the whole page, in one look-up
    assert again.data == first_view.data
    assert again.headers["Content-Type"] == "text/html; charset=utf-8"
    assert again.headers["Content-Security-Policy"] == first_view.headers["Content-Security-Policy"]
    # The laptop's page carries the laptop's token (in the log-out form and for htmx),
    # and it works there.
    laptop_page = laptop.get(path)
    laptop_token = csrf_token(laptop_page)
    assert laptop_token != csrf_token(again)
    assert f'"X-CSRFToken": "{laptop_token}"' in text(laptop_page)
    response = laptop.post("/logout", data={"csrf_token": laptop_token})
    assert response.status_code in (302, 303)
    # The navigation marks the page shown, not another page cached for the same user.
    current = re.search(r'<a href="([^"]+)" aria-current="page"', text(again)).group(1)
    assert current == path


@pytest.mark.parametrize("path", ["/dashboard", "/journal"])
def test_a_message_waiting_to_be_shown_is_shown_once_and_never_cached(app, client, auth, path):
    auth.login()
    client.post("/entries", data=entry_data(app))
    client.get(path)  # cached
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Imported 3 entries.")]
    assert "Imported 3 entries." in text(client.get(path))
    assert "Imported 3 entries." not in text(client.get(path))
    assert "Imported 3 entries." not in text(client.get(path))


def test_a_cached_view_that_answers_with_a_redirect_is_sent_it_and_nothing_is_cached(app, auth):
    from flask import redirect

    from journal.cache import cached_page

    @app.get("/redirecting")
    @cached_page
    def redirecting():
        return redirect("/journal")

    client = app.test_client()
    AuthActions(app, client).login()
    for _ in range(2):
        response = client.get("/redirecting")
        assert response.status_code == 302 and response.headers["Location"] == "/journal"
    assert app.extensions["render_cache"]._items == {}
