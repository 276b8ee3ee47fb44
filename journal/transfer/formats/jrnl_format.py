"""jrnl's journals: its plain-text journal file and the output of ``jrnl --format json``.

Plain text (jrnl's own storage format)::

    [2026-03-14 18:30] Joins at last.
    Two hours on @sql joins, then 30 min of indexes.

The time may carry seconds and AM/PM (jrnl's ``timeformat``); `` *`` after the title
marks a starred entry. JSON: ``{"tags": {...}, "entries": [{"date", "time", "title",
"body", "tags", "starred"}]}``.

jrnl records no stage and no duration. The duration is the first one the text names
("1h30", "45 min", "2 hours"), else unknown. Tags written ``@tag`` become ``#tag`` in
the notes, the journal's own tag syntax, so they stay tags; a starred entry gets
``#starred`` (on a last line "Tags: ..."). The time of day becomes the creation time.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from ...entries.duration import DurationError, parse_duration
from ..checks import check_notes_size
from ..limits import add_entry
from ..records import EntryRecord, FormatError, JournalData
from .markdown_blocks import entry_blocks

HEADER = re.compile(
    r"^\[(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s?(?P<ampm>[AaPp]\.?[Mm]\.?))?\]\s?(?P<title>.*)$"
)
# jrnl's tag syntax: a tag symbol at the start of a word, then word characters and -+*#/.
JRNL_TAG = re.compile(r"(?<!\S)[@#]([-+*#/\w]*\w)")
_AT_TAG = re.compile(r"(?<!\S)@(?=[^\W_])")
_H = r"(?:h|hr|hrs|hour|hours)"
_M = r"(?:m|min|mins|minute|minutes)"
# Runs of digits and spaces are possessive (``*+``, ``++``): a run is taken whole or not at
# all, never handed back one character at a time, so a long run costs its length once
# (``\s*,?\s*`` alone tried every split of a run of spaces: quadratic).
DURATION_IN_TEXT = re.compile(
    rf"(?<![\w.,:])(?:\d++(?:[.,]\d++)?\s*+{_H}(?:\d{{1,2}}(?!\w)|\s*+,?\s*+\d++\s*+{_M})?"
    rf"|\d++\s*+{_M})(?!\w)",
    re.IGNORECASE,
)


OUTSIDE_AN_ENTRY = (
    "a jrnl entry starts with its date and time in brackets, such as “[2026-03-14 18:30] Title”."
)


def tag_line(tags: list[str]) -> str:
    """Tags added below the notes. Not at the start of the line: "#tag" there is a heading."""
    return "Tags: " + " ".join(f"#{tag}" for tag in dict.fromkeys(tags))


def looks_like_jrnl_text(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    return bool(HEADER.match(first))


def looks_like_jrnl_json(document: object) -> bool:
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        return False
    first = document["entries"][0] if document["entries"] else {}
    return "tags" in document or (isinstance(first, dict) and ("title" in first or "body" in first))


def duration_in(text: str) -> int | None:
    """Minutes from the first duration the text names, or None when it names none."""
    for found in DURATION_IN_TEXT.finditer(text):
        try:
            return parse_duration(found.group(0))
        except DurationError:
            continue
    return None


def jrnl_entry(
    day: date, moment: time, title: str, body: str, tags: list[str], starred: bool, where: str, zone
) -> EntryRecord:
    notes = title.strip()
    body = body.strip("\n").rstrip()
    if body.strip():
        notes = f"{notes}\n{body}" if notes else body
    check_notes_size(notes, where)  # before any pattern reads the notes
    notes = _AT_TAG.sub("#", notes)
    found = {tag.casefold() for tag in JRNL_TAG.findall(notes)}
    extra = [tag for tag in tags if tag.casefold() not in found]
    if starred and "starred" not in found:
        extra.append("starred")
    if extra:
        notes = f"{notes}\n\n{tag_line(extra)}".strip()
    local = datetime.combine(day, moment).replace(tzinfo=zone)
    try:
        created = local.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # the first or last hours of the calendar, in a far time zone
        raise FormatError(f"{where}: there is no such date or time.") from None
    return EntryRecord(
        study_date=day,
        stage=None,
        minutes=duration_in(notes),
        notes=notes,
        tags=[tag.casefold() for tag in JRNL_TAG.findall(notes)],
        created_at=created,
        updated_at=created,
        where=where,
    )


def read_jrnl_text(text: str, zone: ZoneInfo) -> JournalData:
    entries: list[EntryRecord] = []
    lines = enumerate(text.split("\n"), start=1)
    for block in entry_blocks(lines, HEADER, OUTSIDE_AN_ENTRY):
        title = block.heading["title"].rstrip()
        starred = title == "*" or title.endswith(" *")
        if starred:
            title = title[:-1].rstrip()
        day, moment = _when(block.heading, block.line_no)
        where = f"line {block.line_no}"
        body = "\n".join(block.lines)
        add_entry(entries, jrnl_entry(day, moment, title, body, [], starred, where, zone))
    return JournalData(entries=entries)


def _when(found: re.Match, line_no: int) -> tuple[date, time]:
    hour, minute = int(found["hour"]), int(found["minute"])
    ampm = (found["ampm"] or "").replace(".", "").lower()
    try:
        day = date.fromisoformat(found["date"])
        if ampm:
            if not 1 <= hour <= 12:
                raise ValueError
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        return day, time(hour, minute, int(found["second"] or 0))
    except ValueError:
        raise FormatError(f"line {line_no}: there is no such date or time.") from None


def read_jrnl_json(document: dict, zone: ZoneInfo) -> JournalData:
    entries = []
    for n, item in enumerate(document["entries"], start=1):
        where = f"entry {n}"
        if not isinstance(item, dict):
            raise FormatError(f"{where}: must be an object with a date, a title and a body.")
        try:
            day = date.fromisoformat(item.get("date") or "")
        except (TypeError, ValueError):
            raise FormatError(f"{where}: “date” must be a date such as 2026-03-14.") from None
        where = f"entry {n} ({day.isoformat()})"
        try:
            moment = time.fromisoformat(item.get("time") or "00:00")
        except (TypeError, ValueError):
            raise FormatError(f"{where}: “time” must be a time such as 18:30.") from None
        title, body = item.get("title", ""), item.get("body", "")
        if not isinstance(title, str) or not isinstance(body, str):
            raise FormatError(f"{where}: “title” and “body” must be text.")
        tags = item.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise FormatError(f'{where}: “tags” must be a list of tags such as "@python".')
        tags = [tag.lstrip("@#") for tag in tags if tag.lstrip("@#")]
        starred = item.get("starred") is True
        add_entry(entries, jrnl_entry(day, moment, title, body, tags, starred, where, zone))
    return JournalData(entries=entries)
