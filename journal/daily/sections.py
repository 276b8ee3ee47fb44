"""What a learner wrote under a label in their notes, such as "What blocked me".

Notes are Markdown, and people label a part of them in three ways; each is found:

- a heading: ``### What blocked me`` (any level, with or without ``:`` or ``?``); the
  section runs to the next heading (or the next such label);
- a bold label: ``**What blocked me:** the text`` or ``**Blocked**: the text``;
- a plain label: ``Blocked: the text``, also as a list item (``- Blocker: …``).

A label's text is the rest of its line and the lines that follow it up to a blank line, a
heading or another list item; a label alone on its line takes the paragraph below it.
Lines inside fenced code are never read as labels or headings.

Every line is looked at once, with anchored patterns that cannot backtrack over the line
(``_HEADING``, ``_LABEL``) and string methods for the rest: time grows linearly with the
notes, whatever they hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Labels, as written, lower-cased and with single spaces; longest first in patterns.
BLOCKED = (
    "what blocked me today",
    "what blocked me",
    "what is blocking me",
    "what's blocking me",
    "what\u2019s blocking me",
    "blocked by",
    "blockers",
    "blocker",
    "blocked",
)
LINKS = ("link to the work", "link to work", "links to work", "links", "link")


@dataclass(frozen=True)
class Labels:
    names: frozenset[str]
    pattern: re.Pattern  # a label at the start of a line, after a list marker and emphasis


def labels(*names: str) -> Labels:
    words = (name.split() for name in names)
    alternatives = "|".join(r"[ \t]+".join(map(re.escape, parts)) for parts in words)
    pattern = re.compile(
        r"[ ]{0,3}(?:(?:[-*+]|\d{1,9}[.)])[ \t]{1,4})?(?P<open>\*\*|__|\*|_)?"
        rf"(?P<label>{alternatives})\b",
        re.IGNORECASE,
    )
    return Labels(frozenset(names), pattern)


BLOCKED_LABELS = labels(*BLOCKED)
LINK_LABELS = labels(*LINKS)

# An ATX heading's opening: up to three spaces, one to six #s, then a space or the end.
_HEADING = re.compile(r"[ ]{0,3}(#{1,6})(?:[ \t]|$)")
_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"[ ]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]")


def heading_text(line: str) -> str | None:
    """The text of a Markdown heading line (closing #s dropped), or None."""
    found = _HEADING.match(line)
    if not found:
        return None
    text = line[found.end() :].strip()
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1] in " \t"):
        text = closed.rstrip()
    return text


def _is_label(text: str, names: frozenset[str]) -> bool:
    return " ".join(text.lower().split()).rstrip(":?.! ") in names


def _inline(line: str, wanted: Labels) -> str | None:
    """The text after ``Label:`` or ``**Label:**`` at the start of ``line``, or None."""
    found = wanted.pattern.match(line)
    if not found:
        return None
    close = found["open"] or ""
    rest = line[found.end() :].lstrip(" \t")
    if close and rest.startswith(close):  # **Label**: text
        rest = rest[len(close) :].lstrip(" \t")
    if not rest.startswith(":"):
        return None  # "Blocked by the same bug all day" is a sentence, not a label
    rest = rest[1:]
    if close and rest.startswith(close):  # **Label:** text
        rest = rest[len(close) :]
    return rest.strip()


def find_sections(notes: str, wanted: Labels) -> list[str]:
    """Every text written under one of ``wanted``'s labels, in the order written."""
    found: list[str] = []
    collecting: list[str] | None = None
    # What ends the text being collected: "section" (a heading's) at the next heading or
    # label; "line" (a label with text after it) also at a blank line or a list item;
    # "block" (a label alone on its line) also at a blank line after its text.
    mode = ""
    fence = ""  # the fence that opened the code block the scan is in, if any
    has_text = False  # whether what is collected holds more than blank lines
    for line in notes.splitlines():
        if fence:
            if line.lstrip(" ").startswith(fence):
                fence = ""
            if collecting is not None:
                collecting.append(line)
                has_text = True
            continue
        opening = _FENCE.match(line)
        heading = heading_text(line)
        label = None if heading is not None else _inline(line, wanted)
        blank = not line.strip()
        if collecting is not None:
            if mode == "section":
                ends = heading is not None or label is not None
            elif mode == "line":
                ends = heading is not None or label is not None or blank
                ends = ends or bool(_LIST_ITEM.match(line))
            else:
                ends = heading is not None or label is not None or (blank and has_text)
            if not ends:
                collecting.append(line)
                has_text = has_text or not blank
                if opening:
                    fence = opening.group(1)
                continue
            found.append("\n".join(collecting).strip())
            collecting = None
        if opening:
            fence = opening.group(1)
        elif heading is not None:
            if _is_label(heading, wanted.names):
                collecting, mode, has_text = [], "section", False
        elif label is not None:
            collecting, mode, has_text = [label], ("line" if label else "block"), bool(label)
    if collecting is not None:
        found.append("\n".join(collecting).strip())
    return [text for text in found if text]
