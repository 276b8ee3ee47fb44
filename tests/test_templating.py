"""The one way durations and dates are written on screen (the ``duration`` and ``day``
filters), checked against strings written out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from journal.templating import day_label, duration_text, local_time, swatch

from .support import freeze


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        (None, "unknown"),
        (0, "0 min"),
        (1, "1 min"),
        (45, "45 min"),
        (59, "59 min"),
        (60, "1 h"),
        (90, "1 h 30 min"),
        (131, "2 h 11 min"),
        (599, "9 h 59 min"),
        (600, "10 h"),  # ten hours is not above ten hours: still exact
        (601, "10 h"),  # 10.02 h
        (621, "10.4 h"),  # 10.35 h: half up
        (627, "10.5 h"),  # 10.45 h: half up, where a float would round it down
        (633, "10.6 h"),  # 10.55 h
        (750, "12.5 h"),
        (1044, "17.4 h"),
        (1260, "21 h"),  # a whole number of hours drops its ".0"
        (2400, "40 h"),
        (109_590, "1826.5 h"),
    ],
)
def test_durations_follow_one_rule(minutes, shown):
    assert duration_text(minutes) == shown


def test_dates_show_the_year_only_when_it_is_not_this_year():
    today = date(2026, 11, 29)
    assert day_label(date(2026, 11, 23), today) == "Mon 23 Nov"
    assert day_label(date(2026, 1, 1), today) == "Thu 1 Jan"
    assert day_label(date(2025, 12, 31), today) == "Wed 31 Dec 2025"
    assert day_label(date(2027, 1, 4), today) == "Mon 4 Jan 2027"
    assert day_label(today, today) == "Today"
    assert day_label(date(2026, 11, 28), today) == "Yesterday"
    assert day_label(date(2026, 11, 30), today) == "Tomorrow"


def test_this_year_is_the_signed_in_users(app, client, auth, monkeypatch):
    # 23:30 UTC on New Year's Eve is already 2027 in Berlin.
    freeze(monkeypatch, datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    auth.login(timezone="Europe/Berlin")
    with app.test_request_context():
        from flask_login import login_user

        from .support import user

        login_user(user("alice"))
        assert day_label(date(2027, 1, 1)) == "Fri 1 Jan"
        assert day_label(date(2026, 12, 31)) == "Thu 31 Dec 2026"
        assert local_time(datetime(2026, 12, 31, 23, 30)) == "Fri 1 Jan, 00:30 (CET)"
        assert local_time(datetime(2026, 7, 1, 10, 0)) == "Wed 1 Jul 2026, 12:00 (CEST)"


def test_a_stage_swatch_is_a_dot_of_its_colour_and_a_strange_colour_stays_text():
    dot = (
        '<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
        '<circle cx="6" cy="6" r="6" fill="{}"/></svg>'
    )
    assert swatch("#2a9d8f") == dot.replace("{}", "#2a9d8f")
    assert swatch('"/><script>x</script>') == dot.replace(
        "{}", "&#34;/&gt;&lt;script&gt;x&lt;/script&gt;"
    )
    assert swatch("#2a9d8f").__html__() == str(swatch("#2a9d8f"))
