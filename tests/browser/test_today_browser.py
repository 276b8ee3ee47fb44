"""Today and its entry form in a real browser: the duration preview, the date kept for a
run of backdated sessions, the Notes box, keyboard, the timer card and the layout."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ..entry_fixtures import log
from ..helpers import backdate_timer


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
            if (at >= 0) {
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
