"""Hostile input answers 422 with a message naming the field, line, entry or member at
fault, and saves nothing: never a 500.

Each case is the input that once answered 500: numbers of thousands of digits after an
``isdecimal()`` check, times that overflow when converted to UTC, JSON nested deeper than
Python's recursion limit, zip members that are encrypted or compressed in a way not read,
and a stage position no database column holds.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from .support import HX, alert, differences, snapshot, stage_id_of, text, upload

HUGE = "9" * 5000  # past int()'s 4,300-digit limit


@pytest.fixture
def hostile(make_app):
    """An app that answers errors as production does (a 500, not a raised exception)."""
    return make_app(TESTING=False)


@pytest.fixture
def alice(hostile):
    from .support import AuthActions

    client = hostile.test_client()
    assert AuthActions(hostile, client).login("alice").status_code == 303
    return client


def refused_naming(response, *words) -> str:
    assert response.status_code == 422, (response.status_code, text(response)[:300])
    shown = text(response)
    for word in words:
        assert word in shown, (word, shown[:2000])
    return shown


@pytest.mark.parametrize(
    ("field", "label"),
    [("daily_minimum", "Daily minimum"), ("rest_days", "Rest days")],
)
def test_insight_settings_with_thousands_of_digits(hostile, alice, field, label):
    form = {"daily_minimum": "15", "weekly_goal": "10", "week_start": "0", "rest_days": "1"}
    before = snapshot(hostile)
    response = alice.post("/dashboard/settings", data={**form, field: HUGE}, headers=HX)
    refused_naming(response, label)
    assert not differences(before, snapshot(hostile))


def test_stage_weeks_with_thousands_of_digits(hostile, alice):
    before = snapshot(hostile)
    form = {"name": "Rust", "color": "#3b82f6", "weeks": HUGE}
    refused_naming(alice.post("/roadmap/stages", data=form, headers=HX), "Suggested weeks")
    edited = alice.post(f"/roadmap/stages/{stage_id_of(hostile)}", data=form, headers=HX)
    refused_naming(edited, "Suggested weeks")
    assert not differences(before, snapshot(hostile))


def test_import_stage_with_thousands_of_digits(hostile, alice):
    data = b"[2026-03-14 18:30] Joins at last.\n"
    response = upload(alice, data, "journal.txt", stage=HUGE)
    refused_naming(response)
    assert "Stage: choose a stage from the list." in alert(response)


def test_export_stage_filter_with_thousands_of_digits(alice):
    response = alice.get("/data/export", query_string={"format": "json", "stage": HUGE})
    refused_naming(response, "Stage: choose a stage from the list.")


def preview_refused(app, client, data: bytes, filename: str, *words) -> str:
    before = snapshot(app)
    response = upload(client, data, filename)
    refused_naming(response)
    message = alert(response)
    for word in words:
        assert word in message, (word, message)
    assert "Nothing was imported" in message
    assert not differences(before, snapshot(app))
    return message


def roadbook_json(**changes) -> bytes:
    entry = {"date": "2026-03-14", "stage": "Databases and SQL", "minutes": 90, "notes": "joins"}
    document = {"format": "roadbook-journal", "version": 1, "entries": [{**entry, **changes}]}
    return json.dumps(document).encode()


def test_csv_minutes_with_thousands_of_digits(hostile, alice):
    data = f"date,stage,minutes,notes\r\n2026-03-14,Databases and SQL,{HUGE},joins\r\n".encode()
    preview_refused(hostile, alice, data, "journal.csv", "line 2", "duration")


def test_markdown_duration_with_thousands_of_digits(hostile, alice):
    data = (
        "# Roadbook journal\n\n## March 2026\n\n### Saturday 14 March 2026\n\n"
        f"#### Databases and SQL · {HUGE} min\n\njoins\n"
    ).encode()
    preview_refused(hostile, alice, data, "journal.md", "line 7", "duration")


def test_json_number_with_thousands_of_digits(hostile, alice):
    data = roadbook_json().replace(b'"version": 1', f'"version": {HUGE}'.encode())
    preview_refused(hostile, alice, data, "journal.json", "version")
    data = roadbook_json().replace(b'"minutes": 90', f'"minutes": {HUGE}'.encode())
    preview_refused(hostile, alice, data, "journal.json", "entry 1", "minutes")


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_json_time_beyond_the_calendar_in_utc(hostile, alice, moment):
    data = roadbook_json(created_at=moment)
    preview_refused(hostile, alice, data, "journal.json", "entry 1", "created_at")


def test_csv_time_beyond_the_calendar_in_utc(hostile, alice):
    data = (
        b"date,stage,minutes,notes,updated_at\r\n"
        b"2026-03-14,Databases and SQL,90,joins,9999-12-31T23:59:59-14:00\r\n"
    )
    preview_refused(hostile, alice, data, "journal.csv", "line 2", "updated_at")


def test_jrnl_time_beyond_the_calendar_in_utc(hostile, alice):
    from .support import set_timezone

    set_timezone(hostile, "alice", "America/Los_Angeles")
    data = b"[9999-12-31 23:30] The last day of the calendar.\n"
    preview_refused(hostile, alice, data, "journal.txt", "line 1")


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"format": "roadbook-journal", "version": 1, "entries": [' + b"[" * 50_000 + b"]}",
        b'{"entries": [{"title": "a", "tags": ' + b'{"a": ' * 20_000 + b"}" * 20_000 + b"}]}",
    ],
    ids=["arrays", "roadbook", "jrnl-objects"],
)
def test_json_nested_deeper_than_any_journal(hostile, alice, data):
    preview_refused(hostile, alice, data, "journal.json", "nested")


def test_json_brackets_inside_text_are_only_text(hostile, alice):
    """Notes full of brackets are notes: only the document's own nesting counts."""
    notes = "[[[{{{" * 1_400 + '\\"]]' + "\\\\" + "[" * 100
    response = upload(alice, roadbook_json(notes=notes), "journal.json")
    assert response.status_code == 200, alert(response)
    assert "1</strong> entry will be added" in text(response)


def test_json_stage_position_beyond_the_database(hostile, alice):
    stage = {"name": "Rust", "position": 10**19, "topics": []}
    document = json.loads(roadbook_json(stage="Rust"))
    document["stages"] = [stage]
    message = preview_refused(
        hostile, alice, json.dumps(document).encode(), "journal.json", "stage 1", "position"
    )
    assert "Rust" in message
    document["stages"] = [{**stage, "position": 1, "topics": [{"name": "x", "position": -1}]}]
    data = json.dumps(document).encode()
    preview_refused(hostile, alice, data, "journal.json", "stage 1", "topic 1", "position")


def day_zip(member: zipfile.ZipInfo, body: bytes, **options) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", **options) as archive:
        archive.writestr(member, body)
    return buffer.getvalue()


DAY = b"---\ndate: 2026-03-14\n---\n\n## Databases and SQL \xc2\xb7 45 min\n\njoins\n"


def test_zip_member_that_is_encrypted(hostile, alice):
    data = bytearray(day_zip(zipfile.ZipInfo("2026-03-14.md"), DAY))
    # Set the "encrypted" flag of the member, as a zip made with a password has it.
    data[6] |= 1
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    message = preview_refused(hostile, alice, bytes(data), "days.zip", "2026-03-14.md")
    assert "password" in message


@pytest.mark.parametrize(
    "method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 9], ids=["bzip2", "lzma", "deflate64"]
)
def test_zip_member_compressed_another_way(hostile, alice, method):
    info = zipfile.ZipInfo("2026-03-14.md")
    if method == 9:  # Deflate64, which Python cannot unpack: written stored, then relabelled
        data = bytearray(day_zip(info, DAY))
        data[8] = 9
        central = data.find(b"PK\x01\x02")
        data[central + 10] = 9
        data = bytes(data)
    else:
        info.compress_type = method
        data = day_zip(info, DAY)
    message = preview_refused(hostile, alice, data, "days.zip", "2026-03-14.md")
    assert "compressed" in message
