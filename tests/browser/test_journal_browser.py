"""The journal in a real browser: quick-add, inline edit, delete and undo, search."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from .conftest import mark_page, sign_in, still_same_page


def quick_add(page, duration, notes="", stage=None):
    form = page.locator("#quick-add")
    form.get_by_label("Duration").fill(duration)
    if stage:
        form.get_by_label("Stage").select_option(label=stage)
    if notes:
        form.get_by_label("Notes").fill(notes)
    form.get_by_role("button", name="Add entry").click()


def test_quick_add_shows_the_entry_without_a_reload(signed_in):
    page = signed_in
    mark_page(page)
    expect(page.locator("[data-week-total]")).to_have_text("0 min")
    quick_add(page, "1h30", "Generators and **yield** #python", stage="Python fundamentals")
    entry = page.locator("#today-entries article.entry").first
    expect(entry).to_contain_text("1 h 30 min")
    expect(entry).to_contain_text("Python fundamentals")
    expect(entry.locator("strong")).to_have_text("yield")
    # The form is fresh and ready for the next entry; the week's total followed.
    expect(page.locator("#quick-add-duration")).to_have_value("")
    expect(page.locator("#quick-add-notes")).to_have_value("")
    expect(page.locator("#quick-add-duration")).to_be_focused()
    expect(page.locator("[data-week-total]")).to_have_text("1 h 30 min")
    quick_add(page, "30")
    expect(page.locator("#today-entries article.entry")).to_have_count(2)
    expect(page.locator("[data-week-total]")).to_have_text("2 h")
    assert still_same_page(page)
    assert page.problems.errors == []


def test_quick_add_of_an_earlier_day_lands_in_its_list_or_is_pointed_to(signed_in):
    page = signed_in
    mark_page(page)
    today = date.fromisoformat(page.locator("#quick-add-date").input_value())
    form = page.locator("#quick-add")
    form.get_by_label("Date", exact=True).fill((today - timedelta(days=2)).isoformat())
    quick_add(page, "40m", "Caught up on the weekend's reading")
    recent = page.locator("#recent-entries article.entry")
    expect(recent).to_have_count(1)
    expect(recent.first).to_contain_text("40 min")
    expect(page.locator("#today-entries article.entry")).to_have_count(0)
    # A day before both lists: the form says where the entry went, and links to it.
    form.get_by_label("Date", exact=True).fill((today - timedelta(days=60)).isoformat())
    quick_add(page, "1h", "From my paper notebook")
    notice = page.locator("#quick-add .form-notice")
    expect(notice).to_contain_text("Saved for")
    expect(page.locator("#announcer")).to_contain_text("Entry saved for")
    expect(recent).to_have_count(1)
    assert still_same_page(page)
    notice.get_by_role("link", name="see the entry").click()
    expect(page.locator("main")).to_contain_text("From my paper notebook")
    assert page.problems.errors == []


def test_quick_add_errors_appear_inline(signed_in):
    page = signed_in
    mark_page(page)
    quick_add(page, "0")
    expect(page.locator("#quick-add-duration-error")).to_have_text(
        "Duration must be more than zero."
    )
    expect(page.locator("#quick-add-duration")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#today-entries article.entry")).to_have_count(0)
    quick_add(page, "45m")
    expect(page.locator("#today-entries article.entry")).to_have_count(1)
    expect(page.locator("#quick-add-duration-error")).to_have_count(0)
    assert still_same_page(page)
    # The 422 is expected; anything else in the console is not.
    assert [e for e in page.problems.errors if "422" not in e] == []


def test_stage_choice_updates_the_topics(signed_in):
    page = signed_in
    form = page.locator("#quick-add")
    form.get_by_label("Stage").select_option(label="DevOps and deployment")
    # The picker is swapped for the stage's own: open it once it is in.
    expect(form.locator("summary")).to_contain_text("from DevOps and deployment")
    form.locator("summary").click()
    expect(form.get_by_label("Docker")).to_be_visible()
    expect(form.get_by_label("Functions")).to_have_count(0)
    form.get_by_label("Docker").check()
    quick_add(page, "1h")
    expect(page.locator("#today-entries article.entry .chip")).to_have_text("Docker")


def test_inline_edit(signed_in):
    page = signed_in
    quick_add(page, "20m", "First draft")
    entry = page.locator("#today-entries article.entry").first
    expect(entry).to_contain_text("20 min")
    mark_page(page)
    entry.get_by_role("link", name=re.compile("^Edit")).click()
    form = page.locator("form.entry-form-edit")
    expect(form.get_by_label("Duration")).to_have_value("20m")
    form.get_by_label("Duration").fill("1h 5m")
    form.get_by_label("Notes").fill("Second draft")
    form.get_by_role("button", name="Save changes").click()
    expect(page.locator("form.entry-form-edit")).to_have_count(0)
    entry = page.locator("#today-entries article.entry").first
    expect(entry).to_contain_text("1 h 5 min")
    expect(entry).to_contain_text("Second draft")
    expect(page.locator("[data-week-total]")).to_have_text(re.compile(r"^1 h 5 min$"))
    assert still_same_page(page)


def test_delete_and_undo(signed_in):
    page = signed_in
    quick_add(page, "40m", "Worth keeping")
    expect(page.locator("[data-week-total]")).to_have_text("40 min")
    mark_page(page)
    entry = page.locator("#today-entries article.entry").first
    entry.get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.get_by_text(re.compile("Entry of Today deleted"))).to_be_visible()
    expect(page.locator("[data-week-total]")).to_have_text("0 min")
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#today-entries article.entry").first).to_contain_text("Worth keeping")
    expect(page.locator("[data-week-total]")).to_have_text("40 min")
    assert still_same_page(page)
    assert page.problems.errors == []


def test_search_filters_as_you_type(signed_in, live_server):
    page = signed_in
    for notes in ("Learned about decorators", "SQL joins practice", "More decorators"):
        quick_add(page, "15m", notes)
        expect(page.locator("#quick-add-notes")).to_have_value("")
    expect(page.locator("#week-stages [data-week-goal]")).to_contain_text("45 min")  # settled
    page.get_by_role("link", name="Journal").click()
    expect(page.locator("#journal-results article.entry")).to_have_count(3)
    mark_page(page)
    page.get_by_label("Search notes").press_sequentially("decorat", delay=30)
    expect(page.locator("#journal-results article.entry")).to_have_count(2)
    expect(page.locator("#journal-results")).to_contain_text("2 entries")
    expect(page).to_have_url(re.compile(r"/journal\?.*q=decorat"))
    page.get_by_label("Search notes").fill("joins")
    expect(page.locator("#journal-results article.entry")).to_have_count(1)
    page.get_by_label("Search notes").fill("nothing like this")
    expect(page.locator("#journal-results")).to_contain_text("No entries match these filters.")
    assert still_same_page(page)
    assert page.problems.errors == []


def test_roadmap_inline_rename(roadmap_page):
    page = roadmap_page
    stage = page.locator(".stage").first
    stage.get_by_role("link", name=re.compile("^Edit")).click()
    stage.get_by_label("Name").fill("Python, properly")
    stage.get_by_role("button", name="Save stage").click()
    expect(page.locator(".stage").first.locator("h2")).to_have_text("Python, properly")
    page.get_by_role("button", name="Move up: Databases and SQL").click()
    expect(page.locator(".stage").first.locator("h2")).to_have_text("Databases and SQL")
    assert still_same_page(page)
    assert page.problems.errors == []


def test_every_page_loads_without_console_errors_or_csp_violations(signed_in, live_server):
    page = signed_in
    quick_add(page, "25m", "A note with a [link](https://example.test)")
    expect(page.locator("#today-entries article.entry")).to_have_count(1)
    # Let the panels that refresh on "entries-changed" finish before leaving the page.
    expect(page.locator("[data-week-total]")).to_have_text("25 min")
    expect(page.locator("#week-stages .stage-bar")).to_have_count(1)
    entry_href = page.locator("#today-entries a.entry-date").first.get_attribute("href")
    pages = ("/", "/journal", "/dashboard", "/roadmap", "/week", "/settings", "/entries/new")
    for path in (*pages, entry_href):
        page.goto(live_server.url + path)
        expect(page.locator("main")).to_be_visible()
    assert page.problems.errors == []


def test_the_journal_works_without_javascript(browser, live_server):
    from ..support import AuthActions

    AuthActions(live_server.app, live_server.app.test_client()).create("alice")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url)
    form = page.locator("#quick-add")
    form.get_by_label("Duration").fill("50m")
    form.get_by_label("Notes").fill("No scripts needed")
    form.get_by_role("button", name="Add entry").click()
    expect(page.get_by_text("Entry saved.")).to_be_visible()
    expect(page.locator("#today-entries article.entry")).to_contain_text("No scripts needed")
    page.locator("#today-entries article.entry").get_by_role(
        "button", name=re.compile("^Delete")
    ).click()
    expect(page.get_by_text("Entry deleted.")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("article.entry")).to_contain_text("No scripts needed")
    context.close()
