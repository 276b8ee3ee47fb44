"""How much one import may hold.

An import is read, checked and planned before it takes the database's write lock, then
written in one transaction: these caps keep that transaction short (the largest import they
allow holds the lock well under a second; ``python -m bench.import_lock`` measures it) and
the memory of reading a file proportional to the upload limit. docs/export-format.md lists
them.
"""

from __future__ import annotations

from flask import current_app, has_app_context

from .records import FormatError

MAX_ENTRIES = 5_000
MAX_STAGES = 100
MAX_TOPICS = 2_000
# Weekly reviews: twenty years of weeks.
MAX_REVIEWS = 1_100
# Tags and topics named on the entries, all entries together (an entry has at most 50 tags).
MAX_ENTRY_LINKS = 25_000

# Roadbook's JSON nests five deep (document, stages, a stage, its topics, a topic), jrnl's
# four: anything much deeper is not a journal, and deep enough would exhaust the parser.
JSON_MAX_DEPTH = 16
# Objects and lists in a JSON file: three per entry (itself, its topics, its tags), two per
# stage, one per topic, and a few for the document.
JSON_MAX_CONTAINERS = 3 * MAX_ENTRIES + 2 * MAX_STAGES + MAX_TOPICS + MAX_REVIEWS + 16

# Rendering an import's notes happens before the write lock, but still within its request:
# past this, the import stops and says to import the file in parts.
RENDER_SECONDS_MAX = 30

DEFAULT_UPLOAD_BYTES = 4 * 1024 * 1024


def upload_bytes() -> int:
    """The largest upload (``MAX_CONTENT_LENGTH``); the other sizes are multiples of it."""
    if has_app_context():
        return int(current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_UPLOAD_BYTES)
    return DEFAULT_UPLOAD_BYTES


def file_bytes() -> int:
    """The largest file the command line imports, and all of a zip's files unpacked."""
    return 2 * upload_bytes()


def written_bytes() -> int:
    """The most one import writes of notes and their rendering, all entries together: what
    the write transaction spends its time on once the rows are few."""
    return 4 * upload_bytes()


def megabytes(size: int) -> str:
    return f"{round(size / (1024 * 1024), 1):g} MB"


def import_in_parts(message: str) -> FormatError:
    """A file over one of the caps: say which, and how to import it all the same."""
    return FormatError(
        f"{message} Import it in parts: export a date range at a time (Settings → Your data, "
        "or flask --app journal export --from … --to …)."
    )


def too_many_entries(where: str) -> FormatError:
    return import_in_parts(
        f"{where}: the file holds more than {MAX_ENTRIES:,} entries, the most one import takes."
    )


def add_entry(entries: list, entry) -> None:
    """Append an entry read from a file; refuse a file holding more than one import takes."""
    if len(entries) >= MAX_ENTRIES:
        raise too_many_entries(entry.where or "the file")
    entries.append(entry)
