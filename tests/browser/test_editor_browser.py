"""Editor time in a real browser: Log it fills the quick-add in place, saving it takes the
suggestion away, Dismiss works in place, and the key is made in Settings."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ..support import Editor, every
from .conftest import sign_in


def editor_with_an_hour_and_twenty(live_server) -> Editor:
    editor = Editor(live_server.app)  # alice, where it is about noon
    assert editor.send(every(5, 17)).status_code == 202
    return editor


def test_log_it_fills_the_quick_add_in_place_and_saving_logs_it(page, live_server):
    editor_with_an_hour_and_twenty(live_server)
    sign_in(page, live_server.url)
    page.evaluate("window.stayedOnThePage = true")
    suggestion = page.locator("#editor-suggestions .suggestion")
    expect(suggestion).to_have_text(re.compile(r"In your editor: 1 h 20 min on flask-tutorial"))

    suggestion.get_by_role("link", name=re.compile("^Log it")).click()
    form = page.locator("#quick-add")
    expect(form.get_by_label("Duration")).to_have_value("1h20")
    notes = form.get_by_label("Notes")
    expect(notes).to_have_value("#flask-tutorial ")
    expect(notes).to_be_focused()
    notes.press("End")
    notes.type("The application factory")
    form.get_by_role("button", name="Add entry").click()

    expect(page.locator("#editor-suggestions .suggestion")).to_have_count(0)
    expect(page.locator("#editor-suggestions")).to_be_hidden()
    expect(page.get_by_text("#flask-tutorial The application factory")).to_be_visible()
    expect(page.locator("#quick-add").get_by_label("Duration")).to_have_value("")  # a new form
    assert page.evaluate("window.stayedOnThePage") is True
    assert page.problems.errors == []


def test_dismiss_takes_the_suggestion_away_in_place(page, live_server):
    editor = editor_with_an_hour_and_twenty(live_server)
    editor.send(every(5, 4, project="dotfiles", end_ago=200))
    sign_in(page, live_server.url)
    page.evaluate("window.stayedOnThePage = true")
    items = page.locator("#editor-suggestions .suggestion")
    expect(items).to_have_count(2)
    items.filter(has_text="dotfiles").get_by_role("button", name=re.compile("^Dismiss")).click()
    expect(items).to_have_count(1)
    expect(items).to_contain_text("flask-tutorial")
    assert page.evaluate("window.stayedOnThePage") is True
    page.reload()
    expect(page.locator("#editor-suggestions .suggestion")).to_have_count(1)
    assert page.problems.errors == []


def test_the_editor_key_is_made_in_settings_with_the_lines_to_paste(page, live_server):
    Editor(live_server.app)  # alice (with a key made elsewhere, replaced here)
    sign_in(page, live_server.url)
    page.goto(live_server.url + "/settings#editor-settings")
    page.evaluate("window.stayedOnThePage = true")
    section = page.locator("#editor-settings")
    section.get_by_role("button", name="Replace the key").click()
    key = section.get_by_label("Your key").input_value()
    assert re.fullmatch(r"[0-9a-f-]{36}", key)
    expect(section.locator(".config-lines")).to_have_text(
        f"[settings]\napi_url = {live_server.url}/api/v1\napi_key = {key}"
    )
    expect(section).to_contain_text("Your earlier key no longer works.")
    assert page.evaluate("window.stayedOnThePage") is True
    assert page.problems.errors == []
