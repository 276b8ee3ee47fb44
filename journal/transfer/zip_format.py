"""One Markdown file per day, ``YYYY-MM-DD.md``, with front matter Obsidian reads as properties.

    ---
    date: 2026-03-14
    stages:
      - "Databases and SQL"
    minutes: 90
    tags:
      - "stage/databases-and-sql"
      - "sql"
    ---

    ## Databases and SQL · 1 h 30 min
    ...

``minutes`` adds up the day's known durations. On import the entries below the front
matter are what counts; ``stages``, ``minutes`` and ``tags`` are derived from them.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from itertools import groupby

from .markdown_blocks import EntryBlock, entry_heading, read_entry, write_entry
from .records import EntryRecord, FormatError, JournalData, slug

ENTRY_HEADING = entry_heading(2)
STRUCTURE = [ENTRY_HEADING]
DAY_FILE = re.compile(r"^(?:.*/)?(?P<date>\d{4}-\d{2}-\d{2})\.md$")
MAX_FILES = 50_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def write_zip(journal: JournalData) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for day, group in groupby(journal.entries, key=lambda entry: entry.study_date):
            info = zipfile.ZipInfo(f"{day.isoformat()}.md", date_time=_zip_time(day))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, day_file(day, list(group)), compresslevel=6)
    return buffer.getvalue()


def _zip_time(day: date) -> tuple[int, int, int, int, int, int]:
    # Derived from the data, never the clock; zip cannot store dates before 1980.
    return (day.year, day.month, day.day, 0, 0, 0) if day.year >= 1980 else (1980, 1, 1, 0, 0, 0)


def day_file(day: date, entries: list[EntryRecord]) -> str:
    stages = list(dict.fromkeys(entry.stage for entry in entries))
    tags = [f"stage/{slug(name)}" for name in stages if slug(name)]
    tags += [tag for entry in entries for tag in entry.tags]
    lines = ["---", f"date: {day.isoformat()}", "stages:"]
    lines += [f"  - {_quote(name)}" for name in stages]
    lines.append(f"minutes: {sum(entry.minutes or 0 for entry in entries)}")
    lines += ["tags:", *(f"  - {_quote(tag)}" for tag in dict.fromkeys(tags))]
    lines += ["---", ""]
    for entry in entries:
        lines += write_entry(entry, 2, STRUCTURE)
    while lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)


def read_zip(data: bytes) -> JournalData:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FormatError("This is not a zip file, or it is damaged.") from None
    entries: list[EntryRecord] = []
    with archive:
        members = [info for info in archive.infolist() if not _ignored(info)]
        if len(members) > MAX_FILES:
            raise FormatError(f"The zip holds {len(members)} files; at most {MAX_FILES} are read.")
        if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
            raise FormatError("The zip unpacks to more than 200 MB; split it into smaller ones.")
        days = []
        for info in members:
            found = DAY_FILE.match(info.filename)
            if not found:
                raise FormatError(
                    f"{info.filename}: not a day file. A Roadbook zip holds one file per day, "
                    "named like 2026-03-14.md."
                )
            try:
                day = date.fromisoformat(found["date"])
            except ValueError:
                raise FormatError(f"{info.filename}: there is no such date.") from None
            days.append((day, info))
        for day, info in sorted(days, key=lambda pair: (pair[0], pair[1].filename)):
            name = info.filename.rsplit("/", 1)[-1]
            try:
                text = archive.read(info).decode("utf-8")
            except UnicodeDecodeError:
                raise FormatError(f"{name}: the file is not UTF-8 text.") from None
            except (zipfile.BadZipFile, OSError, EOFError):
                raise FormatError(f"{name}: the file is damaged inside the zip.") from None
            entries += read_day_file(text.removeprefix("\ufeff").replace("\r\n", "\n"), day, name)
    return JournalData(entries=entries)


def _ignored(info: zipfile.ZipInfo) -> bool:
    """Folders and what systems add on their own (macOS resource forks, hidden files)."""
    parts = info.filename.split("/")
    return info.is_dir() or parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts if p)


def read_day_file(text: str, day: date, name: str) -> list[EntryRecord]:
    where = f"{name}, "
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FormatError(f"{where}line 1: a day file starts with front matter (a line “---”).")
    try:
        end = next(n for n in range(1, len(lines)) if lines[n].strip() == "---")
    except StopIteration:
        raise FormatError(
            f"{where}line 1: the front matter is not closed by a line “---”."
        ) from None
    matter = _front_matter(lines[1:end], where)
    if matter.get("date") != day.isoformat():
        raise FormatError(
            f"{where}front matter: “date” must be {day.isoformat()}, the date in the file's name."
        )
    entries: list[EntryRecord] = []
    block: EntryBlock | None = None
    for line_no in range(end + 2, len(lines) + 1):
        line = lines[line_no - 1]
        if found := ENTRY_HEADING.match(line):
            if block is not None:
                entries.append(read_entry(block, day, STRUCTURE, where))
            block = EntryBlock(found, line_no)
        elif block is not None:
            block.lines.append((line_no, line))
        elif line.strip():
            raise FormatError(
                f"{where}line {line_no}: text outside an entry. Each entry starts with a "
                "heading such as “## Python fundamentals · 45 min”."
            )
    if block is not None:
        entries.append(read_entry(block, day, STRUCTURE, where))
    return entries


_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*):(?:\s+(?P<value>.*?))?\s*$")
_ITEM = re.compile(r"^\s+-\s+(?P<value>.*?)\s*$")


def _front_matter(lines: list[str], where: str) -> dict[str, object]:
    """The small part of YAML that front matter uses: ``key: value`` and ``- item`` lists."""
    values: dict[str, object] = {}
    key = None
    for line_no, line in enumerate(lines, start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if found := _KEY.match(line):
            key = found["key"]
            values[key] = _scalar(found["value"], where, line_no) if found["value"] else []
        elif (found := _ITEM.match(line)) and isinstance(values.get(key), list):
            values[key].append(_scalar(found["value"], where, line_no))
        else:
            raise FormatError(f"{where}line {line_no}: this front matter line is not understood.")
    return values


def _scalar(text: str, where: str, line_no: int) -> str:
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            raise FormatError(f"{where}line {line_no}: a quoted value is not closed.") from None
        return str(value)
    if text.startswith("'"):
        if len(text) < 2 or not text.endswith("'"):
            raise FormatError(f"{where}line {line_no}: a quoted value is not closed.")
        return text[1:-1].replace("''", "'")
    return text
