"""Backups and restores: from the shell and the settings page, while the journal is in use."""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from journal import create_app
from journal.entries.models import Entry
from journal.extensions import db
from journal.ops.backup import backup_database, integrity_problems, sqlite_path
from journal.schema import upgrade_database

from .support import PASSWORD, AuthActions, csrf_token, make_config, run_sql, stage_id_of, text


def write_entry(client, stage_id: int, note: str):
    return client.post(
        "/entries",
        data={"date": "2026-03-02", "duration": "30m", "stage": str(stage_id), "notes": note},
    )


def live_notes(app) -> set[str]:
    with app.app_context():
        notes = set(db.session.scalars(select(Entry.notes)))
        db.session.remove()
        return notes


def file_notes(path: Path) -> set[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute("SELECT notes FROM entries")}
    finally:
        connection.close()


def add_entries(app, client, *notes: str) -> None:
    stage = stage_id_of(app)
    for note in notes:
        assert write_entry(client, stage, note).status_code == 303


# From the shell


def test_backup_writes_a_checked_copy_into_the_instance_folder(app, client, auth, runner):
    auth.login()
    add_entries(app, client, "first", "second")
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    [backup] = (Path(app.instance_path) / "backups").glob("roadbook-*.sqlite3")
    assert f"Backup written to {backup}" in result.output
    assert file_notes(backup) == {"first", "second"}
    assert integrity_problems(backup) == []
    assert backup.stat().st_mode & 0o777 == 0o600  # it holds password hashes
    connection = sqlite3.connect(backup)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    connection.close()


def test_backup_to_a_folder_keeps_the_newest_copies(app, runner, tmp_path):
    folder = tmp_path / "nightly"
    written = []
    for _ in range(4):
        result = runner.invoke(args=["backup", f"{folder}/", "--keep", "2"])
        assert result.exit_code == 0, result.output
        written.append(Path(result.output.split("Backup written to ")[1].split(" (")[0]))
    assert sorted(folder.iterdir()) == sorted(written[-2:])
    assert "Deleted the older backup" in result.output


def test_backup_will_not_overwrite_a_file(app, runner, tmp_path):
    target = tmp_path / "taken.sqlite3"
    target.write_text("something precious")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert target.read_text() == "something precious"


@pytest.mark.sqlite_only("restore replaces a SQLite file")
def test_restore_brings_back_the_backup_and_keeps_the_current_journal_aside(
    app, client, auth, runner, tmp_path
):
    auth.login()
    add_entries(app, client, "kept")
    backup = tmp_path / "before.sqlite3"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    add_entries(app, client, "after the backup")

    result = runner.invoke(args=["restore", str(backup)], input="y\n")

    assert result.exit_code == 0, result.output
    assert "Replace the whole journal" in result.output
    assert live_notes(app) == {"kept"}
    [aside] = sqlite_path(app).parent.glob("journal.before-restore-*.sqlite3")
    assert f"kept at {aside}" in result.output
    assert file_notes(aside) == {"kept", "after the backup"}
    # Still signed in (the session was in the backup), and the journal shows the backup.
    assert "kept" in text(client.get("/journal"))


@pytest.mark.sqlite_only("restore replaces a SQLite file")
def test_restore_asks_first(app, client, auth, runner, tmp_path):
    auth.login()
    backup = tmp_path / "before.sqlite3"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    add_entries(app, client, "still here")
    result = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert result.exit_code != 0
    assert live_notes(app) == {"still here"}


def damaged_copies(good: Path, folder: Path) -> dict[str, Path]:
    """A garbage file, a cut-short file and one with a scrambled table page."""
    data = good.read_bytes()
    connection = sqlite3.connect(good)
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'topics'")
    root_page = root.fetchone()[0]
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    scrambled = bytearray(data)
    end = root_page * page_size
    scrambled[end - 1500 : end] = b"\x07" * 1500
    files = {
        "garbage": bytes(range(256)) * 40,
        "cut short": data[: len(data) // 2],
        "scrambled page": bytes(scrambled),
    }
    paths = {}
    for name, content in files.items():
        paths[name] = folder / f"{name.replace(' ', '-')}.sqlite3"
        paths[name].write_bytes(content)
    return paths


@pytest.mark.sqlite_only("restore replaces a SQLite file")
def test_restore_refuses_a_damaged_file_and_changes_nothing(app, client, auth, runner, tmp_path):
    auth.login()
    add_entries(app, client, "precious")
    good = tmp_path / "good.sqlite3"
    assert runner.invoke(args=["backup", str(good)]).exit_code == 0
    for kind, path in damaged_copies(good, tmp_path).items():
        result = runner.invoke(args=["restore", "--yes", str(path)])
        assert result.exit_code != 0, kind
        assert str(path) in result.output, kind
        assert "Nothing was changed" in result.output, kind
    assert live_notes(app) == {"precious"}
    assert list(sqlite_path(app).parent.glob("journal.before-restore-*")) == []
    assert integrity_problems(sqlite_path(app)) == []


@pytest.mark.sqlite_only("restore replaces a SQLite file")
def test_restore_refuses_a_backup_from_a_newer_version(app, runner, tmp_path):
    backup = tmp_path / "future.sqlite3"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    run_sql(backup, "UPDATE alembic_version SET version_num = 'ffff_future'")
    result = runner.invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code != 0
    assert "newer version of Roadbook" in result.output


@pytest.mark.sqlite_only("restore replaces a SQLite file")
def test_restore_refuses_a_database_that_is_not_a_journal(app, runner, tmp_path):
    other = tmp_path / "other.sqlite3"
    run_sql(other, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    result = runner.invoke(args=["restore", "--yes", str(other)])
    assert result.exit_code != 0
    assert "not a Roadbook database" in result.output


def test_restore_into_postgresql_says_what_to_use(app, runner, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the journal runs on SQLite here")
    backup = tmp_path / "b.sqlite3"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    result = runner.invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code != 0
    assert "pg_restore" in result.output


# While requests are writing


class Writers:
    """Threads that keep creating entries through the app, each with its own session."""

    def __init__(self, app, count: int = 3):
        self.app = app
        self.stop = threading.Event()
        self.statuses: list[int] = []
        self.errors: list[BaseException] = []
        self.last = [0] * count  # each writer's last acknowledged entry number
        clients = [app.test_client() for _ in range(count)]
        for client in clients:
            AuthActions(app, client).login()
        self.stage = stage_id_of(app)
        self.threads = [
            threading.Thread(target=self._write, args=(client, n), daemon=True)
            for n, client in enumerate(clients)
        ]

    def _write(self, client, number: int) -> None:
        sequence = 0
        try:
            while not self.stop.is_set():
                sequence += 1
                response = write_entry(client, self.stage, f"writer {number} entry {sequence}")
                self.statuses.append(response.status_code)
                if response.status_code == 303:
                    self.last[number] = sequence
        except BaseException as error:  # pragma: no cover - reported by the test
            self.errors.append(error)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def wait_for(self, entries: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while len(self.statuses) < entries and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.statuses) >= entries, "the writers made no progress"

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)
        return False


def test_backups_while_requests_are_writing_are_consistent_snapshots(app, auth, tmp_path):
    auth.create("alice")
    backups = []
    with Writers(app) as writers:
        for number in range(5):
            writers.wait_for(entries=15 * (number + 1))
            path = tmp_path / f"backup-{number}.sqlite3"
            backup_database(app, path)  # checked with integrity_check inside
            backups.append(path)
    assert writers.errors == []
    assert set(writers.statuses) == {303}, "a write failed while a backup ran"
    contents = [file_notes(path) for path in backups]
    assert all(integrity_problems(path) == [] for path in backups)
    # Each backup holds everything the one before held, and more: one moment in time each.
    for earlier, later in itertools.pairwise(contents):
        assert earlier < later
    final = live_notes(app)
    assert contents[-1] <= final
    assert len(final) == len(writers.statuses)  # every acknowledged write is in the journal
    # Once the writing stops, a backup holds every entry (the WAL's recent writes too).
    assert file_notes(backup_database(app, tmp_path / "quiet.sqlite3")) == final
    # Within one writer, a backup holds a prefix of its entries: no gaps, nothing half-done.
    for notes in contents:
        for writer in range(3):
            numbers = numbers_of(notes, writer)
            assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.sqlite_only("restore replaces a SQLite file")
def test_restore_while_requests_are_writing(app, auth, runner, tmp_path):
    auth.create("alice")
    backup = tmp_path / "backup.sqlite3"
    with Writers(app) as writers:
        writers.wait_for(entries=20)
        backup_database(app, backup)
        writers.wait_for(entries=60)
        result = runner.invoke(args=["restore", "--yes", str(backup)])
        restored_at = len(writers.statuses)
        writers.wait_for(entries=restored_at + 20)  # they go on writing afterwards
    assert result.exit_code == 0, result.output
    assert writers.errors == []
    assert set(writers.statuses) == {303}, "a write failed during the restore"
    assert integrity_problems(sqlite_path(app)) == []
    in_backup = file_notes(backup)
    final = live_notes(app)
    assert in_backup <= final  # everything in the backup is back
    [aside] = sqlite_path(app).parent.glob("journal.before-restore-*.sqlite3")
    before_restore = file_notes(aside)
    assert in_backup < before_restore  # the journal had moved on since the backup
    for writer in range(3):
        after = numbers_of(final - in_backup, writer)
        # Everything written once the restore was done is kept, up to the last write...
        assert after == list(range(after[0], writers.last[writer] + 1))
        # ...and what was written between the backup and the restore is gone (kept aside).
        assert all(number < after[0] for number in numbers_of(before_restore - in_backup, writer))
    with app.app_context():
        count = db.session.scalar(select(func.count(Entry.id)))
    assert count == len(final)


def numbers_of(notes: set[str], writer: int) -> list[int]:
    prefix = f"writer {writer} entry "
    return sorted(int(note.removeprefix(prefix)) for note in notes if note.startswith(prefix))


# The settings page


def test_the_owner_downloads_a_backup_from_the_settings_page(app, client, auth):
    auth.login("owner", is_owner=True)
    add_entries_for = stage_id_of(app, "owner")
    assert write_entry(client, add_entries_for, "in the download").status_code == 303
    page = text(client.get("/settings"))
    assert "Download a backup" in page
    assert 'action="/settings/backup"' in page

    response = client.post("/settings/backup")

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.sqlite3"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=roadbook-")
    assert disposition.endswith(".sqlite3")
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert body.startswith(b"SQLite format 3\x00")
    download = Path(app.instance_path) / "download.sqlite3"
    download.write_bytes(body)
    assert integrity_problems(download) == []
    assert file_notes(download) == {"in the download"}


def test_only_the_owner_sees_or_gets_a_backup(app, client, auth):
    auth.create("owner")
    auth.login("bob")  # not the owner: accounts made this way are not
    assert "Download a backup" not in text(client.get("/settings"))
    assert client.post("/settings/backup").status_code == 404
    auth.logout()
    anonymous = client.post("/settings/backup")
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]


def test_the_backup_download_needs_a_post_with_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    AuthActions(app, client).create("owner", is_owner=True)
    token = csrf_token(client.get("/login"))
    login = {"username": "owner", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 303
    assert client.get("/settings/backup").status_code == 405
    assert client.post("/settings/backup").status_code == 400  # no token
    token = csrf_token(client.get("/settings"))
    response = client.post("/settings/backup", data={"csrf_token": token})
    assert response.status_code == 200
    assert response.get_data().startswith(b"SQLite format 3\x00")


def test_a_backup_restores_into_a_new_install(app, client, auth, runner, tmp_path):
    """A backup is a whole journal: a new install (no database yet) restored from it works.

    On PostgreSQL the backup is a SQLite file made from it: a way back to SQLite too.
    """
    auth.login()
    add_entries(app, client, "moved along")
    backup = tmp_path / "backup.sqlite3"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    other = tmp_path / "other"
    other.mkdir()
    new = create_app(make_config(other))
    try:
        result = new.test_cli_runner().invoke(args=["restore", "--yes", str(backup)])
        assert result.exit_code == 0, result.output
        assert "kept at" not in result.output  # there was nothing to keep aside
        fresh = new.test_client()
        assert AuthActions(new, fresh).login().status_code == 303
        journal = text(fresh.get("/journal"))
        assert "moved along" in journal
        assert "Mon 2 Mar" in journal
    finally:
        with new.app_context():
            db.engine.dispose()


@pytest.mark.sqlite_only("a SQLite path")
def test_a_relative_sqlite_path_is_found_in_the_instance_folder(tmp_path):
    """Flask-SQLAlchemy puts ``sqlite:///name.sqlite3`` in the instance folder; so do backups."""
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:///relative.sqlite3"))
    try:
        upgrade_database(app)
        assert sqlite_path(app) == tmp_path / "instance" / "relative.sqlite3"
        backup = backup_database(app, tmp_path / "copy.sqlite3")
        assert integrity_problems(backup) == []
    finally:
        with app.app_context():
            db.engine.dispose()
