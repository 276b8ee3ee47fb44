"""Insights in a real browser: charts that follow the journal without a reload."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import mark_page, sign_in, signed_in_context, still_same_page
from .test_journal_browser import quick_add


def add_and_settle(page, duration, stage, total):
    """Quick-add on Today, then wait for the panels that refresh after it, so that
    leaving the page does not cut their requests short."""
    quick_add(page, duration, stage=stage)
    expect(page.locator("[data-week-total]")).to_have_text(total)
    expect(page.locator("#week-stages .stage-bar", has_text=stage)).to_have_count(1)


def bar_width(page, stage_name) -> float:
    row = page.locator("#week-stages .stage-bar", has_text=stage_name)
    return float(row.locator("rect.stage-bar-fill").get_attribute("width"))


def test_adding_an_entry_on_today_updates_the_week_total_and_the_chart(signed_in):
    page = signed_in
    mark_page(page)
    chart = page.locator("#week-stages")
    expect(page.locator("[data-week-total]")).to_have_text("0 min")
    expect(chart).to_contain_text("Nothing logged this week yet.")

    quick_add(page, "1h30", "Generators", stage="Python fundamentals")
    expect(page.locator("[data-week-total]")).to_have_text("1 h 30 min")
    expect(chart.locator(".stage-bar")).to_have_count(1)
    expect(chart.locator(".stage-bar")).to_contain_text("Python fundamentals")
    expect(chart.locator(".stage-bar-value")).to_have_text("1 h 30 min")
    assert bar_width(page, "Python fundamentals") == 100

    quick_add(page, "30m", "Joins", stage="Databases and SQL")
    expect(page.locator("[data-week-total]")).to_have_text("2 h")
    expect(chart.locator(".stage-bar")).to_have_count(2)
    expect(chart.locator("[data-week-goal]")).to_have_text("2 h of your 10 h goal (20%)")
    # The longest bar is Python's; Databases has a third of its length (30 of 90 minutes).
    assert bar_width(page, "Python fundamentals") == 100
    assert bar_width(page, "Databases and SQL") == 33.33
    assert still_same_page(page)
    assert page.problems.errors == []


def test_dashboard_panels_follow_a_deleted_and_restored_entry(signed_in, live_server):
    page = signed_in
    add_and_settle(page, "1h", "Python fundamentals", "1 h")
    entry_id = (
        page.locator("#today-entries a.entry-date").first.get_attribute("href").split("/")[-1]
    )
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("[data-week-hours]")).to_have_text("1 h")
    expect(page.locator("[data-current-streak]")).to_have_text("1")
    expect(page.locator("#insights-totals [data-stat=hours]")).to_have_text("1 h")
    expect(page.locator("[data-calendar-summary]")).to_have_text("1 h on 1 day.")
    mark_page(page)

    # Delete the entry from this page, as any htmx request would: the response's
    # HX-Trigger header alone must bring every panel up to date.
    page.evaluate(
        """async (id) => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<div id="scratch"></div>');
            const where = {source: '#scratch', target: '#scratch'};
            await htmx.ajax('POST', `/entries/${id}/delete`, where);
        }""",
        entry_id,
    )
    expect(page.locator("[data-week-hours]")).to_have_text("0 min")
    expect(page.locator("[data-current-streak]")).to_have_text("0")
    expect(page.locator("#insights-totals [data-stat=hours]")).to_have_text("0 min")
    expect(page.locator("#insights-range [data-stat=hours]")).to_have_text("0 min")
    expect(page.locator("[data-calendar-summary]")).to_have_text("0 min on 0 days.")
    expect(page.locator("#insights-weeks")).to_contain_text("No hours in the last 12 weeks yet.")
    expect(page.locator("#insights-pace .pace-stage").first).to_contain_text("0 min of 40 h")

    page.evaluate(
        "async (id) => { await htmx.ajax('POST', `/entries/${id}/restore`, "
        "{source: '#scratch', target: '#scratch'}); }",
        entry_id,
    )
    expect(page.locator("[data-week-hours]")).to_have_text("1 h")
    expect(page.locator("[data-current-streak]")).to_have_text("1")
    expect(page.locator("#insights-pace .pace-stage").first).to_contain_text("1 h of 40 h")
    assert still_same_page(page)
    assert page.problems.errors == []


def test_the_range_chooser_swaps_the_panel_in_place(signed_in, live_server):
    page = signed_in
    add_and_settle(page, "2h", "Web frameworks", "2 h")
    page.goto(live_server.url + "/dashboard")
    mark_page(page)
    this_week = page.get_by_role("button", name="This week")
    this_week.click()
    expect(this_week).to_have_attribute("aria-pressed", "true")
    expect(page).to_have_url(re.compile(r"/dashboard\?range=week$"))
    expect(page.locator("[data-range-label]")).to_contain_text("This week")
    expect(page.locator("#insights-range [data-stat=hours]")).to_have_text("2 h")
    expect(this_week).to_be_focused()  # the swap keeps the keyboard where it was

    page.get_by_label("From").fill("2000-01-01")
    page.get_by_label("To").fill("2000-01-31")
    page.get_by_role("button", name="Show dates").click()
    expect(page.locator("[data-range-label]")).to_contain_text("Between dates")
    expect(page.locator("#insights-range [data-stat=hours]")).to_have_text("0 min")
    expect(page.locator("#chart-range")).to_contain_text("Nothing logged in this range.")
    assert still_same_page(page)
    assert page.problems.errors == []


def test_the_range_chooser_works_without_javascript(browser, live_server):
    context, page = signed_in_context(browser, live_server, java_script_enabled=False)
    page.goto(live_server.url + "/dashboard")
    page.get_by_role("button", name="All time").click()
    expect(page).to_have_url(re.compile(r"range=all"))
    expect(page.get_by_role("button", name="All time")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("From").press("Enter")  # Enter in a date field asks for those dates
    expect(page).to_have_url(re.compile(r"range=custom"))
    expect(page.locator("[data-range-label]")).to_contain_text("Between dates")
    context.close()


def test_calendar_days_answer_the_pointer_and_the_keyboard(signed_in, live_server):
    page = signed_in
    add_and_settle(page, "40m", "Python fundamentals", "40 min")
    page.goto(live_server.url + "/dashboard")
    detail = page.locator("[data-heatmap-detail]")
    today = page.locator("[data-heatmap] [tabindex='0']")
    today.focus()
    expect(detail).to_contain_text("40 min — Python fundamentals 40 min")
    page.keyboard.press("ArrowUp")
    expect(detail).to_contain_text("nothing logged")
    expect(page.locator("[data-heatmap] [tabindex='0']")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    focused = page.evaluate("document.activeElement.dataset.day")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(today).to_be_focused()
    assert focused < page.evaluate("document.activeElement.dataset.day")
    page.locator("#insights-calendar summary").click()
    expect(page.locator("#insights-calendar table")).to_contain_text("Python fundamentals 40 min")
    assert page.problems.errors == []


def test_topic_states_on_the_roadmap(roadmap_page, live_server):
    page = roadmap_page
    stage = page.locator(".stage").first
    functions = stage.locator("li.topic", has_text="Functions")
    functions.locator("summary").click()
    functions.get_by_role("button", name="Done: Functions").click()
    toggle = functions.locator("button.state-toggle")
    expect(toggle).to_have_accessible_name("Functions: done. Reopen")
    expect(stage.locator("[data-topic-progress]")).to_contain_text("1 of 11 topics done (9%)")
    expect(toggle).to_be_focused()
    file_io = stage.locator("li.topic", has_text="File I/O")
    file_io.locator("summary").click()
    file_io.get_by_role("button", name="Skipped: File I/O").click()
    expect(stage.locator("[data-topic-progress]")).to_contain_text(
        "1 of 11 topics done (9%) · 1 skipped"
    )
    functions.locator("summary").click()
    functions.get_by_role("button", name="Not started: Functions").click()
    expect(toggle).to_have_accessible_name("Functions: not started. Start learning")
    expect(stage.locator("[data-topic-progress]")).to_contain_text(
        "0 of 11 topics done (0%) · 1 skipped"
    )
    assert still_same_page(page)
    page.goto(live_server.url + "/dashboard")
    expect(page.locator("#insights-pace .pace-stage").first).to_contain_text(
        "0 of 11 done · 1 skipped"
    )
    assert page.problems.errors == []


def test_insight_pages_fit_a_phone_in_light_and_dark(browser, live_server):
    from ..support import AuthActions

    AuthActions(live_server.app, live_server.app.test_client()).create("alice")
    fills = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 375, "height": 740}, color_scheme=scheme)
        page = context.new_page()
        sign_in(page, live_server.url)
        for path in ("/", "/dashboard", "/roadmap", "/settings", "/dashboard/calendar"):
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{path} is {width} px wide in {scheme}"
        page.goto(live_server.url + "/dashboard")
        # The calendar scrolls within its box, showing the newest weeks first.
        newest = page.locator("[data-heatmap] [tabindex='0']")
        visible = newest.evaluate(
            """cell => {
                const box = cell.closest('.heatmap-scroll').getBoundingClientRect();
                const own = cell.getBoundingClientRect();
                return box.width < 375 && own.left >= box.left && own.right <= box.right;
            }"""
        )
        assert visible, f"today's square is scrolled out of view in {scheme}"
        fills[scheme] = newest.evaluate("cell => getComputedStyle(cell).fill")
        context.close()
    assert fills["light"] != fills["dark"]
