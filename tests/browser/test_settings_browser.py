"""Settings and the first visit in a real browser: every error at once, a time-zone list
to find one's zone in, and the page's width used."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import signed_in_context


def test_the_setup_form_shows_every_error_at_once(page, live_server):
    page.goto(live_server.url + "/setup")
    page.get_by_label("Username").fill("a")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create the owner account").click()
    expect(page.locator("#username-error")).to_contain_text("Username must be 3 to 32")
    expect(page.locator("#password-error")).to_have_text(
        "Password must be at least 8 characters long."
    )
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")


def test_time_zones_are_grouped_and_searchable(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/settings")
    select = page.locator("select#timezone")
    groups = select.locator("optgroup").evaluate_all("groups => groups.map(g => g.label)")
    assert groups[0] == "Common" and groups[1:] == sorted(groups[1:]), groups
    assert {"Africa", "America", "Asia", "Europe", "Pacific"} <= set(groups)
    values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    # Old aliases are gone; the places people live are there, each once per group.
    assert not {"US/Eastern", "Asia/Calcutta", "GB", "EST5EDT", "Etc/GMT+5"} & set(values)
    assert {"Europe/Berlin", "Asia/Kolkata", "America/Argentina/Buenos_Aires"} <= set(values)
    expect(select).to_have_value("UTC")

    search = page.get_by_label("Find a time zone by city or country")
    search.fill("berl")
    expect(page.locator("#timezone-matches")).to_have_text("1 time zone matches “berl”.")
    expect(select).to_have_value("UTC")  # searching changes nothing by itself
    select.select_option("Europe/Berlin")
    expect(select.locator("option:checked")).to_have_text(re.compile(r"^Berlin, Germany \(UTC"))
    search.fill("japan")  # countries are found too; the zone picked so far stays offered
    expect(select.locator("option[value='Asia/Tokyo']")).to_have_count(1)
    expect(select).to_have_value("Europe/Berlin")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    expect(page.locator("select#timezone")).to_have_value("Europe/Berlin")
    assert page.problems.errors == []


def test_the_time_zone_search_works_without_javascript(browser, live_server):
    context, page = signed_in_context(browser, live_server, java_script_enabled=False)
    page.goto(live_server.url + "/settings")
    page.get_by_label("Find a time zone by city or country").fill("buenos")
    page.get_by_role("button", name="Find").click()
    expect(page).to_have_url(re.compile(r"/settings\?tz=buenos"))
    select = page.locator("select#timezone")
    expect(select.locator("option[value='America/Argentina/Buenos_Aires']")).to_have_count(1)
    select.select_option("America/Argentina/Buenos_Aires")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("select#timezone")).to_have_value("America/Argentina/Buenos_Aires")
    context.close()


@pytest.mark.parametrize("width", [1280])
def test_settings_use_the_width_of_a_laptop(browser, live_server, width):
    viewport = {"width": width, "height": 900}
    context, page = signed_in_context(browser, live_server, viewport=viewport)
    page.goto(live_server.url + "/settings")
    main = page.locator("main").bounding_box()
    general = page.locator("section", has=page.locator("#settings-general")).bounding_box()
    password = page.locator("section", has=page.locator("#settings-password")).bounding_box()
    # Two columns side by side, together as wide as the page's content.
    assert password["x"] >= general["x"] + general["width"]
    assert password["x"] + password["width"] >= main["x"] + main["width"] - 40
    context.close()


def test_the_file_picker_looks_like_the_other_buttons(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/data")
    picker = page.get_by_label("File to import")
    button = picker.evaluate(
        """input => { const own = getComputedStyle(input, '::file-selector-button');
            const theirs = getComputedStyle(document.querySelector('.button'));
            return [own.minHeight, own.borderRadius, own.fontWeight,
                    theirs.minHeight, theirs.borderRadius, theirs.fontWeight]; }"""
    )
    assert button[:3] == button[3:], button
