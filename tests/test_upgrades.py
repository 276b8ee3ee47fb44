"""Upgrades keep data: a database made at every earlier schema revision, filled with rows,
upgraded to the newest revision, still holds every row. A snapshot is taken first.

The revisions are read from the migrations folder, so each revision added later is
covered without touching this file. Rows are made from the tables as they are at each
revision (reflected), not from today's models.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import select

from journal import ROOT, create_app
from journal.entries.models import Entry
from journal.extensions import db
from journal.ops.backup import file_revision, sqlite_path
from journal.schema import current_revision, register_migrations, script_directory, upgrade_database

from .support import make_config, run_sql

ROWS = 5
MIGRATIONS = ROOT / "migrations"


def all_revisions(folder: Path = MIGRATIONS) -> list[str]:
    """Every revision in the migrations folder, oldest first."""
    config = Config()
    config.set_main_option("script_location", str(folder))
    scripts = ScriptDirectory.from_config(config)
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


# Columns a CHECK constraint limits to a few values: a new one makes the fill fail with an
# IntegrityError until it is listed here.
CHECKED_VALUES = {
    ("topics", "state"): ["learning", "done", "skipped", None],
    ("api_tokens", "scope"): ["read", "write"],
}


def value_for(table: sa.Table, column: sa.Column, index: int, inserted: dict):
    """A value of the column's type for row ``index``, pointing at row ``index`` of a parent."""
    if (table.name, column.name) in CHECKED_VALUES:
        allowed = CHECKED_VALUES[(table.name, column.name)]
        return allowed[index % len(allowed)]
    for key in column.foreign_keys:
        parent = key.column.table.name
        if parent == table.name:
            return None if column.nullable else index
        return inserted[parent][index - 1][key.column.name]
    kind = column.type
    if isinstance(kind, sa.Enum):
        return kind.enums[index % len(kind.enums)]
    if isinstance(kind, sa.Boolean):
        return index % 2 == 0
    if isinstance(kind, sa.DateTime):
        return datetime(2025, 3, index, 8, 30, index)
    if isinstance(kind, sa.Date):
        return date(2025, 3, index)
    if isinstance(kind, sa.Integer):
        return index * 10 + 1
    if isinstance(kind, sa.Float | sa.Numeric):
        return index + 0.5
    if isinstance(kind, sa.JSON):
        return {"row": index}
    if isinstance(kind, sa.String | sa.Text):
        # Starts with the row number: unique within the column, even when cut short.
        text = f"{index}-{table.name}.{column.name}"
        return text[: kind.length] if kind.length else text
    raise AssertionError(f"no test value for {table.name}.{column.name} ({kind!r})")


def fill(engine) -> dict[str, list[dict]]:
    """Insert ``ROWS`` rows into every table (parents first); return what was inserted."""
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    inserted: dict[str, list[dict]] = {}
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = []
            for index in range(1, ROWS + 1):
                row = {}
                for column in table.columns:
                    integer_key = isinstance(column.type, sa.Integer) and column.primary_key
                    if integer_key and not column.foreign_keys:
                        row[column.name] = index
                    else:
                        row[column.name] = value_for(table, column, index, inserted)
                rows.append(row)
            connection.execute(table.insert(), rows)
            inserted[table.name] = rows
    return inserted


# Columns an upgrade makes again from others, on purpose: the notes' HTML is rendered anew
# from their Markdown (revision 0007). The filled notes are plain words: one paragraph.
RENDERED_AGAIN = {("entries", "notes_html"), ("weekly_reviews", "notes_html")}
NOTES_RENDERED_AGAIN_AT = "0007"


def assert_kept(engine, inserted: dict[str, list[dict]], *, rendered_again=True) -> None:
    """Every row inserted before the upgrade is still there, with the same values (and the
    HTML of its notes rendered from them)."""
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    assert "entries" in metadata.tables
    with engine.connect() as connection:
        for name, rows in inserted.items():
            if name not in metadata.tables:
                continue  # a table a later revision dropped on purpose
            table = metadata.tables[name]
            key = [column.name for column in table.primary_key.columns]
            stored = {
                tuple(row[k] for k in key): row
                for row in connection.execute(select(table)).mappings()
            }
            for row in rows:
                found = stored.get(tuple(row[k] for k in key))
                assert found is not None, f"{name} lost the row {row}"
                for column, value in row.items():
                    if rendered_again and (name, column) in RENDERED_AGAIN:
                        assert found[column] == f"<p>{row['notes']}</p>", found
                    elif column in found:
                        assert _same(found[column], value), f"{name}.{column}: {found[column]!r}"


def _same(stored, expected) -> bool:
    if isinstance(expected, bool):
        return bool(stored) == expected
    if isinstance(expected, float):
        return float(stored) == expected
    return stored == expected


def migrated_app(tmp_path, url: str, directory: Path = MIGRATIONS):
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    register_migrations(app).directory = str(directory)
    return app


def build_at(app, revision: str) -> dict[str, list[dict]]:
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision=revision)
        engine = db.engine
        inserted = fill(engine)
        engine.dispose()
    return inserted


def snapshots(app) -> list[Path]:
    path = sqlite_path(app)
    return sorted(path.parent.glob(f"{path.stem}.pre-upgrade-*.sqlite3"))


def test_the_migrations_folder_has_revisions():
    revisions = all_revisions()
    assert revisions and revisions[0] == "0001"


@pytest.mark.parametrize("revision", all_revisions())
def test_a_database_from_every_revision_upgrades_and_keeps_every_row(
    revision, tmp_path, empty_database
):
    app = migrated_app(tmp_path, empty_database)
    inserted = build_at(app, revision)
    upgrade_database(app)
    with app.app_context():
        head = script_directory(app).get_current_head()
        assert current_revision(app) == head
        order = all_revisions()
        rendered_again = order.index(revision) < order.index(NOTES_RENDERED_AGAIN_AT)
        assert_kept(db.engine, inserted, rendered_again=rendered_again)
        # Today's models read the upgraded rows.
        entries = db.session.scalars(select(Entry).order_by(Entry.id)).all()
        assert [entry.id for entry in entries] == [row["id"] for row in inserted["entries"]]
        assert all(entry.stage is not None for entry in entries)
        db.session.remove()
        db.engine.dispose()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert len(snapshots(app)) == (0 if revision == head else 1)


# A later revision of the kind that loses data when done carelessly: SQLite rebuilds the
# entries table (copy, drop, rename) while other tables point at it with ON DELETE CASCADE.
LATER_REVISION = '''"""a later change: entries rebuilt with a new column, and a new table

Revision ID: zz_later
Revises: {head}
"""
from alembic import op
import sqlalchemy as sa

revision = "zz_later"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    sqlite = op.get_context().dialect.name == "sqlite"
    with op.batch_alter_table("entries", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.add_column(
            sa.Column("mood", sa.String(20), nullable=False, server_default="calm")
        )
    op.create_table(
        "later_things",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("entries.id"), nullable=False),
    )


def downgrade():
    op.drop_table("later_things")
    with op.batch_alter_table("entries") as batch_op:
        batch_op.drop_column("mood")
'''


@pytest.fixture
def later_migrations(tmp_path) -> Path:
    """A copy of the migrations folder with one more revision on top of today's head."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    head = all_revisions()[-1]
    (folder / "versions" / "zz_later.py").write_text(LATER_REVISION.format(head=head))
    return folder


def test_an_upgrade_that_rebuilds_a_table_keeps_every_row(
    tmp_path, empty_database, later_migrations
):
    """The machinery above, through a real upgrade step: today's head to a later revision."""
    app = migrated_app(tmp_path, empty_database, later_migrations)
    inserted = build_at(app, all_revisions()[-1])
    upgrade_database(app)
    with app.app_context():
        assert current_revision(app) == "zz_later"
        assert_kept(db.engine, inserted, rendered_again=False)
        with db.engine.connect() as connection:
            moods = connection.exec_driver_sql("SELECT DISTINCT mood FROM entries").scalars()
            assert list(moods) == ["calm"]
        db.engine.dispose()


@pytest.mark.sqlite_only("snapshots are SQLite files")
def test_an_upgrade_writes_a_snapshot_first_and_keeps_only_a_few(tmp_path, later_migrations):
    url = f"sqlite:///{tmp_path / 'journal.sqlite3'}"
    app = migrated_app(tmp_path, url, later_migrations)
    app.config["UPGRADE_SNAPSHOTS"] = 2
    head = all_revisions()[-1]
    inserted = build_at(app, head)
    # Two snapshots from earlier upgrades, the older first.
    for number, age in ((1, 300), (2, 200)):
        old = tmp_path / f"journal.pre-upgrade-{head}-2020010{number}T000000Z.sqlite3"
        old.write_bytes(b"old snapshot")
        os.utime(old, (old.stat().st_atime - age, old.stat().st_mtime - age))

    upgrade_database(app)

    kept = snapshots(app)
    assert len(kept) == 2
    assert kept[0].name == f"journal.pre-upgrade-{head}-20200102T000000Z.sqlite3"
    new = kept[1]
    assert file_revision(new) == head  # the database as it was before the upgrade
    connection = sqlite3.connect(new)
    count = connection.execute("SELECT count(*) FROM entries").fetchone()[0]
    columns = [row[1] for row in connection.execute("PRAGMA table_info(entries)")]
    connection.close()
    assert count == len(inserted["entries"])
    assert "mood" not in columns


def test_no_snapshot_when_nothing_is_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'journal.sqlite3'}"
    app = migrated_app(tmp_path, url)
    upgrade_database(app)  # a new database: nothing to keep
    upgrade_database(app)  # already at the newest revision
    assert snapshots(app) == []


def test_a_newer_database_is_refused_before_any_snapshot(tmp_path):
    url = f"sqlite:///{tmp_path / 'journal.sqlite3'}"
    app = migrated_app(tmp_path, url)
    upgrade_database(app)
    run_sql(tmp_path / "journal.sqlite3", "UPDATE alembic_version SET version_num = 'ffff_future'")
    with pytest.raises(Exception, match="newer version"):
        upgrade_database(app)
    assert snapshots(app) == []


def test_the_upgrade_renders_every_note_again_with_commonmark(tmp_path, empty_database):
    """Notes saved by Python-Markdown (its HTML kept as it was) get today's rendering, in
    batches; their Markdown does not change."""
    app = migrated_app(tmp_path, empty_database)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="0006")
        engine = db.engine
        tables = sa.MetaData()
        tables.reflect(bind=engine)
        moment = datetime(2026, 1, 2, 8, 0)
        notes = ["Today:\n- generators\n- decorators"] + [f"note {n}" for n in range(2, 451)]
        with engine.begin() as connection:
            connection.execute(
                tables.tables["users"].insert(),
                {"id": 1, "username": "alice", "password_hash": "x", "timezone": "UTC",
                 "is_owner": True, "created_at": moment},
            )  # fmt: skip
            connection.execute(
                tables.tables["stages"].insert(),
                {"id": 1, "user_id": 1, "position": 1, "name": "Python", "color": "#336699",
                 "description": "", "created_at": moment},
            )  # fmt: skip
            connection.execute(
                tables.tables["entries"].insert(),
                [
                    {"id": number, "user_id": 1, "stage_id": 1, "study_date": date(2026, 1, 2),
                     "minutes": 30, "notes": text, "notes_html": "<p>old</p>",
                     "created_at": moment, "updated_at": moment}
                    for number, text in enumerate(notes, start=1)
                ],
            )  # fmt: skip
            connection.execute(
                tables.tables["weekly_reviews"].insert(),
                {"id": 1, "user_id": 1, "week_start": date(2025, 12, 29),
                 "notes": "a *good* week", "notes_html": "<p>old</p>",
                 "created_at": moment, "updated_at": moment},
            )  # fmt: skip
        engine.dispose()
    upgrade_database(app)
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id, notes, notes_html FROM entries").all()
        review = connection.exec_driver_sql("SELECT notes, notes_html FROM weekly_reviews").one()
        db.engine.dispose()
    html = {row.id: row.notes_html for row in rows}
    assert html[1] == "<p>Today:</p>\n<ul>\n<li>generators</li>\n<li>decorators</li>\n</ul>"
    assert all(html[number] == f"<p>note {number}</p>" for number in range(2, 451))
    assert rows[0].notes == "Today:\n- generators\n- decorators"
    assert tuple(review) == ("a *good* week", "<p>a <em>good</em> week</p>")


# The schema is upgraded once, before the server starts; workers only check it.


@pytest.mark.sqlite_only("snapshots are SQLite files")
def test_flask_db_upgrade_copies_the_database_aside_before_it_migrates(tmp_path):
    """The deploy step (make serve, the systemd unit's ExecStartPre, the container's entry
    point) is Flask-Migrate's own command: it takes the snapshot too."""
    url = f"sqlite:///{tmp_path / 'journal.sqlite3'}"
    app = migrated_app(tmp_path, url)
    inserted = build_at(app, "0007")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert current_revision(app) == all_revisions()[-1]
    [snapshot] = snapshots(app)
    assert snapshot.name.startswith("journal.pre-upgrade-0007-")
    assert file_revision(snapshot) == "0007"
    with app.app_context():
        assert_kept(db.engine, inserted, rendered_again=False)
        db.engine.dispose()
    # Nothing to do the second time: no second copy.
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    assert len(snapshots(app)) == 1


def test_flask_db_upgrade_refuses_a_database_from_a_newer_version(tmp_path, empty_database):
    app = migrated_app(tmp_path, empty_database)
    upgrade_database(app)
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff_future'")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code != 0
    assert current_revision(app) == "ffff_future"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert snapshots(app) == []
    with app.app_context():
        db.engine.dispose()


def served_app_error(tmp_path, url: str) -> str:
    """What importing wsgi.py (as each gunicorn worker does) says about the database at
    ``url``: "" when it starts."""
    import subprocess
    import sys

    env = {
        "JOURNAL_DATABASE_URL": url,
        "JOURNAL_INSTANCE_PATH": str(tmp_path / "instance"),
        "JOURNAL_SECRET_KEY": "test",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return "" if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def test_a_worker_refuses_a_database_that_is_behind_and_serves_a_current_one(
    tmp_path, empty_database
):
    app = migrated_app(tmp_path, empty_database)
    assert served_app_error(tmp_path, empty_database) == (
        "journal.schema.SchemaError: The database has no schema yet. Upgrade it first, once: "
        "`flask --app journal db upgrade` (make serve, the systemd unit and the container "
        "do so before they start the server)."
    )
    build_at(app, "0007")
    error = served_app_error(tmp_path, empty_database)
    assert "The database is at schema revision 0007; this version of Roadbook needs" in error
    assert "`flask --app journal db upgrade`" in error
    assert current_revision(app) == "0007"  # a worker never migrates
    upgrade_database(app)
    assert served_app_error(tmp_path, empty_database) == ""
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff_future'")
        db.engine.dispose()
    assert "written by a newer version" in served_app_error(tmp_path, empty_database)
