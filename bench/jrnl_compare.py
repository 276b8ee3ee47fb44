"""jrnl, the command-line journal, exporting the same entries as Markdown: the yardstick.

jrnl is installed from PyPI into .bench/jrnl (once). The heavy user's entries are written
as a jrnl journal file (its plain-text format: "[YYYY-MM-DD HH:MM] title" then the body),
then `jrnl --export markdown` is timed as a whole process, start-up included.
"""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".bench" / "jrnl"

CONFIG = """colors:
  body: none
  date: none
  tags: none
  title: none
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: false
indent_character: '|'
journals:
  default:
    journal: {journal}
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%Y-%m-%d %H:%M'
version: v4.2
"""


def jrnl_command() -> Path:
    command = VENV / "bin" / "jrnl"
    if not command.exists():
        print("  installing jrnl into .bench/jrnl (once) …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "jrnl"], check=True
        )
    return command


def write_journal(database: Path, username: str, folder: Path) -> tuple[Path, int]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT entries.study_date, entries.created_at, stages.name, entries.notes "
            "FROM entries JOIN users ON users.id = entries.user_id "
            "JOIN stages ON stages.id = entries.stage_id "
            "WHERE users.username = ? AND entries.deleted_at IS NULL "
            "ORDER BY entries.study_date, entries.id",
            (username,),
        ).fetchall()
    journal = folder / "jrnl-journal.txt"
    with journal.open("w") as out:
        for study_date, created_at, stage, notes in rows:
            time_of_day = str(created_at)[11:16] or "09:00"
            out.write(f"[{study_date} {time_of_day}] {stage}\n{notes}\n\n")
    config = folder / "jrnl.yaml"
    config.write_text(CONFIG.format(journal=journal))
    return config, len(rows)


def measure(database: Path, username: str, folder: Path, runs: int = 3) -> dict:
    command = jrnl_command()
    config, count = write_journal(database, username, folder)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        done = subprocess.run(
            [str(command), "--config-file", str(config), "--export", "markdown"],
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - began)
        if done.returncode != 0:
            raise RuntimeError(f"jrnl failed: {done.stderr[-500:]}")
    return {"seconds": statistics.median(times), "entries": count, "bytes": len(done.stdout)}
