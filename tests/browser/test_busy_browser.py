"""A busy database in a real browser: the quick-add comes back in place with everything
typed and a message; sent again, it saves once. A button leaves the page alone and says why."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from journal.ops.backup import sqlite_path

from .conftest import mark_page, still_same_page
from .test_journal_browser import quick_add

pytestmark = [
    pytest.mark.sqlite_only("holds SQLite's write lock from another connection"),
    pytest.mark.live_config(SQLITE_BUSY_TIMEOUT_MS=200),
]

BUSY = "The journal is busy: nothing was saved. Please try again in a moment."


class WriteLock:
    """Another connection holding SQLite's write lock, as a long write elsewhere does."""

    def __init__(self, app):
        self.connection = sqlite3.connect(sqlite_path(app), isolation_level=None)
        self.connection.execute("BEGIN IMMEDIATE")

    def release(self):
        self.connection.execute("ROLLBACK")
        self.connection.close()


def problems_besides_the_503(page) -> list[str]:
    """The browser logs the refused request itself; anything else is a problem."""
    return [error for error in page.problems.errors if "status of 503" not in error]


def test_a_busy_quick_add_stays_as_typed_and_saves_once_when_sent_again(signed_in, live_server):
    page = signed_in
    mark_page(page)
    lock = WriteLock(live_server.app)
    try:
        quick_add(page, "1h15", "Typed while the journal was busy #sql")
        expect(page.locator("#quick-add .form-error")).to_have_text(BUSY)
    finally:
        lock.release()
    expect(page.locator("#quick-add-duration")).to_have_value("1h15")
    expect(page.locator("#quick-add-notes")).to_have_value("Typed while the journal was busy #sql")
    expect(page.locator("#today-entries article.entry")).to_have_count(0)
    page.locator("#quick-add").get_by_role("button", name="Add entry").click()
    entry = page.locator("#today-entries article.entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("1 h 15 min")
    expect(page.locator("#quick-add .form-error")).to_have_count(0)
    assert still_same_page(page)
    assert problems_besides_the_503(page) == []


def test_a_busy_delete_leaves_the_entry_and_says_why(signed_in, live_server):
    page = signed_in
    quick_add(page, "40m", "Worth keeping")
    entry = page.locator("#today-entries article.entry").first
    expect(entry).to_contain_text("Worth keeping")
    mark_page(page)
    lock = WriteLock(live_server.app)
    try:
        entry.get_by_role("button", name=re.compile("^Delete")).click()
        expect(page.locator("#request-error")).to_have_text(BUSY)
    finally:
        lock.release()
    expect(page.locator("#today-entries article.entry").first).to_contain_text("Worth keeping")
    assert still_same_page(page)
    assert problems_besides_the_503(page) == []
