"""Today and its entry form in a real browser: the duration preview, the date kept for a
run of backdated sessions, the Notes box, keyboard, the timer card and the layout."""

from __future__ import annotations

from playwright.sync_api import expect


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
