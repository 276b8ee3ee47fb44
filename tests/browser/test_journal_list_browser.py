"""The Journal in a real browser: filters that never misfire, day groups and their totals,
Load more, tags."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ..entry_fixtures import log


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
