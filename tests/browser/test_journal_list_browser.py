"""The Journal in a real browser: filters that never misfire, day groups and their totals,
Load more, tags."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..support import log


def journal_requests(page) -> list[str]:
    """Every request the page sends to /journal from now on (the filter form's searches)."""
    seen: list[str] = []

    def note(request):
        if "/journal" in request.url:
            seen.append(request.url)

    page.on("request", note)
    return seen


def test_delete_after_typing_a_search_deletes_and_offers_undo(signed_in, live_server):
    page = signed_in
    log(live_server.app, 0, 30, "Stripes of a zebra, as a CSS gradient")
    log(live_server.app, 1, 45, "Nothing striped here")
    page.goto(live_server.url + "/journal")
    page.get_by_label("Search notes").press_sequentially("zebra", delay=20)
    results = page.locator("#journal-results")
    expect(results.locator("article.entry")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=zebra"))
    sent = journal_requests(page)
    results.get_by_role("button", name=re.compile("^Delete")).click()
    expect(results.get_by_role("button", name="Undo")).to_be_visible()
    expect(results).to_contain_text("deleted")
    # Leaving the search box sent no second search that would redraw the list.
    assert sent == []
    results.get_by_role("button", name="Undo").click()
    expect(results.locator("article.entry")).to_contain_text("zebra")
    assert page.problems.errors == []


def test_edit_after_typing_a_tag_opens_the_form_at_the_first_click(signed_in, live_server):
    page = signed_in
    log(live_server.app, 0, 30, "Window functions #sql")
    log(live_server.app, 1, 45, "Decorators #python")
    page.goto(live_server.url + "/journal")
    page.get_by_label("Tag", exact=True).press_sequentially("sql", delay=20)
    results = page.locator("#journal-results")
    expect(results.locator("article.entry")).to_have_count(1)
    sent = journal_requests(page)
    results.get_by_role("link", name=re.compile("^Edit")).click()
    expect(results.locator("form.entry-form-edit")).to_be_visible()
    expect(results.locator("form.entry-form-edit").get_by_label("Notes")).to_have_value(
        "Window functions #sql"
    )
    assert sent == []
    assert page.problems.errors == []


def test_days_are_grouped_with_their_totals_and_every_total_follows_delete_and_undo(
    signed_in, live_server
):
    page = signed_in
    app = live_server.app
    log(app, 1, 60, "Yesterday's reading")
    log(app, 0, 60, "Morning: indexes")
    evening = log(app, 0, 60, "Evening: query plans")
    page.goto(live_server.url + "/journal")
    days = page.locator("#journal-list .day")
    expect(days).to_have_count(2)
    expect(days.nth(0).locator(".day-head")).to_have_text(re.compile(r"^\s*Today\s+2 h\s*$"))
    expect(days.nth(1).locator(".day-head")).to_have_text(re.compile(r"^\s*Yesterday\s+1 h\s*$"))
    expect(days.nth(0).locator("article.entry")).to_have_count(2)
    summary = page.locator("#journal-summary")
    expect(summary).to_have_text("3 entries · 3 h")
    row = page.locator(f"#entry-{evening}")
    row.get_by_role("button", name=re.compile("^Delete")).click()
    expect(row.get_by_role("button", name="Undo")).to_be_visible()
    expect(summary).to_have_text("2 entries · 2 h")
    expect(days.nth(0).locator(".day-total")).to_have_text("1 h")
    expect(days.nth(1).locator(".day-total")).to_have_text("1 h")
    row.get_by_role("button", name="Undo").click()
    expect(row).to_contain_text("Evening: query plans")
    expect(summary).to_have_text("3 entries · 3 h")
    expect(days.nth(0).locator(".day-total")).to_have_text("2 h")
    # An edit moves the totals too, with the filters of the page.
    page.goto(live_server.url + "/journal?q=evening")
    expect(summary).to_have_text("1 entry · 1 h matching the filters")
    row.get_by_role("link", name=re.compile("^Edit")).click()
    row.get_by_label("Duration").fill("2h")
    row.get_by_role("button", name="Save changes").click()
    expect(row).to_contain_text("2 h")
    expect(summary).to_have_text("1 entry · 2 h matching the filters")
    expect(page.locator(".day-total").first).to_have_text("2 h")
    assert page.problems.errors == []


@pytest.mark.live_config(PAGE_SIZE=2)
def test_load_more_puts_focus_on_the_first_new_entry(signed_in, live_server):
    page = signed_in
    app = live_server.app
    ids = [log(app, days_ago, 30, f"Session {days_ago}") for days_ago in (4, 3, 3, 2, 1)]
    page.set_viewport_size({"width": 1100, "height": 500})
    page.goto(live_server.url + "/journal")
    expect(page.locator("#journal-list article.entry")).to_have_count(2)
    page.get_by_role("link", name="Load more").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#journal-list article.entry")).to_have_count(4)
    # The first entry of the new page has the focus, in view: not the top of the page.
    expect(page.locator(f"#entry-{ids[2]} a.entry-date")).to_be_focused()
    assert page.evaluate("window.scrollY") > 0
    # Its day began on the page before: no second heading, one total for the whole day.
    expect(page.locator("#journal-list .day-head")).to_have_count(3)
    expect(page.locator(f"#entry-{ids[2]}").locator("xpath=../..")).to_have_attribute(
        "aria-labelledby", re.compile(r"^day-\d{4}-\d{2}-\d{2}$")
    )
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#journal-list article.entry")).to_have_count(5)
    expect(page.locator(f"#entry-{ids[0]} a.entry-date")).to_be_focused()
    assert page.problems.errors == []


def test_tags_by_prefix_completion_and_the_list_of_tags(signed_in, live_server):
    page = signed_in
    app = live_server.app
    log(app, 0, 30, "Joins #sql")
    log(app, 1, 30, "WAL mode #sqlite")
    log(app, 2, 30, "Decorators #python")
    page.goto(live_server.url + "/journal")
    tag_box = page.get_by_label("Tag", exact=True)
    # The box offers the journal's own tags.
    options = page.locator("#" + tag_box.get_attribute("list") + " option")
    expect(options).to_have_count(3)
    tag_box.press_sequentially("sq", delay=20)
    results = page.locator("#journal-results")
    expect(results.locator("article.entry")).to_have_count(2)
    expect(page.locator("#journal-summary")).to_contain_text("2 entries")
    page.get_by_role("link", name="All your tags").click()
    expect(page.get_by_role("heading", name="Your tags")).to_be_visible()
    expect(page.locator(".tag-list li")).to_have_count(3)
    page.get_by_role("link", name="#python").click()
    expect(page.locator("#journal-results article.entry")).to_have_count(1)
    expect(page.locator("#journal-results")).to_contain_text("Decorators")
    assert page.problems.errors == []


def test_a_row_is_compact_shows_tags_once_and_opens_to_the_whole_notes(signed_in, live_server):
    page = signed_in
    notes = "### What I did\nJoins #sql\n\n### What I learned\nLEFT JOIN keeps rows\n\n" + (
        "### What blocked me\nThe last line nobody sees at first"
    )
    entry_id = log(live_server.app, 0, 45, notes)
    page.goto(live_server.url + "/journal")
    row = page.locator(f"#entry-{entry_id}")
    expect(row).to_contain_text("45 min")
    # The tag is written once, where the notes say it.
    assert row.inner_text().count("#sql") == 1
    last_line = row.get_by_text("The last line nobody sees at first")
    closed = row.bounding_box()["height"]
    expect(last_line).not_to_be_in_viewport()  # clipped: only the first lines show
    row.get_by_text("Whole notes").click()
    expect(row.get_by_text("Fewer lines")).to_be_visible()
    assert row.bounding_box()["height"] > closed
    assert last_line.evaluate(
        """line => {
          const box = line.getBoundingClientRect();
          const notes = line.closest('.notes').getBoundingClientRect();
          return box.bottom <= notes.bottom + 1;
        }"""
    )
    assert page.problems.errors == []


def test_the_date_filters_are_labelled_date_pickers(signed_in, live_server):
    page = signed_in
    log(live_server.app, 0, 30, "Today's")
    log(live_server.app, 5, 30, "Older")
    page.goto(live_server.url + "/journal")
    group = page.get_by_role("group", name="Studied between")
    start, end = group.get_by_label("From date"), group.get_by_label("To date")
    for field in (start, end):
        expect(field).to_have_attribute("type", "date")
        # Where a browser has no date picker, the box says the format the server reads.
        expect(field).to_have_attribute("placeholder", "YYYY-MM-DD")
    today = page.evaluate("new Date().toISOString().slice(0, 10)")
    start.fill(today)
    expect(page.locator("#journal-results article.entry")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"from={today}"))
    assert page.problems.errors == []
