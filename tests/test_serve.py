"""``make serve``: gunicorn started for real on loopback, the way production runs it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from journal import ROOT

from .live import Browser, alive, free_port, open_files, parent_of, stop_group, wait_until_up
from .support import PASSWORD

pytestmark = pytest.mark.slow

ACCESS_LINE = re.compile(
    r'^(?P<client>\S+) \[[^\]]+\] "(?P<method>[A-Z]+) (?P<path>\S+) HTTP/1\.1" '
    r'(?P<status>\d{3}) \d+ \d+ms "[^"]*"$'
)


class RecordingBrowser(Browser):
    def __init__(self, base: str):
        super().__init__(base)
        self.sent: list[tuple[str, str, int]] = []

    def request(self, method, path, data=None, headers=None):
        reply = super().request(method, path, data, headers)
        self.sent.append((method, path.split("?")[0], reply.status))
        return reply


@dataclass
class Served:
    process: subprocess.Popen
    base: str
    stdout: Path
    stderr: Path
    database: str
    lines: list[str] = field(default_factory=list)

    def log(self) -> str:
        return self.stderr.read_text()

    @property
    def master(self) -> int:
        return int(re.search(r"Listening at: \S+ \((\d+)\)", self.log()).group(1))

    @property
    def workers(self) -> list[int]:
        return [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", self.log())]

    def stop(self) -> int | None:
        """SIGTERM to the gunicorn master, as systemd does; make then exits with its status."""
        if self.process.poll() is None and "Listening at" in self.log() and alive(self.master):
            os.kill(self.master, signal.SIGTERM)
            try:
                return self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                pass
        stop_group(self.process)
        return None


@pytest.fixture
def served(databases, tmp_path):
    url = databases.fresh(tmp_path)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("JOURNAL_")}
    env.update(
        PORT=str(port),
        JOURNAL_DATABASE_URL=url,
        JOURNAL_INSTANCE_PATH=str(tmp_path / "instance"),
        JOURNAL_BEHIND_PROXY="1",  # as behind Caddy or nginx
    )
    stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with stdout.open("w") as out, stderr.open("w") as err:
        process = subprocess.Popen(
            ["make", "--silent", "--no-print-directory", "serve"],  # silent: no echoed commands
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Served(process, f"http://127.0.0.1:{port}", stdout, stderr, url)
    try:
        wait_until_up(server.base + "/healthz", 90, stderr)
        yield server
    finally:
        server.stop()
        databases.release(url)


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_make_serve_runs_the_journal_under_gunicorn(served):
    # Two workers, forked by one master that never opened the database.
    assert wait_for(lambda: len(served.workers) == 2), served.log()
    master = served.master
    assert all(parent_of(worker) == master for worker in served.workers)
    assert "Using worker: gthread" in served.log()
    assert f"Listening at: {served.base}" in served.log()
    if served.database.startswith("sqlite"):
        database_file = served.database.removeprefix("sqlite:///")
        assert not [name for name in open_files(master) if name.startswith(database_file)]

    browser = RecordingBrowser(served.base)

    # A fresh install asks for the owner account (CSRF protection is on).
    first = browser.get("/")
    assert first.status == 302 and first.headers["Location"].endswith("/setup")
    no_token = browser.post("/setup", {"username": "alice", "password": PASSWORD})
    assert no_token.status == 400
    account = {"username": "alice", "password": PASSWORD, "timezone": "UTC"}
    created = browser.post("/setup", {**account, "csrf_token": browser.token("/setup")})
    assert created.status == 303

    # Static files.
    css = browser.get("/static/css/app.css")
    assert css.status == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert css.body == (ROOT / "static" / "css" / "app.css").read_bytes()
    htmx = browser.get("/static/vendor/htmx.min.js")
    assert htmx.status == 200 and "javascript" in htmx.headers["Content-Type"]

    # Log out, then in again through the login form.
    assert browser.post("/logout", {"csrf_token": browser.token("/settings")}).status == 303
    assert browser.get("/").status == 302
    login = {"username": "alice", "password": PASSWORD, "csrf_token": browser.token("/login")}
    signed_in = browser.post("/login", login)
    assert signed_in.status == 303 and signed_in.headers["Location"] == "/"

    # An entry, through the quick-add form on Today.
    today = browser.get("/").text
    assert "Roadbook" in today
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', today))
    stage = re.search(r'<select[^>]*name="stage"[^>]*>\s*<option value="(\d+)"', today).group(1)
    entry = {
        **form,
        "date": re.search(r'name="date"[^>]*value="([\d-]+)"', today).group(1),
        "duration": "1h15",
        "stage": stage,
        "notes": "Served by *gunicorn* #deploy",
    }
    assert browser.post("/entries", entry).status == 303
    journal = browser.get("/journal").text
    assert "Served by <em>gunicorn</em>" in journal
    assert "1 h 15 min" in journal

    # Through a proxy: the log shows the client's address the proxy reports.
    proxied = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    assert browser.get("/journal?q=secret+words", headers=proxied).status == 200

    # One line per request on standard output, each request once.
    assert served.stop() == 0  # a graceful stop
    assert "Shutting down: Master" in served.log()
    assert not alive(master)
    lines = served.stdout.read_text().splitlines()
    assert lines and all(ACCESS_LINE.match(line) for line in lines), lines[:5]
    logged = [
        (match["method"], match["path"], int(match["status"]))
        for match in map(ACCESS_LINE.match, lines)
        if match["path"] != "/healthz"
    ]
    # Two workers write their lines independently: the order may differ, the lines may not.
    assert sorted(logged) == sorted(browser.sent)
    clients = [line.split(" ", 1)[0] for line in lines]
    assert clients.count("203.0.113.7") == 1
    assert set(clients) == {"127.0.0.1", "203.0.113.7"}
    assert "secret" not in served.stdout.read_text()  # no query strings in the log
