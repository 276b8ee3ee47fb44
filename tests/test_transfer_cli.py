"""``flask --app journal export`` and ``flask --app journal import`` from the shell."""

from __future__ import annotations

import json
from datetime import date

from .support import FIXTURES, add_entry, entry_rows, export


def test_export_writes_the_file_and_says_how_many(app, auth, runner, tmp_path):
    auth.create("alice")
    add_entry(app, day=date(2026, 3, 1), notes="one")
    add_entry(app, day=date(2026, 3, 9), stage=1, notes="two")
    target = tmp_path / "out.json"
    result = runner.invoke(args=["export", "alice", "--format", "json", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Exported 2 entries to {target}." in result.output
    assert target.read_bytes() == export(app, fmt="json")


def test_export_to_standard_output_defaults_to_markdown(app, auth, runner):
    auth.create("alice")
    add_entry(app, day=date(2026, 3, 1), notes="hello there")
    result = runner.invoke(args=["export", "alice"])
    assert result.exit_code == 0
    assert result.stdout_bytes == export(app, fmt="markdown")


def test_export_filters_by_dates_and_stage_name(app, auth, runner, tmp_path):
    auth.create("alice")
    add_entry(app, day=date(2026, 3, 1), notes="early")
    add_entry(app, day=date(2026, 3, 5), notes="python")
    add_entry(app, day=date(2026, 3, 5), stage=1, notes="sql")
    target = tmp_path / "out.json"
    args = ["export", "alice", "--format", "json", "-o", str(target)]
    args += ["--from", "2026-03-02", "--to", "2026-03-31", "--stage", "python FUNDAMENTALS"]
    assert runner.invoke(args=args).exit_code == 0
    document = json.loads(target.read_text())
    assert [entry["notes"] for entry in document["entries"]] == ["python"]
    assert document["filters"] == {
        "from": "2026-03-02",
        "to": "2026-03-31",
        "stage": "Python fundamentals",
    }


def test_export_refuses_bad_arguments_with_a_message(app, auth, runner):
    auth.create("alice")
    result = runner.invoke(args=["export", "nobody"])
    assert result.exit_code == 1 and "There is no user “nobody”." in result.output
    result = runner.invoke(args=["export", "alice", "--stage", "Cooking", "--from", "soon"])
    assert result.exit_code == 1
    assert "From must be a date such as 2026-03-14." in result.output
    assert "Stage “Cooking” is not one of your stages." in result.output
    result = runner.invoke(args=["export", "alice", "--format", "pdf"])
    assert result.exit_code == 2 and "'pdf' is not one of" in result.output


def test_export_only_holds_the_named_users_entries(app, auth, runner):
    auth.create("alice")
    auth.create("bob")
    add_entry(app, "bob", day=date(2026, 3, 1), notes="bob only")
    add_entry(app, "alice", day=date(2026, 3, 1), notes="alice only")
    result = runner.invoke(args=["export", "alice", "--format", "csv"])
    assert b"alice only" in result.stdout_bytes and b"bob only" not in result.stdout_bytes


def test_import_a_roadbook_export(app, auth, runner, tmp_path):
    auth.create("alice")
    auth.create("bob")
    add_entry(app, day=date(2026, 3, 1), notes="one", minutes=None)
    add_entry(app, day=date(2026, 3, 2), notes="two")
    path = tmp_path / "backup.zip"
    path.write_bytes(export(app, fmt="zip"))
    result = runner.invoke(args=["import", "bob", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 entries from backup.zip (zip)." in result.output
    assert "Duration unknown: 1 (fill them in from the Journal)." in result.output
    assert entry_rows(app, "bob") == entry_rows(app, "alice")
    again = runner.invoke(args=["import", "bob", str(path)])
    assert "Imported 0 entries" in again.output
    assert "Skipped 2 already in the journal (duplicates)." in again.output


def import_refused(runner, app, args: list[str], message: str) -> None:
    """``import args`` fails: exit status 1, ``message`` said, and no entry saved."""
    result = runner.invoke(args=["import", *args])
    assert result.exit_code == 1
    assert message in result.output
    assert entry_rows(app) == []


def test_import_jrnl_needs_a_stage_for_entries_that_name_none(app, auth, runner):
    auth.create("alice")
    path = FIXTURES / "jrnl" / "journal.txt"
    import_refused(
        runner,
        app,
        ["alice", str(path)],
        "journal.txt: 2 entries name no stage: choose the stage for them. "
        "Name it with --stage NAME. Nothing was imported.",
    )
    dry = runner.invoke(args=["import", "alice", str(path), "--dry-run"])
    assert dry.exit_code == 0
    assert "Would import 1 entry from journal.txt (jrnl)." in dry.output
    assert "2 name no stage: choose one with --stage NAME." in dry.output
    assert entry_rows(app) == []
    result = runner.invoke(args=["import", "alice", str(path), "--stage", "Beyond the basics"])
    assert result.exit_code == 0, result.output
    assert "Imported 3 entries from journal.txt (jrnl)." in result.output
    assert [row[1] for row in entry_rows(app)] == [
        "Beyond the basics",
        "Web frameworks",
        "Beyond the basics",
    ]


def test_import_reports_a_malformed_file_and_saves_nothing(app, auth, runner, tmp_path):
    auth.create("alice")
    path = tmp_path / "sheet.csv"
    path.write_text("date,stage,minutes,notes\n2026-03-01,Python fundamentals,abc,x\n")
    import_refused(
        runner,
        app,
        ["alice", str(path)],
        "sheet.csv: line 2: “minutes” must be a whole number of minutes, or empty. "
        "Nothing was imported.",
    )


def test_import_with_a_named_format_and_unknown_stage(app, auth, runner, tmp_path):
    auth.create("alice")
    path = tmp_path / "notes"
    path.write_text("[2026-03-01 10:00] Hello @python-fundamentals\n")
    result = runner.invoke(args=["import", "alice", str(path), "--stage", "Cooking"])
    assert (
        result.exit_code == 1 and "Stage “Cooking” is not one of alice's stages." in result.output
    )
    result = runner.invoke(args=["import", "alice", str(path), "--format", "jrnl"])
    assert result.exit_code == 0 and "Imported 1 entry from notes (jrnl)." in result.output
