"""How long the largest imports Roadbook accepts hold the database's write lock.

    .venv/bin/python -m bench.import_lock [--repeat 3] [--json FILE]

An import is read, checked, planned and rendered before its write transaction, which only
inserts the rows made ready (journal/transfer/save.py); the caps on one import
(journal/transfer/limits.py) bound what that transaction writes. This builds files at
every cap, each the largest of its kind that is accepted, imports each into a fresh
account and into one holding ten years of daily entries, and prints for each: the time
the write lock was held (from BEGIN IMMEDIATE to COMMIT), the statements run under it
and the whole import's time; then, apart, the most memory Python held while importing
each. Target: the lock held under 1 s, whatever the file.

- json at every cap: 5,000 entries, 100 stages, 2,000 topics, 25,000 tags and topics on
  the entries, in a file just under the 4 MB upload limit;
- zip of day files: 5,000 entries and 25,000 tags, with notes as long as one import
  takes (16 MB of notes and their rendering; the zip unpacks to at most 8 MB);
- jrnl: 5,000 entries in a 4 MB journal file.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
import tracemalloc
import zipfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from bench.dataset import scratch_app
from journal.auth.models import User
from journal.db import utcnow, watch_writes, write_transaction
from journal.entries.models import Entry, EntryTag
from journal.entries.notes import extract_tags, render_notes
from journal.extensions import db
from journal.roadmap.services import copy_default_roadmap, stages_of
from journal.transfer import limits, save
from journal.transfer.services import import_file

MB = 1024 * 1024
TARGET_SECONDS = 1.0
FIRST_DAY = date(2010, 1, 1)


def note(n: int, size: int) -> str:
    """Notes of about ``size`` characters with five #tags, a list and some emphasis."""
    head = f"Worked on **part {n}** today, then did the exercises. #t{n % 50} #day{n % 31}\n\n"
    tail = "\n\n- what clicked: the examples with `code`\n- what did not: the edge cases #a #b #c"
    filler = ("Read the chapter again and took notes on what it says. " * (size // 50 + 1))[
        : max(0, size - len(head) - len(tail))
    ]
    return head + filler + tail


def json_at_every_cap(upload: int) -> bytes:
    """The largest json accepted: every cap reached, the file just under the upload limit."""
    stages = [
        {
            "name": f"Stage {s:03d}",
            "position": s + 1,
            "color": "#3b82f6",
            "topics": [{"name": f"Topic {s:03d}-{t:02d}", "position": t + 1} for t in range(20)],
        }
        for s in range(limits.MAX_STAGES)
    ]
    per_entry = limits.MAX_ENTRY_LINKS // limits.MAX_ENTRIES  # 5: two topics, three tags

    def entries(size):
        for n in range(limits.MAX_ENTRIES):
            s = n % limits.MAX_STAGES
            yield {
                "date": (FIRST_DAY + timedelta(days=n // 2)).isoformat(),
                "stage": f"Stage {s:03d}",
                "minutes": 30 + n % 90,
                "topics": [f"Topic {s:03d}-{(n + k) % 20:02d}" for k in range(per_entry - 3)],
                "tags": [],
                "notes": f"Entry {n}: #x{n % 7} #y{n % 11} #z{n % 13}\n\n" + "words " * size,
                "link": None,
                "created_at": None,
                "updated_at": None,
            }

    def document(size):
        body = {"format": "roadbook-journal", "version": 1, "settings": {}, "stages": stages}
        body["entries"] = list(entries(size))
        return json.dumps(body).encode()

    return _largest_under(upload, document)


def zip_at_the_caps(unpacked: int, written: int) -> bytes:
    """5,000 entries in day files with five tags each: notes as long as they can be for the
    zip to unpack to at most ``unpacked``, and the notes and their rendering to take at
    most ``written`` (estimated from one note's rendering)."""

    def archive(size):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for day_index in range(limits.MAX_ENTRIES // 2):
                day = FIRST_DAY + timedelta(days=day_index)
                lines = ["---", f"date: {day.isoformat()}", "---", ""]
                for k in range(2):
                    n = day_index * 2 + k
                    lines += [f"## Stage {n % 7} · 45 min", "", note(n, size), ""]
                out.writestr(f"{day.isoformat()}.md", "\n".join(lines))
        return buffer.getvalue(), sum(info.file_size for info in out.infolist())

    def fits(size):
        text = note(0, size)
        saved = len(text.encode()) + len(render_notes(text).encode())
        return saved * limits.MAX_ENTRIES <= 0.97 * written and archive(size)[1] <= unpacked

    low, high = 100, unpacked // limits.MAX_ENTRIES
    while high - low > 16:  # the largest note size that stays under the limits
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return archive(low)[0]


def jrnl_at_the_caps(upload: int) -> bytes:
    def journal(size):
        return "".join(
            f"[{(FIRST_DAY + timedelta(days=n)).isoformat()} 18:30] Studied for 45 min\n"
            f"{note(n, size)}\n\n"
            for n in range(limits.MAX_ENTRIES)
        ).encode()

    return _largest_under(upload, journal)


def _largest_under(limit: int, make) -> bytes:
    """``make(size)`` for the largest size whose result stays under ``limit`` bytes
    (a margin is left for the multipart form around an upload)."""
    low, high = 0, limit // limits.MAX_ENTRIES
    while high - low > 4:
        middle = (low + high) // 2
        if len(make(middle)) <= limit - 16 * 1024:
            low = middle
        else:
            high = middle
    return make(low)


def build_journal(username: str, days: int) -> None:
    """An account with the default roadmap and ``days`` daily entries up to today."""
    with write_transaction() as session:
        user = User(username=username, password_hash="-", timezone="Europe/Paris")
        session.add(user)
        session.flush()
        copy_default_roadmap(user)
    user = db.session.scalar(select(User).where(User.username == username))
    stages = stages_of(user)
    text = note(0, 300)
    html, tags = render_notes(text), extract_tags(text)
    with write_transaction() as session:
        for n in range(days):
            stage = stages[n % len(stages)]
            now = utcnow()
            session.add(
                Entry(
                    user_id=user.id,
                    stage_id=stage.id,
                    study_date=date.today() - timedelta(days=n),
                    minutes=45,
                    notes=text,
                    notes_html=html,
                    created_at=now,
                    updated_at=now,
                    topics=stage.topics[:2],
                    tags=[EntryTag(name=name) for name in tags],
                )
            )


def measure(app, username: str, name: str, data: bytes) -> dict:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        # jrnl names no stages: its entries go to the first one, as chosen in the preview.
        stage = stages_of(user)[0] if name.endswith(".txt") else None
        with watch_writes(db.engine) as spans:
            started = time.perf_counter()
            plan = import_file(user, data, name, stage=stage)
            seconds = time.perf_counter() - started
        (span,) = spans
        return {
            "entries": len(plan.to_add),
            "lock_ms": round(span.seconds * 1000, 1),
            "statements": span.statements,
            "import_s": round(seconds, 2),
        }


def peak_memory(app, username: str, name: str, data: bytes) -> float:
    """The most memory Python held while importing, in MB: measured apart, as tracemalloc
    slows the import (and the lock it holds) several times over."""
    with app.app_context():
        build_journal(username, 0)
        user = db.session.scalar(select(User).where(User.username == username))
        stage = stages_of(user)[0] if name.endswith(".txt") else None
        tracemalloc.start()
        try:
            import_file(user, data, name, stage=stage)
            return round(tracemalloc.get_traced_memory()[1] / MB, 1)
        finally:
            tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="imports of each file per journal")
    parser.add_argument("--days", type=int, default=3650, help="entries of the full journal")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--keep-render-budget",
        action="store_true",
        help="stop an import whose notes take longer to render than the app allows "
        f"({limits.RENDER_SECONDS_MAX} s); by default the benchmark lifts that limit, so "
        "that a busy machine still imports the largest files and their lock is measured",
    )
    args = parser.parse_args()
    if not args.keep_render_budget:
        save.RENDER_SECONDS_MAX = float("inf")
    upload = limits.DEFAULT_UPLOAD_BYTES
    files = {
        "every-cap.json": json_at_every_cap(upload),
        "days.zip": zip_at_the_caps(2 * upload, 4 * upload),
        "journal.txt": jrnl_at_the_caps(upload),
    }
    results = []
    with tempfile.TemporaryDirectory() as folder:
        app = scratch_app(Path(folder) / "bench.sqlite3")
        print(f"{'file':<15} {'size':>8} {'journal':<8} {'entries':>7} {'lock ms':>8} "
              f"{'statements':>10} {'import s':>8}")  # fmt: skip
        for name, data in files.items():
            for run in range(args.repeat):
                with app.app_context():
                    build_journal(f"new-{name}-{run}", 0)
                    build_journal(f"full-{name}-{run}", args.days)
                for journal in (f"new-{name}-{run}", f"full-{name}-{run}"):
                    row = {"file": name, "bytes": len(data), "journal": journal.split("-")[0]}
                    row.update(measure(app, journal, name, data))
                    results.append(row)
                    print(
                        f"{name:<15} {len(data) / MB:7.2f}M {row['journal']:<8} "
                        f"{row['entries']:>7} {row['lock_ms']:>8} {row['statements']:>10} "
                        f"{row['import_s']:>8}"
                    )
        for name, data in files.items():
            peak = peak_memory(app, f"memory-{name}", name, data)
            results.append({"file": name, "peak_python_mb": peak})
            print(f"{name:<15} peak memory of Python while importing: {peak} MB")
    slowest = max(row["lock_ms"] for row in results if "lock_ms" in row)
    verdict = "met" if slowest < TARGET_SECONDS * 1000 else "MISSED"
    print(f"longest write lock: {slowest} ms (target < {TARGET_SECONDS * 1000:.0f} ms: {verdict})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
