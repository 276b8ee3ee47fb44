"""What one import may cost: the attack files that once took a worker's memory or time,
each refused or read within bounds.

Memory is measured with tracemalloc (Python's own allocations) and time generously, in
seconds, to catch growth faster than the input; exact figures belong to the benchmark
(``python -m bench.import_lock``).
"""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile

import pytest

from .helpers import text
from .transfer_support import alert, upload

MB = 1024 * 1024


@pytest.fixture
def alice(app, auth):
    assert auth.login("alice").status_code == 303
    return app


def make_zip(files: dict[str, bytes], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def day_file(day: str, body: bytes) -> bytes:
    return f"---\ndate: {day}\n---\n\n## Databases and SQL · 1 h\n\n".encode() + body


def peak_of(action) -> tuple[object, int]:
    """What ``action()`` returns, and the most memory Python held while it ran."""
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_small_zip_of_fifty_megabytes_of_empty_lines(alice, client):
    """The attack: 49 KB uploaded, one day file of 50 MB of newlines (1.38 GB in a worker)."""
    data = make_zip({"2026-03-14.md": day_file("2026-03-14", b"\n" * (50 * MB))})
    assert len(data) < 60_000
    response, peak = peak_of(lambda: upload(client, data, "days.zip"))
    assert response.status_code == 422
    assert alert(response).startswith(
        "2026-03-14.md: the file unpacks to 50 MB; a day file may hold at most 4 MB."
    )
    assert peak < 16 * MB, peak


def test_a_zip_whose_sizes_lie(alice, client):
    """The header says a few bytes; the data unpacks to 50 MB: only what is declared is read."""
    data = bytearray(make_zip({"2026-03-14.md": day_file("2026-03-14", b"\n" * (50 * MB))}))
    declared = len(day_file("2026-03-14", b""))
    for header, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(header) + offset
        data[at : at + 4] = declared.to_bytes(4, "little")
    response, peak = peak_of(lambda: upload(client, bytes(data), "days.zip"))
    assert response.status_code == 422
    assert "2026-03-14.md: the file is damaged inside the zip." in alert(response)
    assert peak < 16 * MB, peak


def test_a_day_file_within_the_limits_is_read_line_by_line(alice, client):
    """3.9 MB of newlines inside one entry: refused at the entry's size, not kept in memory."""
    data = make_zip({"2026-03-14.md": day_file("2026-03-14", b"\n" * (4 * MB - 100))})
    response, peak = peak_of(lambda: upload(client, data, "days.zip"))
    assert response.status_code == 422
    assert alert(response).startswith("2026-03-14.md, line 5: this entry runs on past 200 kB")
    assert peak < 16 * MB, peak


def test_a_zip_unpacking_to_more_than_four_uploads(alice, client):
    files = {
        f"2026-03-{day:02d}.md": day_file(f"2026-03-{day:02d}", b"x\n" * MB)
        for day in (1, 2, 3, 4, 5, 6, 7, 8, 9)
    }
    response = upload(client, make_zip(files), "days.zip")
    assert response.status_code == 422
    assert alert(response).startswith("The zip unpacks to 18 MB; one import reads at most 16 MB.")


def test_a_zip_of_more_day_files_than_an_import_takes(alice, client):
    files = {f"{2000 + n // 365}-01-01/{n}.md": b"" for n in range(5_001)}
    response = upload(client, make_zip(files, level=1), "days.zip")
    assert response.status_code == 422
    assert alert(response).startswith("The zip holds 5,001 files; one import reads at most 5,000")


def test_markdown_of_millions_of_empty_lines_in_an_entry(alice, client):
    """The same attack on the one-file Markdown format: refused at the entry's size."""
    head = "# Roadbook journal\n\n## March 2026\n\n### Saturday 14 March 2026\n\n"
    data = (head + "#### Databases and SQL · 1 h\n").encode() + b"\n" * (4 * MB - 4096)
    response, peak = peak_of(lambda: upload(client, data, "journal.md"))
    assert response.status_code == 422
    assert alert(response).startswith("line 7: this entry runs on past 200 kB")
    assert peak < 64 * MB, peak
    assert "Nothing was imported" in text(response)


def test_the_jrnl_attack_previews_in_linear_time(alice, client):
    """40 KB of jrnl: a duration followed by a long run of spaces (26.6 s to preview)."""
    body = "1h" + " " * 40_000 + "x"
    data = f"[2026-03-14 18:30] Joins\n{body}\n".encode()
    started = time.perf_counter()
    response = upload(client, data, "journal.txt")
    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    assert "1 h" in text(response)


# Every regular expression in journal/transfer, with text that lets it start matching.
# A pattern added there without a line here fails test_every_pattern_is_tried.
PATTERN_STARTS = {
    "formats._JSON_STRING": ['"', '{"a": "'],
    "formats._NOT_BRACKET": ["", "["],
    "jrnl_format.HEADER": ["[2026-03-14 18:30", "[2026-03-14 18:30] "],
    "jrnl_format.JRNL_TAG": ["#", "@", " #a"],
    "jrnl_format._AT_TAG": ["@", " @"],
    "jrnl_format.DURATION_IN_TEXT": ["1", "1h", "1.5 hours", "1h 30", "2 h,"],
    "json_format.COLOR_RE": ["#", "#3b82f6"],
    "markdown_blocks.META": ["- Tags: ", "- Topics:"],
    "markdown_blocks._MAYBE_STRUCTURAL": ["\\", "#", "\n\\"],
    "markdown_format.MONTH_HEADING": ["## March ", "## "],
    "markdown_format.DAY_HEADING": ["### Saturday 14 March ", "### "],
    "markdown_format.ENTRY_HEADING": ["#### ", "#### A · ", "#### A · 1 h "],
    "records._NOT_WORD": ["", "a"],
    "services._NOT_IN_FILENAME": ["", "a"],
    "services._DASHES": ["-"],
    "uploads.TOKEN_RE": ["a" * 20, ""],
    "zip_format.ENTRY_HEADING": ["## ", "## A · ", "## A · 1 h "],
    "zip_format.DAY_FILE": ["a/", "2026-03-14", "a/2026-03-14.md"],
    "zip_format._KEY": ["date:", "date: ", "k: "],
    "zip_format._ITEM": [" -", "  - ", "\t-"],
}
# Long runs of what these patterns repeat on: spaces, tabs, brackets, quotes, backslashes,
# digits, separators, and the short units their alternatives are made of.
RUNS = [
    " ", "\t", "[", "]", "{", "}", '"', "\\", '\\"', "#", "-", "/", ":", ",", ".", "@",
    "a", "1", "1 ", "1h", "1h ", "1 h ", " · ", " · 1", "# ", "- ", "·", "\n",
]  # fmt: skip
RUN_LENGTH = 30_000


def transfer_patterns() -> dict[str, re.Pattern]:
    import importlib
    import pkgutil

    import journal.transfer as package

    found = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"journal.transfer.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[f"{module_info.name}.{name}"] = value
    return found


def test_every_pattern_is_tried():
    assert set(transfer_patterns()) == set(PATTERN_STARTS)


@pytest.mark.parametrize("name", sorted(PATTERN_STARTS))
def test_each_pattern_is_linear_on_long_runs(name):
    """30,000 repeats cost a quadratic pattern seconds; a linear one, milliseconds."""
    pattern = transfer_patterns()[name]
    slowest = (0.0, "")
    for start in PATTERN_STARTS[name]:
        for run in RUNS:
            for end in ("x", " min"):
                subject = start + run * (RUN_LENGTH // len(run)) + end
                began = time.perf_counter()
                for found in pattern.finditer(subject):
                    found.group(0)
                pattern.fullmatch(subject)
                slowest = max(slowest, (time.perf_counter() - began, f"{start!r} + {run!r}…"))
    assert slowest[0] < 1.0, slowest
