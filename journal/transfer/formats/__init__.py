"""Every format by name: how to write it, and how to recognise and read a file."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
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
    write: object


EXPORT_FORMATS = {
    "markdown": ExportFormat(
        "markdown", "Markdown, one file", "md", "text/markdown; charset=utf-8", write_markdown
    ),
    "zip": ExportFormat(
        "zip", "Markdown, one file per day (zip, for Obsidian)", "zip", "application/zip", write_zip
    ),
    "json": ExportFormat(
        "json", "JSON, everything (for a backup)", "json", "application/json", write_json
    ),
    "csv": ExportFormat(
        "csv", "CSV, for spreadsheets", "csv", "text/csv; charset=utf-8", write_csv
    ),
}

IMPORT_FORMATS = {
    "json": "Roadbook JSON",
    "zip": "Roadbook zip of day files",
    "markdown": "Roadbook Markdown",
    "csv": "CSV with Roadbook's columns",
    "jrnl": "jrnl journal file",
    "jrnl-json": "jrnl JSON export",
}


TEXT_EXTENSIONS = (".json", ".md", ".markdown", ".csv", ".txt")
NOT_RECOGNISED = (
    "This file's format is not recognised. Roadbook reads its own json, zip, markdown "
    "and csv exports, jrnl journal files and jrnl's json export."
)


def read_file(data: bytes, filename: str = "", fmt: str = "", zone=None) -> tuple[str, JournalData]:
    """Recognise (unless ``fmt`` names it) and read a file; return its format and its data.

    Raises FormatError with a message that names the line or entry at fault.
    """
    zone = zone or ZoneInfo("UTC")
    if not data.strip():
        raise FormatError("The file is empty: there is nothing to import.")
    if fmt and fmt not in IMPORT_FORMATS:
        raise FormatError(f"Unknown format “{fmt}”; use one of: {', '.join(IMPORT_FORMATS)}.")
    document = None
    if not fmt:
        fmt, document = detect(data, filename)
    if fmt == "zip":
        return fmt, read_zip(data)
    text = _text(data)
    if fmt == "markdown":
        return fmt, read_markdown(text)
    if fmt == "csv":
        return fmt, read_csv(text)
    if fmt == "jrnl":
        return fmt, read_jrnl_text(text, zone)
    if document is None:
        document = load_json(text)
    if fmt == "json":
        if not is_roadbook_json(document):
            raise FormatError("This JSON is not a Roadbook export: it has no “format” of ours.")
        return fmt, read_json(document)
    if not looks_like_jrnl_json(document):
        raise FormatError("This JSON is not a jrnl export: it has no list of “entries”.")
    return fmt, read_jrnl_json(document, zone)


def detect(data: bytes, filename: str) -> tuple[str, object]:
    """The file's format, and for JSON the document already parsed (else None)."""
    name = filename.lower()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06") or name.endswith(".zip"):
        return "zip", None
    if not name.endswith(TEXT_EXTENSIONS):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(NOT_RECOGNISED) from None
    text = _text(data)
    stripped = text.lstrip()
    if name.endswith(".json") or stripped.startswith("{"):
        document = load_json(text)
        if is_roadbook_json(document):
            return "json", document
        if looks_like_jrnl_json(document):
            return "jrnl-json", document
        raise FormatError(
            "This JSON is neither a Roadbook export nor a jrnl export "
            "(jrnl --format json). Nothing was imported."
        )
    if stripped.startswith(TITLE) or name.endswith((".md", ".markdown")):
        return "markdown", None
    if looks_like_jrnl_text(text):
        return "jrnl", None
    first_line = stripped.split("\n", 1)[0].strip().lower()
    if name.endswith(".csv") or first_line.startswith(f"{COLUMNS[0]},"):
        return "csv", None
    raise FormatError(NOT_RECOGNISED)


def _text(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
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
