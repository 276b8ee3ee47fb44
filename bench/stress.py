"""Stress test: many clients writing at once while workers are killed, then check the data.

Runs by hand, not in ``make test``:

    .venv/bin/python -m bench.stress                 # 50 clients, 30 s, 4 workers
    .venv/bin/python -m bench.stress --clients 10 --seconds 5 --kill-every 1

What it does:
1. Builds a fresh SQLite database in a temporary folder and one account per client.
2. Starts gunicorn (``wsgi:app``) with 4 workers on 127.0.0.1, CSRF on, as in production.
3. Each client (a thread, with http.client) logs in with its own session and CSRF token,
   then creates entries and edits the ones it created, the way htmx sends them. A request
   that fails on the way (a killed worker) is sent again: a create with the same
   idempotency key, an edit with the same values.
4. Meanwhile a worker is SIGKILLed every few seconds; gunicorn starts a new one.
5. When the time is up (or the request budget is spent), gunicorn stops and the script
   checks: no 500, no "database is locked" anywhere, ``PRAGMA integrity_check`` is ok,
   every entry the server acknowledged is there with its last acknowledged edit, and no
   entry exists twice (the retries did not duplicate anything).

Exit status 0 when every check passes. ``--json FILE`` writes the figures too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from .server import free_port, wait_until_up, worker_pids
from .server import prepare_database as create_accounts

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "stress test passphrase"
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
STAGE_RE = re.compile(r'<option value="(\d+)" selected>')
DATE_RE = re.compile(r'name="date" type="date" value="([0-9-]+)"')
NEW_ENTRY_RE = re.compile(r'<article id="entry-(\d+)" class="entry entry-new">')
RETRYABLE = (OSError, http.client.HTTPException)


@dataclass
class Stats:
    lock = threading.Lock()
    statuses: Counter = field(default_factory=Counter)
    retries: int = 0
    locked: int = 0
    server_errors: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    latencies: dict = field(default_factory=dict)  # kind of request -> seconds each
    requests: int = 0

    def record(self, method, path, status, body, seconds):
        if method == "GET":
            kind = "page"
        elif path == "/login":
            kind = "login"
        else:
            kind = "create" if path == "/entries" else "edit"
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1
            self.latencies.setdefault(kind, []).append(seconds)
            if "database is locked" in body:
                self.locked += 1
            if status >= 500:
                self.server_errors.append(f"{method} {path} -> {status}")


class Budget:
    """The run ends at the deadline or when the request budget is spent."""

    def __init__(self, seconds: float, max_requests: int):
        self.deadline = time.monotonic() + seconds
        self.left = max_requests
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


class Client:
    """One browser: its own cookies, CSRF token and entries."""

    def __init__(self, number: int, port: int, stats: Stats, budget: Budget):
        self.number = number
        self.username = f"stress{number:02d}"
        self.port = port
        self.stats = stats
        self.budget = budget
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.stage = ""
        self.today = ""  # the form's date: the new entry then shows in the answer's list
        self.created = 0
        self.acked: dict[str, dict] = {}  # idempotency key -> {"id", "notes", "minutes"}
        self.errors: list[str] = []
        self.random = random.Random(number)

    # Transport

    def _once(self, method: str, path: str, data: dict | None, headers: dict):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            body = urlencode(data or {}, doseq=True)
            sent = {**headers}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method == "POST":
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.monotonic()
            connection.request(method, path, body=body if method == "POST" else None, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            elapsed = time.monotonic() - started
            for header in response.msg.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["expires"] and "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            self.stats.record(method, path, response.status, text, elapsed)
            return response.status, text, response.getheader("Location")
        finally:
            connection.close()

    def request(self, method, path, data=None, headers=None, *, ok=(200, 303)):
        """Send until an answer comes back (a killed worker drops the connection)."""
        for attempt in range(60):
            try:
                status, text, location = self._once(method, path, data, headers or {})
            except RETRYABLE:
                with self.stats.lock:
                    self.stats.retries += 1
                time.sleep(0.05 + 0.05 * attempt)
                continue
            if status in (502, 503):  # not expected from gunicorn directly, but retryable
                time.sleep(0.2)
                continue
            if status not in ok:
                self.errors.append(f"{method} {path} answered {status}: {text[:200]}")
            return status, text, location
        raise RuntimeError(f"{method} {path}: no answer after 60 tries")

    # The journal

    def login(self) -> None:
        _, page, _ = self.request("GET", "/login", ok=(200,))
        token = TOKEN_RE.search(page).group(1)
        data = {"username": self.username, "password": PASSWORD, "csrf_token": token}
        status, _, _ = self.request("POST", "/login", data, ok=(303,))
        if status != 303:
            raise RuntimeError(f"{self.username} could not log in ({status})")
        _, page, _ = self.request("GET", "/", ok=(200,))
        self.token = TOKEN_RE.search(page).group(1)
        self.stage = STAGE_RE.search(page).group(1)
        self.today = DATE_RE.search(page).group(1)

    def send_entry(self, path: str, minutes: int, notes: str, **fields: str):
        """Post the entry form as htmx does: today, the first stage, with the CSRF token."""
        data = {
            "date": self.today,
            "duration": str(minutes),
            "stage": self.stage,
            "notes": notes,
            **fields,
        }
        return self.request("POST", path, data, {**HTMX, "X-CSRFToken": self.token})

    def create(self) -> None:
        self.created += 1
        key = f"stress-{self.number:02d}-{self.created:05d}"
        minutes = self.random.randint(5, 240)
        notes = f"client {self.number} entry {self.created} #stress"
        status, text, _ = self.send_entry(
            "/entries", minutes, notes, idempotency_key=key, form_id="quick-add"
        )
        if status == 200:
            found = NEW_ENTRY_RE.search(text)
            if not found:
                self.errors.append(f"create {key}: no new entry in the answer")
                return
            self.acked[key] = {"id": int(found.group(1)), "notes": notes, "minutes": minutes}

    def edit(self) -> None:
        key = self.random.choice(list(self.acked))
        entry = self.acked[key]
        minutes = self.random.randint(5, 240)
        notes = f"{entry['notes'].split(' edit ')[0]} edit {self.random.randint(1, 10**6)}"
        status, _, _ = self.send_entry(f"/entries/{entry['id']}", minutes, notes)
        if status == 200:
            entry.update(notes=notes, minutes=minutes)

    def run(self) -> None:
        try:
            self.login()
            while self.budget.take():
                if self.acked and self.random.random() < 0.35:
                    self.edit()
                else:
                    self.create()
        except Exception as error:  # reported, and fails the run
            self.errors.append(f"client {self.number} stopped: {error!r}")


# The server


def prepare_database(env: dict, clients: int) -> None:
    """Migrate the fresh database and create the accounts, in a separate process."""
    create_accounts(env, [f"stress{n:02d}" for n in range(clients)], PASSWORD)


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}",
        "--timeout", "30",
        "--graceful-timeout", "5",
        "--error-logfile", str(log),
        "wsgi:app",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", log=log)
    except RuntimeError:
        process.kill()
        raise
    return process


def killer(master: int, every: float, stop: threading.Event, kills: list) -> None:
    chooser = random.Random(7)
    while not stop.wait(every * chooser.uniform(0.5, 1.5)):
        pids = worker_pids(master)
        if pids:
            victim = chooser.choice(pids)
            try:
                os.kill(victim, signal.SIGKILL)
                kills.append(victim)
            except ProcessLookupError:
                pass


# The checks


def check_database(path: Path, clients: list[Client]) -> dict:
    connection = sqlite3.connect(path)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        users = dict(connection.execute("SELECT username, id FROM users"))
        missing, wrong, duplicates, unacked = [], [], [], 0
        total = 0
        for client in clients:
            rows = connection.execute(
                "SELECT id, idempotency_key, notes, minutes FROM entries WHERE user_id = ?",
                (users[client.username],),
            ).fetchall()
            total += len(rows)
            by_key = Counter(row[1] for row in rows)
            duplicates += [key for key, n in by_key.items() if n > 1]
            notes_of = Counter(row[2].split(" edit ")[0] for row in rows)
            duplicates += [notes for notes, n in notes_of.items() if n > 1]
            stored = {row[1]: row for row in rows}
            for key, entry in client.acked.items():
                row = stored.get(key)
                if row is None:
                    missing.append(key)
                elif (row[0], row[2], row[3]) != (entry["id"], entry["notes"], entry["minutes"]):
                    wrong.append((key, row, entry))
            unacked += len(set(stored) - set(client.acked))
        return {
            "integrity_check": integrity,
            "entries_stored": total,
            "acknowledged_missing": missing,
            "last_acknowledged_edit_differs": wrong,
            "duplicates": duplicates,
            "stored_but_never_acknowledged": unacked,
        }
    finally:
        connection.close()


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores {model or platform.machine()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=3.0, help="seconds between kills")
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="roadbook-stress-"))
    database = folder / "journal.sqlite3"
    log = folder / "gunicorn.log"
    env = {
        **os.environ,
        "JOURNAL_INSTANCE_PATH": str(folder / "instance"),
        "JOURNAL_DATABASE_URL": f"sqlite:///{database}",
        "JOURNAL_SECRET_KEY": os.urandom(16).hex(),
    }
    print(f"machine: {machine()}")
    print(f"preparing {args.clients} accounts in {folder}")
    prepare_database(env, args.clients)
    port = free_port()
    server = start_gunicorn(env, port, args.workers, log)
    stats = Stats()
    budget = Budget(args.seconds, args.max_requests)
    clients = [Client(n, port, stats, budget) for n in range(args.clients)]
    stop, kills = threading.Event(), []
    murderer = threading.Thread(target=killer, args=(server.pid, args.kill_every, stop, kills))
    threads = [threading.Thread(target=client.run) for client in clients]
    print(
        f"running: {args.clients} clients, {args.workers} workers, {args.seconds:g} s, "
        f"a worker killed every ~{args.kill_every:g} s"
    )
    started = time.monotonic()
    murderer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 120)
    elapsed = time.monotonic() - started
    stop.set()
    murderer.join()
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()

    checks = check_database(database, clients)
    log_text = log.read_text(errors="replace") if log.exists() else ""
    client_errors = [error for client in clients for error in client.errors]

    def percentiles(values):
        values = sorted(values)
        return {
            "count": len(values),
            "median_ms": round(1000 * values[len(values) // 2]),
            "p99_ms": round(1000 * values[int(len(values) * 0.99)]),
        }

    results = {
        "machine": machine(),
        "clients": args.clients,
        "workers": args.workers,
        "seconds": round(elapsed, 1),
        "requests": stats.requests,
        "requests_per_second": round(stats.requests / elapsed, 1),
        "latency": {kind: percentiles(values) for kind, values in sorted(stats.latencies.items())},
        "statuses": dict(sorted(stats.statuses.items())),
        "workers_killed": len(kills),
        "retries_after_a_dropped_connection": stats.retries,
        "entries_acknowledged": sum(len(c.acked) for c in clients),
        "server_errors_500": len(stats.server_errors),
        "database_is_locked": stats.locked + log_text.count("database is locked"),
        "tracebacks_in_log": log_text.count("Traceback"),
        "client_errors": client_errors[:20],
        **{
            key: value if isinstance(value, (str, int)) else len(value)
            for key, value in checks.items()
        },
    }
    failures = [
        name
        for name, bad in (
            ("500 responses", results["server_errors_500"]),
            ("database is locked", results["database_is_locked"]),
            ("tracebacks in the server log", results["tracebacks_in_log"]),
            ("client errors", len(client_errors)),
            ("integrity_check", checks["integrity_check"] != "ok"),
            ("acknowledged entries missing", len(checks["acknowledged_missing"])),
            ("acknowledged edits lost", len(checks["last_acknowledged_edit_differs"])),
            ("duplicates", len(checks["duplicates"])),
            ("no worker killed", not kills),
        )
        if bad
    ]
    results["result"] = "FAIL: " + ", ".join(failures) if failures else "PASS"
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    if args.keep or failures:
        print(f"files kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
