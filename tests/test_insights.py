"""Insights numbers, proven against journals small enough to add up by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from journal.extensions import db
from journal.insights import charts, panels, services
from journal.insights.ranges import parse_range, preset_bounds
from journal.insights.streaks import find_streaks
from journal.roadmap.queries import stage_refs
from journal.roadmap.services import stages_of

from .support import (
    ALICE_ROWS,
    BOB_ROWS,
    TODAY,
    add_entries,
    set_user,
    stage_ids,
    user,
)

D = date


@pytest.fixture
def journal(app, auth):
    """Alice's and Bob's journals (ALICE_ROWS, BOB_ROWS in tests/support.py), in an app context."""
    auth.create("alice")
    auth.create("bob")
    with app.app_context():
        add_entries("alice", ALICE_ROWS)
        add_entries("bob", BOB_ROWS)
        yield


def minutes_per_stage(rows) -> dict[int, int]:
    """Non-zero rows as {stage index: minutes}."""
    order = stage_ids("alice")
    return {order.index(row.stage.id): row.minutes for row in rows if row.minutes}


# Ranges


@pytest.mark.parametrize(
    ("key", "week_start", "first", "last"),
    [
        ("week", 0, D(2026, 3, 16), D(2026, 3, 22)),
        ("week", 6, D(2026, 3, 15), D(2026, 3, 21)),
        ("month", 0, D(2026, 3, 1), D(2026, 3, 31)),
        ("12-weeks", 0, D(2025, 12, 29), D(2026, 3, 22)),
        ("12-weeks", 6, D(2025, 12, 28), D(2026, 3, 21)),
        ("year", 0, D(2026, 1, 1), D(2026, 12, 31)),
        ("all", 0, None, None),
    ],
)
def test_preset_ranges_are_whole_weeks_months_and_years(key, week_start, first, last):
    assert preset_bounds(key, TODAY, week_start) == (first, last)


def test_december_ends_on_the_31st():
    assert preset_bounds("month", D(2026, 12, 5), 0) == (D(2026, 12, 1), D(2026, 12, 31))


@pytest.mark.parametrize(
    ("key", "per_stage", "minutes", "entries", "days"),
    [
        ("week", {0: 105, 1: 30, 2: 20}, 155, 5, 3),
        ("month", {0: 195, 1: 150, 2: 20}, 365, 7, 5),
        ("12-weeks", {0: 195, 1: 200, 2: 30}, 425, 9, 7),
        ("year", {0: 195, 1: 200, 2: 20}, 415, 8, 6),
        ("all", {0: 235, 1: 200, 2: 30}, 465, 10, 8),
    ],
)
def test_hours_per_stage_for_each_range(journal, key, per_stage, minutes, entries, days):
    chosen = parse_range({"range": key}, TODAY, 0)
    panel = panels.range_panel(user("alice"), chosen)
    assert minutes_per_stage(panel.rows) == per_stage
    assert (panel.totals.minutes, panel.totals.entries, panel.totals.active_days) == (
        minutes,
        entries,
        days,
    )
    # A bar for every active stage, idle ones too, in roadmap order.
    assert [row.stage.id for row in panel.rows] == stage_ids("alice")


def test_bars_and_shares_of_this_week(journal):
    panel = panels.range_panel(user("alice"), parse_range({"range": "week"}, TODAY, 0))
    bars = {row.stage.name: (row.bar, row.share) for row in panel.rows[:3]}
    assert bars == {
        "Python fundamentals": (100, 68),  # 105 of 155 minutes; the longest bar
        "Databases and SQL": (28.57, 19),  # 30 / 105 of the bar; 30 / 155
        "Web frameworks": (19.05, 13),  # 20 / 105; 20 / 155
    }
    assert panel.totals.minutes_per_active_day == 52  # 155 minutes over 3 days


@pytest.mark.parametrize(
    ("args", "per_stage", "minutes", "entries"),
    [
        ({"from": "2026-03-15", "to": "2026-03-16"}, {0: 150, 1: 30}, 180, 3),
        ({"to": "2025-12-31"}, {0: 40, 2: 10}, 50, 2),
        ({"from": "2026-03-17"}, {0: 45, 2: 20}, 65, 3),
    ],
)
def test_custom_range_includes_both_ends(journal, args, per_stage, minutes, entries):
    chosen = parse_range({"range": "custom", **args}, TODAY, 0)
    assert chosen.key == "custom" and not chosen.errors
    panel = panels.range_panel(user("alice"), chosen)
    assert minutes_per_stage(panel.rows) == per_stage
    assert (panel.totals.minutes, panel.totals.entries) == (minutes, entries)


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"from": "2026-13-01"}, "from", "From must be a date such as 2026-03-14."),
        ({"to": "soon"}, "to", "To must be a date such as 2026-03-14."),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to", "To must be on or after From."),
        ({}, "from", "From or To: give at least one date, such as 2026-03-14."),
    ],
)
def test_a_bad_custom_range_is_explained_and_the_default_shown(args, field, message):
    chosen = parse_range({"range": "custom", **args}, TODAY, 0)
    assert chosen.errors == {field: message}
    assert (chosen.key, chosen.first, chosen.last) == ("12-weeks", D(2025, 12, 29), D(2026, 3, 22))


def test_an_unknown_preset_falls_back_to_the_default():
    assert parse_range({"range": "fortnight"}, TODAY, 0).key == "12-weeks"


# This week: the goal, the pace it needs, and the focus


def test_week_goal_and_the_pace_it_needs(journal):
    goal = panels.week_goal(user("alice"), TODAY)
    assert (goal.first, goal.last) == (D(2026, 3, 16), D(2026, 3, 22))
    assert (goal.minutes, goal.goal, goal.percent) == (155, 600, 26)
    # 445 minutes to go over Wednesday to Sunday: 89 minutes a day (88.8, rounded up).
    assert (goal.remaining, goal.days_left, goal.per_day) == (445, 5, 89)
    # Three stages this week: the gentle word on focus, naming the one with most hours.
    assert goal.spread == 3 and goal.unfocused
    assert goal.top.stage.name == "Python fundamentals"


def test_week_goal_follows_a_sunday_week_start(journal):
    set_user("alice", week_start=6, weekly_goal_minutes=240)
    goal = panels.week_goal(user("alice"), TODAY)
    assert (goal.first, goal.last) == (D(2026, 3, 15), D(2026, 3, 21))
    assert goal.minutes == 245  # Sunday's 90 minutes now belong to this week
    assert (goal.remaining, goal.percent, goal.per_day) == (0, 102, 0)


def test_two_stages_a_week_earn_no_word_on_focus(app, auth):
    auth.create("carol")
    with app.app_context():
        add_entries("carol", [(TODAY, 0, 30), (TODAY, 1, 30), (TODAY - timedelta(days=7), 2, 30)])
        goal = panels.week_goal(user("carol"), TODAY)
        assert goal.spread == 2 and not goal.unfocused


# Streaks


def test_streaks_from_the_journal(journal):
    # Days reaching 15 minutes: 28 Dec, 28 Feb, 1 Mar, then 15 to 18 March (today).
    panel = panels.streak_panel(user("alice"), TODAY)
    streaks = panel.streaks
    assert (streaks.current.first, streaks.current.last, streaks.current_days) == (
        D(2026, 3, 15),
        TODAY,
        4,
    )
    assert streaks.longest == streaks.current and streaks.today_counts
    assert panel.today_minutes == 20


def test_a_higher_daily_minimum(journal):
    set_user("alice", daily_minimum_minutes=30)
    panel = panels.streak_panel(user("alice"), TODAY)
    # Today's 20 minutes do not count yet, but today is not over: the run is alive.
    assert panel.streaks.current_days == 3 and not panel.streaks.today_counts
    assert panel.today_missing == 10
    set_user("alice", daily_minimum_minutes=100)
    panel = panels.streak_panel(user("alice"), TODAY)
    assert panel.streaks.current is None
    assert panel.streaks.longest.first == D(2026, 3, 1) and panel.streaks.longest_days == 1


def days(*spans: tuple[date, date]) -> list[date]:
    out = []
    for first, last in spans:
        out += [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return out


# March 2026: Monday 2, Saturday 7, Sunday 8, Monday 9, Sunday 15.
MON2, SAT7, SUN8, MON9 = D(2026, 3, 2), D(2026, 3, 7), D(2026, 3, 8), D(2026, 3, 9)


def test_a_rest_day_a_week_keeps_a_run_going():
    studied = days((MON2, D(2026, 3, 6)), (SUN8, D(2026, 3, 12)))  # Saturday 7 off
    result = find_streaks(studied, D(2026, 3, 12), rest_days=1, week_start=0)
    assert (result.current.first, result.current_days, result.current.rest_days) == (MON2, 10, 1)
    strict = find_streaks(studied, D(2026, 3, 12), rest_days=0, week_start=0)
    assert strict.current_days == 5 and strict.longest_days == 5
    assert strict.current.first == SUN8  # the later of two equal runs is the longest


def test_two_rest_days_in_one_week_break_a_run_with_one_allowed():
    studied = days((MON2, D(2026, 3, 6)), (MON9, D(2026, 3, 12)))  # Saturday and Sunday off
    result = find_streaks(studied, D(2026, 3, 12), rest_days=1, week_start=0)
    assert result.current.first == MON9 and result.current_days == 4
    assert result.longest.first == MON2 and result.longest_days == 5
    assert find_streaks(studied, D(2026, 3, 12), rest_days=2, week_start=0).current_days == 9


def test_the_week_start_decides_which_week_a_rest_day_belongs_to():
    # Sunday 8 and Monday 9 off: two different Monday-weeks, but one Sunday-week.
    studied = days((MON2, SAT7), (D(2026, 3, 10), D(2026, 3, 13)))
    monday = find_streaks(studied, D(2026, 3, 13), rest_days=1, week_start=0)
    sunday = find_streaks(studied, D(2026, 3, 13), rest_days=1, week_start=6)
    assert monday.current_days == 10 and monday.current.rest_days == 2
    assert sunday.current_days == 4 and sunday.longest_days == 6


def test_today_never_breaks_a_run_but_yesterday_does():
    studied = days((MON2, D(2026, 3, 5)))
    assert find_streaks(studied, D(2026, 3, 6), rest_days=0, week_start=0).current_days == 4
    lapsed = find_streaks(studied, D(2026, 3, 7), rest_days=0, week_start=0)
    assert lapsed.current is None and lapsed.longest_days == 4
    # With a rest day allowed, yesterday's gap is a rest day and the run lives on.
    rested = find_streaks(studied, D(2026, 3, 7), rest_days=1, week_start=0)
    assert rested.current_days == 4 and rested.current.rest_days == 1


def test_days_after_today_are_not_counted():
    studied = days((MON2, D(2026, 3, 5)))
    result = find_streaks(studied, D(2026, 3, 4), rest_days=0, week_start=0)
    assert result.current_days == 3 and result.today_counts


def test_no_days_no_streak():
    result = find_streaks([], TODAY, rest_days=2, week_start=0)
    assert (result.current, result.longest, result.today_counts) == (None, None, False)


# The calendar and the weeks


def test_calendar_of_the_last_365_days(journal):
    cal = charts.calendar(user("alice"), TODAY)
    assert len(cal.cells) == 365
    assert (cal.cells[0].day, cal.cells[-1].day) == (D(2025, 3, 19), TODAY)
    assert cal.minutes == 465 and len(cal.active) == 8 and cal.peak == 120
    levels = {cell.day: cell.level for cell in cal.cells}
    # Quarters of the busiest day (1 March, 120 minutes), rounded up.
    expected = {
        D(2026, 3, 1): 4,
        D(2026, 3, 15): 3,
        D(2026, 3, 16): 3,
        D(2026, 3, 17): 2,
        D(2026, 3, 18): 1,
        D(2026, 2, 28): 2,
        D(2025, 12, 29): 1,
        D(2026, 3, 2): 0,
    }
    assert {day: levels[day] for day in expected} == expected
    by_day = {cell.day: cell for cell in cal.cells}
    assert [(s.name, m) for s, m in by_day[D(2026, 3, 16)].stages] == [
        ("Python fundamentals", 60),
        ("Databases and SQL", 30),
    ]
    # Monday 17 March 2025 starts the first column; today is column 52, row 2 (Wednesday).
    assert (by_day[TODAY].x, by_day[TODAY].y) == (30 + 52 * 13, 16 + 2 * 13)
    assert cal.width == 30 + 53 * 13
    assert all(cell.y == 16 + cell.day.weekday() * 13 for cell in cal.cells)


def test_hours_per_week_stacked_by_stage(journal):
    chart = charts.weeks_chart(user("alice"), TODAY, 12)
    assert [week.first for week in chart.weeks][::11] == [D(2025, 12, 29), D(2026, 3, 16)]
    assert [week.minutes for week in chart.weeks] == [10, 0, 0, 0, 0, 0, 0, 0, 170, 0, 90, 155]
    # The axis leaves room above the 10 h goal: 15 h, lines every 5 h.
    assert chart.axis_hours == [15, 10, 5, 0] and chart.goal_y == 33.333
    this_week = chart.weeks[-1]
    assert [(s.stage.name, s.minutes, s.y, s.height) for s in this_week.segments] == [
        ("Python fundamentals", 105, 88.333, 11.667),
        ("Databases and SQL", 30, 85.0, 3.333),
        ("Web frameworks", 20, 82.778, 2.222),
    ]
    assert [stage.name for stage in chart.legend] == [
        "Python fundamentals",
        "Databases and SQL",
        "Web frameworks",
    ]
    assert charts.weeks_chart(user("alice"), TODAY, 52).minutes == 465


def test_hours_per_week_in_sunday_weeks(journal):
    set_user("alice", week_start=6)
    chart = charts.weeks_chart(user("alice"), TODAY, 12)
    assert chart.weeks[0].first == D(2025, 12, 28)
    assert [week.minutes for week in chart.weeks] == [50, 0, 0, 0, 0, 0, 0, 0, 50, 120, 0, 245]


# Across daylight-saving changes (Europe/Berlin: 29 March and 25 October 2026)


@pytest.mark.parametrize(
    ("before", "change", "after"),
    [
        (D(2026, 3, 28), D(2026, 3, 29), D(2026, 3, 30)),  # a 23-hour Sunday
        (D(2026, 10, 24), D(2026, 10, 25), D(2026, 10, 26)),  # a 25-hour Sunday
    ],
)
def test_weeks_days_and_streaks_across_a_dst_change(app, auth, before, change, after):
    auth.create("dora", timezone="Europe/Berlin")
    with app.app_context():
        add_entries("dora", [(before, 0, 30), (change, 1, 30), (after, 2, 30)])
        dora = user("dora")
        chart = charts.weeks_chart(dora, after, 12)
        assert [week.minutes for week in chart.weeks[-2:]] == [60, 30]  # Monday weeks
        assert chart.weeks[-1].first == after
        streak = panels.streak_panel(dora, after).streaks
        assert (streak.current.first, streak.current_days) == (before, 3)
        cal = charts.calendar(dora, after)
        assert len(cal.cells) == 365
        assert all(
            b.day - a.day == timedelta(days=1)
            for a, b in zip(cal.cells, cal.cells[1:], strict=False)
        )
        assert {cell.day: cell.minutes for cell in cal.active} == {
            before: 30,
            change: 30,
            after: 30,
        }
        set_user("dora", week_start=6)
        chart = charts.weeks_chart(user("dora"), after, 12)
        assert [week.minutes for week in chart.weeks[-2:]] == [30, 60]  # Sunday weeks
        assert chart.weeks[-1].first == change


# Roadmap pace


def test_roadmap_pace_and_projected_finish(app, auth):
    """Carol: 10 h goal; the default stages suggest 4, 4, 6, 6, 4 weeks, then open-ended."""
    auth.create("carol")
    with app.app_context():
        add_entries(
            "carol",
            [
                (D(2026, 1, 10), 0, 1200),
                (D(2026, 2, 19), 0, 600),  # the first of the last 28 days
                (D(2026, 3, 12), 1, 360),
                (D(2026, 2, 18), 5, 100),  # the day before them
            ],
        )
        carol = user("carol")
        first = stages_of(carol)[0].topics
        first[0].state = first[1].state = "done"
        first[2].state = "skipped"
        first[3].state = "learning"
        first[4].state = "done"
        first[4].archived_at = first[4].created_at  # archived: no longer counted
        db.session.commit()
        pace = panels.pace_panel(carol, TODAY)
    assert pace.since == D(2026, 2, 19)
    # 960 minutes in the last 28 days: 240 a week.
    assert (pace.recent_minutes, pace.weekly_pace) == (960, 240)
    rows = [
        (row.stage.name, row.logged, row.suggested, row.percent, row.finish) for row in pace.rows
    ]
    # Hours still missing, stage after stage: 600, 2640, 6240, 9840, 12240 minutes; at
    # 960 minutes per 28 days that is 18, 77, 182, 287 and 357 days after 18 March.
    assert rows == [
        ("Python fundamentals", 1800, 2400, 75, D(2026, 4, 5)),
        ("Databases and SQL", 360, 2400, 15, D(2026, 6, 3)),
        ("Web frameworks", 0, 3600, 0, D(2026, 9, 16)),
        ("APIs, authentication and security", 0, 3600, 0, D(2026, 12, 30)),
        ("DevOps and deployment", 0, 2400, 0, D(2027, 3, 10)),
        ("Beyond the basics", 100, None, None, None),
        ("Projects and portfolio", 0, None, None, None),
    ]
    assert pace.finish == D(2027, 3, 10) and not pace.all_reached
    python = pace.rows[0].topics
    assert (python.total, python.done, python.skipped, python.learning) == (10, 2, 1, 1)
    assert python.percent_done == 20  # done only: skipped is not progress


def test_pace_with_stages_reached_and_no_recent_hours(app, auth):
    auth.create("erin")
    with app.app_context():
        set_user("erin", weekly_goal_minutes=60)
        add_entries("erin", [(D(2025, 6, 1), 0, 300)])  # past stage 1's 240 minutes
        pace = panels.pace_panel(user("erin"), TODAY)
    assert pace.rows[0].reached and pace.rows[0].finish is None
    assert pace.rows[0].percent == 125 and pace.rows[0].bar == 100
    assert pace.recent_minutes == 0 and pace.finish is None
    assert [row.finish for row in pace.rows] == [None] * 7


# Two users, an empty journal


def test_another_users_entries_are_never_counted(journal):
    alice, bob = user("alice"), user("bob")
    assert services.totals(alice).minutes == 465
    assert services.totals(bob).minutes == 11 * 1000
    assert sum(services.minutes_by_stage(alice).values()) == 465
    assert (
        sum(row.minutes for row in services.minutes_by_day_and_stage(alice, D(2025, 1, 1), TODAY))
        == 465
    )
    assert len(services.days_with_at_least(alice, 15, TODAY)) == 7
    assert sum(m.total for m in services.stage_minutes_with_recent(alice, TODAY).values()) == 465
    assert charts.calendar(alice, TODAY).minutes == 465
    assert set(stage_refs(alice)).isdisjoint(stage_refs(bob))


def test_an_empty_journal(app, auth):
    auth.create("fred")
    with app.app_context():
        fred = user("fred")
        assert services.totals(fred) == services.Totals(0, 0, 0, None)
        panel = panels.range_panel(fred, parse_range({}, TODAY, 0))
        assert len(panel.rows) == 7 and all(row.minutes == row.bar == 0 for row in panel.rows)
        assert panels.streak_panel(fred, TODAY).streaks.current_days == 0
        assert panels.week_goal(fred, TODAY).per_day == 120  # 600 minutes over Wednesday to Sunday
        cal = charts.calendar(fred, TODAY)
        assert len(cal.cells) == 365 and cal.peak == 0 and not cal.active
        assert {cell.level for cell in cal.cells} == {0}
        chart = charts.weeks_chart(fred, TODAY, 52)
        assert chart.minutes == 0 and chart.axis_hours == [15, 10, 5, 0]
        pace = panels.pace_panel(fred, TODAY)
        assert pace.finish is None and not pace.all_reached


# Every aggregate reads the index made for it


@pytest.mark.sqlite_only("reads SQLite's EXPLAIN QUERY PLAN")
def test_every_aggregate_is_served_by_the_insights_index(journal):
    alice = user("alice")
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM entries" in statement:
            statements.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        panels.range_panel(alice, parse_range({"range": "all"}, TODAY, 0))
        panels.week_goal(alice, TODAY)
        panels.streak_panel(alice, TODAY)
        panels.pace_panel(alice, TODAY)
        charts.weeks_chart(alice, TODAY, 52)
        charts.calendar(alice, TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 8  # 2 + 1 + 2 + 1 + 1 + 1: one per number or chart
    connection = db.session.connection()
    for statement, parameters in statements:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        details = " ".join(row[-1] for row in plan)
        assert "COVERING INDEX ix_entries_user_live_date" in details, (statement, details)


def test_a_young_journal_is_paced_over_the_days_since_its_first_entry(app, auth):
    """Dana began on 1 March: on 18 March her 15 hours are 18 days' work, not 28 days'."""
    auth.create("dana")
    with app.app_context():
        add_entries("dana", [(D(2026, 3, 1), 0, 300), (D(2026, 3, 9), 0, 420), (TODAY, 1, 180)])
        pace = panels.pace_panel(user("dana"), TODAY)
    assert (pace.days, pace.first, pace.since) == (18, D(2026, 3, 1), D(2026, 3, 1))
    # 900 minutes in 18 days: 350 a week (over 28 days it would have been 225).
    assert (pace.recent_minutes, pace.weekly_pace) == (900, 350)
    # Still missing, stage after stage: 1680, 3900, 7500, 11100 and 13500 minutes; at 900
    # minutes per 18 days that is 33.6 (34), 78, 150, 222 and 270 days after 18 March.
    assert [row.finish for row in pace.rows[:5]] == [
        D(2026, 4, 21),
        D(2026, 6, 4),
        D(2026, 8, 15),
        D(2026, 10, 26),
        D(2026, 12, 13),
    ]
    assert pace.finish == D(2026, 12, 13)


def test_a_journal_of_a_few_days_is_paced_over_a_week(app, auth):
    auth.create("eddie")
    with app.app_context():
        add_entries("eddie", [(D(2026, 3, 16), 0, 120), (TODAY, 0, 90)])
        pace = panels.pace_panel(user("eddie"), TODAY)
    assert (pace.days, pace.since, pace.weekly_pace) == (7, D(2026, 3, 12), 210)
    # 2190 minutes missing at 210 a week: 73 days after 18 March.
    assert pace.rows[0].finish == D(2026, 5, 30)


def test_every_week_is_labelled_and_every_month_on_a_year(app, auth):
    auth.create("alice")
    with app.app_context():
        twelve = charts.weeks_chart(user("alice"), TODAY, 12).labels
        year = charts.weeks_chart(user("alice"), TODAY, 52).labels
    assert [(label.day, label.month) for label in twelve] == [
        ("29", "Dec"),
        ("5", "Jan"),
        ("12", ""),
        ("19", ""),
        ("26", ""),
        ("2", "Feb"),
        ("9", ""),
        ("16", ""),
        ("23", ""),
        ("2", "Mar"),
        ("9", ""),
        ("16", ""),
    ]
    # 52 weeks from Monday 24 March 2025: the months, where each begins (March 2025 has
    # only two weeks on the chart, too few for its name).
    assert [label.month for label in year if label.month] == [
        "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"
    ]  # fmt: skip
    assert len(year) == 52 and all(label.day == "" for label in year)


def test_rest_days_of_separate_gaps_in_one_week_add_up():
    # Monday-week 2-8 March: Tuesday 3 and Thursday 5 off, two gaps of one day each.
    studied = [MON2, D(2026, 3, 4), *days((D(2026, 3, 6), D(2026, 3, 10)))]
    one = find_streaks(studied, D(2026, 3, 10), rest_days=1, week_start=0)
    # The second gap would be the week's second rest day: the run breaks before Friday 6.
    assert (one.current.first, one.current_days, one.current.rest_days) == (D(2026, 3, 6), 5, 0)
    assert (one.longest.first, one.longest.last) == (D(2026, 3, 6), D(2026, 3, 10))
    two = find_streaks(studied, D(2026, 3, 10), rest_days=2, week_start=0)
    assert (two.current.first, two.current_days, two.current.rest_days) == (MON2, 7, 2)


def test_of_two_runs_of_equal_length_the_later_is_the_longest():
    studied = days((MON2, D(2026, 3, 4)), (SAT7, MON9))  # three days, two off, three days
    result = find_streaks(studied, D(2026, 3, 12), rest_days=0, week_start=0)
    assert result.current is None
    assert (result.longest.first, result.longest.last, result.longest_days) == (SAT7, MON9, 3)
    three = days((MON2, D(2026, 3, 4)), (SAT7, MON9), (D(2026, 3, 12), D(2026, 3, 14)))
    latest = find_streaks(three, D(2026, 3, 20), rest_days=0, week_start=0).longest
    assert (latest.first, latest.last) == (D(2026, 3, 12), D(2026, 3, 14))


def test_a_run_that_ended_keeps_its_last_day_and_rest_days():
    # Monday 2 to Thursday 5 with Tuesday off (one rest day), then nothing until Monday 9.
    studied = [MON2, *days((D(2026, 3, 4), D(2026, 3, 5))), MON9]
    longest = find_streaks(studied, D(2026, 3, 10), rest_days=1, week_start=0).longest
    assert (longest.first, longest.last, longest.days, longest.rest_days) == (
        MON2,
        D(2026, 3, 5),
        3,
        1,
    )


def test_a_range_gives_back_the_arguments_that_show_it_again():
    one_day = parse_range({"range": "custom", "from": "2026-03-15", "to": "2026-03-15"}, TODAY, 0)
    assert (one_day.key, one_day.first, one_day.last, one_day.errors) == (
        "custom",
        D(2026, 3, 15),
        D(2026, 3, 15),
        {},
    )
    assert one_day.as_args() == {"range": "custom", "from": "2026-03-15", "to": "2026-03-15"}
    # Whatever follows a date is cut off before it is read.
    padded = parse_range({"range": "custom", "from": " 2026-03-01x", "to": "2026-03-099"}, TODAY, 0)
    assert (padded.first, padded.last, padded.errors) == (D(2026, 3, 1), D(2026, 3, 9), {})
    assert parse_range({"range": "month"}, TODAY, 0).as_args() == {"range": "month"}
