"""Entries imported without a duration: shown as unknown, found with a filter, easy to fill in."""

from __future__ import annotations

import re
from datetime import date

from .support import HX, add_entry, entry_rows, is_full_page, stage_id_of, text


def test_the_journal_filters_entries_whose_duration_is_unknown(app, client, auth):
    auth.login("alice")
    add_entry(app, day=date(2026, 3, 1), minutes=None, notes="no time noted")
    add_entry(app, day=date(2026, 3, 2), minutes=30, notes="thirty minutes")
    for headers in ({}, HX):
        response = client.get("/journal?duration=unknown", headers=headers)
        page = text(response)
        assert is_full_page(response) == (not headers)
        assert "no time noted" in page and "thirty minutes" not in page
        assert "1 entry · 0 min matching the filters" in page
    page = text(client.get("/journal?duration=unknown"))
    assert '<input type="checkbox" name="duration" value="unknown" checked>' in page
    assert "thirty minutes" in text(client.get("/journal"))


def test_an_entry_without_a_duration_offers_to_add_one(app, client, auth):
    auth.login("alice")
    unknown = add_entry(app, day=date(2026, 3, 1), minutes=None, notes="no time noted")
    known = add_entry(app, day=date(2026, 3, 2), minutes=30, notes="thirty minutes")
    page = text(client.get("/journal"))
    row = re.search(rf'<article id="entry-{unknown}".*?</article>', page, re.S).group(0)
    assert '<span class="entry-duration unknown">unknown</span>' in row
    assert f'hx-get="/entries/{unknown}/edit"' in row and ">Add duration<" in row
    other = re.search(rf'<article id="entry-{known}".*?</article>', page, re.S).group(0)
    assert "Add duration" not in other
    # The link opens the entry's form in place; saving it with a duration fills it in.
    form = client.get(f"/entries/{unknown}/edit", headers=HX)
    assert f'id="entry-{unknown}-duration" name="duration"' in text(form)
    client.post(
        f"/entries/{unknown}",
        data={"date": "2026-03-01", "duration": "1h15", "stage": stage_id_of(app), "notes": "x"},
        headers=HX,
    )
    assert entry_rows(app)[0][2] == 75
