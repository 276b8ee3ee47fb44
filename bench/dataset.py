"""Benchmark datasets: users with years of daily entries, written in bulk into SQLite.

One heavy user ("heavy") has ten years of daily entries with Markdown notes of realistic
length; the other users have a year each. Notes come from a pool of varied entries, each
rendered once (rendered HTML is stored at save time, as the app does).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from journal import create_app
from journal.auth.models import User
from journal.auth.passwords import hash_password
from journal.db import write_transaction
from journal.entries.models import Entry, EntryTag, entry_topics
from journal.entries.notes import extract_tags, render_notes
from journal.extensions import db
from journal.roadmap.models import Stage, Topic
from journal.roadmap.services import copy_default_roadmap
from journal.schema import upgrade_database

PASSWORD = "a benchmark passphrase"
HEAVY = "heavy"
WRITER = "writer"

OPENINGS = [
    "Worked through **{topic}** today.",
    "Short session on {topic}: mostly reading, then a small exercise.",
    "Spent the evening on {topic} and finally got it to click.",
    "Pair-programmed with a friend on {topic}.",
    "Reviewed my notes on {topic} and redid the exercises from last week.",
]
MIDDLES = [
    "- read the official docs, section by section\n- wrote a tiny script to try each idea\n"
    "- kept a list of questions for later",
    "The part about `context managers` was new to me. I wrote one with `contextlib` and "
    "one as a class with `__enter__` and `__exit__`, then compared the two.",
    "```python\ndef first(items):\n    for item in items:\n        return item\n```\n\n"
    "Generators and early returns behave differently than I expected.",
    "| thing | status |\n|---|---|\n| exercises | done |\n| project | half |\n\n"
    "The table is for me to see what is left.",
    "I followed a tutorial, then threw the code away and wrote it again from memory. "
    "That second time is where I learned the most: decorators, closures and scopes.",
]
ENDINGS = [
    "Next: more practice tomorrow. #{tag}",
    "Blocked for a while by an error message I misread. Read error messages slowly! #{tag}",
    "Pushed the code to my repository. #{tag} #portfolio",
    "Tired but happy. #{tag}",
    "Tomorrow: tests with pytest. #{tag} #testing",
]
TAGS = ["python", "sql", "django", "flask", "api", "docker", "linux", "git", "tests", "http"]


@dataclass
class Note:
    text: str
    html: str
    tags: list[str]


def note_pool(rng: random.Random, topics: list[str], size: int = 240) -> list[Note]:
    """Varied Markdown notes of a few hundred characters, each rendered once."""
    notes = []
    for _ in range(size):
        text = "\n\n".join(
            [
                rng.choice(OPENINGS).format(topic=rng.choice(topics)),
                rng.choice(MIDDLES),
                rng.choice(ENDINGS).format(tag=rng.choice(TAGS)),
            ]
        )
        notes.append(Note(text, render_notes(text), extract_tags(text)))
    return notes


def short_pool(rng: random.Random, size: int = 60) -> list[Note]:
    notes = []
    for number in range(size):
        text = f"Session {number}: practice. #{rng.choice(TAGS)}"
        notes.append(Note(text, render_notes(text), extract_tags(text)))
    return notes


def scratch_app(path: Path):
    """The journal on a new SQLite database at ``path``, brought to the newest schema."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "INSTANCE_PATH": str(path.parent / "instance"),
            "SECRET_KEY": "bench",
        }
    )
    upgrade_database(app)
    return app


def build(
    path: Path,
    *,
    users: int,
    heavy_days: int = 3650,
    other_days: int = 365,
    short_notes_for_others: bool = False,
    seed: int = 7,
) -> Path:
    """Write a database at ``path`` and return it."""
    if path.exists():
        path.unlink()
    app = scratch_app(path)
    rng = random.Random(seed)
    today = date.today()
    with app.app_context():
        password_hash = hash_password(PASSWORD)
        names = [HEAVY, WRITER] + [f"learner{n:04d}" for n in range(users - 2)]
        with write_transaction() as session:
            for name in names:
                user = User(username=name, password_hash=password_hash, timezone="Europe/Paris")
                session.add(user)
                session.flush()
                copy_default_roadmap(user)
        stages = {}
        for stage in db.session.scalars(select(Stage).order_by(Stage.user_id, Stage.position)):
            stages.setdefault(stage.user_id, []).append(stage.id)
        topics = {}
        for topic in db.session.execute(select(Topic.id, Topic.stage_id)):
            topics.setdefault(topic.stage_id, []).append(topic.id)
        topic_names = list(db.session.scalars(select(Topic.name).limit(60)))
        long_notes = note_pool(rng, topic_names)
        short_notes = short_pool(rng) if short_notes_for_others else long_notes
        users_by_name = dict(db.session.execute(select(User.username, User.id)).all())
        entry_rows, tag_rows, topic_rows = [], [], []
        next_id = 1
        for name, user_id in users_by_name.items():
            days = heavy_days if name == HEAVY else other_days
            pool = long_notes if name in (HEAVY, WRITER) else short_notes
            user_stages = stages[user_id]
            for offset in range(days):
                day = today - timedelta(days=days - 1 - offset)
                # Learners move through the roadmap: later days, later stages.
                stage_index = min(len(user_stages) - 1, offset * len(user_stages) // max(days, 1))
                stage_id = user_stages[stage_index]
                note = pool[rng.randrange(len(pool))]
                moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=19)
                entry_rows.append(
                    {
                        "id": next_id,
                        "user_id": user_id,
                        "stage_id": stage_id,
                        "study_date": day,
                        "minutes": rng.choice([20, 30, 45, 60, 75, 90, 120, 150]),
                        "notes": note.text,
                        "notes_html": note.html,
                        "link": None,
                        "idempotency_key": None,
                        "created_at": moment,
                        "updated_at": moment,
                        "deleted_at": None,
                    }
                )
                tag_rows.extend({"entry_id": next_id, "name": tag} for tag in note.tags)
                if rng.random() < 0.5:
                    topic_rows.append(
                        {"entry_id": next_id, "topic_id": rng.choice(topics[stage_id])}
                    )
                next_id += 1
        with write_transaction() as session:
            for start in range(0, len(entry_rows), 20_000):
                session.execute(insert(Entry), entry_rows[start : start + 20_000])
            for start in range(0, len(tag_rows), 50_000):
                session.execute(insert(EntryTag), tag_rows[start : start + 50_000])
            if topic_rows:
                session.execute(insert(entry_topics), topic_rows)
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()
    return path


def entry_count(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM entries").fetchone()[0]


def entry_count_of(path: Path, username: str) -> int:
    import sqlite3

    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT count(*) FROM entries JOIN users ON users.id = entries.user_id "
            "WHERE users.username = ?",
            (username,),
        ).fetchone()[0]
