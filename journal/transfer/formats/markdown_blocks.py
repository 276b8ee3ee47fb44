"""Entries as Markdown blocks, written and read back exactly.

An entry is a heading with its stage and duration, an optional list of details
(topics, tags, link) and the notes as written::

    #### Databases and SQL · 1 h 30 min

    - Topics: JOINs; Indexes
    - Tags: #sql
    - Link: <https://example.org/joins>

    The notes, Markdown as typed.

Notes stay as written, except for a line that would read as the file's own structure
(such as a heading "#### Foo · 45 min"): it gets one leading backslash, which Markdown
shows as nothing more than the literal text, and which the reader removes again.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ...entries.duration import MAX_MINUTES, format_duration
from ...entries.notes import NOTES_MAX_BYTES
from ...validation import parse_int
from ..records import DURATION_RANGE, EntryRecord, FormatError, join_list, split_list

UNKNOWN = "duration unknown"
DURATION = r"(?P<duration>\d+ h \d+ min|\d+ h|\d+ min|duration unknown)"
META = re.compile(r"^- (?P<key>Topics|Tags|Link): ?(?P<value>.*)$")


def entry_heading(level: int) -> re.Pattern:
    return re.compile(rf"^{'#' * level} (?P<stage>.+) · {DURATION}$")


def duration_label(minutes: int | None) -> str:
    return UNKNOWN if minutes is None else format_duration(minutes)


def parse_duration_label(text: str) -> int | None:
    """``1 h 30 min`` → 90, ``duration unknown`` → None; ValueError when a number is too large.

    ``text`` matched DURATION: numbers, each followed by its unit.
    """
    if text == UNKNOWN:
        return None
    words = text.split()
    minutes = 0
    for number, unit in zip(words[::2], words[1::2], strict=True):
        value = parse_int(number, 0, MAX_MINUTES)
        if value is None:
            raise ValueError(DURATION_RANGE)
        minutes += value * 60 if unit == "h" else value
    return minutes


def write_entry(entry: EntryRecord, level: int, structure: list[re.Pattern]) -> list[str]:
    """The lines of one entry; ``structure`` lists the patterns notes lines must not look like."""
    lines = [f"{'#' * level} {entry.stage} · {duration_label(entry.minutes)}", ""]
    details = []
    if entry.topics:
        details.append(f"- Topics: {join_list(entry.topics)}")
    if entry.tags:
        details.append("- Tags: " + " ".join(f"#{tag}" for tag in entry.tags))
    if entry.link:
        details.append(f"- Link: <{entry.link}>")
    if details:
        lines += [*details, ""]
    if entry.notes:
        notes = entry.notes
        if _MAYBE_STRUCTURAL.search(notes) or notes.lstrip("\\").startswith("- "):
            lines += [
                _escape(line, structure, first=n == 0) for n, line in enumerate(notes.split("\n"))
            ]
        else:
            lines += notes.split("\n")  # no line could read as structure: as they are
        lines.append("")
    return lines


# A line that could be a heading: the only kind of structural line past an entry's first.
_MAYBE_STRUCTURAL = re.compile(r"^\\*#", re.MULTILINE)


def _looks_structural(line: str, structure: list[re.Pattern], first: bool) -> bool:
    # Every structural line is a heading, or (first under a heading) a detail line: a
    # quick look at the first character spares the patterns for nearly every line.
    rest = line.lstrip("\\")
    if rest.startswith("#"):
        return any(p.match(rest) for p in structure)
    return first and rest.startswith("- ") and bool(META.match(rest))


def _escape(line: str, structure, *, first: bool) -> str:
    return "\\" + line if _looks_structural(line, structure, first) else line


def _unescape(line: str, structure, *, first: bool) -> str:
    if line.startswith("\\") and _looks_structural(line, structure, first):
        return line[1:]
    return line


# An entry's lines below its heading: notes of at most NOTES_MAX_BYTES, and its details
# (topics, tags, link) in up to 100 kB more. Counted as they are read, so that a block of
# millions of empty lines is refused, not kept.
BLOCK_MAX_CHARS = NOTES_MAX_BYTES + 100_000


@dataclass
class EntryBlock:
    """An entry's heading as read, and the lines below it up to the next heading."""

    heading: re.Match
    line_no: int
    where: str = ""
    # The lines below the heading: lines[0] is on line line_no + 1.
    lines: list[str] = field(default_factory=list)
    size: int = 0

    def add(self, line: str) -> None:
        self.size += len(line) + 1
        if self.size > BLOCK_MAX_CHARS:
            raise FormatError(
                f"{self.where}line {self.line_no}: this entry runs on past "
                f"{BLOCK_MAX_CHARS // 1000} kB; notes may be at most {NOTES_MAX_BYTES // 1000} kB."
            )
        self.lines.append(line)


def entry_blocks(
    numbered: Iterable[tuple[int, str]], heading: re.Pattern, outside: str, where: str = ""
) -> Iterator[EntryBlock]:
    """Split numbered lines into blocks, each from a line ``heading`` matches to the next.

    Text before the first heading (blank lines aside) is refused with the message
    ``outside``; ``where`` prefixes messages (a file name, or "").
    """
    block: EntryBlock | None = None
    for line_no, line in numbered:
        if found := heading.match(line):
            if block is not None:
                yield block
            block = EntryBlock(found, line_no, where)
        elif block is not None:
            block.add(line)
        elif line.strip():
            raise FormatError(f"{where}line {line_no}: {outside}")
    if block is not None:
        yield block


def read_entry(
    block: EntryBlock, study_date, structure: list[re.Pattern], where: str
) -> EntryRecord:
    """Turn a block back into an entry. ``where`` prefixes messages (a file name, or "")."""
    try:
        minutes = parse_duration_label(block.heading.group("duration"))
    except ValueError:
        raise FormatError(f"{where}line {block.line_no}: {DURATION_RANGE}") from None
    entry = EntryRecord(
        study_date=study_date,
        stage=block.heading.group("stage").strip(),
        minutes=minutes,
        where=f"{where}line {block.line_no}",
    )
    lines = deque(enumerate(block.lines, start=block.line_no + 1))
    while lines and not lines[0][1].strip():
        lines.popleft()
    seen: set[str] = set()
    while lines and (found := META.match(lines[0][1])):
        line_no, _ = lines.popleft()
        key, value = found.group("key"), found.group("value").strip()
        if key in seen:
            raise FormatError(f"{where}line {line_no}: this entry already has a “{key}” line.")
        seen.add(key)
        if key == "Topics":
            entry.topics = split_list(value)
        elif key == "Tags":
            entry.tags = [tag.lstrip("#") for tag in value.split() if tag.lstrip("#")]
        elif value:
            entry.link = value[1:-1] if value.startswith("<") and value.endswith(">") else value
    while lines and not lines[0][1].strip():
        lines.popleft()
    while lines and not lines[-1][1].strip():
        lines.pop()
    entry.notes = "\n".join(
        _unescape(line, structure, first=n == 0) for n, (_, line) in enumerate(lines)
    )
    return entry
