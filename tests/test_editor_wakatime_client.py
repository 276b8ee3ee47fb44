"""The real WakaTime client against a live journal: heartbeats become a suggestion.

``wakatime==13.1.0``, the last pure-Python client (editors call it or its Go successor), is
installed with pip into a Python 3.9 virtual environment kept in ``.venv/`` between runs.
Python 3.9 is found as ``JOURNAL_PYTHON39``, ``python3.9`` on the PATH, or a pyenv version;
without one (or without a way to install the client) the test is skipped, saying why.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from journal import ROOT
from journal.auth.services import get_user_by_name
from journal.editor import keys
from journal.editor.models import Heartbeat
from journal.extensions import db

from .live import LiveServer
from .support import PASSWORD, AuthActions, midday_zone, text

pytestmark = pytest.mark.slow

VERSION = "13.1.0"
VENV = ROOT / ".venv" / f"wakatime-{VERSION}"
# The client's exit statuses (wakatime/constants.py).
SUCCESS, AUTH_ERROR = 0, 104


def _is_python39(command: str) -> bool:
    try:
        done = subprocess.run(
            [command, "-c", "import sys; print(sys.version_info[:2] == (3, 9))"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == "True"


def python39() -> str | None:
    """A Python 3.9 that runs (a pyenv shim on the PATH may not, unless 3.9 is selected)."""
    candidates = [os.environ.get("JOURNAL_PYTHON39"), shutil.which("python3.9")]
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip()
        versions = subprocess.run(
            [pyenv, "versions", "--bare"], capture_output=True, text=True
        ).stdout.split()
        candidates += [
            str(Path(root) / "versions" / version / "bin" / "python3.9")
            for version in versions
            if version.startswith("3.9.")
        ]
    return next((found for found in candidates if found and _is_python39(found)), None)


@pytest.fixture(scope="session")
def wakatime_client() -> Path:
    """The ``wakatime`` command of the cached virtual environment, built on first use."""
    command = VENV / "bin" / "wakatime"
    ready = VENV / ".installed"  # written last: a half-built environment is built again
    VENV.parent.mkdir(exist_ok=True)
    with open(VENV.parent / f".wakatime-{VERSION}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run may be building it right now
        if not ready.exists():
            python = python39()
            if python is None:
                pytest.skip(
                    "no Python 3.9 (set JOURNAL_PYTHON39, or put python3.9 on the PATH) "
                    f"to install wakatime=={VERSION} into"
                )
            # Built where it stays: a virtual environment cannot be moved once made.
            shutil.rmtree(VENV, ignore_errors=True)
            subprocess.run([python, "-m", "venv", str(VENV)], check=True, timeout=120)
            installed = subprocess.run(
                [str(VENV / "bin" / "pip"), "install", "--quiet", f"wakatime=={VERSION}"],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if installed.returncode != 0:
                shutil.rmtree(VENV, ignore_errors=True)
                pytest.skip(f"pip could not install wakatime=={VERSION}: {installed.stderr[-300:]}")
            ready.touch()
    version = subprocess.run([str(command), "--version"], capture_output=True, text=True)
    assert VERSION in version.stdout + version.stderr
    return command


class EditorHome:
    """A learner's home folder: ~/.wakatime.cfg, a project, the client as Vim runs it."""

    def __init__(self, folder: Path, client: Path, api_url: str, key: str):
        self.home = folder / "home"
        self.source = self.home / "code" / "flask-tutorial" / "flaskr" / "__init__.py"
        self.source.parent.mkdir(parents=True)
        self.source.write_text("def create_app():\n    return None\n")
        (self.home / ".wakatime.cfg").write_text(
            f"[settings]\napi_url = {api_url}\napi_key = {key}\n"
        )
        self.client = client
        self.env = {
            "HOME": str(self.home),
            "PATH": os.environ.get("PATH", ""),
            "LANG": "C.UTF-8",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }

    def heartbeat(self, moment: float, *earlier: float) -> int:
        """One heartbeat stamped ``moment`` with --time; ``earlier`` ones go along on
        stdin, as a plugin sends those it held back (``--extra-heartbeats``)."""
        command = [
            str(self.client),
            "--entity",
            str(self.source),
            "--time",
            f"{moment:.3f}",
            "--project",
            "flask-tutorial",
            "--write",
            "--plugin",
            "vim/9.0.2189 vim-wakatime/11.1.1",
        ]
        extra = [
            {"entity": str(self.source), "time": stamp, "project": "flask-tutorial"}
            for stamp in earlier
        ]
        done = subprocess.run(
            command + (["--extra-heartbeats"] if extra else []),
            input=json.dumps(extra) + "\n" if extra else "",
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done.returncode

    def queued(self) -> int:
        """Heartbeats the client keeps to send later (those the journal did not take)."""
        path = self.home / ".wakatime.db"
        if not path.exists():
            return 0
        with contextlib.closing(sqlite3.connect(path)) as connection:
            return connection.execute("SELECT count(*) FROM heartbeat_2").fetchone()[0]

    def log(self) -> str:
        path = self.home / ".wakatime.log"
        return path.read_text()[-2000:] if path.exists() else ""


@pytest.mark.parametrize(
    "api_path", ["/api/v1", "/api/v1/users/current/heartbeats.bulk"], ids=["base", "bulk"]
)
def test_the_wakatime_client_sends_a_session_that_becomes_a_suggestion(
    wakatime_client, make_app, tmp_path, api_path
):
    app = make_app()
    AuthActions(app, app.test_client()).create("alice", timezone=midday_zone())
    with app.app_context():
        key = keys.create_key(get_user_by_name("alice")).secret
    server = LiveServer(app)
    try:
        home = EditorHome(tmp_path, wakatime_client, server.url + api_path, key)
        end = time.time() - 10 * 60
        # Every ten minutes for an hour and twenty minutes: the first eight sent at once
        # (one with --time, seven held back), then the last on its own.
        stamps = [end - minutes * 60 for minutes in range(80, -1, -10)]
        assert home.heartbeat(stamps[0], *stamps[1:8]) == SUCCESS, home.log()
        assert home.heartbeat(stamps[8]) == SUCCESS, home.log()
        assert home.queued() == 0, home.log()

        with app.app_context():
            stored = db.session.scalars(select(Heartbeat)).all()
            assert len(stored) == 9
            assert {(row.entity, row.extension, row.language) for row in stored} == {
                (None, ".py", "Python")
            }
        browser = app.test_client()
        browser.post("/login", data={"username": "alice", "password": PASSWORD})
        page = text(browser.get("/"))
        shown = '<strong class="value">1 h 20 min</strong> on <strong>flask-tutorial</strong>'
        assert shown in page

        # A revoked key: the client is told so, and keeps the heartbeat for later.
        with app.app_context():
            keys.revoke_key(get_user_by_name("alice"))
        assert home.heartbeat(time.time() - 60) == AUTH_ERROR
        assert home.queued() == 1
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()
