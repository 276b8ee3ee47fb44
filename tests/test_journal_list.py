"""The Journal's list: days with their totals, pages that continue a day, totals that follow
changes, and tags."""

from __future__ import annotations

import re
from datetime import date

from .support import HX, log_on, text


def headings(body: str) -> list[tuple[str, str]]:
    """(heading id, total shown) of every day heading in ``body``."""
    return re.findall(
        r'<h\d class="day-head" id="(day-[\d-]+)">.*?class="day-total">([^<]*)</span>', body
    )


def test_the_journal_groups_entries_by_day_under_the_days_total(make_app, auth):
    app = make_app(PAGE_SIZE=2)
    client = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(app, client).login()
    log_on(app, date(2026, 1, 1), 20)
    third = log_on(app, date(2026, 1, 2), 15)
    log_on(app, date(2026, 1, 2), 30)
    log_on(app, date(2026, 1, 2), 45)
    first_page = text(client.get("/journal", headers=HX))
    # The day's total counts all its entries, those on the next page too.
    assert headings(first_page) == [("day-2026-01-02", "1 h 30 min")]
    more = re.search(r'id="load-more"[^>]* href="([^"]+)"', first_page).group(1)
    second_page = text(client.get(more.replace("&amp;", "&"), headers=HX))
    # The next page goes on with that day without a second heading, then the next day.
    assert headings(second_page) == [("day-2026-01-01", "20 min")]
    assert second_page.index('aria-labelledby="day-2026-01-02"') < second_page.index(
        f'id="entry-{third}"'
    )
    # Focus goes to the first new entry, and only to it.
    assert re.findall(r'href="/entries/(\d+)" autofocus', second_page) == [str(third)]
    assert "autofocus" not in first_page


def test_a_days_total_follows_the_filters(app, client, auth):
    auth.login()
    log_on(app, date(2026, 1, 2), 30, "joins #sql")
    log_on(app, date(2026, 1, 2), 45, "decorators #python")
    assert headings(text(client.get("/journal", headers=HX))) == [("day-2026-01-02", "1 h 15 min")]
    body = text(client.get("/journal?tag=sql", headers=HX))
    assert headings(body) == [("day-2026-01-02", "30 min")]


def test_delete_undo_and_edit_send_the_totals_around_the_entry(app, client, auth):
    auth.login()
    entry = log_on(app, date(2026, 1, 2), 60, "joins #sql")
    log_on(app, date(2026, 1, 1), 60, "window functions #sql")
    log_on(app, date(2026, 1, 2), 45, "decorators #python")
    journal = {"HX-Current-URL": "http://localhost/journal?tag=sql", **HX}
    body = text(client.post(f"/entries/{entry}/delete", headers=journal))
    assert re.search(
        r'<hx-partial hx-target="#day-total-2026-01-02" hx-swap="outerHTML">'
        r'<span id="day-total-2026-01-02" class="day-total">0 min</span>',
        body,
    )
    assert ">1 entry · 1 h matching the filters</p>" in body
    body = text(client.post(f"/entries/{entry}/restore", headers=journal))
    assert 'class="day-total">1 h</span>' in body
    assert ">2 entries · 2 h matching the filters</p>" in body
    # From Today (no filters, no summary line): the day's whole total only.
    today = {"HX-Current-URL": "http://localhost/", **HX}
    body = text(client.post(f"/entries/{entry}/delete", headers=today))
    assert 'class="day-total">45 min</span>' in body
    assert "journal-summary" not in body
    client.post(f"/entries/{entry}/restore", headers=today)
    # An edit that moves the entry to another day updates both days.
    stage = re.search(
        r'<option value="(\d+)"[^>]*selected', text(client.get(f"/entries/{entry}/edit"))
    ).group(1)
    form = {"date": "2026-01-03", "duration": "30m", "stage": stage, "notes": "joins #sql"}
    body = text(client.post(f"/entries/{entry}", data=form, headers=today))
    assert 'id="day-total-2026-01-02" class="day-total">45 min</span>' in body
    assert 'id="day-total-2026-01-03" class="day-total">30 min</span>' in body


def shown_ids(client, **args) -> list[int]:
    body = text(client.get("/journal", query_string=args, headers=HX))
    return [int(i) for i in re.findall(r'<article id="entry-(\d+)"', body)]


def test_the_tag_filter_matches_by_prefix(app, client, auth):
    auth.login()
    sql = log_on(app, date(2026, 1, 1), 30, "joins #sql")
    sqlite = log_on(app, date(2026, 1, 2), 30, "WAL mode #SQLite")
    nested = log_on(app, date(2026, 1, 3), 30, "event loops #python/async")
    log_on(app, date(2026, 1, 4), 30, "no tag here, only sq and #nosql")
    assert shown_ids(client, tag="sq") == [sqlite, sql]
    assert shown_ids(client, tag="#SQL") == [sqlite, sql]
    assert shown_ids(client, tag="sqlite") == [sqlite]
    assert shown_ids(client, tag="python") == [nested]
    # LIKE's wildcards are plain characters in a tag.
    assert shown_ids(client, tag="s%") == []
    assert shown_ids(client, tag="_ql") == []


def test_tags_with_counts_are_listed_and_offered_to_the_tag_box(app, client, auth):
    auth.login()
    log_on(app, date(2026, 1, 1), 30, "joins #sql #perf")
    log_on(app, date(2026, 1, 2), 30, "indexes #sql")
    gone = log_on(app, date(2026, 1, 3), 30, "deleted #sql #gone")
    client.post(f"/entries/{gone}/delete", headers=HX)
    page = text(client.get("/tags"))
    assert re.findall(
        r'<a href="/journal\?tag=([^"]+)">#[^<]+</a> <span class="tag-count">([^<]+)<', page
    ) == [
        ("sql", "2 entries"),
        ("perf", "1 entry"),
    ]
    journal = text(client.get("/journal"))
    assert 'href="/tags"' in journal
    assert 'list="tag-choices"' in journal
    assert re.findall(r'<option value="([^"]+)">', journal.split('id="tag-choices"')[1]) == [
        "sql",
        "perf",
    ]


def test_the_tags_page_is_private_and_empty_at_first(client, auth):
    assert client.get("/tags").status_code == 302
    auth.login()
    assert "No tags yet." in text(client.get("/tags"))


def test_long_notes_are_clamped_in_lists_and_whole_on_the_entrys_page(app, client, auth):
    auth.login()
    entry = log_on(app, date(2026, 1, 2), 30, "line one\n\nline two\n\nline three #sql")
    short = log_on(app, date(2026, 1, 1), 30, "one line")
    journal = text(client.get("/journal"))
    assert 'class="notes notes-clamped"' in journal
    assert '<details class="entry-more"><summary>' in journal
    # Notes that fit have nothing more to open: the control is there, hidden.
    row = journal.split(f'id="entry-{short}"')[1]
    assert '<details class="entry-more" hidden>' in row
    page = text(client.get(f"/entries/{entry}"))
    assert 'class="notes"' in page and "notes-clamped" not in page
    assert "Whole notes" not in page
