"""One row per entry, for spreadsheets; read back when the columns are the export's.

A text cell that a spreadsheet would take for a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe, as is
one that already starts with an apostrophe; the reader removes exactly one again.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from ...entries.duration import MAX_MINUTES
from ...validation import parse_int
from ..limits import add_entry
from ..records import (
    DURATION_RANGE,
    EntryRecord,
    FormatError,
    JournalData,
    iso_time,
    join_list,
    parse_time,
    split_list,
)

COLUMNS = [
    "date",
    "stage",
    "minutes",
    "topics",
    "tags",
    "notes",
    "link",
    "created_at",
    "updated_at",
]
REQUIRED = {"date", "stage", "minutes", "notes"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def write_csv(journal: JournalData) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in journal.entries:
        writer.writerow(
            [
                entry.study_date.isoformat(),
                _cell(entry.stage),
                "" if entry.minutes is None else str(entry.minutes),
                _cell(join_list(entry.topics)),
                _cell(" ".join(entry.tags)),
                _cell(entry.notes),
                _cell(entry.link or ""),
                iso_time(entry.created_at) or "",
                iso_time(entry.updated_at) or "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def read_csv(text: str) -> JournalData:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise FormatError(f"line 1: {error}.") from None
    if not header:
        raise FormatError("line 1: the file is empty; the first line names the columns.")
    columns = [name.strip().lower() for name in header]
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        raise FormatError(
            f"line 1: unknown column “{unknown[0]}”. The columns are: {', '.join(COLUMNS)}."
        )
    missing = [name for name in COLUMNS if name in REQUIRED and name not in columns]
    if missing:
        raise FormatError(f"line 1: the column “{missing[0]}” is missing.")
    entries = []
    line = reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                add_entry(entries, _row(dict(zip(columns, row, strict=False)), row, columns, line))
            line = reader.line_num + 1
    except csv.Error as error:
        raise FormatError(f"line {line}: {error}.") from None
    return JournalData(entries=entries)


def _row(cells: dict[str, str], row: list[str], columns: list[str], line: int) -> EntryRecord:
    where = f"line {line}"
    if len(row) != len(columns):
        raise FormatError(f"{where}: {len(row)} cells where the header has {len(columns)}.")
    try:
        study_date = date.fromisoformat(cells["date"].strip())
    except ValueError:
        raise FormatError(f"{where}: “date” must be a date such as 2026-03-14.") from None
    minutes_text = cells["minutes"].strip()
    if minutes_text and not minutes_text.isdecimal():
        raise FormatError(f"{where}: “minutes” must be a whole number of minutes, or empty.")
    minutes = parse_int(minutes_text, 1, MAX_MINUTES) if minutes_text else None
    if minutes_text and minutes is None:
        raise FormatError(f"{where}: {DURATION_RANGE}")
    times = {}
    for key in ("created_at", "updated_at"):
        value = cells.get(key, "").strip()
        try:
            times[key] = parse_time(value) if value else None
        except ValueError:
            raise FormatError(
                f"{where}: “{key}” must be a time such as 2026-03-14T18:30:00Z, or empty."
            ) from None
    return EntryRecord(
        study_date=study_date,
        stage=_uncell(cells["stage"]).strip() or None,
        minutes=minutes,
        notes=_uncell(cells["notes"]),
        topics=split_list(_uncell(cells.get("topics", ""))),
        tags=[tag.lstrip("#") for tag in _uncell(cells.get("tags", "")).split() if tag.strip("#")],
        link=_uncell(cells.get("link", "")).strip() or None,
        created_at=times["created_at"],
        updated_at=times["updated_at"],
        where=where,
    )
