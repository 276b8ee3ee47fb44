"""The daily habit in a real browser: timer, keyboard, focus, phone width, announcements."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ..support import backdate_timer, midday_zone, set_timezone
from .conftest import htmx_ready, sign_in


def test_timer_survives_a_reload_and_stop_fills_the_form(signed_in, live_server):
    page = signed_in
    # Where it is about noon: a session begun 42 minutes ago began today.
    set_timezone(live_server.app, "alice", midday_zone())
    page.reload()
    timer = page.locator("#timer")
    timer.get_by_label("Stage to study").select_option(label="Databases and SQL")
    timer.get_by_role("button", name="Start").click()
    expect(page.locator("#timer .timer-status")).to_contain_text("Databases and SQL")
    expect(page.locator("[data-timer-started]")).to_have_text(re.compile(r"^00:\d\d$"))
    page.reload()
    expect(page.locator("#timer")).to_have_class(re.compile("is-running"))
    # Pretend the session began 42 minutes ago, as the server sees it.
    backdate_timer(live_server.app, 42)
    page.reload()
    expect(page.locator("[data-timer-started]")).to_have_text(re.compile(r"^42:\d\d$"))
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Stop and log it").click()
    expect(page.locator("#quick-add-duration")).to_have_value("43m")
    expect(page.locator("#quick-add-stage")).to_have_value(
        page.locator("#quick-add-stage option", has_text="Databases and SQL").get_attribute("value")
    )
    expect(page.locator("#quick-add-notes")).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("Timer stopped after 43 min.")
    page.keyboard.type("Normal forms, finally.")
    page.locator("#quick-add").get_by_role("button", name="Add entry").click()
    expect(page.locator("#today-entries article.entry").first).to_contain_text("43 min")
    expect(page.locator("#timer").get_by_role("button", name="Start")).to_be_visible()
    expect(page.locator("#announcer")).to_have_text("Entry saved.")
    assert page.evaluate("window.__noReload === true")
    assert page.problems.errors == []


def test_keyboard_shortcuts(signed_in, live_server):
    page = signed_in
    page.locator("h1").click()  # focus nothing in particular
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Start or stop the study timer")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("n")
    expect(page.locator("#quick-add-duration")).to_be_focused()
    # Typing in a field never triggers a shortcut.
    page.keyboard.type("t?/n")
    expect(page.locator("#quick-add-duration")).to_have_value("t?/n")
    expect(dialog).to_be_hidden()
    page.locator("h1").click()
    page.keyboard.press("t")
    expect(page.locator("#timer")).to_have_class(re.compile("is-running"))
    htmx_ready(page.locator("#timer form").filter(has=page.locator("[data-shortcut-timer]")))
    page.keyboard.press("t")
    expect(page.locator("#quick-add-duration")).to_have_value("1m")
    page.locator("h1").click()
    page.keyboard.press("/")
    page.wait_for_url(re.compile(r"/journal#search$"))
    expect(page.get_by_label("Search notes")).to_be_focused()
    page.get_by_role("button", name=re.compile("Keyboard shortcuts")).click()
    expect(dialog).to_be_visible()
    # They can be turned off (WCAG 2.1.4), and stay off in this browser.
    dialog.get_by_label("Use these single-key shortcuts").uncheck()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    page.goto(live_server.url + "/")
    page.locator("h1").click()
    page.keyboard.press("n")
    expect(page.locator("#quick-add-duration")).not_to_be_focused()
    page.keyboard.press("?")
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name=re.compile("Keyboard shortcuts")).click()
    expect(dialog.get_by_label("Use these single-key shortcuts")).not_to_be_checked()
    dialog.get_by_label("Use these single-key shortcuts").check()
    dialog.get_by_role("button", name="Close").click()
    page.keyboard.press("n")
    expect(page.locator("#quick-add-duration")).to_be_focused()
    assert page.problems.errors == []


def test_every_control_is_reachable_with_visible_focus(signed_in):
    page = signed_in
    page.locator("#quick-add-duration").fill("30m")
    page.locator("#quick-add").get_by_role("button", name="Add entry").click()
    expect(page.locator("#today-entries article.entry")).to_have_count(1)
    page.goto(page.url)
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        # A date field steps through its own parts and its calendar button; the browser
        # draws the focus there itself, and the field does not match :focus meanwhile.
        if page.evaluate("() => !document.activeElement.matches(':focus')"):
            continue
        info = page.evaluate(
            """() => {
              const e = document.activeElement;
              const s = getComputedStyle(e);
              const r = e.getBoundingClientRect();
              return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').slice(0, 30),
                      outline: s.outlineStyle, width: r.width, height: r.height};
            }"""
        )
        if info["tag"] == "BODY":
            break
        assert info["outline"] != "none", f"no visible focus on {info}"
        assert info["width"] > 0 and info["height"] > 0, f"focus on an invisible element {info}"
        seen.add(info["id"] or info["text"])
    for expected in ("quick-add-duration", "quick-add-notes", "timer-stage", "Add entry"):
        assert expected in seen, f"{expected} not reachable with Tab; reached {sorted(seen)}"
    assert any(text.startswith("Edit") for text in seen)
    assert any(text.startswith("Delete") for text in seen)


def test_pages_fit_a_phone(browser, live_server):
    from ..support import AuthActions

    AuthActions(live_server.app, live_server.app.test_client()).create("alice")
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server.url)
    # The longest tag allowed, and a long unbroken word, must not widen the page.
    page.locator("#quick-add-duration").fill("20m")
    page.locator("#quick-add-notes").fill("#" + "a" * 50 + " " + "b" * 80)
    page.locator("#quick-add").get_by_role("button", name="Add entry").click()
    expect(page.locator("#today-entries article.entry")).to_have_count(1)
    for path in ("/", "/journal", "/roadmap", "/review", "/settings", "/timer", "/entries/new"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways on a phone ({width}px)"
    # The main buttons are large enough for a thumb (44 px).
    page.goto(live_server.url + "/")
    box = page.locator("#quick-add").get_by_role("button", name="Add entry").bounding_box()
    assert box["height"] >= 44
    context.close()
