"""Malformed files, format by format: nothing is imported, and the message says where and why."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from journal.clock import user_today
from journal.entries.models import Entry
from journal.extensions import db
from journal.transfer.formats import read_file
from journal.transfer.formats.jrnl_format import read_jrnl_json
from journal.transfer.formats.markdown_blocks import write_entry
from journal.transfer.records import EntryRecord, FormatError, join_list, split_list

from .support import export, import_bytes, user

MD_HEAD = "# Roadbook journal\n\n## March 2026\n\n### Saturday 14 March 2026\n\n"
JSON_HEAD = '{"format": "roadbook-journal", "version": 1, '


def a_zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def day_file(body="", date="2026-03-14"):
    return f"---\ndate: {date}\n---\n\n{body}"


MALFORMED = {
    # Roadbook json
    "json, not JSON": (
        "x.json",
        b'{"format": "roadbook-journal",\n "version": 1,,}',
        "line 2, column 15: this is not valid JSON (Expecting property name enclosed in "
        "double quotes).",
    ),
    "json, another kind": (
        "x.json",
        b'{"hello": 1}',
        "This JSON is neither a Roadbook export nor a jrnl export (jrnl --format json). "
        "Nothing was imported.",
    ),
    "json, newer version": (
        "x.json",
        b'{"format": "roadbook-journal", "version": 2}',
        "This file has format version 2, written by a newer Roadbook; this one reads "
        "version 1. Upgrade Roadbook to import it.",
    ),
    "json, entry without a date": (
        "x.json",
        (JSON_HEAD + '"entries": [{"date": "2026-03-01", "stage": "A"}, {"stage": "A"}]}').encode(),
        "entry 2: “date” must be a date such as 2026-03-14.",
    ),
    "json, minutes as text": (
        "x.json",
        (
            JSON_HEAD + '"entries": [{"date": "2026-03-01", "stage": "A", "minutes": "45"}]}'
        ).encode(),
        "entry 1 (2026-03-01): “minutes” must be a whole number of minutes, or null.",
    ),
    "json, minutes out of range": (
        "x.json",
        (JSON_HEAD + '"entries": [{"date": "2026-03-01", "stage": "A", "minutes": 0}]}').encode(),
        "entry 1 (2026-03-01): the duration must be from 1 minute to 24 hours.",
    ),
    "json, entry without a stage": (
        "x.json",
        (JSON_HEAD + '"entries": [{"date": "2026-03-01", "stage": " "}]}').encode(),
        "entry 1 (2026-03-01): “stage” must be a non-empty text.",
    ),
    "json, bad link": (
        "x.json",
        (
            JSON_HEAD + '"entries": [{"date": "2026-03-01", "stage": "A", "link": "ftp://x"}]}'
        ).encode(),
        "entry 1 (2026-03-01): the link must be a web address starting with http:// or https://.",
    ),
    "json, bad time": (
        "x.json",
        (
            JSON_HEAD + '"entries": [{"date": "2026-03-01", "stage": "A", "created_at": "noon"}]}'
        ).encode(),
        "entry 1 (2026-03-01): “created_at” must be a time such as 2026-03-14T18:30:00Z, or null.",
    ),
    "json, bad colour": (
        "x.json",
        (JSON_HEAD + '"stages": [{"name": "A", "color": "red"}]}').encode(),
        "stage 1 (“A”): “color” must be a hex colour such as #3b82f6.",
    ),
    "json, two stages with one name": (
        "x.json",
        (JSON_HEAD + '"stages": [{"name": "Rust"}, {"name": "rust "}]}').encode(),
        "stage 2 (“rust ”): another stage in the file has the same name.",
    ),
    "json, entries not a list": (
        "x.json",
        (JSON_HEAD + '"entries": {}}').encode(),
        "file: “entries” must be a list.",
    ),
    "json, before 1970": (
        "x.json",
        (JSON_HEAD + '"entries": [{"date": "1969-12-31", "stage": "A"}]}').encode(),
        "entry 1 (1969-12-31): the date 1969-12-31 is before 1970.",
    ),
    # csv
    "csv, unknown column": (
        "x.csv",
        b"date,stage,minutes,notes,mood\n",
        "line 1: unknown column “mood”. The columns are: date, stage, minutes, topics, tags, "
        "notes, link, created_at, updated_at.",
    ),
    "csv, missing column": (
        "x.csv",
        b"date,stage,notes\n2026-03-01,A,x\n",
        "line 1: the column “minutes” is missing.",
    ),
    "csv, bad date": (
        "x.csv",
        b"date,stage,minutes,notes\n2026-03-01,A,5,ok\n14/03/2026,A,5,x\n",
        "line 3: “date” must be a date such as 2026-03-14.",
    ),
    "csv, minutes not a number": (
        "x.csv",
        b'date,stage,minutes,notes\n2026-03-01,A,5,"two\nlines"\n2026-03-02,A,1h,x\n',
        "line 4: “minutes” must be a whole number of minutes, or empty.",
    ),
    "csv, cells missing": (
        "x.csv",
        b"date,stage,minutes,notes\n2026-03-01,A,5\n",
        "line 2: 3 cells where the header has 4.",
    ),
    "csv, bad created_at": (
        "x.csv",
        b"date,stage,minutes,notes,created_at\n2026-03-01,A,5,x,yesterday\n",
        "line 2: “created_at” must be a time such as 2026-03-14T18:30:00Z, or empty.",
    ),
    # markdown
    "markdown, text outside an entry": (
        "x.md",
        (MD_HEAD + "Some stray words.\n").encode(),
        "line 7: text outside an entry. Each entry starts with a heading such as "
        "“#### Python fundamentals · 45 min”.",
    ),
    "markdown, entry before a day": (
        "x.md",
        b"# Roadbook journal\n\n## March 2026\n\n#### A \xc2\xb7 45 min\n",
        "line 5: this entry is not under a day heading such as “### Saturday 14 March 2026”.",
    ),
    "markdown, day under the wrong month": (
        "x.md",
        b"## March 2026\n\n### Wednesday 1 April 2026\n",
        "line 3: the day 2026-04-01 is not under its month's heading (“## April 2026”).",
    ),
    "markdown, no such date": (
        "x.md",
        b"## February 2026\n\n### Monday 30 February 2026\n",
        "line 3: there is no such date.",
    ),
    "markdown, topics twice": (
        "x.md",
        (MD_HEAD + "#### A · 45 min\n\n- Topics: a\n- Topics: b\n").encode(),
        "line 10: this entry already has a “Topics” line.",
    ),
    "markdown, not ours": (
        "x.md",
        b"Just some notes\n\nwith no headings\n",
        "line 1: this is not a Roadbook Markdown export: it has no month heading such as "
        "“## March 2026”.",
    ),
    # zip
    "zip, not a zip": (
        "x.zip",
        b"PK\x03\x04 not really",
        "This is not a zip file, or it is damaged.",
    ),
    "zip, a file that is not a day": (
        "x.zip",
        a_zip({"2026-03-14.md": day_file(), "notes/ideas.md": "hello"}),
        "notes/ideas.md: not a day file. A Roadbook zip holds one file per day, named like "
        "2026-03-14.md.",
    ),
    "zip, no front matter": (
        "x.zip",
        a_zip({"2026-03-14.md": "## A · 45 min\n"}),
        "2026-03-14.md, line 1: a day file starts with front matter (a line “---”).",
    ),
    "zip, front matter not closed": (
        "x.zip",
        a_zip({"2026-03-14.md": "---\ndate: 2026-03-14\n"}),
        "2026-03-14.md, line 1: the front matter is not closed by a line “---”.",
    ),
    "zip, date differs from the name": (
        "x.zip",
        a_zip({"2026-03-14.md": day_file(date="2026-03-15")}),
        "2026-03-14.md, front matter: “date” must be 2026-03-14, the date in the file's name.",
    ),
    "zip, front matter line not understood": (
        "x.zip",
        a_zip({"2026-03-14.md": "---\ndate: 2026-03-14\n{oops\n---\n"}),
        "2026-03-14.md, line 3: this front matter line is not understood.",
    ),
    "zip, text outside an entry": (
        "x.zip",
        a_zip({"2026-03-14.md": day_file("Intro line\n\n## A · 45 min\n")}),
        "2026-03-14.md, line 5: text outside an entry. Each entry starts with a heading such "
        "as “## Python fundamentals · 45 min”.",
    ),
    "zip, not UTF-8": (
        "x.zip",
        a_zip({"2026-03-14.md": b"---\ndate: 2026-03-14\n---\n\xff\xfe"}),
        "2026-03-14.md, line 4: the file is not UTF-8 text.",
    ),
    "zip, no such date": (
        "x.zip",
        a_zip({"2026-02-30.md": day_file(date="2026-02-30")}),
        "2026-02-30.md: there is no such date.",
    ),
    # jrnl
    "jrnl, no such time": (
        "journal.txt",
        b"[2026-03-01 10:00] Fine\n\n[2026-03-02 13:00 PM] Not fine\n",
        "line 3: there is no such date or time.",
    ),
    "jrnl json, entry without a date": (
        "export.json",
        b'{"tags": {}, "entries": [{"title": "t", "body": "b", "date": "someday"}]}',
        "entry 1: “date” must be a date such as 2026-03-14.",
    ),
    "jrnl json, bad time": (
        "export.json",
        b'{"tags": {}, "entries": [{"title": "t", "body": "", "date": "2026-03-01", '
        b'"time": "25:00"}]}',
        "entry 1 (2026-03-01): “time” must be a time such as 18:30.",
    ),
    "jrnl json, tags not a list": (
        "export.json",
        b'{"tags": {}, "entries": [{"title": "t", "body": "", "date": "2026-03-01", '
        b'"tags": "@a"}]}',
        'entry 1 (2026-03-01): “tags” must be a list of tags such as "@python".',
    ),
    # any
    "empty file": ("x.json", b"  \n", "The file is empty: there is nothing to import."),
    "not UTF-8": ("x.csv", b"date,stage\n\xff", "line 2: the file is not UTF-8 text."),
    "unknown kind": (
        "photo.png",
        b"\x89PNG....",
        "This file's format is not recognised. Roadbook reads its own json, zip, markdown "
        "and csv exports, jrnl journal files and jrnl's json export.",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_a_malformed_file_imports_nothing_and_says_why(app, auth, case):
    filename, data, message = MALFORMED[case]
    auth.create("alice")
    with pytest.raises(FormatError) as error:
        import_bytes(app, "alice", data, filename, stage="Python fundamentals")
    assert str(error.value) == message
    with app.app_context():
        assert db.session.scalar(select(func.count(Entry.id))) == 0


def test_jrnl_text_before_the_first_entry_is_refused(app, auth):
    auth.create("alice")
    with pytest.raises(FormatError) as error:
        import_bytes(app, "alice", b"My journal\n[2026-03-01 10:00] Hi\n", "j.txt", fmt="jrnl")
    assert str(error.value) == (
        "line 1: a jrnl entry starts with its date and time in brackets, such as "
        "“[2026-03-14 18:30] Title”."
    )


def test_a_future_date_is_refused_like_in_the_form(app, auth):
    auth.create("alice")
    with app.app_context():
        too_late = user_today(user()) + timedelta(days=2)
    data = f"date,stage,minutes,notes\n{too_late},Python fundamentals,5,x\n".encode()
    with pytest.raises(FormatError) as error:
        import_bytes(app, "alice", data, "x.csv")
    latest = too_late - timedelta(days=1)
    assert str(error.value) == (
        f"line 2: the date {too_late} is in the future; dates up to {latest} are accepted."
    )


def test_notes_over_the_size_limit_are_refused(app, auth):
    auth.create("alice")
    document = {
        "format": "roadbook-journal",
        "version": 1,
        "entries": [{"date": "2026-03-01", "stage": "A", "notes": "x" * 10_001}],
    }
    with pytest.raises(FormatError) as error:
        import_bytes(app, "alice", json.dumps(document).encode(), "x.json")
    assert str(error.value) == "entry 1 (2026-03-01): notes must be at most 10 kB; these are 10 kB."


def test_the_format_can_be_named_instead_of_recognised(app, auth):
    auth.create("alice")
    data = export(app, fmt="csv")
    assert read_file(data, "no-extension", "csv")[0] == "csv"
    with pytest.raises(FormatError) as error:
        read_file(data, "x.csv", "yaml")
    assert str(error.value) == (
        "Unknown format “yaml”; use one of: json, zip, markdown, csv, jrnl, jrnl-json."
    )


# Which format a file is taken for: by its first bytes, else by its name.
RECOGNISED = [
    ("a.zip", a_zip({"2026-03-14.md": day_file()}), "zip"),
    ("no-name", a_zip({"2026-03-14.md": day_file()}), "zip"),
    ("a.json", (JSON_HEAD + '"stages": [], "entries": []}').encode(), "json"),
    ("a.txt", b'{"tags": {}, "entries": []}', "jrnl-json"),
    ("a.txt", MD_HEAD.encode(), "markdown"),
    ("a.md", b"just some notes", "markdown"),
    ("a.txt", b"[2026-03-14 18:30] Joins.\nTwo hours.\n", "jrnl"),
    ("a.csv", b"[2026-03-14 18:30] Joins.\n", "jrnl"),  # jrnl's header outranks a name
    ("a.txt", b"date,stage,minutes\n", "csv"),
    ("a.csv", b"anything", "csv"),
]


@pytest.mark.parametrize(("filename", "data", "expected"), RECOGNISED)
def test_each_format_is_recognised_by_content_then_name(filename, data, expected):
    from journal.transfer.formats import Source, detect

    assert detect(Source(data, filename)).name == expected


def test_the_forms_offer_every_format_in_their_order():
    from journal.transfer.formats import EXPORT_FORMATS, IMPORT_FORMATS

    assert list(EXPORT_FORMATS) == ["markdown", "zip", "json", "csv"]
    assert list(IMPORT_FORMATS) == ["json", "zip", "markdown", "csv", "jrnl", "jrnl-json"]
    assert [(f.extension, f.mimetype) for f in EXPORT_FORMATS.values()] == [
        ("md", "text/markdown; charset=utf-8"),
        ("zip", "application/zip"),
        ("json", "application/json"),
        ("csv", "text/csv; charset=utf-8"),
    ]


# The escaping that keeps notes exact


@pytest.mark.parametrize(
    "notes",
    [
        "#### Looks · 45 min",
        "\\#### Looks · 45 min",
        "\\\\#### Looks · 45 min",
        "- Topics: a",
        "\\- Topics: a",
        "text\n- Topics: a\n## March 2026\n### Saturday 14 March 2026",
        "## Plan\n### Steps\n#### Small · heading",
    ],
)
def test_notes_that_look_like_structure_come_back_exactly(app, auth, notes):
    from journal.transfer.formats.markdown_format import STRUCTURE, read_markdown

    entry = EntryRecord(study_date=date(2026, 3, 14), stage="A", minutes=5, notes=notes)
    lines = write_entry(entry, 4, STRUCTURE)
    text = MD_HEAD + "\n".join(lines)
    assert read_markdown(text).entries[0].notes == notes


@pytest.mark.parametrize("notes", ["hello\n", "a\r\nb\r\n", "x\n\n", "#tag\n\n"])
def test_a_file_ends_with_one_newline_whatever_the_last_notes_end_with(notes):
    from journal.transfer.formats.markdown_format import write_markdown
    from journal.transfer.records import JournalData

    entry = EntryRecord(study_date=date(2026, 3, 14), stage="A", minutes=5, notes=notes)
    data = write_markdown(JournalData(entries=[entry], stages=[], settings={}))
    assert data.endswith(notes.rstrip("\n").encode() + b"\n")
    assert not data.endswith(b"\n\n")


def test_lists_keep_separators_inside_names():
    names = ["a; b", "back\\slash", "plain"]
    assert split_list(join_list(names)) == names


# A jrnl JSON export's entries, read directly: what is optional, what is refused and how.


def jrnl_json(*entries, zone="UTC"):
    return read_jrnl_json({"entries": list(entries)}, ZoneInfo(zone)).entries


@pytest.mark.parametrize("part", ["title", "body"])
def test_a_jrnl_entry_may_lack_its_title_or_its_body(part):
    (read,) = jrnl_json({"date": "2026-03-14", part: "Read a chapter"})
    assert (read.notes, read.tags, read.where) == ("Read a chapter", [], "entry 1 (2026-03-14)")


def test_jrnl_tags_lose_their_marks_and_empty_ones_are_dropped():
    (read,) = jrnl_json(
        {"date": "2026-03-14", "title": "Read", "tags": ["@python", "@", "#", "##web"]}
    )
    assert read.tags == ["python", "web"]
    assert read.notes == "Read\n\nTags: #python #web"
    (read,) = jrnl_json({"date": "2026-03-14", "title": "Read", "tags": ["@Xcode", "X"]})
    assert (read.notes, read.tags) == ("Read\n\nTags: #Xcode #X", ["xcode", "x"])


def test_a_jrnl_time_is_read_in_the_importers_zone():
    (read,) = jrnl_json({"date": "2026-03-14", "time": "18:30", "title": "Read"}, zone="Asia/Tokyo")
    assert read.created_at == datetime(2026, 3, 14, 9, 30)


DAY_ONE = "entry 1 (2026-03-14)"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (1, "entry 1: must be an object with a date, a title and a body."),
        ({"date": "2026-03-14", "title": 5}, f"{DAY_ONE}: “title” and “body” must be text."),
        ({"date": "2026-03-14", "body": ["x"]}, f"{DAY_ONE}: “title” and “body” must be text."),
        ({"title": "x"}, "entry 1: “date” must be a date such as 2026-03-14."),
    ],
)
def test_a_malformed_jrnl_entry_is_refused_with_where_and_why(entry, message):
    with pytest.raises(FormatError) as refused:
        jrnl_json(entry)
    assert str(refused.value) == message


# A jrnl journal file, read directly: headers, times, stars, tags and where each entry is.


def jrnl_text(text, zone="UTC"):
    from journal.transfer.formats.jrnl_format import read_jrnl_text

    return read_jrnl_text(text, ZoneInfo(zone)).entries


def test_a_jrnl_text_entry_reads_its_title_body_and_time():
    (read,) = jrnl_text("[2026-03-14 18:30] Joins at last.\n2 hours on @sql joins.\n")
    assert read.study_date == date(2026, 3, 14)
    assert read.stage is None
    assert read.minutes == 120
    assert read.notes == "Joins at last.\n2 hours on #sql joins."
    assert read.tags == ["sql"]
    assert read.created_at == read.updated_at == datetime(2026, 3, 14, 18, 30)
    assert read.where == "line 1"


@pytest.mark.parametrize(
    ("header", "created"),
    [
        ("[2026-03-14 18:30:45] Read", datetime(2026, 3, 14, 18, 30, 45)),
        ("[2026-03-14T07:05] Read", datetime(2026, 3, 14, 7, 5)),
        ("[2026-03-14 7:05] Read", datetime(2026, 3, 14, 7, 5)),
        ("[2026-03-14 12:05 AM] Read", datetime(2026, 3, 14, 0, 5)),
        ("[2026-03-14 12:05 PM] Read", datetime(2026, 3, 14, 12, 5)),
        ("[2026-03-14 1:05 p.m.] Read", datetime(2026, 3, 14, 13, 5)),
        ("[2026-03-14 11:59:59pm] Read", datetime(2026, 3, 14, 23, 59, 59)),
        ("[2026-03-14 9:00 a.m.] Read", datetime(2026, 3, 14, 9, 0)),
        ("[2026-03-14 18:30]Read", datetime(2026, 3, 14, 18, 30)),
    ],
)
def test_jrnl_text_times_with_seconds_and_am_pm(header, created):
    (read,) = jrnl_text(header + "\n")
    assert (read.notes, read.created_at) == ("Read", created)


@pytest.mark.parametrize(
    "text",
    [
        "[2026-03-14 0:30 AM] Read\n",
        "[2026-03-14 13:00 PM] Read\n",
        "[2026-03-14 24:00] Read\n",
        "[2026-03-14 18:60] Read\n",
        "[2026-03-14 18:30:60] Read\n",
        "[2026-02-30 18:30] Read\n",
    ],
)
def test_a_jrnl_text_time_that_does_not_exist_is_refused(text):
    with pytest.raises(FormatError) as refused:
        jrnl_text("\n" + text)
    assert str(refused.value) == "line 2: there is no such date or time."


def test_a_jrnl_time_at_the_calendars_edge_in_a_far_zone_is_refused():
    with pytest.raises(FormatError) as refused:
        jrnl_text("[0001-01-01 00:30] First\n", zone="Asia/Tokyo")
    assert str(refused.value) == "line 1: there is no such date or time."
    with pytest.raises(FormatError) as refused:
        jrnl_json({"date": "0001-01-01", "time": "00:30", "title": "x"}, zone="Asia/Tokyo")
    assert str(refused.value) == "entry 1 (0001-01-01): there is no such date or time."


def test_a_jrnl_body_keeps_its_first_lines_indent_and_letters():
    (read,) = jrnl_text("[2026-03-14 18:30] Code\n\n    XML = parse(x)\nXor   \n\n")
    assert read.notes == "Code\n    XML = parse(x)\nXor"


def test_jrnl_notes_over_the_size_limit_are_refused_naming_the_line():
    with pytest.raises(FormatError) as refused:
        jrnl_text("[2026-03-14 18:30] Title\n" + "x" * 10_001)
    assert str(refused.value) == "line 1: notes must be at most 10 kB; these are 10 kB."


def test_jrnl_times_do_not_depend_on_the_servers_zone(monkeypatch):
    import time as clock

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    clock.tzset()
    try:
        (read,) = jrnl_text("[2026-03-14 18:30] Read\n", zone="Europe/Paris")
    finally:
        monkeypatch.undo()
        clock.tzset()
    assert read.created_at == datetime(2026, 3, 14, 17, 30)


@pytest.mark.parametrize(
    ("title", "notes", "tags"),
    [
        ("Joins *", "Joins\n\nTags: #starred", ["starred"]),
        ("Joins  *  ", "Joins\n\nTags: #starred", ["starred"]),
        ("*", "Tags: #starred", ["starred"]),
        ("Joins*", "Joins*", []),
        ("Joins #starred *", "Joins #starred", ["starred"]),
        ("Joins", "Joins", []),
    ],
)
def test_a_starred_jrnl_text_entry_gets_the_starred_tag(title, notes, tags):
    (read,) = jrnl_text(f"[2026-03-14 18:30] {title}\n")
    assert (read.notes, read.tags) == (notes, tags)


def test_jrnl_text_entries_and_their_lines():
    text = (
        "\n\n"
        "[2026-03-14 18:30] First\n"
        "\n"
        "Body of the first, 20 min.\n"
        "\n\n"
        "[2026-03-15 08:00] \n"
        "Only a body here.   \n"
        "[2026-03-16 09:00]\n"
    )
    first, second, third = jrnl_text(text)
    assert (first.notes, first.minutes, first.where) == (
        "First\nBody of the first, 20 min.",
        20,
        "line 3",
    )
    assert (second.notes, second.minutes, second.where) == ("Only a body here.", None, "line 8")
    assert (third.notes, third.where, third.study_date) == ("", "line 10", date(2026, 3, 16))


@pytest.mark.parametrize(
    ("body", "notes", "tags"),
    [
        ("mail me@example.org", "Read\nmail me@example.org", []),
        ("@_private and @Python", "Read\n@_private and #Python", ["_private", "python"]),
        ("@c++ and #web/dev", "Read\n#c++ and #web/dev", ["c", "web/dev"]),
        ("(@sql)", "Read\n(@sql)", []),
    ],
)
def test_jrnl_at_tags_become_the_journals_tags(body, notes, tags):
    (read,) = jrnl_text(f"[2026-03-14 18:30] Read\n{body}\n")
    assert (read.notes, read.tags) == (notes, tags)


def test_jrnl_json_tags_already_in_the_text_are_not_added_again():
    (read,) = jrnl_json(
        {
            "date": "2026-03-14",
            "time": "07:05:09",
            "title": "Read about @SQL",
            "body": "\n\nand @web  \n\n",
            "tags": ["@sql", "@Web", "@extra", "@Extra", "#more"],
            "starred": True,
        }
    )
    assert read.notes == "Read about #SQL\nand #web\n\nTags: #extra #Extra #more #starred"
    assert read.tags == ["sql", "web", "extra", "extra", "more", "starred"]
    assert read.created_at == datetime(2026, 3, 14, 7, 5, 9)
    assert read.where == "entry 1 (2026-03-14)"


@pytest.mark.parametrize("starred", [False, "yes", 1, None])
def test_only_a_true_star_stars_a_jrnl_json_entry(starred):
    (read,) = jrnl_json({"date": "2026-03-14", "title": "Read", "starred": starred})
    assert (read.notes, read.tags) == ("Read", [])


def test_a_jrnl_json_entry_without_a_time_is_at_midnight_and_numbered():
    first, second = jrnl_json(
        {"date": "2026-03-14", "title": "A", "time": ""},
        {"date": "2026-03-15", "body": "B", "tags": None},
        zone="Europe/Paris",
    )
    assert first.created_at == datetime(2026, 3, 13, 23, 0)
    assert second.created_at == datetime(2026, 3, 14, 23, 0)
    assert (second.notes, second.where) == ("B", "entry 2 (2026-03-15)")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"date": 20260314}, "entry 1: “date” must be a date such as 2026-03-14."),
        ({"date": "2026-03-14", "time": 1830}, f"{DAY_ONE}: “time” must be a time such as 18:30."),
        (
            {"date": "2026-03-14", "tags": ["@a", 5]},
            f'{DAY_ONE}: “tags” must be a list of tags such as "@python".',
        ),
    ],
)
def test_a_jrnl_json_value_of_the_wrong_type_is_refused(entry, message):
    with pytest.raises(FormatError) as refused:
        jrnl_json(entry)
    assert str(refused.value) == message


# Which text and JSON are taken for jrnl's.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\n  \n[2026-03-14 18:30] Joins\n", True),
        ("Joins\n[2026-03-14 18:30] Joins\n", False),
        ("", False),
        ("[2026-03-14 18:30]", True),
        (" [2026-03-14 18:30] Joins", False),
    ],
)
def test_jrnl_text_is_recognised_by_its_first_line(text, expected):
    from journal.transfer.formats.jrnl_format import looks_like_jrnl_text

    assert looks_like_jrnl_text(text) is expected


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"tags": {}, "entries": []}, True),
        ({"entries": []}, False),
        ({"entries": [{"title": "t"}]}, True),
        ({"entries": [{"body": "b"}]}, True),
        ({"entries": [{"date": "2026-03-14"}]}, False),
        ({"entries": ["title"]}, False),
        ({"tags": {}, "entries": {}}, False),
        ({"tags": {}}, False),
        ([{"title": "t"}], False),
    ],
)
def test_jrnl_json_is_recognised_by_its_entries(document, expected):
    from journal.transfer.formats.jrnl_format import looks_like_jrnl_json

    assert looks_like_jrnl_json(document) is expected


def test_an_entry_running_on_past_the_block_limit_names_its_file_and_line():
    from journal.transfer.formats.zip_format import read_zip

    too_long = "\n" * 110_002  # past an entry's 10 kB of notes and 100 kB of details
    with pytest.raises(FormatError) as refused:
        jrnl_text("[2026-03-14 18:30] Title" + too_long)
    assert str(refused.value) == (
        "line 1: this entry runs on past 110 kB; notes may be at most 10 kB."
    )
    with pytest.raises(FormatError) as refused:
        read_zip(a_zip({"days/2026-03-14.md": day_file("## A · 5 min" + too_long)}))
    assert str(refused.value) == (
        "2026-03-14.md, line 5: this entry runs on past 110 kB; notes may be at most 10 kB."
    )
