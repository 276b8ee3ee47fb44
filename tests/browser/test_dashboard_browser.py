"""The dashboard as a learner reads it: the pace of a young journal, and charts that use
their cards' room, on a phone and on a laptop."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect


def add_days(app, rows, username="alice") -> None:
    """Entries ``(days ago, stage index, minutes)``, dated in the user's own today."""
    from journal.auth.services import get_user_by_name
    from journal.clock import user_today

    from ..support import add_entries

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


ONE_LINE = """el => { const range = document.createRange(); range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return tops.size === 1; }"""
# How far a card's box reaches below its last child (and that child's margin): its padding
# and border, no more.
SLACK = """card => { const last = card.lastElementChild;
    return card.getBoundingClientRect().bottom - last.getBoundingClientRect().bottom
        - parseFloat(getComputedStyle(last).marginBottom); }"""


def test_charts_use_their_cards_and_label_every_week(signed_in, live_server):
    page = signed_in
    page.set_viewport_size({"width": 1280, "height": 900})
    # 2 h 11 min a day on three days; 131 minutes is the per-day figure that used to wrap.
    add_days(live_server.app, [(0, 0, 131), (8, 1, 131), (40, 2, 131)])
    page.goto(live_server.url + "/dashboard")

    # Hours per week: a label under every one of the 12 weeks, months named where they
    # change; the total beside the title.
    labels = page.locator("#insights-weeks .columns-dates li")
    expect(labels).to_have_count(12)
    days = labels.evaluate_all("items => items.map(li => li.firstElementChild.textContent)")
    assert all(day.isdigit() for day in days), days
    months = page.locator("#insights-weeks .columns-month:not(:empty)")
    assert 3 <= months.count() <= 4  # twelve weeks touch three or four months
    expect(page.locator("[data-weeks-total]")).to_have_text("6 h 33 min in 12 weeks")
    page.locator("#insights-weeks").get_by_role("link", name="52 weeks").click()
    labels = page.locator("#insights-weeks .columns-dates li")
    expect(labels).to_have_count(52)
    assert page.locator("#insights-weeks .columns-month:not(:empty)").count() >= 11

    # The calendar fills its card's width, and its days are squares.
    figure = page.locator("#chart-calendar")
    calendar = figure.locator("svg.heatmap")
    assert calendar.bounding_box()["width"] >= figure.bounding_box()["width"] - 6
    cell = calendar.locator("rect.heat").first.bounding_box()
    assert abs(cell["width"] - cell["height"]) < 0.5 and cell["width"] > 11
    expect(page.locator("#chart-calendar .heatmap-scale")).to_contain_text("Less")

    # The small cards are as tall as what they hold, not as their tallest neighbour.
    for card in ("#insights-streak", "#insights-totals"):
        assert page.locator(card).evaluate(SLACK) < 24, card
    # Values stay on one line.
    for value in page.locator(".stats dd").all():
        assert value.evaluate(ONE_LINE), value.inner_text()
    expect(page.locator("#insights-totals [data-stat=per-day]")).to_have_text("2 h 11 min")
    assert page.problems.errors == []


def test_week_bars_fill_their_card_on_a_phone_and_on_the_week_page(signed_in, live_server):
    page = signed_in
    add_days(live_server.app, [(0, 0, 131)])
    for width, path in ((375, "/"), (1280, "/week")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + path)
        card = page.locator("#week-total")
        bars = card.locator(".week-bars-svg")
        inner = card.evaluate(
            "c => c.clientWidth - parseFloat(getComputedStyle(c).paddingLeft)"
            " - parseFloat(getComputedStyle(c).paddingRight)"
        )
        assert bars.bounding_box()["width"] >= inner - 1, (path, width)
        expect(card.locator(".week-bars-days li")).to_have_count(7)
        for value in page.locator("[data-week-total]").all():
            assert value.evaluate(ONE_LINE)


def test_from_and_to_are_labelled_date_boxes_that_show_the_range(signed_in, live_server):
    from journal.auth.services import get_user_by_name
    from journal.clock import user_today, week_bounds

    page = signed_in
    with live_server.app.app_context():
        monday = week_bounds(user_today(get_user_by_name("alice")))[0]
    page.goto(live_server.url + "/dashboard")
    start, end = page.get_by_label("From"), page.get_by_label("To")
    for box in (start, end):
        expect(box).to_have_attribute("type", "date")
    # The last 12 weeks, in the boxes rather than an empty "mm/dd/yyyy".
    expect(start).to_have_value((monday - timedelta(weeks=11)).isoformat())
    expect(end).to_have_value((monday + timedelta(days=6)).isoformat())
    page.get_by_role("button", name="This week").click()
    expect(start).to_have_value(monday.isoformat())
