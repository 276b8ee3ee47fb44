"""How long exporting ten years of daily entries takes, per format (and importing them back).

    .venv/bin/python -m bench.export_bench [--days 3650] [--repeat 5]

Builds a throwaway database in a temporary folder: one user, one entry a day with
a paragraph of Markdown notes, two topics, tags and some unknown durations. Prints
the best of ``--repeat`` runs for each export format, then one json import into an
empty account. The target: each export of 3,650 entries well under a second.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.dataset import scratch_app
from journal.auth.models import User
from journal.db import utcnow, write_transaction
from journal.entries.models import Entry, EntryTag
from journal.entries.notes import extract_tags, render_notes
from journal.extensions import db
from journal.roadmap.services import copy_default_roadmap, stages_of
from journal.transfer.formats import EXPORT_FORMATS
from journal.transfer.services import export_file, import_file

NOTES = (
    "Worked through **{topic}** today: read the chapter, then did the exercises.\n\n"
    "- what clicked: the examples with `code`\n- what did not: edge cases\n\n"
    "Next time: more practice. #{tag} #day{n}"
)


def build(days: int) -> None:
    with write_transaction() as session:
        user = User(username="bench", password_hash="-", timezone="Europe/Paris")
        session.add(user)
        session.flush()
        copy_default_roadmap(user)
        session.add(User(username="empty", password_hash="-"))
    user = db.session.scalar(db.select(User).where(User.username == "bench"))
    stages = stages_of(user)
    first = date.today() - timedelta(days=days)
    with write_transaction() as session:
        for n in range(days):
            stage = stages[n % len(stages)]
            topic = stage.topics[n % len(stage.topics)]
            notes = NOTES.format(topic=topic.name, tag=f"t{n % 12}", n=n % 31)
            now = utcnow()
            session.add(
                Entry(
                    user_id=user.id,
                    stage_id=stage.id,
                    study_date=first + timedelta(days=n),
                    minutes=None if n % 17 == 0 else 30 + n % 90,
                    notes=notes,
                    notes_html=render_notes(notes),
                    created_at=now,
                    updated_at=now,
                    topics=stage.topics[:2],
                    tags=[EntryTag(name=name) for name in extract_tags(notes)],
                )
            )


def best_of(repeat: int, run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=3650)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = scratch_app(Path(folder) / "bench.sqlite3")
        with app.app_context():
            start = time.perf_counter()
            build(args.days)
            print(f"built {args.days} entries in {time.perf_counter() - start:.1f} s")
            user = db.session.scalar(db.select(User).where(User.username == "bench"))
            exports = {}
            for fmt in EXPORT_FORMATS:
                seconds, exported = best_of(args.repeat, lambda f=fmt: export_file(user, f))
                exports[fmt] = exported
                size = len(exported.data) / 1024
                print(f"export {fmt:<8} {seconds * 1000:7.0f} ms  {size:8.0f} KiB")
            empty = db.session.scalar(db.select(User).where(User.username == "empty"))
            start = time.perf_counter()
            plan = import_file(empty, exports["json"].data, "bench.json")
            seconds = time.perf_counter() - start
            print(f"import json     {seconds * 1000:7.0f} ms  ({len(plan.to_add)} entries)")


if __name__ == "__main__":
    main()
