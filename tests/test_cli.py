"""The `roadbook` terminal client against a live journal: every command, the offline queue,
and every error as one line with exit status 2.

The client runs in a subprocess that may import only the standard library and itself: a
test fails the moment it reaches for the server's code (or any installed package).
"""

from __future__ import annotations

import ast
import json
import os
import socket
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from journal import ROOT, create_app
from journal.api import tokens
from journal.api.models import ApiToken
from journal.auth.services import get_user_by_name
from journal.db import utcnow
from journal.entries.models import Entry
from journal.extensions import db

from .live import LiveServer, free_port
from .support import AuthActions, backdate_timer, make_config

pytestmark = pytest.mark.slow

# Runs the client with an import guard: nothing outside the standard library and the
# client's own package may be imported.
BOOT = """
import sys
sys.path.insert(0, {root!r})
allowed = set(sys.stdlib_module_names) | {{"roadbook_cli"}}
class Guard:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] not in allowed:
            raise ImportError("the client imported " + name)
        return None
sys.meta_path.insert(0, Guard())
from roadbook_cli.main import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


class Terminal:
    """A user's shell: their own config and state folders, the client as they run it."""

    def __init__(self, home: Path):
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"),
            "LANG": "C.UTF-8",
        }
        self.config = home / "config" / "roadbook" / "config.json"
        self.queue = home / "state" / "roadbook" / "queue.json"

    def __call__(self, *args: str, stdin: str = "") -> Run:
        done = subprocess.run(
            [sys.executable, "-c", BOOT.format(root=str(ROOT)), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=60,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    def sign_in(self, url: str, secret: str) -> None:
        run = self("login", url, stdin=secret + "\n")
        assert run.code == 0, run.err

    def point_at(self, url: str) -> None:
        config = json.loads(self.config.read_text())
        config["url"] = url
        self.config.write_text(json.dumps(config))


def one_line_error(run: Run) -> str:
    """A failure: exit status 2 and exactly one line on stderr, which is returned."""
    assert run.code == 2, (run.out, run.err)
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("roadbook: ")
    return lines[0].removeprefix("roadbook: ")


class Journal:
    """A journal served on loopback with a user, alice, and her token."""

    def __init__(self, databases, tmp_path, port: int = 0):
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.database = databases.fresh(tmp_path)
        self.app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=self.database))
        AuthActions(self.app, self.app.test_client()).create("alice")
        self.secret = self.token("write")
        self.server = LiveServer(self.app, port)
        self.url = self.server.url

    def token(self, scope: str) -> str:
        with self.app.app_context():
            user = get_user_by_name("alice")
            return tokens.create_token(user, tokens.TokenInput("laptop", scope, None)).secret

    def entries(self) -> list[Entry]:
        with self.app.app_context():
            rows = db.session.scalars(select(Entry).where(Entry.deleted_at.is_(None)))
            found = [(row.study_date, row.minutes, row.stage.name, row.notes) for row in rows]
            db.session.rollback()
            return found

    def count(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count(Entry.id)))

    def close(self) -> None:
        self.server.stop()
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def journal(databases, tmp_path):
    served = Journal(databases, tmp_path)
    yield served
    served.close()
    databases.release(served.database)


@pytest.fixture
def terminal(tmp_path):
    return Terminal(tmp_path / "home")


@pytest.fixture
def signed_in(journal, terminal):
    terminal.sign_in(journal.url, journal.secret)
    return terminal


# Installing and signing in ----------------------------------------------------------


def test_the_client_is_installed_and_imports_only_the_standard_library(terminal):
    installed = Path(sys.executable).parent / "roadbook"
    assert installed.exists(), "pip install . puts `roadbook` on the PATH"
    done = subprocess.run([str(installed), "--version"], capture_output=True, text=True)
    assert done.stdout.strip() == "roadbook 0.1.0"
    assert terminal("--version").out.strip() == "roadbook 0.1.0"  # under the import guard
    # And by reading the code: every import is the standard library or the client itself.
    for path in (ROOT / "roadbook_cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                assert top in sys.stdlib_module_names or top == "__future__", f"{path}: {name}"


def test_login_keeps_the_token_for_its_owner_only(journal, terminal):
    run = terminal("login", journal.url, stdin=journal.secret + "\n")
    assert run.code == 0, run.err
    assert f"Signed in to {journal.url} as alice with the token “laptop”" in run.out
    assert journal.secret not in run.out + run.err
    assert stat.S_IMODE(terminal.config.stat().st_mode) == 0o600
    assert stat.S_IMODE(terminal.config.parent.stat().st_mode) == 0o700
    assert json.loads(terminal.config.read_text()) == {"url": journal.url, "token": journal.secret}


def test_login_with_a_bad_token_or_address_saves_nothing(journal, terminal):
    error = one_line_error(terminal("login", journal.url, stdin="rb_not-a-token\n"))
    assert error == "Nothing saved: This token is not valid: it was revoked, or it is mistyped."
    error = one_line_error(terminal("login", f"http://127.0.0.1:{free_port()}", stdin="rb_x\n"))
    assert error.startswith("Nothing saved: ") and "cannot be reached" in error
    assert one_line_error(terminal("login", journal.url, stdin="\n")).startswith("No token given")
    assert not terminal.config.exists()


def test_commands_need_a_login_first(terminal):
    assert one_line_error(terminal("today")).startswith("Not signed in: run `roadbook login URL`")


# Logging and reading ----------------------------------------------------------------


def test_log_prints_the_saved_entry_and_the_weeks_total(journal, signed_in):
    run = signed_in("log", "45m", "Window functions #sql", "--stage", "sql")
    assert run.code == 0, run.err
    saved, week = run.out.splitlines()
    assert saved.startswith("Saved: 45 min of Databases and SQL on ")
    assert saved.endswith("— Window functions #sql")
    assert week.startswith("This week: 45 min of your 10 h goal (8%)")
    [(day, minutes, stage, notes)] = journal.entries()
    assert (minutes, stage, notes) == (45, "Databases and SQL", "Window functions #sql")

    run = signed_in(
        "log",
        "1h30",
        "Reading",
        "--stage",
        "WEB",
        "--date",
        "yesterday",
        "--link",
        "https://flask.palletsprojects.com",
    )
    assert run.code == 0, run.err
    assert "Saved: 1 h 30 min of Web frameworks" in run.out
    assert (day - timedelta(days=1), 90) in {(row[0], row[1]) for row in journal.entries()}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["4x", "--stage", "sql"], "Duration “4x” is not understood: type minutes like 45"),
        (["0", "--stage", "sql"], "Duration must be more than zero."),
        (["25h", "--stage", "sql"], "Duration must be at most 24 hours."),
        (["1h", "--stage", "cobol"], "Stage “cobol” matches none of your stages"),
        (["1h", "--stage", "and"], "Stage “and” could be “Databases and SQL”"),
        (["1h", "--stage", "sql", "--date", "someday"], "Date “someday” is not understood"),
        (["1h", "--stage", "sql", "--link", "ftp://x"], "Link must be a web address"),
    ],
)
def test_a_bad_entry_is_one_clear_line(journal, signed_in, args, message):
    error = one_line_error(signed_in("log", *args))
    assert error.startswith(message), error
    assert journal.count() == 0
    assert not signed_in.queue.exists()


def test_an_expired_or_revoked_token_is_one_clear_line(journal, signed_in):
    with journal.app.app_context():
        token = db.session.scalar(select(ApiToken))
        token.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
        day = token.expires_at.date().isoformat()
    error = one_line_error(signed_in("today"))
    assert error == (
        f"This token expired on {day}: create a new one in Settings → API tokens. "
        "Run `roadbook login URL` with a new token."
    )
    with journal.app.app_context():
        db.session.delete(db.session.scalar(select(ApiToken)))
        db.session.commit()
    error = one_line_error(signed_in("log", "1h", "--stage", "sql"))
    assert error.startswith("This token is not valid: it was revoked, or it is mistyped.")
    assert journal.count() == 0


def test_a_read_only_token_cannot_log(journal, terminal):
    terminal.sign_in(journal.url, journal.token("read"))
    error = one_line_error(terminal("log", "1h", "--stage", "sql"))
    assert error.startswith("The token “laptop” may only read")
    assert terminal("today").code == 0


def test_today_week_search_and_stages(journal, signed_in):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    signed_in("log", "45m", "Window functions #sql", "--stage", "sql")
    signed_in("log", "30", "Flask blueprints", "--stage", "web", "--date", yesterday)

    today = signed_in("today")
    assert today.code == 0
    lines = today.out.splitlines()
    assert lines[0].startswith("Today, ") and lines[0].endswith(": 45 min")
    assert "Databases and SQL" in lines[1] and "Window functions #sql" in lines[1]
    assert "Flask blueprints" not in today.out

    week = signed_in("week").out
    assert "By stage:" in week and "Databases and SQL" in week
    assert "Streak:" in week

    found = signed_in("search", "flask").out.splitlines()
    assert len(found) == 2 and "Flask blueprints" in found[0]
    assert found[1] == "1 entry, 30 min."
    assert signed_in("search", "nothing-like-this").out.strip() == "No entries match."

    stages = signed_in("stages").out.splitlines()
    assert stages[0] == " 1. Python fundamentals  (0 of 11 topics done)"
    assert len(stages) == 7


def test_the_timer_from_start_to_a_saved_entry(journal, signed_in):
    run = signed_in("timer", "start", "sql")
    assert run.out.startswith("Timer started for Databases and SQL.")
    assert "Timer: Databases and SQL, running for 0 min." in signed_in("timer").out
    again = one_line_error(signed_in("timer", "start", "web"))
    assert again.startswith("A timer for “Databases and SQL” is running already")
    backdate_timer(journal.app, 50)
    run = signed_in("timer", "stop", "Joins", "and", "indexes")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == "Timer stopped after 51 min."
    assert "Saved: 51 min of Databases and SQL" in run.out
    assert [(row[1], row[3]) for row in journal.entries()] == [(51, "Joins and indexes")]
    assert one_line_error(signed_in("timer", "stop")) == "No timer is running."


def test_export_writes_the_journal(journal, signed_in, tmp_path):
    signed_in("log", "45m", "Window functions #sql", "--stage", "sql")
    run = signed_in("export", "--format", "markdown")
    assert run.code == 0
    assert "Window functions #sql" in run.out and run.out.startswith("# ")
    target = tmp_path / "journal.csv"
    run = signed_in("export", "--format", "csv", "-o", str(target))
    assert run.code == 0 and "Saved" in run.err
    assert "Databases and SQL,45" in target.read_text()


# Offline ------------------------------------------------------------------------------


def test_offline_entries_wait_in_the_queue_and_are_sent_once(databases, tmp_path, terminal):
    port = free_port()
    journal = Journal(databases, tmp_path / "first")
    terminal.sign_in(journal.url, journal.secret)
    journal.close()
    terminal.point_at(f"http://127.0.0.1:{port}")  # where the journal will come back

    run = terminal("log", "45m", "On the train #sql", "--stage", "sql")
    assert run.code == 0, run.err
    assert "cannot be reached" in run.out and "1 entry waiting" in run.out
    assert stat.S_IMODE(terminal.queue.stat().st_mode) == 0o600
    [waiting] = json.loads(terminal.queue.read_text())
    assert waiting["body"]["date"] == date.today().isoformat()  # fixed when it was logged
    assert one_line_error(terminal("sync")).startswith("The journal cannot be reached")

    back = Journal(databases, tmp_path / "second", port=port)
    try:
        back.secret = terminal_token(terminal)
        _give_token(back, back.secret)
        run = terminal("today")  # any command sends the queue first
        assert run.code == 0, run.err
        assert "Sent 1 entry kept while the journal was out of reach." in run.err
        assert "On the train #sql" in run.out
        assert terminal("sync").out.strip() == "Nothing to send: the queue is empty."
        assert [(row[1], row[3]) for row in back.entries()] == [(45, "On the train #sql")]
    finally:
        back.close()


def terminal_token(terminal) -> str:
    return json.loads(terminal.config.read_text())["token"]


def _give_token(journal: Journal, secret: str) -> None:
    """The same token on the journal that came back (a fresh database in this test)."""
    with journal.app.app_context():
        row = db.session.scalar(select(ApiToken))
        from journal.auth.services import token_digest

        row.token_hash = token_digest(secret)
        db.session.commit()


class LossyProxy:
    """Forwards requests to the journal; while ``drop`` is set, it swallows the answers,
    as a network that fails after the request went through does."""

    def __init__(self, upstream_port: int):
        self.upstream = upstream_port
        self.drop = True
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with client:
                request = _read_request(client)
                with socket.create_connection(("127.0.0.1", self.upstream)) as upstream:
                    upstream.sendall(request)
                    answer = b"".join(iter(lambda: upstream.recv(65536), b""))
                if not self.drop:
                    client.sendall(answer)

    def close(self):
        self.listener.close()


def _read_request(connection) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(body) < length:
        body += connection.recv(65536)
    # One request per connection: the journal closes it once it has answered.
    head = b"\r\n".join(
        line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")
    )
    return head + b"\r\nConnection: close\r\n\r\n" + body


def test_a_retry_after_a_lost_answer_saves_no_duplicate(journal, signed_in):
    proxy = LossyProxy(int(journal.url.rsplit(":", 1)[1]))
    try:
        signed_in.point_at(proxy.url)
        run = signed_in("log", "20m", "Lost in the tunnel", "--stage", "sql")
        assert run.code == 0 and "1 entry waiting" in run.out
        assert journal.count() == 1  # it did arrive: only the answer was lost
        proxy.drop = False
        run = signed_in("sync")
        assert run.code == 0, run.err
        assert "Sent 1 entry" in run.out
        assert signed_in("sync").out.strip() == "Nothing to send: the queue is empty."
        assert journal.count() == 1  # sent twice, saved once
    finally:
        proxy.close()


def test_an_entry_the_journal_refuses_stays_queued_until_dropped(databases, tmp_path, terminal):
    port = free_port()
    journal = Journal(databases, tmp_path / "first")
    terminal.sign_in(journal.url, journal.secret)
    journal.close()
    terminal.point_at(f"http://127.0.0.1:{port}")
    assert terminal("log", "30m", "Mystery", "--stage", "no-such-stage").code == 0
    assert terminal("log", "15m", "Fine", "--stage", "sql").code == 0

    back = Journal(databases, tmp_path / "second", port=port)
    try:
        _give_token(back, terminal_token(terminal))
        run = terminal("sync")
        assert run.code == 2
        assert "Sent 1 entry" in run.out
        [line] = run.err.splitlines()
        assert line.startswith("Not saved, still queued as number 1: 30m of no-such-stage")
        assert "matches none of your stages" in line and "`roadbook queue drop 1`" in line
        assert "1 entry waiting to be sent:" in terminal("queue").out
        assert terminal("queue", "drop", "1").out.startswith("Dropped: 30m of no-such-stage")
        assert terminal("queue").out.strip() == "The queue is empty."
        assert [row[3] for row in back.entries()] == ["Fine"]
    finally:
        back.close()
