"""Abuse benchmark: every known attack on the journal's costs, while a learner keeps working.

Runs by hand, not in ``make test``:

    .venv/bin/python -m bench.abuse                  # every attack, about two minutes
    .venv/bin/python -m bench.abuse --json abuse.json
    .venv/bin/python -m bench.abuse --only 1,5,9     # some of the attacks, by number

gunicorn serves a fresh SQLite database exactly as production does (gunicorn.conf.py, 2
workers; sign-ups open, one trusted proxy so that clients have addresses of their own).
A well-behaved learner logs entries (the quick-add, as htmx sends it) and reads Today and
the Journal the whole time, while an attacker with an ordinary account runs, one after
another, the attacks below, each as a burst of parallel requests:

1. hostile Markdown: brackets, a table asking for a million cells, setext headings,
   unclosed links, image openers, each saved eight at a time;
2. regular expressions: a heading line of spaces read back by the weekly review, a jrnl
   file whose duration pattern was quadratic;
3. a zip whose day file inflates to 150 MB;
4. imports that held the write lock: 6,000 topics, 60,000 entries;
5. forty parallel log-ins guessing a password;
6. previews uploaded again and again (disk);
7. input that answered 500: a 4,300-digit goal, a date past the calendar, JSON nested
   100,000 deep, an encrypted zip member, a position of 10**19;
8. headers: no-store on private pages, HSTS over HTTPS;
9. sixteen parallel log-ins by unknown names (argon2's memory).

It prints, for the learner, the latency of each request (median and 99th percentile), the
errors (any 5xx other than a 503 that was retried, or a request that failed), the saves
lost (acknowledged but missing, or never saved), and the workers' peak RSS; and what each
attack got back. Targets: no error, nothing lost, p99 under 1 s, each worker under 150 MB.
Exit status 0 when they are met.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from collections import Counter
from pathlib import Path

from .server import Browser, Server, prepare_database
from .stress import machine

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "abuse bench passphrase"
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
TARGETS = {"p99_seconds": 1.0, "worker_rss_mb": 150}
STAGE_RE = re.compile(r'<option value="(\d+)" selected>')
DATE_RE = re.compile(r'name="date" type="date" value="([0-9-]+)"')


class Session:
    """A signed-in browser from an address of its own (the proxy's X-Forwarded-For)."""

    def __init__(self, url: str, username: str, address: str):
        self.browser = Browser(url, username, PASSWORD)
        self.url, self.address = url, address
        page = self.browser.today_page
        self.stage = STAGE_RE.search(page).group(1)
        self.today = DATE_RE.search(page).group(1)

    def send(self, method: str, path: str, data=None, headers=None, files=None):
        """(status, body, headers, seconds); a connection that fails is status 0."""
        sent = {"X-Forwarded-For": self.address, **(headers or {})}
        body = None
        if method == "POST":
            sent["X-CSRFToken"] = self.browser.csrf
            if files:
                body, sent["Content-Type"] = multipart(data or {}, files)
            else:
                body = urllib.parse.urlencode(data or {}, doseq=True).encode()
                sent["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.url + path, body, sent, method=method)
        began = time.perf_counter()
        try:
            with self.browser.opener.open(request, timeout=120) as response:
                text = response.read().decode("utf-8", "replace")
                status, answer = response.status, response.headers
        except urllib.error.HTTPError as error:
            text, status, answer = (
                error.read().decode("utf-8", "replace"),
                error.code,
                error.headers,
            )
        except OSError as error:
            text, status, answer = str(error), 0, {}
        return status, text, answer, time.perf_counter() - began


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# The learner


class Learner(threading.Thread):
    """Logs an entry, reads Today and the Journal, again and again, as a person would."""

    def __init__(self, session: Session, stop: threading.Event):
        super().__init__(daemon=True)
        self.session, self.stop = session, stop
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.acknowledged: list[str] = []
        self.never_saved: list[str] = []
        self.refused = 0  # 429 or 503, retried

    def request(self, method, path, data=None, headers=None):
        status, text, answer, seconds = self.session.send(method, path, data, headers)
        self.latencies.append(seconds)
        self.statuses[status] += 1
        if status == 0 or (status >= 500 and status != 503):
            self.errors.append(f"{method} {path}: {status} {text[:120]}")
        return status, text, answer

    def save(self, number: int) -> None:
        key = f"learner-{number:06d}"
        data = {
            "date": self.session.today,
            "duration": "25m",
            "stage": self.session.stage,
            "notes": f"Entry {number}: read about **generators** #python\n- one\n- two",
            "idempotency_key": key,
            "form_id": "quick-add",
        }
        for _ in range(20):
            status, _, answer = self.request("POST", "/entries", data, HTMX)
            if status == 200:
                self.acknowledged.append(key)
                return
            if status in (429, 503):  # the form came back: send it again, as a person would
                self.refused += 1
                time.sleep(min(2.0, float(answer.get("Retry-After", "1"))))
                continue
            break
        self.never_saved.append(key)

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            self.save(number)
            self.request("GET", "/")
            self.request("GET", "/journal")
            time.sleep(0.3)


# The attacker


def table(columns: int, rows: int) -> str:
    return "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + "a\n" * rows


HOSTILE_NOTES = {
    "8 kB of [": "[" * 8_000,
    "table 1000 x 1000 (6 kB)": table(1_000, 1_000),
    "setext headings (10 kB)": "a\n=\n" * 2_500,
    "unclosed [a](b (10 kB)": "[a](b " * 1_666,
    "![ x 5000": "![" * 5_000,
    "[* x 5000": "[*" * 5_000,
    "32 kB of setext (over the limit)": "a\n=\n" * 8_000,
}


def zip_of(members: dict[str, bytes], encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    data = bytearray(buffer.getvalue())
    if encrypted:  # set the "encrypted" flag of every header, as an encrypting tool does
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = 0
            while (found := data.find(signature, start)) >= 0:
                data[found + offset] |= 1
                start = found + 4
    return bytes(data)


def roadbook_json(entries=(), stages=()) -> bytes:
    return json.dumps(
        {
            "format": "roadbook-journal",
            "version": 1,
            "stages": list(stages),
            "entries": list(entries),
        }
    ).encode()


def attacks(attacker: Session, url: str) -> list[tuple[str, callable]]:
    """Each attack: a name and a function returning what came back."""

    def burst(count, send):
        results: list = []
        threads = [threading.Thread(target=lambda: results.append(send())) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def saves(number, notes):
        """One save timed alone, then eight at once, by an account of its own (sign-up is
        open: anyone can have several), so each input meets a full write allowance."""
        writer = Session(url, f"writer{number}", f"203.0.113.{10 + number}")
        data = {
            "date": writer.today,
            "duration": "5",
            "stage": writer.stage,
            "notes": notes,
            "form_id": "quick-add",
        }
        status, _, _, seconds = writer.send("POST", "/entries", data, HTMX)
        statuses = [r[0] for r in burst(8, lambda: writer.send("POST", "/entries", data, HTMX))]
        return {
            "one save": [status, round(seconds, 2)],
            "then eight at once": dict(Counter(statuses)),
        }

    def preview(name, content, fmt=""):
        status, text, _, seconds = attacker.send(
            "POST", "/data/import/preview", {"format": fmt}, HTMX, files={"file": (name, content)}
        )
        token = re.search(r'name="token" value="([^"]+)"', text)
        return status, seconds, token.group(1) if token else None

    def import_file(name, content):
        status, seconds, token = preview(name, content)
        result = {"preview": status, "preview_s": round(seconds, 2)}
        if token:
            stage = {"token": token, "stage": attacker.stage}
            status, _, _, seconds = attacker.send("POST", "/data/import", stage, HTMX)
            result.update(confirm=status, confirm_s=round(seconds, 2))
        return result

    week = time.strftime("%Y-%m-%d")
    heading = "# a" + " " * 1_000 + "b"
    jrnl = ("[2026-01-01 10:00] t\n1h" + " " * 40_000 + "x\n").encode()
    topics = [{"name": f"topic {n}", "position": n} for n in range(6_000)]
    many = [{"date": "2026-01-01", "stage": "A", "notes": "x"} for _ in range(60_000)]
    nested = ("[" * 100_000 + "]" * 100_000).encode()

    def log_ins(count, name_of, address_of):
        def one(number):
            jar = urllib.request.HTTPCookieProcessor()
            opener = urllib.request.build_opener(jar)
            address = {"X-Forwarded-For": address_of(number)}
            try:
                with opener.open(urllib.request.Request(url + "/login", None, address)) as page:
                    token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode())
                form = urllib.parse.urlencode(
                    {
                        "username": name_of(number),
                        "password": "wrong guess",
                        "csrf_token": token.group(1),
                    }
                )
                request = urllib.request.Request(url + "/login", form.encode(), address)
                with opener.open(request, timeout=120) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code
            except OSError:
                return 0

        numbers = iter(range(count))
        lock = threading.Lock()

        def next_one():
            with lock:
                number = next(numbers)
            return one(number)

        return dict(Counter(burst(count, next_one)))

    return [
        *[
            (f"1 markdown: {name}", (lambda n=number, t=notes: saves(n, t)))
            for number, (name, notes) in enumerate(HOSTILE_NOTES.items(), start=1)
        ],
        (
            "2 regex: review of a spaced heading",
            lambda: (
                attacker.send(
                    "POST",
                    "/entries",
                    {
                        "date": attacker.today,
                        "duration": "5",
                        "stage": attacker.stage,
                        "notes": heading,
                    },
                    HTMX,
                )[0],
                [round(attacker.send("GET", f"/review/{week}")[3], 2) for _ in range(3)],
            ),
        ),
        ("2 regex: jrnl duration (40 kB)", lambda: preview("j.txt", jrnl, "jrnl")[:2]),
        (
            "3 zip inflating to 150 MB",
            lambda: preview("bomb.zip", zip_of({"2026-01-01.md": b"a\n" * 75_000_000}))[:2],
        ),
        (
            "4 import: 6,000 topics",
            lambda: import_file(
                "t.json", roadbook_json(stages=[{"name": "T", "position": 1, "topics": topics}])
            ),
        ),
        ("4 import: 60,000 entries", lambda: import_file("e.json", roadbook_json(entries=many))),
        (
            "5 forty parallel log-ins",
            lambda: log_ins(40, lambda n: "attacker", lambda n: "203.0.113.5"),
        ),
        (
            "6 previews again and again",
            lambda: dict(
                Counter(
                    preview(f"p{n}.json", roadbook_json(entries=many[:20_000]))[0]
                    for n in range(30)
                )
            ),
        ),
        (
            "7 a 4,300-digit goal",
            lambda: attacker.send(
                "POST",
                "/dashboard/settings",
                {
                    "daily_minimum": "9" * 4_300,
                    "weekly_goal": "10",
                    "week_start": "0",
                    "rest_days": "0",
                },
                HTMX,
            )[0],
        ),
        (
            "7 created_at past the calendar",
            lambda: preview(
                "c.json",
                roadbook_json(
                    entries=[
                        {
                            "date": "2026-01-01",
                            "stage": "A",
                            "created_at": "9999-12-31T23:59:59-14:00",
                        }
                    ]
                ),
            )[0],
        ),
        ("7 JSON nested 100,000 deep", lambda: preview("n.json", nested, "json")[0]),
        (
            "7 encrypted zip member",
            lambda: preview("e.zip", zip_of({"2026-01-01.md": b"## A\n\nx\n"}, encrypted=True))[0],
        ),
        (
            "7 position 10**19",
            lambda: import_file(
                "p.json", roadbook_json(stages=[{"name": "P", "position": 10**19, "topics": []}])
            ),
        ),
        ("8 headers", lambda: headers_check(attacker)),
        (
            "9 sixteen log-ins by unknown names",
            lambda: log_ins(16, lambda n: f"nobody{n}", lambda n: f"198.18.0.{n + 1}"),
        ),
    ]


def headers_check(session: Session) -> dict:
    _, _, private, _ = session.send("GET", "/journal")
    _, _, https, _ = session.send("GET", "/login", headers={"X-Forwarded-Proto": "https"})
    return {
        "no-store on a private page": private.get("Cache-Control") == "no-store",
        "HSTS over HTTPS": "max-age=" in (https.get("Strict-Transport-Security") or ""),
    }


# Memory


class Memory(threading.Thread):
    """Samples every worker's resident memory (workers replaced meanwhile included)."""

    def __init__(self, server: Server, stop: threading.Event):
        super().__init__(daemon=True)
        self.server, self.stop = server, stop
        self.peak: dict[int, float] = {}

    def run(self) -> None:
        while not self.stop.is_set():
            for pid in self.server.worker_pids():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                found = re.search(r"VmRSS:\s+(\d+) kB", status)
                if found:
                    self.peak[pid] = max(self.peak.get(pid, 0), int(found.group(1)) / 1024)
            time.sleep(0.1)


def prepare(work: Path, database: Path) -> None:
    names = ["learner", "attacker"] + [f"writer{n}" for n in range(1, len(HOSTILE_NOTES) + 1)]
    env = {
        "JOURNAL_DATABASE_URL": f"sqlite:///{database}",
        "JOURNAL_INSTANCE_PATH": str(work / "instance"),
        "JOURNAL_SECRET_KEY": "bench",
        "PATH": "/usr/bin:/bin",
    }
    prepare_database(env, names, PASSWORD)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run(pause: float, only: set[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="roadbook-abuse-") as folder:
        work = Path(folder)
        database = work / "journal.sqlite3"
        prepare(work, database)
        env = {"JOURNAL_SIGNUP": "open", "JOURNAL_BEHIND_PROXY": "1"}
        with Server(work, database=database, recycle=False, env=env) as server:
            stop = threading.Event()
            memory = Memory(server, stop)
            memory.start()
            learner = Learner(Session(server.url, "learner", "198.51.100.1"), stop)
            attacker = Session(server.url, "attacker", "203.0.113.5")
            learner.start()
            time.sleep(pause)
            outcomes = {}
            began = time.perf_counter()
            for name, attack in attacks(attacker, server.url):
                if only and name.split()[0] not in only:
                    continue
                started = time.perf_counter()
                try:
                    outcome = attack()
                except Exception as error:  # an attack the client itself could not send
                    outcome = f"could not run: {error!r}"[:200]
                outcomes[name] = {
                    "result": outcome,
                    "seconds": round(time.perf_counter() - started, 2),
                }
                print(f"  {name}: {outcomes[name]}", flush=True)
                time.sleep(pause)
            attack_seconds = time.perf_counter() - began
            stop.set()
            learner.join(timeout=180)
            memory.join(timeout=5)
            uploads = sum(
                f.stat().st_size
                for f in (work / "instance").rglob("*")
                if f.is_file() and f.name != "secret_key"
            )
        with sqlite3.connect(database) as connection:
            saved = {
                row[0]
                for row in connection.execute(
                    "SELECT idempotency_key FROM entries WHERE idempotency_key LIKE 'learner-%'"
                )
            }
    lost = [key for key in learner.acknowledged if key not in saved] + learner.never_saved
    return {
        "machine": machine(),
        "attack_seconds": round(attack_seconds, 1),
        "learner": {
            "requests": len(learner.latencies),
            "saves_acknowledged": len(learner.acknowledged),
            "p50_seconds": round(statistics.median(learner.latencies), 3),
            "p99_seconds": round(percentile(learner.latencies, 0.99), 3),
            "max_seconds": round(max(learner.latencies), 3),
            "statuses": {str(k): v for k, v in sorted(learner.statuses.items())},
            "refused_then_retried": learner.refused,
            "errors": learner.errors[:20],
            "error_count": len(learner.errors),
            "lost_saves": len(lost),
        },
        "worker_peak_rss_mb": {str(pid): round(mb, 1) for pid, mb in memory.peak.items()},
        "instance_bytes_after": uploads,
        "attacks": outcomes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between attacks")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--only", default="", help="the findings to run, by number: --only 1,5,9 (default all)"
    )
    args = parser.parse_args()
    print(f"abuse benchmark on {machine()}", flush=True)
    result = run(args.pause, {part.strip() for part in args.only.split(",") if part.strip()})
    learner = result["learner"]
    peak = max(result["worker_peak_rss_mb"].values(), default=0)
    checks = {
        "no error for the learner": learner["error_count"] == 0,
        "no save lost": learner["lost_saves"] == 0,
        f"p99 under {TARGETS['p99_seconds']} s": learner["p99_seconds"] < TARGETS["p99_seconds"],
        f"every worker under {TARGETS['worker_rss_mb']} MB": peak < TARGETS["worker_rss_mb"],
    }
    result["checks"] = checks
    print(
        f"\nlearner: {learner['requests']} requests, {learner['saves_acknowledged']} saves; "
        f"p50 {learner['p50_seconds']} s, p99 {learner['p99_seconds']} s, max "
        f"{learner['max_seconds']} s; errors {learner['error_count']}, lost saves "
        f"{learner['lost_saves']}, refused then retried {learner['refused_then_retried']}"
    )
    print(f"statuses: {learner['statuses']}")
    print(f"workers' peak RSS (MB): {result['worker_peak_rss_mb']}")
    for name, passed in checks.items():
        print(f"  {'ok  ' if passed else 'FAIL'} {name}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
