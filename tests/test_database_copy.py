"""``migrate-data``: the whole journal moved to another database, every row and id kept."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy import text as sql

from journal import create_app
from journal.auth.services import get_user_by_name
from journal.entries.services import EntryInput, create_entry
from journal.extensions import db
from journal.ops.database_copy import journal_tables
from journal.roadmap.services import stages_of
from journal.schema import upgrade_database

from .support import AuthActions, make_config, text


def fill_journal(app) -> None:
    """Two accounts with entries of every kind, through the real pages."""
    for username in ("alice", "bob"):
        client = app.test_client()
        AuthActions(app, client).login(username)
        with app.app_context():
            stage = stages_of(get_user_by_name(username))[0]
            topics = [str(topic.id) for topic in stage.topics[:2]]
        for number in range(1, 4):
            response = client.post(
                "/entries",
                data={
                    "date": f"2026-02-0{number}",
                    "duration": f"{number}h",
                    "stage": str(stage.id),
                    "topics": topics,
                    "notes": f"{username} #day{number} *notes* {number}",
                    "link": "https://example.org/roadbook" if number == 2 else "",
                },
            )
            assert response.status_code == 303
        with app.app_context():  # imported entries may have no duration
            data = EntryInput(date(2026, 2, 9), None, stage.id, (), "imported", None)
            create_entry(get_user_by_name(username), data)
        last = int(re.findall(r'id="entry-(\d+)"', text(client.get("/journal")))[0])
        assert client.post(f"/entries/{last}/delete").status_code == 303  # soft-deleted


def rows_by_table(engine) -> dict[str, list[tuple]]:
    result = {}
    with engine.connect() as connection:
        for table in journal_tables(engine):
            query = select(table).order_by(*table.primary_key.columns)
            result[table.name] = [tuple(row) for row in connection.execute(query)]
    return result


def engine_of(app):
    with app.app_context():
        return db.engine


def app_on(tmp_path, url):
    return create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))


def sqlite_journal(tmp_path):
    """A filled journal on SQLite, whatever database the suite runs on."""
    folder = tmp_path / "source"
    folder.mkdir()
    app = app_on(folder, f"sqlite:///{folder / 'journal.sqlite3'}")
    upgrade_database(app)
    fill_journal(app)
    return app


def assert_same_journal(source, target_url, tmp_path) -> None:
    target = app_on(tmp_path, target_url)
    try:
        before, after = rows_by_table(engine_of(source)), rows_by_table(engine_of(target))
        assert set(after) == set(before)
        assert all(before[name] for name in ("users", "entries", "entry_tags", "entry_topics"))
        assert after == before
        # The moved journal works: sign in, read, and add entries and accounts (new ids).
        client = target.test_client()
        assert AuthActions(target, client).login("alice").status_code == 303
        assert "alice #day2" in text(client.get("/journal"))
        with target.app_context():
            stage = stages_of(get_user_by_name("alice"))[0]
        new = client.post(
            "/entries", data={"date": "2026-02-10", "duration": "1h", "stage": str(stage.id)}
        )
        assert new.status_code == 303
        AuthActions(target, target.test_client()).login("carol")
        highest = max(row[0] for row in before["entries"])
        ids = [row[0] for row in rows_by_table(engine_of(target))["entries"]]
        assert ids[-1] == highest + 1
    finally:
        for app in (target, source):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_migrate_data_copies_the_journal_into_a_new_sqlite_database(app, tmp_path):
    """From the database the suite runs on (SQLite, or PostgreSQL) to a SQLite file."""
    fill_journal(app)
    target = f"sqlite:///{tmp_path / 'moved.sqlite3'}"
    result = app.test_cli_runner().invoke(args=["migrate-data", "--to", target])
    assert result.exit_code == 0, result.output
    assert re.search(r"^entries: 8 rows$", result.output, re.M)
    assert "Set JOURNAL_DATABASE_URL" in result.output
    assert_same_journal(app, target, tmp_path)


def test_migrate_data_from_sqlite_to_postgresql(tmp_path, postgres):
    source = sqlite_journal(tmp_path)
    target = postgres()
    # Written the way a provider hands it out: without a driver name.
    plain = target.replace("postgresql+psycopg://", "postgresql://")
    result = source.test_cli_runner().invoke(args=["migrate-data", "--to", plain])
    assert result.exit_code == 0, result.output
    # The planner knows what was copied (ANALYZE ran), rather than planning for empty tables
    # until autovacuum comes round.
    engine = create_engine(target)
    try:
        with engine.connect() as connection:
            analysed = connection.execute(
                sql(
                    "SELECT relname FROM pg_stat_user_tables "
                    "WHERE last_analyze IS NOT NULL AND relname IN ('users', 'entries')"
                )
            ).scalars()
            assert sorted(analysed) == ["entries", "users"]
    finally:
        engine.dispose()
    assert_same_journal(source, target, tmp_path)


def test_migrate_data_refuses_a_database_that_is_not_empty(app, tmp_path):
    fill_journal(app)
    target = f"sqlite:///{tmp_path / 'moved.sqlite3'}"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["migrate-data", "--to", target]).exit_code == 0
    engine = create_engine(target)
    before = rows_by_table(engine)
    again = runner.invoke(args=["migrate-data", "--to", target])
    assert again.exit_code != 0
    assert "not empty" in again.output and "Nothing was copied" in again.output
    assert rows_by_table(engine) == before
    engine.dispose()


def test_migrate_data_refuses_the_journals_own_database(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    result = app.test_cli_runner().invoke(args=["migrate-data", "--to", url])
    assert result.exit_code != 0
    assert "own database" in result.output


def test_migrate_data_needs_an_up_to_date_journal(app, tmp_path):
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff_other'")
    target = tmp_path / "moved.sqlite3"
    result = app.test_cli_runner().invoke(args=["migrate-data", "--to", f"sqlite:///{target}"])
    assert result.exit_code != 0
    assert "not at the newest schema" in result.output
    assert not target.exists()


def test_migrate_data_ignores_the_journals_own_url_in_the_environment(
    tmp_path, monkeypatch, empty_database
):
    """Production sets JOURNAL_DATABASE_URL; the target must still be the one named."""
    source = sqlite_journal(tmp_path)
    monkeypatch.setenv("JOURNAL_DATABASE_URL", source.config["SQLALCHEMY_DATABASE_URI"])
    result = source.test_cli_runner().invoke(args=["migrate-data", "--to", empty_database])
    assert result.exit_code == 0, result.output
    monkeypatch.delenv("JOURNAL_DATABASE_URL")
    assert_same_journal(source, empty_database, tmp_path)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_postgresql_url_without_a_driver_uses_psycopg(tmp_path, monkeypatch, scheme):
    monkeypatch.setenv("JOURNAL_DATABASE_URL", f"{scheme}://user:secret@db.internal:5432/roadbook")
    config = make_config(tmp_path)
    config.pop("SQLALCHEMY_DATABASE_URI")
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://user:secret@db.internal:5432/roadbook"
    )
    with app.app_context():
        assert db.engine.dialect.driver == "psycopg"


def test_migrate_data_says_when_the_target_cannot_be_reached(app):
    url = "postgresql+psycopg://nobody:wrong@127.0.0.1:1/nothing?connect_timeout=2"
    result = app.test_cli_runner().invoke(args=["migrate-data", "--to", url])
    assert result.exit_code != 0
    assert "The target database could not be prepared" in result.output
