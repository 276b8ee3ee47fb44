"""The client's duration check (for entries kept offline) and the journal's agree.

Both are held to one hand-written table: what each text means, or the start of the message
that refuses it.
"""

from __future__ import annotations

import pytest

from journal.entries.duration import DurationError as ServerError
from journal.entries.duration import parse_duration
from roadbook_cli.durations import DurationError as ClientError
from roadbook_cli.durations import minutes

TABLE = [
    ("45", 45),
    ("45m", 45),
    (" 45 MIN ", 45),
    ("90 minutes", 90),
    ("1.5h", 90),
    ("1,5 h", 90),
    (".5h", 30),
    ("2 hours", 120),
    ("1h30", 90),
    ("1h 30m", 90),
    ("1 hour, 5 min", 65),
    ("1:05", 65),
    ("2.5m", 3),  # half a minute and more counts as a minute
    ("1.5", 90),  # a bare decimal is hours
    (",25", 15),
    ("25.5", "Duration “25.5” means 25.5 hours"),
    ("24h", 1440),
    ("", "Duration is required."),
    ("-5", "Duration must be more than zero."),
    ("0", "Duration must be more than zero."),
    ("24h1", "Duration must be at most 24 hours."),
    ("1h60", "Duration “1h60” is not understood"),
    ("1:75", "Duration “1:75” is not understood"),
    ("4x", "Duration “4x” is not understood"),
    ("1" * 41, "is not understood"),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_both_read_a_duration_alike(text, expected):
    for parse, error in ((parse_duration, ServerError), (minutes, ClientError)):
        if isinstance(expected, int):
            assert parse(text) == expected, parse.__module__
        else:
            with pytest.raises(error) as refused:
                parse(text)
            assert expected in str(refused.value), parse.__module__
