"""The roadmap's rows in a real browser: few controls, a state control that says what it
will do, moves that cannot go past an end, and the keyboard left where it was."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import signed_in_context, still_same_page

VISIBLE_CONTROLS = """row => [...row.querySelectorAll('button, a, summary, input, select')]
    .filter(el => el.checkVisibility()).length"""


def topic(page, name):
    return page.locator("li.topic", has=page.locator(".topic-name", has_text=name))


def focused_row(page) -> str:
    return page.evaluate("document.activeElement.closest('li').id")


def test_a_topic_row_has_one_state_control_and_a_menu(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/roadmap")
    rows = page.locator("li.topic")
    expect(rows.first).to_be_visible()
    counts = rows.evaluate_all(f"rows => rows.map({VISIBLE_CONTROLS})")
    assert set(counts) == {2}, counts  # was seven: three states, rename, up, down, archive
    row = topic(page, "Functions")
    expect(row.get_by_role("button", name="Functions: not started. Start learning")).to_be_visible()
    expect(row.get_by_role("link", name="Rename Functions")).to_be_hidden()
    row.locator("summary").click()
    expect(row.get_by_role("link", name="Rename Functions")).to_be_visible()


def test_the_state_control_says_what_it_will_do_and_never_unmarks_silently(roadmap_page):
    page = roadmap_page
    row = topic(page, "Functions")
    toggle = row.locator("button.state-toggle")
    progress = page.locator(".stage").first.locator("[data-topic-progress]")
    expect(toggle).to_have_text(re.compile(r"^\s*Not started\s+Start learning\s*$"))
    toggle.click()
    expect(toggle).to_have_text(re.compile(r"^\s*Learning\s+Mark done\s*$"))
    expect(toggle).to_be_focused()
    toggle.click()
    expect(toggle).to_have_text(re.compile(r"^\s*Done\s+Reopen\s*$"))
    expect(toggle).to_have_accessible_name("Functions: done. Reopen")
    expect(progress).to_contain_text("1 of 11 topics done (9%)")
    expect(toggle).to_be_focused()
    # Pressed again, it does what it said: back to learning, not silently to nothing.
    toggle.click()
    expect(toggle).to_have_text(re.compile(r"^\s*Learning\s+Mark done\s*$"))
    expect(progress).to_contain_text("0 of 11 topics done (0%) · 1 learning")
    # Any state, from the row's menu; the keyboard stays on the row.
    row.locator("summary").click()
    row.get_by_role("button", name="Skipped: Functions").click()
    expect(toggle).to_have_text(re.compile(r"^\s*Skipped\s+Unskip\s*$"))
    expect(toggle).to_be_focused()
    expect(progress).to_contain_text("0 of 11 topics done (0%) · 1 skipped")
    assert still_same_page(page)
    assert page.problems.errors == []


def test_moves_stop_at_the_ends_and_keep_the_focus_on_the_moved_row(roadmap_page):
    page = roadmap_page
    stage = page.locator(".stage").first
    first, second = stage.locator("li.topic").nth(0), stage.locator("li.topic").nth(1)
    expect(first).to_contain_text("Variables and data types")
    first.locator("summary").click()
    expect(first.get_by_role("button", name=re.compile("^Move up: "))).to_be_disabled()
    first.locator("summary").click()
    last = stage.locator("li.topic").last
    last.locator("summary").click()
    expect(last.get_by_role("button", name=re.compile("^Move down: "))).to_be_disabled()
    last.locator("summary").click()

    # Move the second topic up with the keyboard: it becomes first, its menu stays open
    # with the focus on its other move (up is no longer possible), then back down.
    moved_id = second.get_attribute("id")
    second.locator("summary").focus()
    page.keyboard.press("Enter")
    up = second.get_by_role("button", name=re.compile("^Move up: "))
    up.focus()
    page.keyboard.press("Enter")
    expect(stage.locator("li.topic").first).to_have_attribute("id", moved_id)
    down = page.locator(f"#{moved_id}").get_by_role("button", name=re.compile("^Move down: "))
    expect(down).to_be_focused()
    page.keyboard.press("Enter")
    expect(stage.locator("li.topic").nth(1)).to_have_attribute("id", moved_id)
    expect(down).to_be_focused()
    assert focused_row(page) == moved_id

    # Stages: up on the first and down on the last are disabled; a move keeps the focus.
    heads = page.locator("#roadmap > .stage-list > .stage > .stage-head")
    expect(heads.first.get_by_role("button", name=re.compile("Move up: "))).to_be_disabled()
    expect(heads.last.get_by_role("button", name=re.compile("Move down: "))).to_be_disabled()
    stages = page.locator("#roadmap > .stage-list > .stage")
    stages.first.get_by_role("button", name="Move down: Python fundamentals").click()
    expect(stages.nth(1).locator("h2")).to_have_text("Python fundamentals")
    expect(page.get_by_role("button", name="Move down: Python fundamentals")).to_be_focused()
    assert still_same_page(page)
    assert page.problems.errors == []


def test_the_row_menu_works_without_javascript(browser, live_server):
    context, page = signed_in_context(browser, live_server, java_script_enabled=False)
    page.goto(live_server.url + "/roadmap")
    row = topic(page, "Functions")
    row.get_by_role("button", name="Functions: not started. Start learning").click()
    expect(page).to_have_url(re.compile(r"/roadmap#topic-\d+$"))
    row = topic(page, "Functions")
    expect(row.locator("button.state-toggle")).to_contain_text("Learning")
    row.locator("summary").click()
    row.get_by_role("button", name=re.compile("^Move down: ")).click()
    expect(page.locator(".stage").first.locator("li.topic").nth(3)).to_contain_text("Functions")
    context.close()
