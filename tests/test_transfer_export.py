"""Exports: what each format holds, filters, same bytes every time, no query per entry."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date

import pytest
from sqlalchemy import event, select

from journal.extensions import db
from journal.roadmap.models import Stage
from journal.roadmap.services import set_stage_archived, stages_of
from journal.transfer.collect import ExportFilters
from journal.transfer.services import export_file

from .support import HX, HX_FULL, add_entry, export, is_full_page, text, user


@pytest.fixture
def journal(app, auth):
    """Alice's small journal: two days in March, one in April, one entry without a duration."""
    auth.login("alice")
    add_entry(
        app,
        day=date(2026, 3, 14),
        stage=1,
        minutes=90,
        topics=2,
        notes="Joins at last. #sql\n\n```sql\nSELECT 1;\n```",
        link="https://example.org/joins",
    )
    add_entry(app, day=date(2026, 3, 14), stage=0, minutes=45, notes="Generators #python")
    add_entry(app, day=date(2026, 3, 2), stage=0, minutes=None, notes="Read about closures.")
    add_entry(app, day=date(2026, 4, 1), stage=2, minutes=120, notes="")
    return app


MARKDOWN = """\
# Roadbook journal

4 entries, 4.2 h in all (1 with the duration unknown).

## March 2026

### Monday 2 March 2026

#### Python fundamentals · duration unknown

Read about closures.

### Saturday 14 March 2026

#### Databases and SQL · 1 h 30 min

- Topics: PostgreSQL; SELECT, INSERT, UPDATE, DELETE
- Tags: #sql
- Link: <https://example.org/joins>

Joins at last. #sql

```sql
SELECT 1;
```

#### Python fundamentals · 45 min

- Tags: #python

Generators #python

## April 2026

### Wednesday 1 April 2026

#### Web frameworks · 2 h
"""


def test_markdown_has_a_heading_per_month_day_and_entry_with_notes_as_written(journal):
    assert export(journal, fmt="markdown").decode() == MARKDOWN


def test_zip_has_one_file_per_day_with_front_matter_obsidian_reads(journal):
    archive = zipfile.ZipFile(io.BytesIO(export(journal, fmt="zip")))
    assert archive.namelist() == ["2026-03-02.md", "2026-03-14.md", "2026-04-01.md"]
    assert archive.read("2026-03-14.md").decode() == (
        "---\n"
        "date: 2026-03-14\n"
        "stages:\n"
        '  - "Databases and SQL"\n'
        '  - "Python fundamentals"\n'
        "minutes: 135\n"
        "tags:\n"
        '  - "stage/databases-and-sql"\n'
        '  - "stage/python-fundamentals"\n'
        '  - "sql"\n'
        '  - "python"\n'
        "---\n"
        "\n"
        "## Databases and SQL · 1 h 30 min\n"
        "\n"
        "- Topics: PostgreSQL; SELECT, INSERT, UPDATE, DELETE\n"
        "- Tags: #sql\n"
        "- Link: <https://example.org/joins>\n"
        "\n"
        "Joins at last. #sql\n"
        "\n"
        "```sql\n"
        "SELECT 1;\n"
        "```\n"
        "\n"
        "## Python fundamentals · 45 min\n"
        "\n"
        "- Tags: #python\n"
        "\n"
        "Generators #python\n"
    )
    # The archive's times come from the data (the day), never from the clock.
    assert [info.date_time for info in archive.infolist()] == [
        (2026, 3, 2, 0, 0, 0),
        (2026, 3, 14, 0, 0, 0),
        (2026, 4, 1, 0, 0, 0),
    ]


def test_json_holds_every_field_of_entries_stages_topics_and_settings(journal):
    with journal.app_context():
        alice = user()
        stage = stages_of(alice)[3]
        set_stage_archived(stage, True)
    document = json.loads(export(journal, fmt="json"))
    assert document["format"] == "roadbook-journal" and document["version"] == 1
    assert document["settings"] == {
        "timezone": "UTC",
        "daily_minimum_minutes": 15,  # a new account's goals
        "weekly_goal_minutes": 600,
        "week_start": 0,
        "rest_days_per_week": 0,
    }
    assert document["template"] is None and document["reviews"] == []
    assert [stage["name"] for stage in document["stages"]][:3] == [
        "Python fundamentals",
        "Databases and SQL",
        "Web frameworks",
    ]
    archived = document["stages"][3]
    assert archived["archived_at"].endswith("Z") and archived["color"].startswith("#")
    assert set(archived) == {
        "name",
        "position",
        "color",
        "suggested_weeks",
        "description",
        "archived_at",
        "created_at",
        "topics",
    }
    assert set(archived["topics"][0]) == {"name", "position", "state", "archived_at", "created_at"}
    joins = document["entries"][1]
    assert joins["date"] == "2026-03-14" and joins["stage"] == "Databases and SQL"
    assert joins["minutes"] == 90 and joins["tags"] == ["sql"]
    assert joins["topics"] == ["PostgreSQL", "SELECT, INSERT, UPDATE, DELETE"]
    assert joins["link"] == "https://example.org/joins"
    assert joins["created_at"].endswith("Z") and joins["updated_at"].endswith("Z")
    assert document["entries"][0]["minutes"] is None


def test_csv_has_one_row_per_entry_and_defuses_formulas(journal, app):
    add_entry(app, day=date(2026, 4, 2), notes="=HYPERLINK(1)\nsecond line")
    rows = list(csv.reader(io.StringIO(export(app, fmt="csv").decode(), newline="")))
    header = "date stage minutes topics tags notes link created_at updated_at"
    assert rows[0] == header.split()
    assert len(rows) == 1 + 5
    assert rows[1][:3] == ["2026-03-02", "Python fundamentals", ""]
    assert rows[2][3] == "PostgreSQL; SELECT, INSERT, UPDATE, DELETE"
    assert rows[5][5] == "'=HYPERLINK(1)\nsecond line"


@pytest.mark.parametrize("fmt", ["markdown", "zip", "json", "csv"])
def test_the_same_journal_gives_the_same_bytes(journal, fmt):
    assert export(journal, fmt=fmt) == export(journal, fmt=fmt)


def test_filters_keep_a_date_range_and_a_stage(journal):
    with journal.app_context():
        alice = user()
        python = stages_of(alice)[0]
        march = export_file(alice, "json", ExportFilters(date(2026, 3, 1), date(2026, 3, 31)))
        only_python = export_file(alice, "json", ExportFilters(stage=python))
    dates = [entry["date"] for entry in json.loads(march.data)["entries"]]
    assert dates == ["2026-03-02", "2026-03-14", "2026-03-14"]
    assert march.filename == "roadbook-alice-2026-03-01-to-2026-03-31.json"
    document = json.loads(only_python.data)
    assert {entry["stage"] for entry in document["entries"]} == {"Python fundamentals"}
    assert [stage["name"] for stage in document["stages"]] == ["Python fundamentals"]
    assert document["filters"] == {"stage": "Python fundamentals"}
    assert only_python.filename == "roadbook-alice-python-fundamentals.json"


def test_a_stage_named_in_any_script_gives_a_safe_file_name(journal, client):
    with journal.app_context():
        owner = user()
        stage = Stage(user_id=owner.id, position=9, name="Базы данных · SQL", color="#000000")
        db.session.add(stage)
        db.session.commit()
        stage_id = stage.id
    response = client.get(f"/data/export?format=csv&stage={stage_id}")
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="roadbook-alice-sql.csv"'
    )


def test_deleted_entries_are_not_exported(journal, client):
    entry_id = add_entry(journal, day=date(2026, 4, 3), notes="soon gone")
    client.post(f"/entries/{entry_id}/delete")
    assert b"soon gone" not in export(journal, fmt="markdown")


def test_export_runs_the_same_few_queries_for_three_entries_or_thirty(app, auth):
    auth.create("alice")

    def statements():
        seen = []
        with app.app_context():
            listener = lambda *args: seen.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                for fmt in ("markdown", "zip", "json", "csv"):
                    export_file(user(), fmt)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    for n in range(3):
        add_entry(app, day=date(2026, 1, 1 + n), topics=2, notes=f"#t{n}")
    few = statements()
    for n in range(3, 30):
        add_entry(app, day=date(2026, 1, 1 + n), topics=2, notes=f"#t{n}")
    assert statements() == few


# The page and the download


def test_data_page_shows_the_export_and_import_forms(journal, client):
    response = client.get("/data")
    assert response.status_code == 200 and is_full_page(response)
    page = text(response)
    assert 'action="/data/export"' in page and 'enctype="multipart/form-data"' in page
    # The year shows only when it is not this year.
    summary = r"Your journal has 4 entries, from Mon 2 Mar( 2026)? to Wed 1 Apr( 2026)?\."
    assert re.search(summary, page)
    assert 'href="/journal?duration=unknown">fill it in</a>' in page
    # A boosted or history request gets the whole page too.
    assert is_full_page(client.get("/data", headers=HX_FULL))


def test_data_page_fragment_is_the_summary_that_follows_changes(journal, client):
    response = client.get("/data", headers=HX)
    assert not is_full_page(response)
    assert text(response).startswith('<p id="data-summary"')
    assert 'hx-trigger="entries-changed from:body"' in text(response)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_download_is_an_attachment_with_the_export(journal, client, headers):
    response = client.get("/data/export?format=markdown", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="roadbook-alice.md"'
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data == export(journal, fmt="markdown")


def test_download_with_filters_from_the_form(journal, client):
    with journal.app_context():
        stage_id = stages_of(user())[1].id
    response = client.get(f"/data/export?format=csv&from=2026-03-10&to=&stage={stage_id}")
    rows = response.data.decode().strip().split("\r\n")
    assert len(rows) == 2 and rows[1].startswith("2026-03-14,Databases and SQL,90,")


def test_bad_export_choices_answer_422_naming_the_field(journal, client):
    response = client.get("/data/export?format=pdf&from=2026-13-01&to=2026-01-01&stage=x")
    assert response.status_code == 422 and is_full_page(response)
    page = text(response)
    assert "Format: choose one of the formats in the list." in page
    assert "From must be a date such as 2026-03-14." in page
    assert "Stage: choose a stage from the list." in page
    response = client.get("/data/export?format=json&from=2026-03-02&to=2026-03-01")
    assert "To must be on or after From." in text(response)


def test_another_users_entries_and_stages_are_never_exported(journal, app, client, auth):
    auth.create("bob")
    add_entry(app, "bob", day=date(2026, 3, 14), notes="bob's secret plans")
    with app.app_context():
        bobs_stage = db.session.scalar(
            select(Stage.id).where(Stage.user_id == user("bob").id).limit(1)
        )
    for fmt in ("markdown", "zip", "json", "csv"):
        response = client.get(f"/data/export?format={fmt}")
        data = response.data
        if fmt == "zip":
            archive = zipfile.ZipFile(io.BytesIO(data))
            data = b"".join(archive.read(name) for name in archive.namelist())
        assert b"bob's secret plans" not in data
    # Bob's stage cannot be used as a filter by alice: it is not hers.
    response = client.get(f"/data/export?format=json&stage={bobs_stage}")
    assert response.status_code == 422
    assert "Stage: choose a stage from the list." in text(response)


def test_data_pages_need_a_signed_in_user(client):
    from .support import AuthActions

    AuthActions(client.application, client).create("alice")
    for path in ("/data", "/data/export?format=json"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post("/data/import/preview", headers=HX)
    assert response.status_code == 401 and "/login" in response.headers["HX-Redirect"]


def test_settings_link_to_the_data_page(journal, client):
    page = text(client.get("/settings"))
    assert '<h2 id="settings-data-title">Your data</h2>' in page
    assert 'href="/data#export-title">Export your journal</a>' in page
    assert 'href="/data#import-title">Import entries</a>' in page
