"""The weekly review finds what a learner wrote under "What blocked me" and "Link to work",
however they wrote it, in time that grows linearly with the notes."""

from __future__ import annotations

import pytest

from journal.daily.reviews import autolink
from journal.daily.sections import BLOCKED_LABELS, LINK_LABELS, find_sections, heading_text

from .support import cpu_time_under


@pytest.mark.parametrize(
    ("notes", "blockers"),
    [
        # A heading, any level, with or without punctuation; it runs to the next heading.
        ("### What blocked me\nPip resolver.\n", ["Pip resolver."]),
        ("## What blocked me:\nCORS.\n\nCaching.\n## Next\nnot this", ["CORS.\n\nCaching."]),
        ("# What blocked me?\nAsync.", ["Async."]),
        ("#### Blockers\n- one\n- two", ["- one\n- two"]),
        ("### What blocked me ###\nClosed heading.", ["Closed heading."]),
        ("### WHAT BLOCKED ME\nShouting.", ["Shouting."]),
        # A bold label, the colon inside or outside the bold.
        ("**What blocked me:** `super()` and the MRO.", ["`super()` and the MRO."]),
        ("**What blocked me**: decorators.", ["decorators."]),
        ("__Blocked:__ the venv.", ["the venv."]),
        ("Did SQL.\n**Blocked:** LEFT JOIN\nand NULLs.\n\nThen tea.", ["LEFT JOIN\nand NULLs."]),
        # A plain label, on its own line or as a list item.
        ("Blocked: LEFT vs INNER JOIN on NULLs.", ["LEFT vs INNER JOIN on NULLs."]),
        ("Blocker: Docker networking", ["Docker networking"]),
        ("What blocked me: nothing big", ["nothing big"]),
        ("- Learned: joins\n- Blocked: flaky tests\n- Next: indexes", ["flaky tests"]),
        ("1. Blocked by: the GIL", ["the GIL"]),
        # A label alone on its line takes the paragraph (or list) below it.
        ("**What blocked me:**\nPip resolver.\n\nLater: tea.", ["Pip resolver."]),
        ("Blocked:\n\n- one\n- two\n\nafter", ["- one\n- two"]),
        # Several in one entry, in the order written.
        ("Blocked: A\n\n### What blocked me\nB", ["A", "B"]),
    ],
)
def test_blockers_in_each_form_a_learner_writes(notes, blockers):
    assert find_sections(notes, BLOCKED_LABELS) == blockers


@pytest.mark.parametrize(
    "notes",
    [
        "Nothing blocked me today.",
        "Blocked by the same bug all day.",  # a sentence, not a label: no colon
        "### What blocked me\n\n### Next heading",  # an unanswered prompt
        "Unblocked: at last",
        "```python\n# What blocked me\nBlocked: x = 1\n```\nok",  # code is not read
        "    Blocked: an indented code block line",
        "#What blocked me\nno space after the #s: a tag, not a heading",
    ],
)
def test_no_blocker_where_there_is_none(notes):
    assert find_sections(notes, BLOCKED_LABELS) == []


def test_a_section_keeps_its_code_whole():
    notes = "## What blocked me\n```\n# a comment, not a heading\n```\nStill blocked.\n# Next"
    assert find_sections(notes, BLOCKED_LABELS) == [
        "```\n# a comment, not a heading\n```\nStill blocked."
    ]


def test_links_to_work():
    notes = "### Link to work\nhttps://x.test/repo\n\nLinks: [the PR](https://x.test/pr/1)"
    assert find_sections(notes, LINK_LABELS) == [
        "https://x.test/repo",
        "[the PR](https://x.test/pr/1)",
    ]


def test_headings():
    assert heading_text("### What blocked me ###") == "What blocked me"
    assert heading_text("# C#") == "C#"
    assert heading_text("#") == ""
    assert heading_text("#tag") is None
    assert heading_text("    # indented code") is None


def test_bare_addresses_become_links_outside_code():
    assert autolink("See https://x.test/a. Done") == "See <https://x.test/a>. Done"
    assert autolink("[x](https://x.test/a)") == "[x](https://x.test/a)"
    assert autolink("<https://x.test/a>") == "<https://x.test/a>"
    assert autolink("`curl https://x.test/a`") == "`curl https://x.test/a`"


# The attack inputs: each would take seconds to minutes with a backtracking pattern (the
# heading pattern this module replaced took 8 s on the first, a thousand spaces). Most are
# longer than one note may be (notes written before the limit, imports of older versions):
# a linear pattern stays fast far past it, which is what the bound checks.
ATTACKS = [
    "# a" + " " * 1000 + "b",
    ("# a" + " " * 1000 + "b\n") * 90,
    "# " + "#" * 50_000 + " x",
    "what" + " " * 90_000 + "x",
    "**" + "*" * 90_000,
    "- " + "blocked " * 10_000,
    "**What blocked me" + " " * 90_000 + "x",
    "Blocked:" + " " * 90_000,
    "`" * 90_000,
    "http://" + "a" * 90_000 + "\u00a0",
    "### What blocked me\n" + "```\n" * 20_000,
    "Blocked:\n" + "\n" * 90_000 + "x",
    "### What blocked me\n" + " \n" * 45_000,
    "Blocked: x\n" + "```\n" * 20_000,
]


@pytest.mark.parametrize("notes", ATTACKS, ids=range(len(ATTACKS)))
def test_every_pattern_is_linear_on_attack_input(notes):
    # A generous bound, to catch super-linear growth only: each takes milliseconds.
    with cpu_time_under(2):
        for labels in (BLOCKED_LABELS, LINK_LABELS):
            for text in [notes, *find_sections(notes, labels)]:
                autolink(text)
