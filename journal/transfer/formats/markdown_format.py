"""The whole journal as one readable Markdown file: a heading per month, per day, per entry."""

from __future__ import annotations

import calendar
import re
from datetime import date

from ...entries.duration import format_hours
from ..limits import add_entry
from ..records import EntryRecord, FormatError, JournalData
from .markdown_blocks import EntryBlock, entry_heading, read_entry, write_entry

MONTHS = list(calendar.month_name)[1:]
WEEKDAYS = list(calendar.day_name)
TITLE = "# Roadbook journal"

MONTH_HEADING = re.compile(rf"^## (?P<month>{'|'.join(MONTHS)}) (?P<year>\d{{4}})$")
DAY_HEADING = re.compile(
    rf"^### (?:{'|'.join(WEEKDAYS)}) (?P<day>\d{{1,2}}) (?P<month>{'|'.join(MONTHS)}) "
    r"(?P<year>\d{4})$"
)
ENTRY_HEADING = entry_heading(4)
STRUCTURE = [MONTH_HEADING, DAY_HEADING, ENTRY_HEADING]


def month_heading(day: date) -> str:
    return f"## {MONTHS[day.month - 1]} {day.year}"


def day_heading(day: date) -> str:
    return f"### {WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def write_markdown(journal: JournalData) -> bytes:
    entries = journal.entries
    known = sum(entry.minutes or 0 for entry in entries)
    lines = [TITLE, "", _summary(entries, known, journal.filters), ""]
    month = day = None
    for entry in entries:
        if (entry.study_date.year, entry.study_date.month) != month:
            month = (entry.study_date.year, entry.study_date.month)
            lines += [month_heading(entry.study_date), ""]
        if entry.study_date != day:
            day = entry.study_date
            lines += [day_heading(day), ""]
        lines += write_entry(entry, 4, STRUCTURE)
    while lines and lines[-1] == "":
        lines.pop()
    return ("\n".join(lines) + "\n").encode("utf-8")


def _summary(entries: list[EntryRecord], known: int, filters: dict[str, str]) -> str:
    count = f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'}"
    text = f"{count}, {format_hours(known)} in all"
    unknown = sum(1 for entry in entries if entry.minutes is None)
    if unknown:
        text += f" ({unknown} with the duration unknown)"
    if filters:
        text += " · " + ", ".join(f"{key}: {value}" for key, value in filters.items())
    return text + "."


def read_markdown(text: str, *, where: str = "") -> JournalData:
    """Read a file written by write_markdown (and edited by hand, within its structure)."""
    entries: list[EntryRecord] = []
    month: tuple[int, int] | None = None
    day: date | None = None
    block: EntryBlock | None = None

    def finish():
        if block is not None:
            add_entry(entries, read_entry(block, day, STRUCTURE, where))

    for line_no, line in enumerate(text.split("\n"), start=1):
        if found := MONTH_HEADING.match(line):
            finish()
            block, day = None, None
            month = (int(found["year"]), MONTHS.index(found["month"]) + 1)
        elif found := DAY_HEADING.match(line):
            finish()
            block = None
            day = _day(found, month, line_no, where)
        elif found := ENTRY_HEADING.match(line):
            finish()
            if day is None:
                raise FormatError(
                    f"{where}line {line_no}: this entry is not under a day heading "
                    "such as “### Saturday 14 March 2026”."
                )
            block = EntryBlock(found, line_no, where)
        elif block is not None:
            block.add(line)
        elif line.strip() and month is not None:
            raise FormatError(
                f"{where}line {line_no}: text outside an entry. Each entry starts with a "
                "heading such as “#### Python fundamentals · 45 min”."
            )
    finish()
    if not entries and month is None and text.strip() and not text.startswith(TITLE):
        raise FormatError(
            f"{where}line 1: this is not a Roadbook Markdown export: it has no month "
            "heading such as “## March 2026”."
        )
    return JournalData(entries=entries)


def _day(found: re.Match, month, line_no: int, where: str) -> date:
    try:
        value = date(int(found["year"]), MONTHS.index(found["month"]) + 1, int(found["day"]))
    except ValueError:
        raise FormatError(f"{where}line {line_no}: there is no such date.") from None
    if month != (value.year, value.month):
        raise FormatError(
            f"{where}line {line_no}: the day {value.isoformat()} is not under its month's "
            f"heading (“{month_heading(value)}”)."
        )
    return value
