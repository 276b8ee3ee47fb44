"""The json and zip formats and the formats' registry, written and read directly: exact
output, every value read back, and the message naming what is wrong."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from journal.transfer.formats import Source, detect, load_json, read_file
from journal.transfer.formats.json_format import read_json, write_json
from journal.transfer.formats.zip_format import _lines, read_zip, write_zip
from journal.transfer.records import (
    EntryRecord,
    FormatError,
    JournalData,
    ReviewRecord,
    StageRecord,
    TemplateRecord,
    TopicRecord,
)

PARTS = " Import it in parts: export a date range at a time (Settings → Your data, or flask " + (
    "--app journal export --from … --to …)."
)


def refused(read, *args, **kwargs) -> str:
    with pytest.raises(FormatError) as error:
        read(*args, **kwargs)
    return str(error.value)


def document(**parts) -> dict:
    return {"format": "roadbook-journal", "version": 1, **parts}


# json, written


def test_json_writes_every_field_in_order():
    journal = JournalData(
        entries=[
            EntryRecord(
                study_date=date(2026, 3, 14),
                stage="Café",
                minutes=None,
                notes="n",
                topics=["t"],
                tags=["x"],
                link="https://example.org",
                created_at=datetime(2026, 3, 14, 18, 30),
                updated_at=datetime(2026, 3, 14, 18, 30, 0, 250000),
            )
        ],
        stages=[
            StageRecord(
                name="Café",
                position=2,
                color="#aabbcc",
                suggested_weeks=3,
                description="d",
                archived_at=datetime(2026, 1, 1),
                created_at=None,
                topics=[TopicRecord(name="t", position=1, state="done")],
            )
        ],
        settings={"timezone": "UTC"},
        template=TemplateRecord(True, "Prompt\n"),
        reviews=[ReviewRecord(week_start=date(2026, 3, 9), notes="r")],
        filters={"stage": "Café"},
        editor=lambda: {"projects": []},
    )
    assert write_json(journal).decode() == (
        """{
  "format": "roadbook-journal",
  "version": 1,
  "filters": {
    "stage": "Café"
  },
  "settings": {
    "timezone": "UTC"
  },
  "stages": [
    {
      "name": "Café",
      "position": 2,
      "color": "#aabbcc",
      "suggested_weeks": 3,
      "description": "d",
      "archived_at": "2026-01-01T00:00:00Z",
      "created_at": null,
      "topics": [
        {
          "name": "t",
          "position": 1,
          "state": "done",
          "archived_at": null,
          "created_at": null
        }
      ]
    }
  ],
  "entries": [
    {
      "date": "2026-03-14",
      "stage": "Café",
      "minutes": null,
      "topics": [
        "t"
      ],
      "tags": [
        "x"
      ],
      "notes": "n",
      "link": "https://example.org",
      "created_at": "2026-03-14T18:30:00Z",
      "updated_at": "2026-03-14T18:30:00.250000Z"
    }
  ],
  "template": {
    "enabled": true,
    "text": "Prompt\\n"
  },
  "reviews": [
    {
      "week_start": "2026-03-09",
      "notes": "r",
      "created_at": null,
      "updated_at": null
    }
  ],
  "editor": {
    "projects": []
  }
}
"""
    )


def test_json_without_a_template_or_editor_time():
    written = json.loads(write_json(JournalData(editor=lambda: None)))
    assert written["template"] is None and "editor" not in written
    assert "editor" not in json.loads(write_json(JournalData()))


# json, read


def test_json_reads_settings_stages_entries_template_and_reviews():
    read = read_json(
        document(
            settings={
                "timezone": "Europe/Paris",
                "daily_minimum_minutes": 1440,
                "weekly_goal_minutes": 30,
                "week_start": 6,
                "rest_days_per_week": 0,
            },
            stages=[
                {
                    "name": "Rust",
                    "color": "#AABBCC",
                    "position": 0,
                    "suggested_weeks": 4,
                    "description": None,
                    "created_at": "2026-01-01T10:00:00+01:00",
                    "topics": [
                        {"name": "Traits", "position": 7, "state": "learning"},
                        {"name": "Lifetimes", "archived_at": "2026-02-01T00:00:00Z"},
                    ],
                },
                {"name": "Go", "position": 2147483647},
            ],
            entries=[
                {"date": "2026-03-14", "stage": "Rust", "minutes": 1, "notes": None},
                {
                    "date": "2026-03-15",
                    "stage": "Go",
                    "notes": "x",
                    "topics": ["a"],
                    "tags": None,
                    "link": "https://example.org",
                    "updated_at": "2026-03-15T08:00:00Z",
                },
            ],
            template={"enabled": False, "text": "  What did I learn?\r\n  "},
            reviews=[
                {"week_start": "9999-12-25", "notes": None, "created_at": "2026-03-15T20:00:00Z"},
                {"week_start": "1970-01-01", "notes": " Good week. "},
            ],
        )
    )
    assert read.settings == {
        "timezone": "Europe/Paris",
        "daily_minimum_minutes": 1440,
        "weekly_goal_minutes": 30,
        "week_start": 6,
        "rest_days_per_week": 0,
    }
    assert read.full_roadmap is True
    rust, go = read.stages
    assert rust == StageRecord(
        name="Rust",
        position=1,  # 0 or none: its place in the file
        color="#aabbcc",
        suggested_weeks=4,
        description="",
        created_at=datetime(2026, 1, 1, 9, 0),
        topics=[
            TopicRecord(name="Traits", position=7, state="learning", has_state=True),
            TopicRecord(
                name="Lifetimes",
                position=2,
                state=None,
                has_state=False,
                archived_at=datetime(2026, 2, 1),
            ),
        ],
    )
    assert (go.position, go.color, go.suggested_weeks, go.topics) == (2147483647, None, None, [])
    first, second = read.entries
    assert first == EntryRecord(
        study_date=date(2026, 3, 14), stage="Rust", minutes=1, where="entry 1 (2026-03-14)"
    )
    assert second == EntryRecord(
        study_date=date(2026, 3, 15),
        stage="Go",
        minutes=None,
        notes="x",
        topics=["a"],
        link="https://example.org",
        updated_at=datetime(2026, 3, 15, 8, 0),
        where="entry 2 (2026-03-15)",
    )
    assert read.template == TemplateRecord(False, "What did I learn?\n")
    assert read.reviews == [
        ReviewRecord(
            week_start=date(9999, 12, 25),
            notes="",
            created_at=datetime(2026, 3, 15, 20, 0),
            where="review 1 (week of 9999-12-25)",
        ),
        ReviewRecord(
            week_start=date(1970, 1, 1), notes="Good week.", where="review 2 (week of 1970-01-01)"
        ),
    ]


def test_json_with_nothing_but_its_format_and_version():
    read = read_json(document(settings=[], template=None))
    assert (read.entries, read.stages, read.settings, read.template, read.reviews) == (
        [],
        [],
        {},
        None,
        [],
    )
    assert read_json(document(template={"enabled": False, "text": ""})).template == (
        TemplateRecord(False, "")
    )
    assert read_json(document(settings={"timezone": ""})).settings == {}


VERSION = "“version” must be a whole number such as 1."


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"version": None}, VERSION),
        ({"version": "1"}, VERSION),
        ({"version": True}, VERSION),
        ({"version": 0}, VERSION),
        ({"version": 1.0}, VERSION),
        ({"settings": ["a"]}, "“settings” must be an object."),
        (
            {"settings": {"timezone": 1}},
            "settings: “timezone” must be a time zone name such as Europe/Paris.",
        ),
        (
            {"settings": {"daily_minimum_minutes": 0}},
            "settings: “daily_minimum_minutes” must be from 1 to 1440.",
        ),
        (
            {"settings": {"daily_minimum_minutes": 1441}},
            "settings: “daily_minimum_minutes” must be from 1 to 1440.",
        ),
        (
            {"settings": {"weekly_goal_minutes": 29}},
            "settings: “weekly_goal_minutes” must be from 30 to 10080.",
        ),
        (
            {"settings": {"weekly_goal_minutes": 10081}},
            "settings: “weekly_goal_minutes” must be from 30 to 10080.",
        ),
        (
            {"settings": {"week_start": 1}},
            "settings: “week_start” must be 0 (Monday) or 6 (Sunday).",
        ),
        (
            {"settings": {"rest_days_per_week": 4}},
            "settings: “rest_days_per_week” must be from 0 to 3.",
        ),
        (
            {"settings": {"rest_days_per_week": True}},
            "settings: “rest_days_per_week” must be a whole number, or null.",
        ),
        ({"stages": {}}, "file: “stages” must be a list."),
        ({"reviews": "x"}, "file: “reviews” must be a list."),
        ({"stages": ["Rust"]}, "stage 1: must be an object with a name."),
        ({"stages": [{"name": 5}]}, "stage 1: “name” must be a non-empty text."),
        ({"stages": [{}]}, "stage 1: “name” must be a non-empty text."),
        (
            {"stages": [{"name": "A"}, {"name": "B", "color": "#abcdeg"}]},
            "stage 2 (“B”): “color” must be a hex colour such as #3b82f6.",
        ),
        (
            {"stages": [{"name": "B", "color": 3}]},
            "stage 1 (“B”): “color” must be a hex colour such as #3b82f6.",
        ),
        (
            {"stages": [{"name": "B", "color": "#abcdef0"}]},
            "stage 1 (“B”): “color” must be a hex colour such as #3b82f6.",
        ),
        ({"stages": [{"name": "B", "topics": {}}]}, "stage 1 (“B”): “topics” must be a list."),
        (
            {"stages": [{"name": "B", "topics": [{"name": "t"}, "u"]}]},
            "stage 1 (“B”), topic 2: must be an object with a name.",
        ),
        (
            {"stages": [{"name": "B", "topics": [{"name": " "}]}]},
            "stage 1 (“B”), topic 1: “name” must be a non-empty text.",
        ),
        (
            {"stages": [{"name": "B", "topics": [{"name": "t", "state": "started"}]}]},
            "stage 1 (“B”), topic 1: “state” must be learning, done, skipped or null.",
        ),
        (
            {"stages": [{"name": "B", "topics": [{"name": "t", "position": -1}]}]},
            "stage 1 (“B”), topic 1: “position” must be a whole number from 0 to 2147483647, "
            "or null.",
        ),
        (
            {"stages": [{"name": "B", "position": 2147483648}]},
            "stage 1 (“B”): “position” must be a whole number from 0 to 2147483647, or null.",
        ),
        (
            {"stages": [{"name": "B", "suggested_weeks": "4"}]},
            "stage 1 (“B”): “suggested_weeks” must be a whole number, or null.",
        ),
        (
            {"stages": [{"name": "B", "description": 4}]},
            "stage 1 (“B”): “description” must be a text.",
        ),
        (
            {"stages": [{"name": "B", "archived_at": 4}]},
            "stage 1 (“B”): “archived_at” must be a time such as 2026-03-14T18:30:00Z, or null.",
        ),
        (
            {
                "stages": [
                    {
                        "name": "B",
                        "topics": [{"name": "t", "created_at": "9999-12-31T23:00:00-14:00"}],
                    }
                ]
            },
            "stage 1 (“B”), topic 1: “created_at” must be a time such as 2026-03-14T18:30:00Z, "
            "or null.",
        ),
        ({"entries": ["x"]}, "entry 1: must be an object with a date, a stage and notes."),
        ({"entries": [{"date": 20260314}]}, "entry 1: “date” must be a date such as 2026-03-14."),
        (
            {"entries": [{"date": "2026-03-14", "stage": "A", "minutes": True}]},
            "entry 1 (2026-03-14): “minutes” must be a whole number of minutes, or null.",
        ),
        (
            {"entries": [{"date": "2026-03-14", "stage": "A", "minutes": 1.5}]},
            "entry 1 (2026-03-14): “minutes” must be a whole number of minutes, or null.",
        ),
        (
            {"entries": [{"date": "2026-03-14", "stage": "A", "tags": [1]}]},
            "entry 1 (2026-03-14): “tags” must be a list of names.",
        ),
        (
            {"entries": [{"date": "2026-03-14", "stage": "A", "topics": "a"}]},
            "entry 1 (2026-03-14): “topics” must be a list of names.",
        ),
        (
            {"entries": [{"date": "2026-03-14", "stage": "A", "updated_at": "later"}]},
            "entry 1 (2026-03-14): “updated_at” must be a time such as 2026-03-14T18:30:00Z, "
            "or null.",
        ),
        (
            {"template": "Prompt"},
            "template: must be an object with “enabled” (true or false) and “text”.",
        ),
        (
            {"template": {"enabled": 1, "text": "x"}},
            "template: must be an object with “enabled” (true or false) and “text”.",
        ),
        (
            {"template": {"enabled": True, "text": "  "}},
            "template: Template is empty: write some prompts, or turn it off.",
        ),
        (
            {"template": {"enabled": False, "text": "x" * 5001}},
            "template: Template must be at most 5000 characters.",
        ),
        ({"template": {"enabled": False, "text": 5}}, "template: “text” must be a text."),
        ({"reviews": [1]}, "review 1: must be an object with a week_start and notes."),
        (
            {"reviews": [{"week_start": "2026-03-32"}]},
            "review 1: “week_start” must be a date such as 2026-03-09.",
        ),
        (
            {"reviews": [{"week_start": "1969-12-29"}]},
            "review 1: “week_start” must be from 1970-01-01 to 9999-12-25.",
        ),
        (
            {"reviews": [{"week_start": "9999-12-26"}]},
            "review 1: “week_start” must be from 1970-01-01 to 9999-12-25.",
        ),
        (
            {"reviews": [{"week_start": "2026-03-09"}, {"week_start": "2026-03-09"}]},
            "review 2 (week of 2026-03-09): the file holds another review of that week.",
        ),
        (
            {"reviews": [{"week_start": "2026-03-09", "notes": "é" * 5001}]},
            "review 1 (week of 2026-03-09): Review must be at most 10 kB.",
        ),
        (
            {"reviews": [{"week_start": "2026-03-09", "notes": 1}]},
            "review 1 (week of 2026-03-09): “notes” must be a text.",
        ),
        (
            {"reviews": [{"week_start": "2026-03-09", "updated_at": "x"}]},
            "review 1 (week of 2026-03-09): “updated_at” must be a time such as "
            "2026-03-14T18:30:00Z, or null.",
        ),
        (
            {"reviews": [{"week_start": "2026-03-09", "created_at": 5}]},
            "review 1 (week of 2026-03-09): “created_at” must be a time such as "
            "2026-03-14T18:30:00Z, or null.",
        ),
        (
            {"stages": [{"name": "B", "created_at": 4}]},
            "stage 1 (“B”): “created_at” must be a time such as 2026-03-14T18:30:00Z, or null.",
        ),
        (
            {"stages": [{"name": "B", "topics": [{"name": "t", "archived_at": "x"}]}]},
            "stage 1 (“B”), topic 1: “archived_at” must be a time such as 2026-03-14T18:30:00Z, "
            "or null.",
        ),
        (
            {"stages": [{"name": "B", "topics": [{"name": "t", "position": "1"}]}]},
            "stage 1 (“B”), topic 1: “position” must be a whole number, or null.",
        ),
        (
            {"entries": [{"date": "2026-03-14", "stage": "A", "notes": 5}]},
            "entry 1 (2026-03-14): “notes” must be a text.",
        ),
        (
            {"entries": [{"date": "2026-03-14", "stage": "A", "link": ["x"]}]},
            "entry 1 (2026-03-14): “link” must be a text.",
        ),
    ],
)
def test_json_values_out_of_place_are_refused_naming_where(parts, message):
    assert refused(read_json, document(**parts)) == message


def test_json_reviews_up_to_the_cap():
    first = date(1990, 1, 1)
    weeks = [{"week_start": (first + timedelta(weeks=n)).isoformat()} for n in range(1101)]
    assert refused(read_json, document(reviews=weeks)) == (
        "file: more than 1,100 weekly reviews, the most one import takes."
    )
    assert len(read_json(document(reviews=weeks[:1100])).reviews) == 1100


# zip, written


def test_zip_writes_a_day_file_per_day_with_its_front_matter():
    entries = [
        EntryRecord(study_date=date(1979, 12, 31), stage="Old", minutes=5, notes="first"),
        EntryRecord(study_date=date(2026, 3, 14), stage="Café «1»", minutes=90, tags=["sql", "x"]),
        EntryRecord(study_date=date(2026, 3, 14), stage="!!", minutes=None, tags=["x"]),
        EntryRecord(study_date=date(2026, 3, 14), stage="Café «1»", minutes=30, notes="n\n"),
    ]
    archive = zipfile.ZipFile(io.BytesIO(write_zip(JournalData(entries=entries))))
    infos = archive.infolist()
    assert [info.filename for info in infos] == ["1979-12-31.md", "2026-03-14.md"]
    assert [info.date_time for info in infos] == [(1980, 1, 1, 0, 0, 0), (2026, 3, 14, 0, 0, 0)]
    first_year = EntryRecord(study_date=date(1980, 6, 1), stage="A", minutes=5)
    (info,) = zipfile.ZipFile(io.BytesIO(write_zip(JournalData(entries=[first_year])))).infolist()
    assert info.date_time == (1980, 6, 1, 0, 0, 0)
    assert {(info.compress_type, info.external_attr >> 16) for info in infos} == {
        (zipfile.ZIP_DEFLATED, 0o644)
    }
    assert archive.read("2026-03-14.md").decode() == (
        "---\n"
        "date: 2026-03-14\n"
        "stages:\n"
        '  - "Café «1»"\n'
        '  - "!!"\n'
        "minutes: 120\n"
        "tags:\n"
        '  - "stage/café-1"\n'
        '  - "sql"\n'
        '  - "x"\n'
        "---\n\n"
        "## Café «1» · 1 h 30 min\n\n- Tags: #sql #x\n\n"
        "## !! · duration unknown\n\n- Tags: #x\n\n"
        "## Café «1» · 30 min\n\nn\n"
    )
    assert (
        archive.read("1979-12-31.md")
        .decode()
        .endswith('minutes: 5\ntags:\n  - "stage/old"\n---\n\n## Old · 5 min\n\nfirst\n')
    )
    assert read_zip(write_zip(JournalData(entries=entries[1:2]))).entries[0].tags == ["sql", "x"]


# zip, read


def a_zip(files: dict[str, str | bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def day(body="", date="2026-03-14", matter=""):
    return f"---\ndate: {date}\n{matter}---\n\n{body}"


def test_zip_reads_day_files_in_date_order_from_any_folder():
    data = a_zip(
        {
            "journal/2026-03-15.md": day("## B · 5 min\n\nsecond\n", date='"2026-03-15"'),
            "2026-03-14.md": "\ufeff---\r\n"
            "# a comment\r\n"
            "\r\n"
            "date: '2026-03-14'\r\n"
            "stages:\r\n"
            '  - "A"\r\n'
            "  - 'it''s'\r\n"
            "  - plain\r\n"
            "  # an indented comment\r\n"
            "title: ''\r\n"
            "minutes:  45\r\n"
            "---\r\n"
            "\r\n"
            "## A · 45 min\r\n"
            "\r\n"
            "first\r\n",
            "journal/": "",
            "__MACOSX/._2026-03-14.md": b"\x00\x01",
            ".obsidian/workspace.json": "{}",
            "journal/.DS_Store": b"\x00",
        }
    )
    first, second = read_zip(data).entries
    assert (first.study_date, first.stage, first.minutes, first.notes, first.where) == (
        date(2026, 3, 14),
        "A",
        45,
        "first",
        "2026-03-14.md, line 14",
    )
    assert (second.study_date, second.stage, second.notes, second.where) == (
        date(2026, 3, 15),
        "B",
        "second",
        "2026-03-15.md, line 5",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "2026-03-14.md, line 1: a day file starts with front matter (a line “---”)."),
        (
            "---\n---\n",
            "2026-03-14.md, front matter: “date” must be 2026-03-14, the date in the file's name.",
        ),
        (
            "---\ndate: 2026-03-14\n  - item\n---\n",
            "2026-03-14.md, line 3: this front matter line is not understood.",
        ),
        (
            "---\ndate: 2026-03-14\ndate:2026\n---\n",
            "2026-03-14.md, line 3: this front matter line is not understood.",
        ),
        (
            '---\ndate: 2026-03-14\ntitle: "open\n---\n',
            "2026-03-14.md, line 3: a quoted value is not closed.",
        ),
        (
            "---\ndate: 2026-03-14\ntitle: 'open\n---\n",
            "2026-03-14.md, line 3: a quoted value is not closed.",
        ),
        (
            "---\ndate: 2026-03-14\ntitle: '\n---\n",
            "2026-03-14.md, line 3: a quoted value is not closed.",
        ),
        (
            "---\ndate: 2026-03-14\nstages:\n  - 'open\n---\n",
            "2026-03-14.md, line 4: a quoted value is not closed.",
        ),
        (
            '---\ndate: "2026-03-15"\n---\n',
            "2026-03-14.md, front matter: “date” must be 2026-03-14, the date in the file's name.",
        ),
        (
            "---\ndate: 2026-03-14\n---\n\n## A · 1441 min\n",
            "2026-03-14.md, line 5: the duration must be from 1 minute to 24 hours.",
        ),
        (
            b"---\ndate: 2026-03-14\n---\n\x80\n",
            "2026-03-14.md, line 4: the file is not UTF-8 text.",
        ),
    ],
)
def test_a_day_file_out_of_shape_is_refused_naming_its_line(body, message):
    assert refused(read_zip, a_zip({"journal/2026-03-14.md": body})) == message


def test_a_zip_line_past_the_limit_is_refused():
    limit = 440_000  # an entry's whole block, in characters of up to four bytes
    # A line of the most bytes read is read, and then too long for an entry's block.
    longest = day("## A · 5 min\n\n" + "x" * (limit - 1) + "\n")
    assert refused(read_zip, a_zip({"2026-03-14.md": longest})) == (
        "2026-03-14.md, line 5: this entry runs on past 110 kB; notes may be at most 10 kB."
    )
    over = day("## A · 5 min\n\n" + "x" * limit + "\n")
    assert refused(read_zip, a_zip({"2026-03-14.md": over})) == (
        "2026-03-14.md, line 7: the line is longer than 440 kB; an entry's notes may be at "
        "most 10 kB."
    )


NOT_A_DAY = ": not a day file. A Roadbook zip holds one file per day, named like 2026-03-14.md."


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"2026-3-14.md": day()},
            "2026-3-14.md" + NOT_A_DAY,
        ),
        (
            {"2026-03-14.txt": day()},
            "2026-03-14.txt" + NOT_A_DAY,
        ),
        (
            {"x" * 81: day()},
            "x" * 79 + "…" + NOT_A_DAY,
        ),
        (
            {"x" * 80: day()},
            "x" * 80 + NOT_A_DAY,
        ),
        ({"days/2026-13-01.md": day(date="2026-13-01")}, "2026-13-01.md: there is no such date."),
        (
            {"days/2026/2026-13-01.md": day(date="2026-13-01")},
            "2026-13-01.md: there is no such date.",
        ),
    ],
)
def test_zip_members_that_are_not_day_files_are_refused(files, message):
    assert refused(read_zip, a_zip(files)) == message


def test_zip_members_compressed_another_way_are_refused():
    assert refused(read_zip, a_zip({"2026-03-14.md": day()}, zipfile.ZIP_BZIP2)) == (
        "2026-03-14.md: the file is compressed with bzip2, which Roadbook does not unpack. "
        "Make the zip again with the usual compression (deflate)."
    )
    assert refused(read_zip, a_zip({"2026-03-14.md": day()}, zipfile.ZIP_LZMA)).startswith(
        "2026-03-14.md: the file is compressed with LZMA,"
    )
    stored = a_zip({"2026-03-14.md": day("## A · 5 min\n")}, zipfile.ZIP_STORED)
    assert read_zip(stored).entries[0].minutes == 5


def with_header(data: bytes, offset: int, value: bytes) -> bytes:
    """The zip with bytes of its central directory record changed."""
    central = data.rindex(b"PK\x01\x02")
    return data[: central + offset] + value + data[central + offset + len(value) :]


def test_encrypted_and_unknown_members_are_refused():
    data = a_zip({"2026-03-14.md": day()}, zipfile.ZIP_STORED)
    encrypted = with_header(data, 8, b"\x01\x00")  # general purpose flags
    assert refused(read_zip, encrypted) == (
        "2026-03-14.md: the file is encrypted (the zip was made with a password). "
        "Make the zip again without one."
    )
    deflate64 = with_header(data, 10, b"\x09\x00")  # compression method
    assert refused(read_zip, deflate64).startswith(
        "2026-03-14.md: the file is compressed with Deflate64,"
    )
    other = with_header(data, 10, b"\x63\x00")
    assert refused(read_zip, other).startswith(
        "2026-03-14.md: the file is compressed with method 99,"
    )


def test_a_zip_of_a_later_zip_version_is_refused_with_its_version():
    data = a_zip({"2026-03-14.md": day("## A · 5 min\n")})
    header = data.index(b"PK\x01\x02")  # the central directory's entry for the file
    needs = header + 6  # "version needed to extract", two bytes: 7.4 is 74
    later = data[:needs] + (74).to_bytes(2, "little") + data[needs + 2 :]
    assert refused(read_zip, later) == (
        "This zip file needs what this import cannot read: zip file version 7.4."
    )


def test_a_damaged_member_is_refused():
    data = a_zip({"2026-03-14.md": day("## A · 5 min\n")}, zipfile.ZIP_STORED)
    damaged = data.replace(b"## A", b"## B", 1)  # the CRC no longer matches
    assert refused(read_zip, damaged) == "2026-03-14.md: the file is damaged inside the zip."


def test_zip_sizes_and_counts_are_bounded():
    files = {f"{2000 + n // 365}-01-{1 + n % 28:02d}-{n}.md": "" for n in range(5001)}
    assert refused(read_zip, a_zip(files)) == (
        "The zip holds 5,001 files; one import reads at most 5,000 day files." + PARTS
    )
    big = "x" * (4 * 1024 * 1024 + 1)
    assert refused(read_zip, a_zip({"2026-03-14.md": big})) == (
        "2026-03-14.md: the file unpacks to 4 MB; a day file may hold at most 4 MB."
    )
    fits = "x" * (4 * 1024 * 1024)
    many = {f"2026-03-{n:02d}.md": fits for n in range(1, 4)}
    assert refused(read_zip, a_zip(many)) == (
        "The zip unpacks to 12 MB; one import reads at most 8 MB." + PARTS
    )
    # Two files of 4 MB are unpacked (and then refused for what they hold).
    assert refused(read_zip, a_zip(dict(list(many.items())[:2]))) == (
        "2026-03-01.md, line 1: the line is longer than 440 kB; an entry's notes may be at "
        "most 10 kB."
    )
    # 5,000 files are looked at one by one.
    most = {f"x{n}.md": "" for n in range(5000)}
    assert refused(read_zip, a_zip(most)) == "x0.md" + NOT_A_DAY
    two = {f"2026-03-{n:02d}.md": day(date=f"2026-03-{n:02d}") + "\n" * 10 for n in (1, 2)}
    assert read_zip(a_zip(two)).entries == []


def test_the_same_day_in_two_folders_is_read_in_name_order():
    data = a_zip(
        {
            "journal/b/2026-03-14.md": day("## B · 5 min\n"),
            "journal/a/2026-03-14.md": day("## A · 10 min\n"),
            "__MACOSX/2026-03-14.md": b"\x00\x05\x16\x07",  # what macOS adds, never a day file
        }
    )
    assert [(e.stage, e.minutes, e.where) for e in read_zip(data).entries] == [
        ("A", 10, "2026-03-14.md, line 5"),
        ("B", 5, "2026-03-14.md, line 5"),
    ]


def test_a_zip_line_is_read_up_to_the_limit_and_refused_past_it():
    # _lines reads one line at a time from any binary file, here one that stops exactly at
    # the size asked for (zipfile may hand over a little more).
    fits = io.BytesIO(b"x" * 439_999 + b"\n")  # 440,000 bytes with its line end
    assert list(_lines(fits, "2026-03-14.md")) == ["x" * 439_999]
    over = io.BytesIO(b"---\n" + b"x" * 440_000 + b"\n")
    assert refused(list, _lines(over, "2026-03-14.md")) == (
        "2026-03-14.md, line 2: the line is longer than 440 kB; an entry's notes may be at "
        "most 10 kB."
    )


def test_zip_notes_lines_that_look_like_an_entry_heading_are_escaped_and_read_back():
    entry = EntryRecord(
        study_date=date(2026, 3, 14), stage="A", minutes=5, notes="# Title\n## B · 5 min"
    )
    archive = zipfile.ZipFile(io.BytesIO(write_zip(JournalData(entries=[entry]))))
    assert (
        archive.read("2026-03-14.md").decode().endswith("## A · 5 min\n\n# Title\n\\## B · 5 min\n")
    )
    written = day("## A · 5 min\n\n# Title\n\\## B · 5 min\n\\plain\n")
    (read,) = read_zip(a_zip({"2026-03-14.md": written})).entries
    assert (read.stage, read.notes) == ("A", "# Title\n## B · 5 min\n\\plain")


# The registry: which format a file is taken for, and the messages when none fits.


def test_the_formats_are_labelled_as_the_forms_show_them():
    from journal.transfer.formats import EXPORT_FORMATS, IMPORT_FORMATS

    assert IMPORT_FORMATS == {
        "json": "Roadbook JSON",
        "zip": "Roadbook zip of day files",
        "markdown": "Roadbook Markdown",
        "csv": "CSV with Roadbook's columns",
        "jrnl": "jrnl journal file",
        "jrnl-json": "jrnl JSON export",
    }
    assert {name: export.label for name, export in EXPORT_FORMATS.items()} == {
        "markdown": "Markdown, one file",
        "zip": "Markdown, one file per day (zip, for Obsidian)",
        "json": "JSON, everything (for a backup)",
        "csv": "CSV, for spreadsheets",
    }


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("x", b"PK\x05\x06" + b"\x00" * 18, "zip"),
        ("X.ZIP", b"anything", "zip"),
        ("x.MD", b"anything", "markdown"),
        ("x.markdown", b"anything", "markdown"),
        ("x", b"\n  # Roadbook journal\n", "markdown"),
        ("x", b"  Date,stage\n", "csv"),
        ("x", b"\n\ndate,stage\n", "csv"),
        ("X.CSV", b"anything", "csv"),
        ("x", b'  {"format": "roadbook-journal"}', "json"),
        ("x.json", b'{"entries": [{"body": "b"}]}', "jrnl-json"),
        ("x.txt", b"\xef\xbb\xbfdate,stage\r\n", "csv"),
    ],
)
def test_a_file_is_taken_for_its_format(filename, data, expected):
    assert detect(Source(data, filename)).name == expected


NOT_RECOGNISED = (
    "This file's format is not recognised. Roadbook reads its own json, zip, markdown and csv "
    "exports, jrnl journal files and jrnl's json export."
)
NOT_A_JOURNAL_JSON = (
    "This JSON is neither a Roadbook export nor a jrnl export (jrnl --format json). "
    "Nothing was imported."
)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("x.bin", b"date,stage\n\xff", NOT_RECOGNISED),
        ("x", b"just words", NOT_RECOGNISED),
        ("x", "\u00a0\u2003\n".encode(), NOT_RECOGNISED),  # spaces no byte strip removes
        ("x", b"datestage,\n", NOT_RECOGNISED),
        (
            "x.json",
            b"# Roadbook journal\n",
            "line 1, column 1: this is not valid JSON (Expecting value).",
        ),
        ("x", b'{"entries": [{"date": "2026-03-14"}]}', NOT_A_JOURNAL_JSON),
        ("x.txt", b"date,stage\n\xff", "line 2: the file is not UTF-8 text."),
        ("x.md", b"a\r\nb\r\n\xff", "line 3: the file is not UTF-8 text."),
        ("x.json", b"\xff", "line 1: the file is not UTF-8 text."),
        ("x.markdown", b"\xff", "line 1: the file is not UTF-8 text."),
        ("x.csv", b"\xff", "line 1: the file is not UTF-8 text."),
        ("x.md", b"a\rb\r\rc\xff", "line 4: the file is not UTF-8 text."),
        ("x.md", b"a\n\rb\xff", "line 3: the file is not UTF-8 text."),
    ],
)
def test_a_file_of_no_known_format_is_refused(filename, data, message):
    assert refused(detect, Source(data, filename)) == message


def test_a_named_format_reads_the_file_as_that_format():
    fmt, read = read_file(b"\xef\xbb\xbfdate,stage,minutes,notes\r\n2026-03-14,A,5,x\r", "x", "csv")
    assert (fmt, [(e.stage, e.notes) for e in read.entries]) == ("csv", [("A", "x")])
    assert refused(read_file, b'{"entries": []}', "x.json", "json") == (
        "This JSON is not a Roadbook export: it has no “format” of ours."
    )
    assert refused(read_file, b'{"format": "roadbook-journal"}', "x", "jrnl-json") == (
        "This JSON is not a jrnl export: it has no list of “entries”."
    )
    fmt, read = read_file(
        b'{"entries": [{"date": "2026-03-14", "time": "09:00", "title": "T"}]}',
        "x",
        "jrnl-json",
        zone=ZoneInfo("Asia/Tokyo"),
    )
    assert (fmt, read.entries[0].created_at) == ("jrnl-json", datetime(2026, 3, 14, 0, 0))
    fmt, read = read_file(b"[2026-03-14 09:00] T\n", "", zone=None)
    assert (fmt, read.entries[0].created_at) == ("jrnl", datetime(2026, 3, 14, 9, 0))


def test_json_nesting_and_size_are_bounded_before_parsing():
    deepest = []
    for _ in range(15):
        deepest = [deepest]
    assert load_json("[" * 16 + "]" * 16) == deepest
    assert refused(load_json, "[" * 17 + "]" * 17) == (
        "This JSON is nested 17 deep; a journal's JSON is nested 5 deep at most (and at most "
        "16 deep is read)."
    )
    in_a_string = '{"a": "' + "[" * 20 + '\\"{"}'  # brackets in strings are not nesting
    assert load_json(in_a_string) == {"a": "[" * 20 + '"{'}
    assert refused(load_json, "[" + "[]," * 18315 + "[]]") == (
        "This JSON has 18,317 objects and lists: the file holds more than 5,000 entries, the "
        "most one import takes." + PARTS
    )
    assert len(load_json("[" + "[]," * 18314 + "[]]")) == 18315
    assert load_json("[12345678901234567890, 123456789012345678901]") == [
        12345678901234567890,
        1.2345678901234568e20,
    ]
    assert refused(load_json, '{"a": 1,\n  "b": }') == (
        "line 2, column 8: this is not valid JSON (Expecting value)."
    )


def test_objects_count_towards_the_json_size_bound():
    assert refused(load_json, "[" + "{}," * 18315 + "{}]") == (
        "This JSON has 18,317 objects and lists: the file holds more than 5,000 entries, the "
        "most one import takes." + PARTS
    )
    assert len(load_json("[" + "{}," * 18314 + "{}]")) == 18315


@pytest.mark.parametrize(
    "data",
    [
        b'{\n"a": 1,\n"b": }',
        b'{\r\n"a": 1,\r\n"b": }',
        b'{\r"a": 1,\r"b": }',
        b'{\r\n"a": 1,\r"b": }',
    ],
)
def test_any_line_end_counts_once_in_json_messages(data):
    assert refused(read_file, data, "x.json") == (
        "line 3, column 6: this is not valid JSON (Expecting value)."
    )
