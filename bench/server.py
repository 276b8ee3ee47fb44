"""A journal served by gunicorn on loopback for the benchmark, and a signed-in client."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

# The loopback port and the wait for a server's first answer are the tests' own
# (tests/live.py, which starts real servers too); the tests never import the benchmark.
from tests.live import free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent


def prepare_database(env: dict, names: list[str], password: str) -> None:
    """Migrate a fresh database and create the accounts (the first is the owner), in a
    process of its own with the settings in ``env``."""
    script = (
        "from journal import create_app\n"
        "from journal.schema import upgrade_database\n"
        "from journal.auth.services import create_user\n"
        "app = create_app()\n"
        "upgrade_database(app)\n"
        "with app.app_context():\n"
        f"    for number, name in enumerate({names!r}):\n"
        f"        create_user(name, {password!r}, is_owner=number == 0)\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)


def worker_pids(master: int) -> list[int]:
    """The worker processes of a gunicorn master."""
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(pid) for pid in children.read_text().split()]
    pids = []  # a kernel without the children file: look at every process's parent
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


class Server:
    """gunicorn with the project's gunicorn.conf.py (2 workers, 4 threads each)."""

    def __init__(
        self,
        work: Path,
        *,
        database: Path | str,
        app: str = "wsgi:app",
        recycle: bool = True,
        env: dict[str, str] | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = work / f"gunicorn-{self.port}.log"
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            # A SQLite file, or a database URL (PostgreSQL).
            "JOURNAL_DATABASE_URL": database
            if isinstance(database, str)
            else f"sqlite:///{database}",
            "JOURNAL_INSTANCE_PATH": str(work / "instance"),
            "JOURNAL_SECRET_KEY": "bench",
            "JOURNAL_LOG_LEVEL": "warning",
        }
        if not recycle:
            # Throughput runs send many thousands of requests: no worker restarts mid-run.
            self.env["JOURNAL_MAX_REQUESTS"] = "0"
        self.env.update(env or {})
        self.app = app
        self.process: subprocess.Popen | None = None
        self.startup_seconds = 0.0

    def __enter__(self) -> Server:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        began = time.perf_counter()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), self.app],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
            )
        probe = "/healthz" if self.app == "wsgi:app" else "/"
        wait_until_up(self.url + probe, log=self.log)
        self.startup_seconds = time.perf_counter() - began
        # Both workers up before measuring.
        while len(self.worker_pids()) < 2:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def worker_pids(self) -> list[int]:
        return worker_pids(self.process.pid)

    def rss_mb(self) -> dict:
        def rss(pid: int) -> float:
            status = Path(f"/proc/{pid}/status").read_text()
            return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024

        figures = {"master": rss(self.process.pid)}
        for number, pid in enumerate(self.worker_pids(), start=1):
            figures[f"worker {number}"] = rss(pid)
        figures["total"] = sum(figures.values())
        return figures


USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) RoadbookBench/1"


class Browser:
    """A signed-in session, as a browser holds it: its cookie and its CSRF token."""

    def __init__(self, url: str, username: str, password: str):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", USER_AGENT)]
        page = self.get("/login").decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrf_token": token}
        ).encode()
        self.opener.open(self.url + "/login", data=form, timeout=30).read()
        today = self.get("/").decode()
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', today).group(1)
        self.today_page = today

    def get(self, path: str) -> bytes:
        with self.opener.open(self.url + path, timeout=60) as response:
            return response.read()

    def headers(self) -> dict[str, str]:
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)
        # The same browser as at log-in: a session seen from another one is marked
        # not fresh (Flask-Login's session protection), and its cookie rewritten each time.
        return {"Cookie": cookies, "User-Agent": USER_AGENT}

    def first_stage_id(self) -> str:
        return re.search(
            r'id="quick-add-stage" name="stage"[^>]*>\s*<option value="(\d+)"', self.today_page
        ).group(1)
