import pytest

from journal.entries.duration import (
    DurationError,
    duration_input,
    format_duration,
    format_hours,
    parse_duration,
    preview_duration,
    read_duration,
)


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("45", 45),
        ("45m", 45),
        ("45 min", 45),
        ("90 min", 90),
        ("90 minutes", 90),
        ("1.5h", 90),
        ("1,5h", 90),
        (".5h", 30),
        ("2 hours", 120),
        ("1h30", 90),
        ("1h 30m", 90),
        ("1 h 30 min", 90),
        ("1 hour 30 minutes", 90),
        ("1h, 30m", 90),
        ("1:30", 90),
        ("1H30M", 90),
        ("  45m  ", 45),
        ("24h", 1440),
        ("1440", 1440),
        # A bare number with a decimal point is hours: nobody studies 1.5 minutes.
        ("1.5", 90),
        ("1,5", 90),
        ("0.25", 15),
        (".5", 30),
        ("2.0", 120),
        ("24.0", 1440),
        # With a unit it means what the unit says.
        ("1.5m", 2),
        ("2", 2),
    ],
)
def test_parses_what_people_type(typed, minutes):
    assert parse_duration(typed) == minutes


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Duration is required."),
        ("   ", "Duration is required."),
        ("0", "Duration must be more than zero."),
        ("0h", "Duration must be more than zero."),
        ("0.001", "Duration must be more than zero."),
        ("0.2m", "Duration must be more than zero."),
        ("-5", "Duration must be more than zero."),
        ("-1h", "Duration must be more than zero."),
        ("24h01", "Duration must be at most 24 hours."),
        ("25h", "Duration must be at most 24 hours."),
        ("1441", "Duration must be at most 24 hours."),
    ],
)
def test_rejects_impossible_durations_with_a_reason(typed, message):
    with pytest.raises(DurationError) as error:
        parse_duration(typed)
    assert str(error.value) == message


@pytest.mark.parametrize("typed", ["abc", "1h75", "h", "1..5h", "45 sec", "1:75", "1e3", "½h"])
def test_unparseable_input_names_the_field_and_how_to_type_it(typed):
    with pytest.raises(DurationError) as error:
        parse_duration(typed)
    message = str(error.value)
    assert message.startswith("Duration")
    assert "1h30" in message


def test_very_long_input_is_shortened_in_the_message():
    with pytest.raises(DurationError) as error:
        parse_duration("x" * 500)
    assert len(str(error.value)) < 200


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(None, "unknown"), (5, "5 min"), (60, "1 h"), (90, "1 h 30 min"), (1440, "24 h")],
)
def test_format_duration(minutes, shown):
    assert format_duration(minutes) == shown


def test_format_hours():
    assert format_hours(90) == "1.5 h"
    assert format_hours(120) == "2 h"
    assert format_hours(0) == "0 h"
    assert format_hours(None) == "0 h"


@pytest.mark.parametrize("minutes", [1, 45, 60, 90, 125, 1440])
def test_a_stored_duration_shown_in_a_form_reads_back_the_same(minutes):
    assert parse_duration(duration_input(minutes)) == minutes


def test_a_decimal_too_large_for_hours_says_how_to_write_minutes():
    with pytest.raises(DurationError) as error:
        parse_duration("90.5")
    message = str(error.value)
    assert "90.5 hours" in message
    assert "90.5m" in message


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("2", "for 2 hours, type 2h"),
        ("1", "for 1 hour, type 1h"),
        ("9", "for 9 hours, type 9h"),
        ("10", ""),
        ("45", ""),
        ("2m", ""),
        ("2h", ""),
    ],
)
def test_a_small_bare_number_is_minutes_with_a_word_about_hours(typed, hint):
    assert read_duration(typed).hint == hint


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("", ""),
        ("   ", ""),
        ("1.5", "= 1 h 30 min"),
        ("90", "= 1 h 30 min"),
        ("45m", "= 45 min"),
        ("2", "= 2 min · for 2 hours, type 2h"),
        ("1h", "= 1 h"),
        ("0", "Duration must be more than zero."),
    ],
)
def test_the_preview_says_what_was_understood(typed, shown):
    assert preview_duration(typed) == shown


def test_the_preview_of_nonsense_says_how_to_type_it():
    assert preview_duration("abc").startswith("Duration “abc” is not understood")


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        # Half a minute and more counts as a minute, even and odd alike (no banker's rounding).
        ("0.5m", 1),
        ("2.5m", 3),
        ("3.5m", 4),
        ("1.49m", 1),
        ("0.025h", 2),  # 1.5 minutes
        ("0.075", 5),  # 4.5 minutes, written as hours
    ],
)
def test_half_a_minute_rounds_up(typed, minutes):
    assert parse_duration(typed) == minutes


@pytest.mark.parametrize("typed", ["1h60", "1h 60m", "0h60", "2:60"])
def test_sixty_minutes_after_the_hours_is_not_understood(typed):
    with pytest.raises(DurationError, match="is not understood"):
        parse_duration(typed)


def test_fifty_nine_minutes_after_the_hours_is_understood():
    assert parse_duration("1h59") == 119 and parse_duration("0h59") == 59


def test_input_is_read_up_to_forty_characters():
    assert parse_duration("0" * 38 + "45") == 45  # 40 characters
    with pytest.raises(DurationError, match="is not understood"):
        parse_duration("0" * 39 + "45")  # 41


def test_a_long_input_is_cut_to_thirty_characters_in_the_message():
    how = "type minutes like 45 or 90 min, or hours like 1.5h, 1h30 or 1h 30m."
    with pytest.raises(DurationError) as error:
        parse_duration("  " + "x" * 31 + "  ")
    assert str(error.value) == f"Duration “{'x' * 29}…” is not understood: {how}"
    with pytest.raises(DurationError) as error:
        parse_duration("y" * 30)
    assert str(error.value) == f"Duration “{'y' * 30}” is not understood: {how}"


def test_whole_hours_are_shown_without_a_decimal():
    assert [format_hours(m) for m in (120, 180, 90, 0)] == ["2 h", "3 h", "1.5 h", "0 h"]
    assert [duration_input(m) for m in (None, 120, 125, 45)] == ["", "2h", "2h05", "45m"]
