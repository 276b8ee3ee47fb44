"""The dashboard as a learner reads it: the pace of a young journal, and charts that use
their cards' room, on a phone and on a laptop."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect


def add_days(app, rows, username="alice") -> None:
    """Entries ``(days ago, stage index, minutes)``, dated in the user's own today."""
    from journal.auth.services import get_user_by_name
    from journal.clock import user_today

    from ..insights_fixtures import add_entries

    with app.app_context():
        today = user_today(get_user_by_name(username))
        add_entries(username, [(today - timedelta(days=ago), stage, m) for ago, stage, m in rows])


def test_the_pace_of_an_eighteen_day_old_journal(signed_in, live_server):
    page = signed_in
    # 15 hours over the 18 days since the first entry: 5 h 50 min a week, not 3 h 45 min.
    add_days(live_server.app, [(17, 0, 300), (9, 0, 420), (0, 1, 180)])
    page.goto(live_server.url + "/dashboard")
    summary = page.locator("[data-pace-summary]")
    expect(summary).to_contain_text("Over the 18 days since your first entry")
    expect(summary).to_contain_text("you studied 15 h")
    expect(page.locator("[data-weekly-pace]")).to_have_text("5 h 50 min a week")
