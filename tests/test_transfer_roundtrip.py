"""import(export(x)) gives back x, over generated journals (hypothesis).

A journal is generated straight into the database: stages with their colours, weeks,
descriptions, positions and archived states, topics, and entries with awkward notes
(lines that look like the export's own headings, formulas, backslashes, any Unicode),
unknown durations, links and exact times. It is exported, imported into an empty
account and exported again: the bytes must be the same. JSON carries everything;
markdown, zip and csv carry the entries (and csv their times), each checked on its own.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.auth.models import User
from journal.db import write_transaction
from journal.entries.models import Entry, EntryTag
from journal.entries.notes import extract_tags, render_notes
from journal.roadmap.models import Stage, Topic
from journal.transfer.records import name_key
from journal.validation import clean_text

from .support import entry_rows, export, import_bytes

FILENAMES = {"markdown": "j.md", "zip": "j.zip", "json": "j.json", "csv": "j.csv"}
USERNAMES = (f"u{n}" for n in itertools.count())

# Lines that look like the formats' own structure, mixed into notes to try to fool them.
TRICKY_LINES = [
    "#### Python fundamentals · 45 min",
    "## Databases and SQL · 1 h 30 min",
    "## March 2026",
    "### Saturday 14 March 2026",
    "\\#### Escaped · duration unknown",
    "- Topics: a; b",
    "- Tags: #x",
    "- Link: <https://example.org>",
    "\\- Topics: already escaped",
    "---",
    "date: 2026-03-14",
    "```",
    "=SUM(A1:A2)",
    "+1",
    "@mention",
    "'quoted",
    "#tag and #nested/tag",
    "[2026-03-01 10:00] not jrnl here",
    "",
    "   ",
]

names = (
    st.text(
        alphabet=st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\n\r"),
        min_size=1,
        max_size=24,
    )
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
)
lines = st.one_of(st.sampled_from(TRICKY_LINES), st.text(max_size=40))
notes = st.lists(lines, max_size=6).map(lambda parts: clean_text("\n".join(parts)))
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31))
colors = st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)
links = st.one_of(
    st.none(),
    st.from_regex(r"https://[a-z]{1,8}\.org/[A-Za-z0-9_~%?&=;.()'-]{0,20}", fullmatch=True),
)


@st.composite
def journals(draw):
    stage_names = draw(st.lists(names, min_size=1, max_size=4, unique_by=name_key))
    stages = []
    for name in stage_names:
        topics = draw(st.lists(names, max_size=3, unique_by=name_key))
        stages.append(
            {
                "name": name,
                "position": draw(st.integers(1, 9)),
                "color": draw(colors),
                "weeks": draw(st.one_of(st.none(), st.integers(1, 520))),
                "description": clean_text(draw(st.text(max_size=40))),
                "archived_at": draw(st.one_of(st.none(), times)),
                "created_at": draw(times),
                "topics": [
                    (topic, draw(st.integers(1, 9)), draw(st.one_of(st.none(), times)), draw(times))
                    for topic in topics
                ],
            }
        )
    entries = []
    for _ in range(draw(st.integers(0, 8))):
        stage = draw(st.integers(0, len(stages) - 1))
        topic_count = len(stages[stage]["topics"])
        entries.append(
            {
                "stage": stage,
                "date": draw(st.dates(min_value=date(1970, 1, 1), max_value=date(2026, 1, 31))),
                "minutes": draw(st.one_of(st.none(), st.integers(1, 24 * 60))),
                "notes": draw(notes),
                "link": draw(links),
                "topics": draw(st.sets(st.integers(0, topic_count - 1))) if topic_count else set(),
                "created_at": draw(times),
                "updated_at": draw(times),
            }
        )
    timezone = draw(st.sampled_from(["UTC", "Europe/Paris", "Pacific/Kiritimati"]))
    return {"stages": stages, "entries": entries, "timezone": timezone}


def save_journal(app, journal) -> str:
    """Write a generated journal for a new user, straight into the database."""
    username = next(USERNAMES)
    with app.app_context(), write_transaction() as session:
        owner = User(username=username, password_hash="-", timezone=journal["timezone"])
        session.add(owner)
        session.flush()
        stages = []
        for spec in journal["stages"]:
            stage = Stage(
                user_id=owner.id,
                name=spec["name"],
                position=spec["position"],
                color=spec["color"],
                suggested_weeks=spec["weeks"],
                description=spec["description"],
                archived_at=spec["archived_at"],
                created_at=spec["created_at"],
            )
            stage.topics = [
                Topic(user_id=owner.id, name=n, position=p, archived_at=a, created_at=c)
                for n, p, a, c in spec["topics"]
            ]
            session.add(stage)
            stages.append(stage)
        for spec in journal["entries"]:
            stage = stages[spec["stage"]]
            session.add(
                Entry(
                    user_id=owner.id,
                    stage=stage,
                    study_date=spec["date"],
                    minutes=spec["minutes"],
                    notes=spec["notes"],
                    notes_html=render_notes(spec["notes"]),
                    link=spec["link"],
                    created_at=spec["created_at"],
                    updated_at=spec["updated_at"],
                    topics=[stage.topics[n] for n in sorted(spec["topics"])],
                    tags=[EntryTag(name=name) for name in extract_tags(spec["notes"])],
                )
            )
    return username


def empty_account(app) -> str:
    return save_journal(app, {"stages": [], "entries": [], "timezone": "UTC"})


SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(journal=journals())
def test_json_gives_back_the_whole_journal(app, journal):
    original = save_journal(app, journal)
    data = export(app, original, "json")
    copy = empty_account(app)
    import_bytes(app, copy, data, "backup.json")
    assert export(app, copy, "json") == data
    assert entry_rows(app, copy) == entry_rows(app, original)
    # Importing it once more finds every entry already there.
    again = import_bytes(app, copy, data, "backup.json")
    assert not again.to_add and len(again.duplicates) == len(journal["entries"])


@SETTINGS
@given(journal=journals())
def test_markdown_zip_and_csv_give_back_the_entries(app, journal):
    original = save_journal(app, journal)
    for fmt in ("markdown", "zip", "csv"):
        data = export(app, original, fmt)
        copy = empty_account(app)
        import_bytes(app, copy, data, FILENAMES[fmt])
        assert export(app, copy, fmt) == data, fmt
        rows = entry_rows(app, copy)
        assert sorted(rows, key=repr) == sorted(entry_rows(app, original), key=repr), fmt


def test_topics_sharing_a_position_come_back_in_the_same_order(app):
    """Found by the property above: the first entry names only the second topic."""
    moment = datetime(2000, 1, 1)
    journal = {
        "stages": [
            {
                "name": "A",
                "position": 1,
                "color": "#000000",
                "weeks": None,
                "description": "",
                "archived_at": None,
                "created_at": moment,
                "topics": [("0", 1, None, moment), ("00", 1, None, moment)],
            }
        ],
        "entries": [
            {
                "stage": 0,
                "date": date(2000, 1, 1),
                "minutes": None,
                "notes": "",
                "link": None,
                "topics": chosen,
                "created_at": moment,
                "updated_at": moment,
            }
            for chosen in ({1}, {0, 1})
        ],
        "timezone": "UTC",
    }
    original = save_journal(app, journal)
    for fmt in ("markdown", "zip", "csv"):
        copy = empty_account(app)
        import_bytes(app, copy, export(app, original, fmt), FILENAMES[fmt])
        assert export(app, copy, fmt) == export(app, original, fmt), fmt


def test_topic_order_keeps_every_list_in_order():
    from journal.transfer.plan import topic_order

    assert topic_order([["b"], ["a", "b"], ["c"], ["a", "c", "d"], ["b", "d"]]) == [
        "a",
        "b",
        "c",
        "d",
    ]
    # Contradicting lists (hand-edited files) still give every name once.
    assert topic_order([["x", "y"], ["y", "x"], ["z"]]) == ["z", "x", "y"]
