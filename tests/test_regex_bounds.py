"""Every regular expression that sees user text runs in linear time: each is tried on long
runs of spaces, tabs, brackets and the characters it repeats on. The bound is generous
(seconds for 100,000 characters): it catches super-linear growth, not speed.

(The Markdown renderer's own rules are tried in test_notes.py; a migration file's revision
pattern in journal/schema.py reads only the project's own files.)
"""

from __future__ import annotations

import pytest

from journal.auth.services import USERNAME_RE
from journal.entries.duration import DurationError, parse_duration
from journal.entries.forms import safe_form_id
from journal.entries.notes import drop_empty_sections, extract_tags
from journal.entries.services import valid_idempotency_key
from journal.roadmap.services import COLOR_RE

from .support import cpu_time_under

N = 100_000
RUNS = [
    " " * N,
    "\t" * N,
    "[" * N,
    "(" * N,
    "\n" * N,
    " \t" * (N // 2),
    "a" * N + "!",
    "1" * N + "x",
]


def bounded(function, text):
    with cpu_time_under(2, repr(text[:20])):
        return function(text)


def duration_or_none(text):
    try:
        return parse_duration(text)
    except DurationError:
        return None


CHECKS = {
    "username": (lambda text: USERNAME_RE.match(text), ["a" * N + "!", "-" * N, "a." * N]),
    "stage colour": (lambda text: COLOR_RE.match(text), ["#" + "a" * N, "#" * N]),
    "idempotency key": (valid_idempotency_key, ["a" * N + "!", "-_" * N]),
    "form id": (safe_form_id, ["entry-" + "1" * N + "x", "quick-add" * N]),
    "duration": (
        duration_or_none,
        [
            "1" + " " * N + "h",
            "1h" + " " * N + "," + " " * N + "30",
            "1h" + ", " * N + "30",
            "." * N,
            "1" * N + "h",
            "1:" + "5" * N,
        ],
    ),
    "tags": (
        extract_tags,
        [
            "#" + "a" * N + "/",
            "#a/" * (N // 3),
            "#a-" * (N // 3),
            "##" * N,
            "&#" * N,
            "```\n" * (N // 4),
            "```" + "a" * N,
            "~~~\n```\n" * (N // 8),
            "`" * N,
            "`a" * N,
            "#a" + "/-" * N,
        ],
    ),
    "empty sections": (
        drop_empty_sections,
        [
            "# a\n" * (N // 4),
            "#" * N,
            "# " + " " * N,
            "###### " + "\t" * N + "\n" * N,
            "\n\n\n" * N,
        ],
    ),
}


@pytest.mark.parametrize("name", CHECKS)
def test_each_pattern_is_linear_on_long_runs(name):
    function, own_runs = CHECKS[name]
    for text in RUNS + own_runs:
        bounded(function, text)


def test_the_patterns_still_do_their_job_on_long_input():
    """The same inputs, where they mean something, still give the right answer."""
    assert duration_or_none("1h" + " " * N + "30") == 90
    assert extract_tags("#" + "a" * 40 + " " * N + "#b") == ["a" * 40, "b"]
    assert drop_empty_sections("# a\n" * 1000 + "# b\ntext") == "# b\ntext"
    assert safe_form_id("entry-" + "1" * N) == "entry-" + "1" * N
