"""Today and its entry form in a real browser: the duration preview, the date kept for a
run of backdated sessions, the Notes box, keyboard, the timer card and the layout."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from ..support import LONG_NOTES, LONG_URL, AuthActions, backdate_timer, log
from .conftest import sign_in


def test_the_duration_field_says_what_it_understood_while_typing(signed_in):
    page = signed_in
    form = page.locator("#quick-add")
    preview = form.locator("#quick-add-duration-preview")
    form.get_by_label("Duration").press_sequentially("1.5", delay=30)
    expect(preview).to_have_text("= 1 h 30 min")
    form.get_by_label("Duration").fill("2")
    expect(preview).to_have_text("= 2 min · for 2 hours, type 2h")
    form.get_by_label("Duration").fill("1h75")
    expect(preview).to_contain_text("is not understood")
    form.get_by_label("Duration").fill("1.5")
    expect(preview).to_have_text("= 1 h 30 min")
    form.get_by_role("button", name="Add entry").click()
    expect(page.locator("#today-entries article.entry").first).to_contain_text("1 h 30 min")
    # The fresh form starts with an empty preview.
    expect(page.locator("#quick-add-duration-preview")).to_have_text("")
    assert page.problems.errors == []


def test_the_timer_starts_on_the_stage_used_last_and_shows_running_seconds(signed_in, live_server):
    page = signed_in
    log(live_server.app, 0, 30, "Joins", stage=4)  # "DevOps and deployment"
    page.reload()
    timer = page.locator("#timer")
    expect(timer.get_by_label("Stage to study")).to_have_value(
        timer.locator("option", has_text="DevOps and deployment").get_attribute("value")
    )
    timer.get_by_role("button", name="Start").click()
    clock = timer.get_by_role("timer")
    expect(clock).to_have_text(re.compile(r"^00:\d\d$"))
    # The seconds run without asking the server: the clock moves past its first reading.
    first = clock.inner_text()
    expect(clock).not_to_have_text(first)
    # From the server's start: an hour and two minutes ago reads 1:02:xx.
    backdate_timer(live_server.app, 62)
    page.reload()
    expect(clock).to_have_text(re.compile(r"^1:02:\d\d$"))
    # The status keeps its comma with the stage's name, and the clock stays on one line,
    # on the narrowest phone too.
    page.set_viewport_size({"width": 320, "height": 700})
    status = timer.locator(".timer-status")
    expect(status).to_contain_text("DevOps and deployment, started")
    lines = page.evaluate(
        """() => {
          const status = document.querySelector('#timer .timer-status');
          const walker = document.createTreeWalker(status, NodeFilter.SHOW_TEXT);
          const tops = {};
          while (walker.nextNode()) {
            const node = walker.currentNode;
            if (node.parentElement.closest('strong')) continue;
            const at = node.data.indexOf(',');
            // The comma after the name, the first one: a start on another day has a second
            // one in its time ("Sun 29 Nov, 23:45"), which wraps as a whole.
            if (at >= 0 && tops.comma === undefined) {
              const range = document.createRange();
              range.setStart(node, at); range.setEnd(node, at + 1);
              tops.comma = range.getBoundingClientRect().top;
            }
          }
          const name = status.querySelector('strong').getClientRects();
          tops.name = name[name.length - 1].top;
          const clock = document.querySelector('#timer [role=timer]');
          tops.clockLines = clock.getClientRects().length;
          tops.clockHeight = clock.getBoundingClientRect().height;
          tops.lineHeight = parseFloat(getComputedStyle(clock).lineHeight);
          return tops;
        }"""
    )
    assert abs(lines["comma"] - lines["name"]) < 4, lines
    assert lines["clockHeight"] < 1.5 * lines["lineHeight"], lines
    assert page.problems.errors == []


def use_prompts(app, username="alice"):
    from journal.auth.services import get_user_by_name
    from journal.daily.services import DEFAULT_TEMPLATE, save_entry_template

    with app.app_context():
        save_entry_template(get_user_by_name(username), enabled=True, text=DEFAULT_TEMPLATE)


def test_reflection_prompts_show_whole_and_tab_lands_on_the_first_answer(signed_in, live_server):
    page = signed_in
    use_prompts(live_server.app)
    page.reload()
    notes = page.locator("#quick-add-notes")
    expect(notes).to_have_value(re.compile(r"^### What I did\n"))
    # The whole template shows: nothing to scroll inside the box.
    assert notes.evaluate("box => box.scrollHeight <= box.clientHeight + 1")
    page.locator("#quick-add-duration").fill("45m")
    page.locator("#quick-add-stage").focus()
    page.keyboard.press("Tab")
    if page.evaluate("document.activeElement.tagName") == "SUMMARY":
        page.keyboard.press("Tab")  # the Topics of the stage come first
    expect(notes).to_be_focused()
    page.keyboard.type("Read about window functions")
    expect(notes).to_have_value(re.compile(r"^### What I did\nRead about window functions\n"))
    # The box grows with what is written.
    height = notes.evaluate("box => box.clientHeight")
    page.keyboard.type("\nthen\nsome\nmore\nlines\nof\nnotes")
    assert notes.evaluate("box => box.clientHeight") > height
    assert notes.evaluate("box => box.scrollHeight <= box.clientHeight + 1")
    # Ctrl+Enter saves.
    page.keyboard.press("Control+Enter")
    entry = page.locator("#today-entries article.entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Read about window functions")
    assert page.problems.errors == []


def test_escape_cancels_an_inline_edit_and_ctrl_enter_saves_it(signed_in, live_server):
    page = signed_in
    entry_id = log(live_server.app, 0, 20, "First draft")
    page.reload()
    page.evaluate("window.__noReload = true")
    row = page.locator(f"#entry-{entry_id}")
    row.get_by_role("link", name=re.compile("^Edit")).click()
    expect(row.get_by_label("Notes")).to_be_visible()
    row.get_by_label("Notes").fill("Changed my mind")
    page.keyboard.press("Escape")
    expect(page.locator(f"form#entry-{entry_id}")).to_have_count(0)
    expect(row).to_contain_text("First draft")
    row.get_by_role("link", name=re.compile("^Edit")).click()
    row.get_by_label("Duration").fill("35m")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"article#entry-{entry_id}")).to_contain_text("35 min")
    assert page.evaluate("window.__noReload === true")
    assert page.problems.errors == []


def test_a_run_of_backdated_sessions_keeps_the_chosen_date(signed_in):
    page = signed_in
    form = page.locator("#quick-add")
    date_field = page.locator("#quick-add-date")
    today = date_field.input_value()
    earlier = (date.fromisoformat(today) - timedelta(days=3)).isoformat()
    date_field.fill(earlier)
    for duration in ("30m", "45m", "1h"):
        form.get_by_label("Duration").fill(duration)
        form.get_by_role("button", name="Add entry").click()
        expect(page.locator("#quick-add-duration")).to_be_focused()
        expect(date_field).to_have_value(earlier)
        expect(form).to_contain_text("Kept from your last entry.")
    expect(page.locator("#recent-entries article.entry")).to_have_count(3)
    # Changing it back to today ends the run.
    date_field.fill(today)
    form.get_by_label("Duration").fill("20m")
    form.get_by_role("button", name="Add entry").click()
    expect(page.locator("#today-entries article.entry")).to_have_count(1)
    expect(date_field).to_have_value(today)
    expect(form).not_to_contain_text("Kept from your last entry.")
    assert page.problems.errors == []


def test_without_javascript_undo_after_a_delete_from_today_lands_on_today(browser, live_server):
    AuthActions(live_server.app, live_server.app.test_client()).create("alice")
    log(live_server.app, 0, 30, "Worth keeping")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url)
    page.locator("#today-entries article.entry").get_by_role(
        "button", name=re.compile("^Delete")
    ).click()
    expect(page.get_by_text("Entry deleted.")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_text("Entry restored.")).to_be_visible()
    expect(page.locator("#today-entries article.entry")).to_contain_text("Worth keeping")
    context.close()


WIDTH_OF_PAGE = "document.documentElement.scrollWidth"


def test_my_pages_never_scroll_sideways_at_320_px(browser, live_server):
    app = live_server.app
    AuthActions(app, app.test_client()).create("alice")
    entry_id = log(app, 0, 25, LONG_NOTES, stage=3, link=LONG_URL)
    log(app, 1, 40, LONG_NOTES, stage=1)
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server.url)
    for path in ("/", "/journal", f"/entries/{entry_id}", f"/entries/{entry_id}/edit", "/week"):
        page.goto(live_server.url + path)
        expect(page.locator("main")).to_be_visible()
        assert page.evaluate(WIDTH_OF_PAGE) <= 320, f"{path} scrolls sideways at 320 px"
    # The inline edit form, and the whole notes opened in a row.
    page.goto(live_server.url + "/journal")
    row = page.locator(f"#entry-{entry_id}")
    row.locator(".entry-more summary").click()
    expect(row.locator("pre")).to_be_visible()
    assert page.evaluate(WIDTH_OF_PAGE) <= 320, "whole notes scroll sideways at 320 px"
    # The code block scrolls inside itself.
    assert row.locator("pre").evaluate("pre => pre.scrollWidth > pre.clientWidth")
    row.get_by_role("link", name=re.compile("^Edit")).click()
    expect(page.locator(f"form#entry-{entry_id}")).to_be_visible()
    assert page.evaluate(WIDTH_OF_PAGE) <= 320, "the inline edit form scrolls sideways"
    context.close()


def test_today_at_a_laptops_width(signed_in, live_server):
    page = signed_in
    page.set_viewport_size({"width": 1280, "height": 900})
    log(live_server.app, 0, 25, "One entry", stage=3)
    page.reload()
    # No gap under the quick-add card: today's list starts right below it, though the
    # timer and week cards beside it are taller.
    form_bottom = page.locator(".quick-add").bounding_box()
    panel_top = page.locator("#today-panel").bounding_box()["y"]
    side = page.locator(".today-side").bounding_box()
    assert side["y"] + side["height"] > form_bottom["y"] + form_bottom["height"] + 40
    assert panel_top - (form_bottom["y"] + form_bottom["height"]) < 40
    # The quick-add's and the timer's Stage selects show every stage's whole name.
    for select in ("#quick-add-stage", "#timer-stage"):
        assert_no_option_cut(page, select)
    # Topic checkboxes keep their size beside labels that wrap.
    page.locator("#quick-add-stage").select_option(label="Python fundamentals")
    summary = page.locator("#quick-add summary")
    expect(summary).to_contain_text("from Python fundamentals")  # the stage's own topics
    summary.click()
    boxes = page.locator("#quick-add .topic-options input[type=checkbox]")
    expect(boxes.first).to_be_visible()
    sizes = boxes.evaluate_all(
        "boxes => boxes.map(b => Math.round(b.getBoundingClientRect().width))"
    )
    assert len(set(sizes)) == 1, sizes
    wrapped = page.locator("#quick-add .topic-options label").evaluate_all(
        "labels => labels.filter(l => l.getBoundingClientRect().height > 40).length"
    )
    assert wrapped, "no topic label wraps at this width: the check proves nothing"
    assert page.problems.errors == []


def assert_no_option_cut(page, select):
    cut = page.evaluate(
        """(selector) => {
          const select = document.querySelector(selector);
          const style = getComputedStyle(select);
          const context = document.createElement('canvas').getContext('2d');
          context.font = style.font;
          const room = select.clientWidth - parseFloat(style.paddingLeft)
                       - parseFloat(style.paddingRight) - 20;  // the arrow
          return [...select.options].filter(o => context.measureText(o.text).width > room)
                                    .map(o => o.text);
        }""",
        select,
    )
    assert cut == [], f"the select {select} cuts {cut}"
