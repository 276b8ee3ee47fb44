"""Every page is one or two clicks away, on a 320 px phone as on a laptop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import signed_in_context

MAIN = ("Today", "Journal", "Dashboard")
IN_THE_MENU_ON_PHONES = ("Weekly review", "Roadmap", "Your data", "Settings")


def on_screen(page, locator) -> bool:
    """Whether the element is shown whole inside the window, not off its sides."""
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def phone(browser, live_server, width, **options):
    viewport = {"width": width, "height": 640}
    return signed_in_context(browser, live_server, viewport=viewport, **options)


@pytest.mark.parametrize("width", [320, 375])
def test_a_phone_shows_the_main_links_and_the_rest_in_one_menu(browser, live_server, width):
    context, page = phone(browser, live_server, width)
    nav = page.get_by_role("navigation", name="Main")
    assert nav.evaluate("nav => nav.scrollWidth <= nav.clientWidth"), "the navigation scrolls"
    for name in MAIN:
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert on_screen(page, link), f"{name} is off screen at {width} px"
    menu = nav.get_by_text("More", exact=True)
    assert on_screen(page, menu)
    expect(nav.get_by_role("link", name="Your data")).to_be_hidden()

    menu.click()
    for name in IN_THE_MENU_ON_PHONES:
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert on_screen(page, link), f"{name} is off screen at {width} px"
    logout = nav.get_by_role("button", name="Log out")
    assert on_screen(page, logout)

    nav.get_by_role("link", name="Weekly review").click()
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.get_by_role("heading", name="Weekly review", level=1)).to_be_visible()
    # The menu's button says the page is in it; the page's link says it is the page.
    expect(nav.locator("summary")).to_have_class(re.compile(r"\bis-current-"))
    nav.get_by_text("More", exact=True).click()
    expect(nav.get_by_role("link", name="Weekly review")).to_have_attribute("aria-current", "page")
    assert page.problems.errors == []
    context.close()


def test_a_laptop_shows_the_weekly_review_in_the_bar(signed_in, live_server):
    page = signed_in
    page.set_viewport_size({"width": 1280, "height": 800})
    nav = page.get_by_role("navigation", name="Main")
    for name in (*MAIN, "Weekly review", "Roadmap"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Your data")).to_be_hidden()
    summary = nav.get_by_text("More", exact=True)
    summary.click()
    expect(nav.get_by_role("link", name="Your data")).to_be_visible()
    expect(nav.get_by_role("link", name="Settings")).to_be_visible()
    # The menu closes as menus do: Escape gives the focus back to its button...
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Your data")).to_be_hidden()
    expect(summary).to_be_focused()
    # ... and a click elsewhere closes it.
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Your data")).to_be_visible()
    page.get_by_role("heading", level=1).click()
    expect(nav.get_by_role("link", name="Your data")).to_be_hidden()
    summary.click()
    nav.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    assert page.problems.errors == []


def test_the_menu_works_without_javascript(browser, live_server):
    context, page = phone(browser, live_server, 320, java_script_enabled=False)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("More", exact=True).click()
    nav.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    nav.get_by_text("More", exact=True).click()
    nav.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    context.close()
