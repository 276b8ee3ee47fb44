"""The transfer formats' registry: every format by name, how to recognise, read and write it."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from ..limits import JSON_MAX_CONTAINERS, JSON_MAX_DEPTH, too_many_entries
from ..records import FormatError, JournalData
from .csv_format import COLUMNS, read_csv, write_csv
from .jrnl_format import looks_like_jrnl_json, looks_like_jrnl_text, read_jrnl_json, read_jrnl_text
from .json_format import is_roadbook_json, read_json, write_json
from .markdown_format import TITLE, read_markdown, write_markdown
from .zip_format import read_zip, write_zip


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    extension: str
    mimetype: str
    write: Callable[[JournalData], bytes]
    position: int  # where the export form lists it


class Source:
    """A file being imported: its bytes, and its text and JSON document once asked for."""

    def __init__(self, data: bytes, filename: str = "", zone: ZoneInfo | None = None):
        self.data = data
        self.name = filename.lower()
        self.zone = zone or ZoneInfo("UTC")

    def named(self, *suffixes: str) -> bool:
        return self.name.endswith(suffixes)

    @cached_property
    def text(self) -> str:
        return _text(self.data)

    @cached_property
    def document(self) -> object:
        return load_json(self.text)


@dataclass(frozen=True)
class Format:
    """One file format: how to recognise it, how to read it and, if Roadbook writes it, how."""

    name: str
    label: str  # as the import form names it
    recognise: Callable[[Source], bool]
    read: Callable[[Source], JournalData]
    detect_rank: int  # recognition tries the most specific format first
    text: bool = True  # read as UTF-8 text (else as bytes, recognised before any decoding)
    json: bool = False  # a JSON document: recognised and read from the parsed document
    export: ExportFormat | None = None


def _read_roadbook_json(source: Source) -> JournalData:
    if not is_roadbook_json(source.document):
        raise FormatError("This JSON is not a Roadbook export: it has no “format” of ours.")
    return read_json(source.document)


def _read_jrnl_json(source: Source) -> JournalData:
    if not looks_like_jrnl_json(source.document):
        raise FormatError("This JSON is not a jrnl export: it has no list of “entries”.")
    return read_jrnl_json(source.document, source.zone)


def _is_zip(source: Source) -> bool:
    return source.data.startswith((b"PK\x03\x04", b"PK\x05\x06")) or source.named(".zip")


def _is_markdown(source: Source) -> bool:
    return source.text.lstrip().startswith(TITLE) or source.named(".md", ".markdown")


def _is_csv(source: Source) -> bool:
    first_line = source.text.lstrip().split("\n", 1)[0].strip().lower()
    return source.named(".csv") or first_line.startswith(f"{COLUMNS[0]},")


def _is_jrnl(source: Source) -> bool:
    return looks_like_jrnl_text(source.text)


def _is_jrnl_json(source: Source) -> bool:
    return looks_like_jrnl_json(source.document)


# Every format Roadbook reads or writes, in the order the import form lists them.
FORMATS = {
    format.name: format
    for format in (
        Format("json", "Roadbook JSON", lambda source: is_roadbook_json(source.document),
               _read_roadbook_json, detect_rank=1, json=True,
               export=ExportFormat("json", "JSON, everything (for a backup)", "json",
                                   "application/json", write_json, position=3)),
        Format("zip", "Roadbook zip of day files", _is_zip,
               lambda source: read_zip(source.data), detect_rank=0, text=False,
               export=ExportFormat("zip", "Markdown, one file per day (zip, for Obsidian)",
                                   "zip", "application/zip", write_zip, position=2)),
        Format("markdown", "Roadbook Markdown", _is_markdown,
               lambda source: read_markdown(source.text), detect_rank=3,
               export=ExportFormat("markdown", "Markdown, one file", "md",
                                   "text/markdown; charset=utf-8", write_markdown, position=1)),
        Format("csv", "CSV with Roadbook's columns", _is_csv,
               lambda source: read_csv(source.text), detect_rank=5,
               export=ExportFormat("csv", "CSV, for spreadsheets", "csv",
                                   "text/csv; charset=utf-8", write_csv, position=4)),
        Format("jrnl", "jrnl journal file", _is_jrnl,
               lambda source: read_jrnl_text(source.text, source.zone), detect_rank=4),
        Format("jrnl-json", "jrnl JSON export", _is_jrnl_json,
               _read_jrnl_json, detect_rank=2, json=True),
    )
}  # fmt: skip

# What the export and import forms offer, both read off the registry above.
EXPORT_FORMATS = {
    export.name: export
    for export in sorted(
        (format.export for format in FORMATS.values() if format.export),
        key=lambda export: export.position,
    )
}
IMPORT_FORMATS = {format.name: format.label for format in FORMATS.values()}
_BY_RANK = sorted(FORMATS.values(), key=lambda format: format.detect_rank)

TEXT_EXTENSIONS = (".json", ".md", ".markdown", ".csv", ".txt")
NOT_RECOGNISED = (
    "This file's format is not recognised. Roadbook reads its own json, zip, markdown "
    "and csv exports, jrnl journal files and jrnl's json export."
)
NOT_A_JOURNAL_JSON = (
    "This JSON is neither a Roadbook export nor a jrnl export "
    "(jrnl --format json). Nothing was imported."
)


def read_file(data: bytes, filename: str = "", fmt: str = "", zone=None) -> tuple[str, JournalData]:
    """Recognise (unless ``fmt`` names it) and read a file; return its format and its data.

    Raises FormatError with a message that names the line or entry at fault.
    """
    if not data.strip():
        raise FormatError("The file is empty: there is nothing to import.")
    if fmt and fmt not in FORMATS:
        raise FormatError(f"Unknown format “{fmt}”; use one of: {', '.join(FORMATS)}.")
    source = Source(data, filename, zone)
    chosen = FORMATS[fmt] if fmt else detect(source)
    return chosen.name, chosen.read(source)


def detect(source: Source) -> Format:
    """The file's format, tried in ``detect_rank`` order; FormatError when none fits."""
    for format in _BY_RANK:
        if not format.text and format.recognise(source):
            return format
    if not source.named(*TEXT_EXTENSIONS):
        try:
            source.data.decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(NOT_RECOGNISED) from None
    # A JSON document is one of the JSON formats or none: never read as text of another.
    looks_json = source.named(".json") or source.text.lstrip().startswith("{")
    for format in _BY_RANK:
        if format.text and format.json == looks_json and format.recognise(source):
            return format
    raise FormatError(NOT_A_JOURNAL_JSON if looks_json else NOT_RECOGNISED)


def _text(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Counted as the text's lines are: a lone carriage return ends a line too.
        before = data[: error.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        raise FormatError(f"line {line}: the file is not UTF-8 text.") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# A JSON string, from its opening quote to its closing one (or to the end of a file that
# never closes it). Possessive: every character is looked at once, whatever the input.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_NESTING = {"[": 1, "{": 1, "]": -1, "}": -1}
# Longer than any number a journal holds (a 64-bit one has 19 digits): int() is never
# asked for thousands of digits, and the float it becomes is refused as a whole number.
_JSON_INT_DIGITS = 20


def load_json(text: str) -> object:
    """Parse a JSON file, once its nesting and size are known to be a journal's.

    The brackets outside strings are counted first (linear time): a file nested deeper
    than any journal, which would exhaust the parser's recursion, or holding more objects
    and lists than an import takes, is refused before it is parsed.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    depth = max(itertools.accumulate(map(_NESTING.__getitem__, brackets)), default=0)
    if depth > JSON_MAX_DEPTH:
        raise FormatError(
            f"This JSON is nested {depth} deep; a journal's JSON is nested 5 deep at most "
            f"(and at most {JSON_MAX_DEPTH} deep is read)."
        )
    containers = brackets.count("[") + brackets.count("{")
    if containers > JSON_MAX_CONTAINERS:
        raise too_many_entries(f"This JSON has {containers:,} objects and lists")
    try:
        return json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as error:
        raise FormatError(
            f"line {error.lineno}, column {error.colno}: this is not valid JSON ({error.msg})."
        ) from None


def _json_int(digits: str) -> int | float:
    return int(digits) if len(digits) <= _JSON_INT_DIGITS else float(digits)
