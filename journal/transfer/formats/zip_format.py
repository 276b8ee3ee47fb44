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
import itertools
import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import date

from ...entries.notes import NOTES_MAX_BYTES
from ..limits import (
    MAX_ENTRIES,
    add_entry,
    file_bytes,
    import_in_parts,
    megabytes,
    upload_bytes,
)
from ..records import EntryRecord, FormatError, JournalData, slug
from .markdown_blocks import (
    BLOCK_MAX_CHARS,
    entry_blocks,
    entry_heading,
    read_entry,
    write_entry,
)

ENTRY_HEADING = entry_heading(2)
OUTSIDE_AN_ENTRY = (
    "text outside an entry. Each entry starts with a heading "
    "such as “## Python fundamentals · 45 min”."
)
STRUCTURE = [ENTRY_HEADING]
DAY_FILE = re.compile(r"^(?:.*/)?(?P<date>\d{4}-\d{2}-\d{2})\.md$")


def write_zip(journal: JournalData) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for day, group in itertools.groupby(journal.entries, key=lambda entry: entry.study_date):
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


# Compression methods read: those that unpack a bounded amount at a time. Python also reads
# bzip2 and LZMA members, but hands over all that a chunk unpacks to at once.
READABLE = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64"}
ENCRYPTED = 0x1  # general purpose flag bit 0: the member needs a password
# The longest line read from a day file: as long as an entry's whole block may be, in
# characters of up to four bytes.
LINE_MAX_BYTES = 4 * BLOCK_MAX_CHARS


def read_zip(data: bytes) -> JournalData:
    """Read every day file of the zip, line by line: at most ``MAX_ENTRIES`` of them,
    each unpacking to at most the upload limit, all together to at most twice it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise FormatError("This is not a zip file, or it is damaged.") from None
    except NotImplementedError as error:  # a member that needs a later zip version to unpack
        raise FormatError(f"This zip file needs what this import cannot read: {error}.") from None
    entries: list[EntryRecord] = []
    with archive:
        days = _day_files(archive)
        for day, info in sorted(days, key=lambda pair: (pair[0], pair[1].filename)):
            name = info.filename.rsplit("/", 1)[-1]
            try:
                with archive.open(info) as member:
                    read_day_file(_lines(member, name), day, name, entries)
            except FormatError:
                raise
            # What zipfile raises for a damaged member: a bad header, offset, CRC or stream.
            except (
                zipfile.BadZipFile,
                OSError,
                EOFError,
                ValueError,
                NotImplementedError,
                zlib.error,
            ):
                raise FormatError(f"{name}: the file is damaged inside the zip.") from None
    return JournalData(entries=entries)


def _day_files(archive: zipfile.ZipFile) -> list[tuple[date, zipfile.ZipInfo]]:
    """The zip's day files, checked before any is unpacked: names, methods and sizes."""
    members = [info for info in archive.infolist() if not _ignored(info)]
    if len(members) > MAX_ENTRIES:
        raise import_in_parts(
            f"The zip holds {len(members):,} files; one import reads at most {MAX_ENTRIES:,} "
            "day files."
        )
    member_max, total_max = upload_bytes(), file_bytes()
    days, total = [], 0
    for info in members:
        found = DAY_FILE.match(info.filename)
        if not found:
            raise FormatError(
                f"{_shorten(info.filename)}: not a day file. A Roadbook zip holds one file per "
                "day, named like 2026-03-14.md."
            )
        name = info.filename.rsplit("/", 1)[-1]
        try:
            day = date.fromisoformat(found["date"])
        except ValueError:
            raise FormatError(f"{name}: there is no such date.") from None
        if info.flag_bits & ENCRYPTED:
            raise FormatError(
                f"{name}: the file is encrypted (the zip was made with a password). "
                "Make the zip again without one."
            )
        if info.compress_type not in READABLE:
            method = METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            raise FormatError(
                f"{name}: the file is compressed with {method}, which Roadbook does not unpack. "
                "Make the zip again with the usual compression (deflate)."
            )
        if info.file_size > member_max:
            raise FormatError(
                f"{name}: the file unpacks to {megabytes(info.file_size)}; a day file may "
                f"hold at most {megabytes(member_max)}."
            )
        total += info.file_size
        days.append((day, info))
    if total > total_max:
        raise import_in_parts(
            f"The zip unpacks to {megabytes(total)}; one import reads at most "
            f"{megabytes(total_max)}."
        )
    return days


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lines(member, name: str) -> Iterator[str]:
    """The member's lines, read and decoded one at a time, without their line ends."""
    for line_no in itertools.count(1):
        raw = member.readline(LINE_MAX_BYTES + 1)
        if not raw:
            return
        if len(raw) > LINE_MAX_BYTES:
            raise FormatError(
                f"{name}, line {line_no}: the line is longer than {LINE_MAX_BYTES // 1000} kB; "
                f"an entry's notes may be at most {NOTES_MAX_BYTES // 1000} kB."
            )
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(f"{name}, line {line_no}: the file is not UTF-8 text.") from None
        if line_no == 1:
            line = line.removeprefix("\ufeff")
        yield line.removesuffix("\n").removesuffix("\r")


def _ignored(info: zipfile.ZipInfo) -> bool:
    """Folders and what systems add on their own (macOS resource forks, hidden files)."""
    parts = info.filename.split("/")
    return info.is_dir() or parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts if p)


def read_day_file(lines: Iterable[str], day: date, name: str, entries: list[EntryRecord]) -> None:
    """Read one day file's lines, adding its entries to ``entries``."""
    where = f"{name}, "
    numbered = enumerate(lines, start=1)
    first = next(numbered, (1, ""))[1]
    if first.strip() != "---":
        raise FormatError(f"{where}line 1: a day file starts with front matter (a line “---”).")
    matter = _front_matter(numbered, where)
    if matter.get("date") != day.isoformat():
        raise FormatError(
            f"{where}front matter: “date” must be {day.isoformat()}, the date in the file's name."
        )
    for block in entry_blocks(numbered, ENTRY_HEADING, OUTSIDE_AN_ENTRY, where):
        add_entry(entries, read_entry(block, day, STRUCTURE, where))


# Whole lines; the value keeps its surrounding spaces (stripped after), so that no run of
# spaces is ever tried two ways.
_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*+):(?P<value>(?:\s.*)?)$")
_ITEM = re.compile(r"^\s++-(?P<value>\s.*)$")


def _front_matter(numbered: Iterator[tuple[int, str]], where: str) -> dict[str, object]:
    """The small part of YAML that front matter uses: ``key: value`` and ``- item`` lists.

    Reads ``numbered`` lines up to the closing ``---``.
    """
    values: dict[str, object] = {}
    key = None
    for line_no, line in numbered:
        if line.strip() == "---":
            return values
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if found := _KEY.fullmatch(line):
            key, value = found["key"], found["value"].strip()
            values[key] = _scalar(value, where, line_no) if value else []
        elif (found := _ITEM.fullmatch(line)) and isinstance(values.get(key), list):
            values[key].append(_scalar(found["value"].strip(), where, line_no))
        else:
            raise FormatError(f"{where}line {line_no}: this front matter line is not understood.")
    raise FormatError(f"{where}line 1: the front matter is not closed by a line “---”.")


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
