"""What the tests share: accounts and settings, requests and pages, entries and stages,
export and import, the database as data, editor time. Fixtures live in conftest.py, the
databases tests run on in databases.py, real server processes in live.py."""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import html
import io
import json
import re
import sqlite3
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from journal import clock
from journal.auth.services import get_user_by_name
from journal.clock import user_today
from journal.db import utcnow
from journal.editor import keys
from journal.editor.models import EditorProject, Heartbeat
from journal.editor.suggestions import suggestions
from journal.entries import services as entry_services
from journal.entries.models import Entry
from journal.entries.services import EntryInput, create_entry
from journal.extensions import db
from journal.roadmap.models import Stage
from journal.roadmap.services import stages_of
from journal.transfer import services

# Accounts and the app's test settings

PASSWORD = "a long test passphrase"


# Fast hashing for tests; production uses OWASP's small-server settings (auth/passwords.py).
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 64, "parallelism": 1}


def make_config(tmp_path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'journal.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "ARGON2_PARAMS": CHEAP_ARGON2,
        # Tests save far faster than people do: the write allowance is tested on its own
        # (test_rate_limit.py), with its production settings.
        "WRITE_BURST": 0,
    }
    config.update(overrides)
    return config


class AuthActions:
    """Create accounts and sign in and out through the real pages."""

    def __init__(self, app, client):
        self._app = app
        self._client = client

    def create(self, username="alice", password=PASSWORD, timezone="UTC", is_owner=False):
        from journal.auth.services import create_user, get_user_by_name

        with self._app.app_context():
            user = get_user_by_name(username) or create_user(
                username, password, timezone=timezone, is_owner=is_owner
            )
            return user.id

    def login(
        self, username="alice", password=PASSWORD, remember=False, timezone="UTC", is_owner=False
    ):
        self.create(username, password, timezone, is_owner)
        data = {"username": username, "password": password}
        if remember:
            data["remember"] = "1"
        return self._client.post("/login", data=data)

    def logout(self):
        return self._client.post("/logout")


def stage_id_of(app, username: str = "alice", index: int = 0) -> int:
    """The id of the user's stage at ``index`` in roadmap order (the default roadmap's)."""
    from journal.auth.services import get_user_by_name
    from journal.roadmap.services import stages_of

    with app.app_context():
        return stages_of(get_user_by_name(username))[index].id


# Requests, pages and htmx

# What htmx sends for a targeted swap (a fragment), and for a boosted or full request.
# An entry with what a test reads of it once its session has ended.
ENTRY_GRAPH = (selectinload(Entry.stage), selectinload(Entry.topics), selectinload(Entry.tags))

HX = {"HX-Request": "true", "HX-Request-Type": "partial"}
HX_FULL = {"HX-Request": "true", "HX-Request-Type": "full"}


def text(response) -> str:
    return response.get_data(as_text=True)


def is_full_page(response) -> bool:
    return "<!doctype html>" in text(response).lower()


def field_error(response, form_id: str, field: str) -> str | None:
    """The message shown under ``field`` of the form ``form_id``, if any."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(form_id)}-{field}-error">([^<]*)</p>',
        text(response),
    )
    return match.group(1) if match else None


def csrf_token(response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', text(response))
    assert match, "no csrf_token in the page"
    return match.group(1)


def midday_zone(now: datetime | None = None) -> str:
    """A time zone where it is about noon now: a timer backdated by an hour or so then
    starts on today's date whenever the tests run (near midnight UTC too)."""
    hour = (now or datetime.now(UTC)).hour
    offset = 12 - hour  # from -11 to +12 hours: all have an Etc/GMT zone
    if offset == 0:
        return "Etc/GMT"
    # Etc/GMT zones count the other way round: Etc/GMT-5 is five hours ahead of UTC.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def set_timezone(app, username: str, zone: str) -> None:
    """As saving the settings page does (through the ORM: the user's revision moves)."""
    from journal.auth.services import get_user_by_name
    from journal.extensions import db

    with app.app_context():
        get_user_by_name(username).timezone = zone
        db.session.commit()


def run_sql(path, *statements: str) -> None:
    """Change a SQLite file directly, as a damaged or foreign database would be."""
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        for statement in statements:
            connection.execute(statement)


def backdate_timer(app, minutes, username="alice"):
    """Pretend the user's running timer began ``minutes`` (and a few seconds) ago."""
    from datetime import timedelta

    from journal.auth.services import get_user_by_name
    from journal.daily.models import Timer
    from journal.db import utcnow
    from journal.extensions import db

    with app.app_context():
        user = get_user_by_name(username)
        timer = db.session.get(Timer, user.id)
        timer.started_at = utcnow() - timedelta(minutes=minutes, seconds=5)
        db.session.commit()


@contextlib.contextmanager
def cpu_time_under(seconds: float, what: str = "the block"):
    """Fail unless the block's work takes under ``seconds`` of this thread's CPU time: the
    work done, however busy the cores are with other work (wall time under load measures
    the waiting). For generous bounds that catch super-linear growth, never for speed."""
    began = time.thread_time()
    yield
    spent = time.thread_time() - began
    assert spent < seconds, f"{what} took {spent:.2f} s of CPU, over {seconds} s"


def at_once(count: int, send) -> list[int]:
    """Call ``send(number)`` from ``count`` threads released together; their statuses, sorted."""
    start = threading.Barrier(count)
    statuses: list[int] = []

    def run(number):
        start.wait()
        statuses.append(send(number).status_code)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


# Entries saved through the service, as the form saves them (notes rendered, tags found).

# What makes a page scroll sideways on a phone: a long code line, a long address and a long
# word (60 characters, no hyphen), in the notes and in the link.
LONG_URL = "https://example.test/" + "/".join(f"segment-{n:02d}" for n in range(12)) + "?q=1"
LONG_NOTES = (
    "Query plans, finally.\n\n"
    "```\nEXPLAIN ANALYZE SELECT entries.id, entries.study_date, stages.name FROM entries "
    "JOIN stages ON stages.id = entries.stage_id WHERE entries.user_id = 42 ORDER BY 2 DESC;"
    "\n```\n\n"
    f"Read {LONG_URL} twice. {'x' * 60} #sql"
)


def log(app, day_offset=0, minutes=30, notes="", stage=0, link=None, username="alice"):
    """Save an entry ``day_offset`` days before the user's today; return its id."""
    with app.app_context():
        user = get_user_by_name(username)
        day = user_today(user) - timedelta(days=day_offset)
        return log_on(app, day, minutes, notes, stage, link, username)


def log_on(app, day: date, minutes=30, notes="", stage=0, link=None, username="alice"):
    with app.app_context():
        user = get_user_by_name(username)
        data = EntryInput(
            study_date=day,
            minutes=minutes,
            stage_id=stages_of(user)[stage].id,
            topic_ids=(),
            notes=notes,
            link=link,
        )
        entry, _ = create_entry(user, data)
        return entry.id


# Insights: a frozen clock and entries inserted in bulk


def freeze(monkeypatch, moment: datetime) -> None:
    """Make "now" the aware instant ``moment``; each user sees it in their own zone."""
    monkeypatch.setattr(clock, "user_now", lambda user: moment.astimezone(clock.user_zone(user)))


def stage_ids(username: str = "alice") -> list[int]:
    """The user's stage ids in roadmap order (the default roadmap's seven)."""
    owner = user(username)
    query = select(Stage.id).where(Stage.user_id == owner.id).order_by(Stage.position)
    return list(db.session.scalars(query))


def add_entries(username: str, rows) -> None:
    """Insert entries in one statement: ``rows`` of (day, stage index, minutes[, deleted])."""
    owner, stages = user(username), stage_ids(username)
    values = []
    for row in rows:
        day, stage, minutes = row[:3]
        deleted = row[3] if len(row) > 3 else False
        values.append(
            {
                "user_id": owner.id,
                "stage_id": stages[stage],
                "study_date": day,
                "minutes": minutes,
                "notes": "",
                "notes_html": "",
                "deleted_at": utcnow() if deleted else None,
            }
        )
    db.session.execute(insert(Entry), values)
    db.session.commit()


def set_user(username: str = "alice", **values) -> None:
    owner = user(username)
    for name, value in values.items():
        setattr(owner, name, value)
    db.session.commit()


# A Wednesday in March 2026: its Monday week runs 16 to 22 March, its Sunday week 15 to 21.
TODAY = date(2026, 3, 18)

# Several stages, a deleted entry, an entry without a duration, and entries on both
# sides of every preset range's edges. Stage indexes: 0 Python, 1 Databases, 2 Web.
ALICE_ROWS = [
    (date(2026, 3, 16), 0, 60),
    (date(2026, 3, 16), 1, 30),
    (date(2026, 3, 17), 0, 45),
    (date(2026, 3, 17), 1, None),  # duration unknown: an entry, no minutes
    (date(2026, 3, 18), 2, 20),
    (date(2026, 3, 18), 0, 500, True),  # deleted: never counted
    (date(2026, 3, 15), 0, 90),  # Sunday before this (Monday) week
    (date(2026, 3, 1), 1, 120),  # first day of the month
    (date(2026, 2, 28), 1, 50),  # day before the month
    (date(2025, 12, 29), 2, 10),  # first day of the last 12 weeks
    (date(2025, 12, 28), 0, 40),  # day before them
]

# Bob studies on the same days, far more: none of it may reach Alice's numbers.
BOB_ROWS = [(row[0], row[1], 1000) for row in ALICE_ROWS]


# Export and import: entries made through the real services, files sent as a browser does.

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def user(username="alice"):
    return get_user_by_name(username)


def add_entry(
    app,
    username="alice",
    *,
    day=date(2026, 3, 14),
    stage=0,
    minutes=45,
    notes="",
    topics=0,
    link=None,
):
    """Save an entry as the form would: ``stage`` and ``topics`` count from the roadmap's start."""
    with app.app_context():
        owner = user(username)
        chosen = stages_of(owner)[stage]
        data = entry_services.EntryInput(
            study_date=day,
            minutes=minutes,
            stage_id=chosen.id,
            topic_ids=tuple(topic.id for topic in chosen.topics[:topics]),
            notes=notes,
            link=link,
        )
        entry, _ = entry_services.create_entry(owner, data)
        return entry.id


def export(app, username="alice", fmt="json", filters=None) -> bytes:
    with app.app_context():
        return services.export_file(user(username), fmt, filters).data


def import_bytes(app, username, data: bytes, filename="", fmt="", stage=None):
    with app.app_context():
        owner = user(username)
        chosen = None
        if stage is not None:
            chosen = next(s for s in stages_of(owner, archived=None) if s.name == stage)
        return services.import_file(owner, data, filename, fmt, chosen)


def entry_rows(app, username="alice"):
    """What a user sees of their entries, oldest first, comparable across accounts."""
    with app.app_context():
        query = (
            select(Entry)
            .where(Entry.user_id == user(username).id, Entry.deleted_at.is_(None))
            .options(*ENTRY_GRAPH)
            .order_by(Entry.study_date, Entry.created_at, Entry.id)
        )
        return [
            (
                entry.study_date,
                entry.stage.name,
                entry.minutes,
                tuple(topic.name for topic in entry.topics),
                entry.notes,
                entry.notes_html,
                tuple(entry.tag_names),
                entry.link,
            )
            for entry in db.session.scalars(query)
        ]


def upload(client, data: bytes, filename: str, headers=HX, **form):
    fields = {"file": (io.BytesIO(data), filename), **form}
    return client.post(
        "/data/import/preview", data=fields, content_type="multipart/form-data", headers=headers
    )


def token_of(response) -> str:
    found = re.search(r'name="token" value="([^"]+)"', text(response))
    assert found, "no import token in the preview"
    return found.group(1)


def alert(response) -> str | None:
    found = re.search(r'<p class="form-error" role="alert">([^<]*)</p>', text(response))
    return html.unescape(found.group(1)) if found else None


# The whole database as data: proof that a request changed nothing, or removed exactly
# some rows. Every table the models define is read (``db.metadata``), so tables added later
# are covered without touching the tests that use this.

# Bookkeeping that reading a page may update: when a session was last seen (and so when
# an idle session expires); when an API token was last used, and its rate limit's state.
BOOKKEEPING = {
    ("login_sessions", "last_seen_at"),
    ("login_sessions", "expires_at"),
    ("api_tokens", "last_used_at"),
    ("api_tokens", "rate_until_ms"),
}


def snapshot(app, *, ignore=BOOKKEEPING) -> dict[str, Counter]:
    """Every row of every table, as a multiset of tuples per table."""
    state = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in ignore]
            rows = db.session.execute(select(*columns)).all()
            state[table.name] = Counter(tuple(row) for row in rows)
        db.session.rollback()
    return state


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        db.session.rollback()
    return counts


def differences(before: dict[str, Counter], after: dict[str, Counter]) -> dict[str, dict]:
    """Per table, the rows that appeared and the rows that disappeared."""
    changed = {}
    for name in before.keys() | after.keys():
        old, new = before.get(name, Counter()), after.get(name, Counter())
        if old != new:
            changed[name] = {
                "added": list((new - old).elements()),
                "removed": list((old - new).elements()),
            }
    return changed


# Editor time: a user with an editor key, requests as clients make them, the recorded
# client requests, and heartbeats written straight into the database.

WAKATIME_FIXTURES = Path(__file__).parent / "fixtures" / "wakatime"


def recorded(name: str) -> dict:
    """A client's request from tests/fixtures/wakatime (see the README there)."""
    return json.loads((WAKATIME_FIXTURES / name).read_text())


def basic(secret: str) -> dict[str, str]:
    """How both WakaTime clients send the key."""
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


def shifted(beats: list, *, last_minutes_ago: float = 10) -> list:
    """The heartbeats moved so the last is ``last_minutes_ago`` minutes old, gaps kept."""
    moved = copy.deepcopy(beats)
    latest = max(beat["time"] for beat in moved)
    delta = time.time() - last_minutes_ago * 60 - latest
    for beat in moved:
        beat["time"] += delta
    return moved


def every(minutes: int, count: int, *, project="flask-tutorial", entity=None, end_ago=10):
    """``count`` heartbeats, ``minutes`` apart, the last ``end_ago`` minutes ago."""
    end = time.time() - end_ago * 60
    return [
        {
            "time": end - (count - 1 - n) * minutes * 60,
            "entity": entity or f"/home/learner/{project}/app.py",
            "type": "file",
            "project": project,
            "language": "Python",
            "is_write": n % 2 == 0,
        }
        for n in range(count)
    ]


class Editor:
    """A user (in a zone where it is about noon now) whose editor sends heartbeats."""

    def __init__(self, app, username: str = "alice", zone: str | None = None):
        self.app = app
        self.username = username
        self.client = app.test_client()
        AuthActions(app, self.client).create(username, timezone=zone or midday_zone())
        with app.app_context():
            self.secret = keys.create_key(get_user_by_name(username)).secret

    def send(self, body, path="/api/v1/users/current/heartbeats.bulk", headers=None, **kwargs):
        headers = basic(self.secret) if headers is None else headers
        return self.client.post(path, json=body, headers=headers, **kwargs)

    def stored(self) -> list[Heartbeat]:
        with self.app.app_context():
            rows = db.session.scalars(
                select(Heartbeat)
                .join(EditorProject)
                .where(EditorProject.user_id == self.user_id)
                .order_by(Heartbeat.time_ms)
            ).all()
            db.session.expunge_all()
            return rows

    def count(self) -> int:
        with self.app.app_context():
            return db.session.scalar(
                select(func.count(Heartbeat.id)).where(Heartbeat.user_id == self.user_id)
            )

    @property
    def user_id(self) -> int:
        with self.app.app_context():
            return get_user_by_name(self.username).id

    def suggested(self) -> list[tuple[str, int]]:
        """(project, minutes) of each suggestion, as Today shows them."""
        with self.app.app_context():
            found = suggestions(get_user_by_name(self.username))
            return [(item.project.name, item.minutes) for item in found]

    def insert(self, *moments: datetime, project: str = "flask-tutorial") -> None:
        """Heartbeats at ``moments`` (aware), written straight into the database: past
        what a request may send, as kept from earlier days."""
        with self.app.app_context():
            user_id = self.user_id
            found = db.session.scalar(
                select(EditorProject).where(
                    EditorProject.user_id == user_id, EditorProject.name == project
                )
            )
            if found is None:
                found = EditorProject(user_id=user_id, name=project)
                db.session.add(found)
                db.session.flush()
            for moment in moments:
                millis = int(moment.astimezone(UTC).timestamp() * 1000)
                db.session.add(
                    Heartbeat(
                        user_id=user_id,
                        project_id=found.id,
                        digest=hashlib.md5(f"{user_id}/{project}/{millis}".encode()).hexdigest(),
                        time_ms=millis,
                        type="file",
                        is_write=False,
                        extension=".py",
                    )
                )
            db.session.commit()


def app_with_users(tmp_path, **config):
    """An app that takes the install to have accounts already: its routes answer without a
    database (the first visit's check for an owner is skipped)."""
    from journal import create_app
    from journal.auth.services import HAS_USERS

    app = create_app(make_config(tmp_path, **config))
    app.extensions[HAS_USERS] = True
    return app
