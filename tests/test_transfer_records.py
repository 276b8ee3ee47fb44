"""The plain-data helpers every format shares: names compared, stage tags, times and lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from journal.transfer.records import iso_time, join_list, name_key, parse_time, slug, split_list


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Databases and SQL", "databases and sql"),
        ("  Databases \t and   SQL ", "databases and sql"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_names_are_compared_without_case_or_runs_of_spaces(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("Databases and SQL", "databases-and-sql"),
        ("C++ / Rust!", "c-rust"),
        ("  Web   APIs  ", "web-apis"),
        ("_private_", "private"),
        ("snake_case stays", "snake_case-stays"),
        ("Émile's Notes", "émile-s-notes"),
        ("!!!", ""),
    ],
)
def test_a_stage_name_as_a_tag(name, tag):
    assert slug(name) == tag


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (None, None),
        (datetime(2026, 3, 14, 9, 5), "2026-03-14T09:05:00Z"),
        (datetime(2026, 3, 14, 9, 5, 7, 123456), "2026-03-14T09:05:07.123456Z"),
        # An aware UTC time is written the same way, never as "+00:00Z".
        (datetime(2026, 3, 14, 9, 5, tzinfo=UTC), "2026-03-14T09:05:00Z"),
    ],
)
def test_a_stored_time_is_written_as_iso_8601_in_utc(moment, text):
    assert iso_time(moment) == text


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-03-14T09:05:00Z", datetime(2026, 3, 14, 9, 5)),
        ("  2026-03-14T09:05:00Z\n", datetime(2026, 3, 14, 9, 5)),
        ("2026-03-14T10:05:00+01:00", datetime(2026, 3, 14, 9, 5)),
        ("2026-03-13T23:05:00-10:00", datetime(2026, 3, 14, 9, 5)),
        ("2026-03-14T09:05:00", datetime(2026, 3, 14, 9, 5)),
        ("2026-03-14T09:05:07.123456Z", datetime(2026, 3, 14, 9, 5, 7, 123456)),
    ],
)
def test_a_time_is_read_back_as_naive_utc(text, moment):
    read = parse_time(text)
    assert read == moment and read.tzinfo is None


def test_a_time_written_is_read_back_unchanged():
    moment = datetime(2026, 12, 31, 23, 59, 59, 999999)
    assert parse_time(iso_time(moment)) == moment
    east = datetime(2026, 1, 1, 5, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert iso_time(parse_time(east.isoformat())) == "2025-12-31T23:30:00Z"


def test_a_time_is_read_back_in_utc_whatever_the_servers_own_zone(server_in_new_york):
    assert parse_time("2026-03-14T10:05:00+01:00") == datetime(2026, 3, 14, 9, 5)
    assert parse_time("2026-03-14T09:05:00Z") == datetime(2026, 3, 14, 9, 5)


@pytest.mark.parametrize("text", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:30:00+01:00"])
def test_a_time_outside_the_calendar_in_utc_is_refused(text):
    with pytest.raises(ValueError) as refused:
        parse_time(text)
    assert str(refused.value) == f"{text} is beyond the calendar in UTC"


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00Z", "2026-03-14T25:00"])
def test_what_is_not_a_time_is_refused(text):
    with pytest.raises(ValueError):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("a; b\\; c", ["a", "b; c"]),
        ("python;  web apis ;sql", ["python", "web apis", "sql"]),
        ("a;;b;", ["a", "b"]),
        ("", []),
        (" ; ;", []),
        ("one", ["one"]),
        ("back\\\\slash", ["back\\slash"]),
        ("a\\b", ["ab"]),  # a backslash before any other character keeps that character
        ("ends with\\", ["ends with\\"]),  # a backslash at the very end stays
    ],
)
def test_a_list_is_split_at_its_separators(text, items):
    assert split_list(text) == items


def test_a_list_may_use_another_separator():
    assert split_list("a, b; c\\, d", ",") == ["a", "b; c, d"]
    assert join_list(["a", "b; c, d"], ",") == "a, b; c\\, d"


@pytest.mark.parametrize(
    ("items", "text"),
    [
        (["python", "web apis"], "python; web apis"),
        (["a; b", "back\\slash", "plain"], "a\\; b; back\\\\slash; plain"),
        (["one"], "one"),
        ([], ""),
    ],
)
def test_a_list_is_joined_so_that_it_splits_back(items, text):
    assert join_list(items) == text
    assert split_list(text) == items
