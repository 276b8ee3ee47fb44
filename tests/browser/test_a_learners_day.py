"""A whole day of a learner, done as a person would do it, in a real browser.

Sign up, time a session and log it, edit it in place, delete and undo, search and filter,
watch the dashboard follow, export the journal as Markdown, open the file, and import it
into a second account. No console errors, failed requests or CSP violations on the way.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..support import backdate_timer, midday_zone, set_timezone
from .conftest import sign_in

PASSWORD = "a long passphrase of hers"


def settle(page):
    """Let the page finish what it loads before navigating away from it."""
    page.wait_for_load_state("networkidle")


def nav(page, name):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


@pytest.mark.live_config(SIGNUP="open")
def test_a_learners_whole_day(page, live_server, tmp_path):
    url = live_server.url

    # Sign up: the first visit to a fresh install creates the owner account.
    page.goto(url + "/")
    expect(page).to_have_url(url + "/setup")
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create the owner account").click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(page.get_by_text("Welcome, maya. Your roadmap is ready.")).to_be_visible()

    # Where it is about noon (the test may run near midnight UTC), so that a session begun
    # 50 minutes ago began today.
    set_timezone(live_server.app, "maya", midday_zone())
    page.reload()

    # Start the study timer for a stage, come back later, stop it: the form is filled in.
    page.locator("#timer").get_by_label("Stage to study").select_option(label="Web frameworks")
    page.locator("#timer").get_by_role("button", name="Start").click()
    # Wait for the running timer itself: the stage's name is also an option of the picker.
    expect(page.locator("#timer").get_by_role("button", name="Stop and log it")).to_be_visible()
    expect(page.locator("#timer .timer-status")).to_contain_text("Web frameworks")
    backdate_timer(live_server.app, 50, "maya")
    page.reload()
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Stop and log it").click()
    form = page.locator("#quick-add")
    expect(form.get_by_label("Duration")).to_have_value("51m")
    expect(form.get_by_label("Notes")).to_be_focused()
    page.keyboard.type("Built a #flask blueprint with an app factory.")
    form.get_by_role("button", name="Add entry").click()
    entry = page.locator("#today-entries article.entry").first
    expect(entry).to_contain_text("51 min")
    expect(entry).to_contain_text("Web frameworks")
    expect(page.locator("[data-week-total]")).to_have_text("51 min")

    # Edit it in place: the session was really an hour.
    entry.get_by_role("link", name=re.compile("^Edit")).click()
    edit = page.locator("form.entry-form-edit")
    edit.get_by_label("Duration").fill("1h")
    edit.get_by_role("button", name="Save changes").click()
    expect(page.locator("#today-entries article.entry").first).to_contain_text("1 h")
    expect(page.locator("[data-week-total]")).to_have_text("1 h")

    # Delete it by mistake, then undo.
    page.locator("#today-entries article.entry").first.get_by_role(
        "button", name=re.compile("^Delete")
    ).click()
    expect(page.locator("[data-week-total]")).to_have_text("0 min")
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("[data-week-total]")).to_have_text("1 h")

    # A second session, on another stage.
    form = page.locator("#quick-add")
    form.get_by_label("Duration").fill("45m")
    form.get_by_label("Stage").select_option(label="Databases and SQL")
    form.get_by_label("Notes").fill("Indexes and EXPLAIN. #sql")
    form.get_by_role("button", name="Add entry").click()
    expect(page.locator("#today-entries article.entry")).to_have_count(2)
    expect(page.locator("[data-week-total]")).to_have_text("1 h 45 min")
    assert page.evaluate("window.__noReload === true")

    # Search, then filter by stage, in the Journal.
    settle(page)
    nav(page, "Journal")
    results = page.locator("#journal-results article.entry")
    expect(results).to_have_count(2)
    page.get_by_label("Search notes").press_sequentially("blueprint", delay=20)
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("app factory")
    page.get_by_label("Search notes").fill("")
    page.get_by_label("Stage").select_option(label="Databases and SQL")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("EXPLAIN")

    # The dashboard shows the day, and follows a new entry.
    settle(page)
    nav(page, "Dashboard")
    panel = page.locator("#insights-totals")
    expect(panel).to_contain_text("1 h 45 min")
    settle(page)
    nav(page, "Today")
    form = page.locator("#quick-add")
    form.get_by_label("Duration").fill("30m")
    form.get_by_role("button", name="Add entry").click()
    expect(page.locator("#today-entries article.entry")).to_have_count(3)
    settle(page)
    nav(page, "Dashboard")
    expect(page.locator("#insights-totals")).to_contain_text("2 h 15 min")

    # Export the journal as Markdown and open the downloaded file.
    settle(page)
    page.goto(url + "/data")
    page.locator("input[name=format][value=markdown]").check()
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    markdown = exported.read_text()
    assert markdown.startswith("# Roadbook journal")
    assert "Built a #flask blueprint with an app factory." in markdown
    assert "Indexes and EXPLAIN. #sql" in markdown
    assert "Web frameworks · 1 h" in markdown

    # Log out, sign up a second account, and import the file into it.
    settle(page)
    page.get_by_role("navigation", name="Main").get_by_text("More", exact=True).click()
    page.get_by_role("button", name="Log out").click()
    page.goto(url + "/signup")
    page.get_by_label("Username").fill("noor")
    page.get_by_label("Password").fill("another long passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Welcome, noor.")).to_be_visible()
    settle(page)
    page.goto(url + "/data")
    page.get_by_label("File to import").set_input_files(str(exported))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("3 entries will be added")
    preview.get_by_role("button", name="Import 3 entries").click()
    expect(preview).to_contain_text("Imported 3 entries.")
    settle(page)
    nav(page, "Journal")
    expect(page.locator("#journal-results article.entry")).to_have_count(3)
    expect(page.locator("#journal-results")).to_contain_text("app factory")

    # The download itself is a navigation the browser turns into a file: not an error.
    assert [e for e in page.problems.errors if "/data/export" not in e] == []


SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
PAGES = {
    "today": "/",
    "journal": "/journal",
    "dashboard": "/dashboard",
    "roadmap": "/roadmap",
    "review": "/review",
    "data": "/data",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_the_main_pages(browser, live_server, scheme):
    """Saved for a reviewer to look at (tests/artifacts/screenshots, not in git)."""
    from ..support import AuthActions

    AuthActions(live_server.app, live_server.app.test_client()).create("alice")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in (("phone", (375, 812)), ("laptop", (1280, 900))):
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, color_scheme=scheme
        )
        page = context.new_page()
        sign_in(page, live_server.url)
        if size == "phone" and scheme == "light":
            for duration, notes in (("1h30", "Generators and `yield`. #python"), ("40m", "HTTP")):
                page.locator("#quick-add-duration").fill(duration)
                page.locator("#quick-add-notes").fill(notes)
                page.locator("#quick-add").get_by_role("button", name="Add entry").click()
                expect(page.locator("#quick-add-duration")).to_have_value("")
        for name, path in PAGES.items():
            # Loaded: the pages are drawn on the server and load nothing after their load
            # event, and this context reports no requests, so none needs to finish first.
            page.goto(live_server.url + path)
            target = SCREENSHOTS / f"{name}-{size}-{scheme}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport[0], f"{path} is {width}px wide at {size} size"
        context.close()
