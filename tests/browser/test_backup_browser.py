"""The owner's backup download, in a real browser (CSRF on, as in production)."""

from __future__ import annotations

import sqlite3

from playwright.sync_api import expect

from journal.auth.services import get_user_by_name
from journal.db import write_transaction
from journal.extensions import db


def test_the_owner_downloads_a_backup_from_settings(signed_in, live_server, tmp_path):
    page = signed_in
    with live_server.app.app_context(), write_transaction():
        db.session.merge(get_user_by_name("alice")).is_owner = True
    page.goto(live_server.url + "/settings")
    section = page.locator("#settings-backup")
    expect(section.get_by_role("heading", name="Backup")).to_be_visible()
    with page.expect_download() as download_info:
        section.get_by_role("button", name="Download a backup").click()
    download = download_info.value
    assert download.suggested_filename.startswith("roadbook-")
    assert download.suggested_filename.endswith(".sqlite3")
    saved = tmp_path / "downloaded.sqlite3"
    download.save_as(saved)
    connection = sqlite3.connect(saved)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("SELECT username FROM users").fetchall() == [("alice",)]
    connection.close()
    assert page.url == live_server.url + "/settings"  # still on the page
    assert page.problems.errors == []


def test_others_see_no_backup_section(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/settings")
    expect(page.get_by_role("heading", name="Password")).to_be_visible()
    expect(page.locator("#settings-backup")).to_have_count(0)
