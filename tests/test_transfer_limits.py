"""What one import may cost: the attack files that once took a worker's memory or time,
each refused or read within bounds.

Memory is measured with tracemalloc (Python's own allocations) and time generously, in
seconds, to catch growth faster than the input; exact figures belong to the benchmark
(``python -m bench.import_lock``).
"""

from __future__ import annotations

import calendar
import html
import io
import json
import re
import tracemalloc
import zipfile
from datetime import date, timedelta

import pytest

from journal.roadmap.default import DEFAULT_ROADMAP

from .support import (
    add_entry,
    alert,
    cpu_time_under,
    entry_rows,
    import_bytes,
    row_counts,
    text,
    upload,
)

DEFAULT_TOPICS = sum(len(stage["topics"]) for stage in DEFAULT_ROADMAP)

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
    assert alert(response).startswith("2026-03-14.md, line 5: this entry runs on past ")
    assert peak < 16 * MB, peak


def test_a_zip_unpacking_to_more_than_two_uploads(alice, client):
    files = {
        f"2026-03-{day:02d}.md": day_file(f"2026-03-{day:02d}", b"x\n" * MB)
        for day in (1, 2, 3, 4, 5, 6, 7, 8, 9)
    }
    response = upload(client, make_zip(files), "days.zip")
    assert response.status_code == 422
    assert alert(response).startswith("The zip unpacks to 18 MB; one import reads at most 8 MB.")


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
    assert alert(response).startswith("line 7: this entry runs on past ")
    assert peak < 64 * MB, peak
    assert "Nothing was imported" in text(response)


JRNL_ATTACK = "1h" + " " * 40_000 + "x"


def test_the_jrnl_attack_previews_in_linear_time(alice, client):
    """40 KB of jrnl: a duration followed by a long run of spaces (26.6 s to preview).
    Notes that long are refused by their size, before any pattern reads them, or read in
    linear time."""
    data = f"[2026-03-14 18:30] Joins\n{JRNL_ATTACK}\n".encode()
    with cpu_time_under(5):
        response = upload(client, data, "journal.txt")
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert "1 h" in text(response)
    else:
        assert alert(response).startswith("line 1: notes must be at most")


def test_the_jrnl_duration_pattern_reads_the_attack_in_linear_time():
    from journal.transfer.formats.jrnl_format import duration_in

    with cpu_time_under(1):
        assert duration_in(JRNL_ATTACK) == 60
        assert duration_in(JRNL_ATTACK * 3) == 60


# Every regular expression in journal/transfer, with text that lets it start matching.
# A pattern added there without a line here fails test_every_pattern_is_tried.
PATTERN_STARTS = {
    "formats._JSON_STRING": ['"', '{"a": "'],
    "formats._NOT_BRACKET": ["", "["],
    "formats.jrnl_format.HEADER": ["[2026-03-14 18:30", "[2026-03-14 18:30] "],
    "formats.jrnl_format.JRNL_TAG": ["#", "@", " #a"],
    "formats.jrnl_format._AT_TAG": ["@", " @"],
    "formats.jrnl_format.DURATION_IN_TEXT": ["1", "1h", "1.5 hours", "1h 30", "2 h,"],
    "formats.json_format.COLOR_RE": ["#", "#3b82f6"],
    "formats.markdown_blocks.META": ["- Tags: ", "- Topics:"],
    "formats.markdown_blocks._MAYBE_STRUCTURAL": ["\\", "#", "\n\\"],
    "formats.markdown_format.MONTH_HEADING": ["## March ", "## "],
    "formats.markdown_format.DAY_HEADING": ["### Saturday 14 March ", "### "],
    "formats.markdown_format.ENTRY_HEADING": ["#### ", "#### A · ", "#### A · 1 h "],
    "records._NOT_WORD": ["", "a"],
    "services._NOT_IN_FILENAME": ["", "a"],
    "services._DASHES": ["-"],
    "uploads.TOKEN_RE": ["a" * 20, ""],
    "formats.zip_format.ENTRY_HEADING": ["## ", "## A · ", "## A · 1 h "],
    "formats.zip_format.DAY_FILE": ["a/", "2026-03-14", "a/2026-03-14.md"],
    "formats.zip_format._KEY": ["date:", "date: ", "k: "],
    "formats.zip_format._ITEM": [" -", "  - ", "\t-"],
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
    for module_info in pkgutil.walk_packages(package.__path__, "journal.transfer."):
        module = importlib.import_module(module_info.name)
        short = module_info.name.removeprefix("journal.transfer.")
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[f"{short}.{name}"] = value
    return found


def test_every_pattern_is_tried():
    assert set(transfer_patterns()) == set(PATTERN_STARTS)


@pytest.mark.parametrize("name", sorted(PATTERN_STARTS))
def test_each_pattern_is_linear_on_long_runs(name):
    """30,000 repeats cost a quadratic pattern seconds; a linear one, milliseconds."""
    pattern = transfer_patterns()[name]
    for start in PATTERN_STARTS[name]:
        for run in RUNS:
            for end in ("x", " min"):
                subject = start + run * (RUN_LENGTH // len(run)) + end
                with cpu_time_under(1.0, f"{start!r} + {run!r}…"):
                    for found in pattern.finditer(subject):
                        found.group(0)
                    pattern.fullmatch(subject)


# Imports hold the write lock briefly: everything slow happens before it.


def watched(app):
    from journal.db import watch_writes
    from journal.extensions import db

    with app.app_context():
        return watch_writes(db.engine)


def refused_before_the_lock(app, data: bytes, filename: str, stage=None) -> str:
    from journal.transfer.records import FormatError

    with watched(app) as spans, pytest.raises(FormatError) as error:
        import_bytes(app, "alice", data, filename, stage=stage)
    assert spans == []  # no write transaction was begun
    return str(error.value)


def test_six_thousand_topics_are_refused_before_the_lock(app, auth):
    """The attack: 101 KB of json naming 6,000 topics held the lock 34.8 s."""
    auth.create("alice")
    topics = [{"name": f"t{n}"} for n in range(6_000)]
    document = {
        "format": "roadbook-journal",
        "version": 1,
        "stages": [{"name": "Topics galore", "topics": topics}],
        "entries": [{"date": "2026-03-14", "stage": "Topics galore", "minutes": 5}],
    }
    data = json.dumps(document, separators=(",", ":")).encode()
    assert len(data) < 110_000
    message = refused_before_the_lock(app, data, "topics.json")
    assert message.startswith("The file names 6,000 topics; one import takes at most 2,000.")
    assert "Import it in parts" in message


def test_sixty_thousand_entries_are_refused_before_the_lock(app, auth):
    """The attack: 60,000 plain entries (4.17 MB) held the lock as long."""
    auth.create("alice")
    data = "".join(
        f"[{date(2000, 1, 1) + timedelta(days=n % 9000)} 18:30] Entry {n}\nx\n"
        for n in range(60_000)
    ).encode()
    message = refused_before_the_lock(app, data, "journal.txt", stage="Python fundamentals")
    assert message.startswith(
        "line 10001: the file holds more than 5,000 entries, the most one import takes."
    )


def json_at_the_caps(short_notes: bool = True) -> bytes:
    stages = [
        {"name": f"Stage {s:03d}", "topics": [{"name": f"Topic {s}-{t}"} for t in range(20)]}
        for s in range(100)
    ]
    entries = [
        {
            "date": (date(2010, 1, 1) + timedelta(days=n // 2)).isoformat(),
            "stage": f"Stage {n % 100:03d}",
            "minutes": 45,
            "topics": [f"Topic {n % 100}-{n % 20}", f"Topic {n % 100}-{(n + 1) % 20}"],
            "notes": f"Entry {n} #x{n % 7} #y{n % 11} #z{n % 13}",
        }
        for n in range(5_000)
    ]
    document = {"format": "roadbook-journal", "version": 1, "stages": stages}
    return json.dumps({**document, "entries": entries}).encode()


def test_an_import_at_every_cap_writes_in_a_few_statements(app, auth, monkeypatch):
    """5,000 entries, 100 stages, 2,000 topics and 25,000 tags and topics on the entries:
    one write transaction of a few bulk statements (the ORM ran thousands, one per row)."""
    from journal.transfer import save

    # Rendering happens before the lock and is measured by the benchmark; here it is
    # made cheap so that the test is quick.
    monkeypatch.setattr(save, "render_notes", html.escape)
    auth.create("alice")
    with watched(app) as spans:
        plan = import_bytes(app, "alice", json_at_the_caps(), "caps.json")
    assert len(plan.to_add) == 5_000 and len(plan.new_stages) == 100
    (span,) = spans
    assert span.statements <= 16, span
    assert span.seconds < 10, span  # generous: the benchmark holds the target of 1 s
    counts = row_counts(app)
    assert (counts["entries"], counts["entry_tags"], counts["entry_topics"]) == (
        5_000,
        15_000,
        10_000,
    )
    assert (counts["stages"], counts["topics"]) == (107, 2_000 + DEFAULT_TOPICS)


@pytest.mark.parametrize(
    ("cap", "expected"),
    [
        ("stages", "The file names 101 stages; one import takes at most 100."),
        ("topics", "The file names 2,001 topics; one import takes at most 2,000."),
        (
            "links",
            "entry 5000 (2016-11-04): the entries up to here name more than 25,000 tags and "
            "topics in all, the most one import takes.",
        ),
        ("entries", "entry 5001 (2016-11-04): the file holds more than 5,000 entries"),
    ],
)
def test_one_past_each_cap(app, auth, cap, expected):
    auth.create("alice")
    document = json.loads(json_at_the_caps())
    if cap == "stages":
        document["stages"].append({"name": "One stage too many"})
    elif cap == "topics":
        document["stages"][0]["topics"].append({"name": "One topic too many"})
    elif cap == "links":
        document["entries"][-1]["notes"] += " #one-too-many"
    else:
        document["entries"].append(document["entries"][-1])
    message = refused_before_the_lock(app, json.dumps(document).encode(), "caps.json")
    assert message.startswith(expected), message
    assert "Import it in parts" in message


@pytest.mark.parametrize("fmt", ["markdown", "zip", "csv", "jrnl", "jrnl-json"])
def test_every_format_stops_reading_past_five_thousand_entries(app, auth, fmt):
    auth.create("alice")
    days = [date(2000, 1, 1) + timedelta(days=n) for n in range(5_001)]
    if fmt == "csv":
        data = "date,stage,minutes,notes\n" + "".join(f"{day},A,5,x\n" for day in days)
    elif fmt == "jrnl":
        data = "".join(f"[{day} 18:30] x\n" for day in days)
    elif fmt == "jrnl-json":
        data = json.dumps({"tags": {}, "entries": [{"date": str(day)} for day in days]})
    else:
        entry = "\n#### A · 5 min\n\nx\n"
        months = {}
        for day in days:
            months.setdefault((day.year, day.month), []).append(day)
        data = "# Roadbook journal\n"
        for (year, month), in_month in months.items():
            data += f"\n## {calendar.month_name[month]} {year}\n"
            for day in in_month:
                data += f"\n### {day:%A} {day.day} {day:%B %Y}\n{entry}"
    if fmt == "zip":
        files = {f"{day}.md": f"---\ndate: {day}\n---\n## A · 5 min\n" for day in days[:5_000]}
        files[f"{days[0]}.md"] += "## A · 5 min\n"
        data = make_zip({name: body.encode() for name, body in files.items()}, level=1)
    else:
        data = data.encode()
    names = {"markdown": "x.md", "zip": "x.zip", "csv": "x.csv", "jrnl": "x.txt"}
    message = refused_before_the_lock(
        app, data, names.get(fmt, "x.json"), stage="Python fundamentals"
    )
    assert "the file holds more than 5,000 entries, the most one import takes." in message


def test_the_command_line_refuses_a_file_over_eight_megabytes(app, auth, runner, tmp_path):
    auth.create("alice")
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(8 * MB + 1)  # sparse: nothing is written, nothing should be read
    result = runner.invoke(args=["import", "alice", str(path)])
    assert result.exit_code != 0
    assert "huge.json is larger than 8 MB, the most one import reads." in result.output


def test_a_change_while_importing_is_planned_again(app, auth, monkeypatch):
    """Another tab saves the file's first entry between the plan and the write: the import
    is planned again and skips it as a duplicate, rather than adding it twice."""
    from journal.transfer import services

    auth.create("alice")
    data = b"date,stage,minutes,notes\n2026-03-14,Python fundamentals,45,one\n"
    data += b"2026-03-15,Python fundamentals,30,two\n"
    real, calls = services.prepare_rows, []

    def meanwhile(user_id, plan):
        calls.append(plan)
        if len(calls) == 1:
            add_entry(app, day=date(2026, 3, 14), minutes=45, notes="one")
        return real(user_id, plan)

    monkeypatch.setattr(services, "prepare_rows", meanwhile)
    plan = import_bytes(app, "alice", data, "x.csv")
    assert len(calls) == 2
    assert [entry.notes for entry in plan.to_add] == ["two"]
    assert [row[4] for row in entry_rows(app)] == ["one", "two"]


def test_a_journal_that_keeps_changing_is_not_imported(app, auth, monkeypatch):
    from journal.transfer import services
    from journal.transfer.records import FormatError

    auth.create("alice")
    real = services.prepare_rows

    def meanwhile(user_id, plan):
        add_entry(app, day=date(2026, 1, 1), notes="elsewhere")
        return real(user_id, plan)

    monkeypatch.setattr(services, "prepare_rows", meanwhile)
    data = b"date,stage,minutes,notes\n2026-03-14,Python fundamentals,45,one\n"
    with pytest.raises(FormatError, match="kept changing while the file was being imported"):
        import_bytes(app, "alice", data, "x.csv")
    assert [row[4] for row in entry_rows(app)] == ["elsewhere"] * 3


def test_notes_whose_rendering_would_write_too_much(app, auth, monkeypatch):
    """What one import writes is bounded by bytes too: notes that render six times their
    size (as a table can) stop the import before its write transaction."""
    from journal.transfer import save

    monkeypatch.setattr(save, "render_notes", lambda notes: "<p>" + notes * 6 + "</p>")
    auth.create("alice")
    notes = "x" * 1_000
    rows = "".join(f"2020-01-{1 + n % 28:02d},Rust,5,{notes}{n}\n" for n in range(3_000))
    data = f"date,stage,minutes,notes\n{rows}".encode()
    message = refused_before_the_lock(app, data, "x.csv")
    # Entry n writes 7 times its notes' length + 7 bytes (1,001 to 1,004 characters): the
    # first 1,000 write 7,027,230, then 1,386 more at 7,035 pass 16 MiB: entry 2385, line 2387.
    assert message.startswith(
        "line 2387: the notes up to here and their rendering come to more than 16 MB, "
        "the most one import writes."
    ), message
