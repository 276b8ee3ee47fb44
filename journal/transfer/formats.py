"""Every format by name: how to write it, and how to recognise and read a file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .csv_format import COLUMNS, read_csv, write_csv
from .jrnl_format import looks_like_jrnl_json, looks_like_jrnl_text, read_jrnl_json, read_jrnl_text
from .json_format import is_roadbook_json, read_json, write_json
from .markdown_format import TITLE, read_markdown, write_markdown
from .records import FormatError, JournalData
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
    fmt = fmt or detect(data, filename)
    if fmt not in IMPORT_FORMATS:
        raise FormatError(f"Unknown format “{fmt}”; use one of: {', '.join(IMPORT_FORMATS)}.")
    if fmt == "zip":
        return fmt, read_zip(data)
    text = _text(data)
    if fmt == "markdown":
        return fmt, read_markdown(text)
    if fmt == "csv":
        return fmt, read_csv(text)
    if fmt == "jrnl":
        return fmt, read_jrnl_text(text, zone)
    document = _json(text)
    if fmt == "json":
        if not is_roadbook_json(document):
            raise FormatError("This JSON is not a Roadbook export: it has no “format” of ours.")
        return fmt, read_json(document)
    if not looks_like_jrnl_json(document):
        raise FormatError("This JSON is not a jrnl export: it has no list of “entries”.")
    return fmt, read_jrnl_json(document, zone)


def detect(data: bytes, filename: str) -> str:
    name = filename.lower()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06") or name.endswith(".zip"):
        return "zip"
    if not name.endswith(TEXT_EXTENSIONS):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(NOT_RECOGNISED) from None
    text = _text(data)
    stripped = text.lstrip()
    if name.endswith(".json") or stripped.startswith("{"):
        document = _json(text)
        if is_roadbook_json(document):
            return "json"
        if looks_like_jrnl_json(document):
            return "jrnl-json"
        raise FormatError(
            "This JSON is neither a Roadbook export nor a jrnl export "
            "(jrnl --format json). Nothing was imported."
        )
    if stripped.startswith(TITLE) or name.endswith((".md", ".markdown")):
        return "markdown"
    if looks_like_jrnl_text(text):
        return "jrnl"
    first_line = stripped.split("\n", 1)[0].strip().lower()
    if name.endswith(".csv") or first_line.startswith(f"{COLUMNS[0]},"):
        return "csv"
    raise FormatError(NOT_RECOGNISED)


def _text(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FormatError(f"line {line}: the file is not UTF-8 text.") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(
            f"line {error.lineno}, column {error.colno}: this is not valid JSON ({error.msg})."
        ) from None
