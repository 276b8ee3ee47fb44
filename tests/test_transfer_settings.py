"""The JSON format carries what a learner set up besides entries: the goals, the topics'
progress, the entry template and the weekly reviews. A restore into a journal without
entries brings them back and replaces nothing; bad values are refused by name."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from journal.auth.services import get_user_by_name
from journal.daily.models import EntryTemplate, WeeklyReview
from journal.daily.reviews import save_review
from journal.daily.services import save_entry_template
from journal.extensions import db
from journal.roadmap.models import Topic
from journal.roadmap.services import set_topic_state, stages_of
from journal.transfer.collect import ExportFilters, load_journal
from journal.transfer.records import FormatError
from journal.transfer.services import export_file, import_file

from .support import log

SUNDAYS = [date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 15)]


def document(**changes) -> dict:
    """A small journal file: one stage, no entries, the goals, a template, three reviews."""
    base = {
        "format": "roadbook-journal",
        "version": 1,
        "settings": {
            "timezone": "Asia/Tokyo",
            "daily_minimum_minutes": 40,
            "weekly_goal_minutes": 300,
            "week_start": 6,
            "rest_days_per_week": 1,
        },
        "stages": [{"name": "Basics", "topics": [{"name": "Loops", "state": "done"}]}],
        "entries": [],
        "template": {"enabled": True, "text": "Today I learned\n"},
        "reviews": [
            {"week_start": day.isoformat(), "notes": f"Week {n}: **good**."}
            for n, day in enumerate(SUNDAYS, start=1)
        ],
    }
    base.update(changes)
    return base


def send(app, doc: dict):
    with app.app_context():
        user = get_user_by_name("alice")
        return import_file(user, json.dumps(doc).encode(), "journal.json", "json")


def reviews(app) -> dict[date, str]:
    with app.app_context():
        user = get_user_by_name("alice")
        rows = db.session.execute(
            select(WeeklyReview.week_start, WeeklyReview.notes_html).where(
                WeeklyReview.user_id == user.id
            )
        )
        return dict(rows.all())


def test_a_restore_brings_back_the_goals_template_reviews_and_progress(app, auth):
    auth.create("alice")
    send(app, document())
    with app.app_context():
        user = get_user_by_name("alice")
        goals = (
            user.daily_minimum_minutes,
            user.weekly_goal_minutes,
            user.week_start,
            user.rest_days_per_week,
        )
        assert goals == (40, 300, 6, 1)
        template = db.session.get(EntryTemplate, user.id)
        assert (template.enabled, template.text) == (True, "Today I learned\n")
        stage = next(stage for stage in stages_of(user) if stage.name == "Basics")
        assert [(topic.name, topic.state) for topic in stage.topics] == [("Loops", "done")]
    saved = reviews(app)
    assert sorted(saved) == SUNDAYS
    assert saved[SUNDAYS[0]] == "<p>Week 1: <strong>good</strong>.</p>"  # rendered


def test_a_restore_replaces_no_review_and_no_template_already_there(app, auth):
    auth.create("alice")
    with app.app_context():
        user = get_user_by_name("alice")
        save_review(user, SUNDAYS[1], "My own words")
        save_entry_template(user, enabled=False, text="Mine")
    plan = send(app, document())
    assert [review.week_start for review in plan.reviews] == [SUNDAYS[0], SUNDAYS[2]]
    assert plan.template is None
    assert reviews(app)[SUNDAYS[1]] == "<p>My own words</p>"
    with app.app_context():
        template = db.session.get(EntryTemplate, get_user_by_name("alice").id)
        assert (template.enabled, template.text) == (False, "Mine\n")


def test_into_a_journal_with_entries_only_entries_and_roadmap_are_added(app, auth):
    auth.create("alice")
    log(app)
    plan = send(app, document())
    assert (plan.goals, plan.template, plan.reviews) == ({}, None, [])
    assert reviews(app) == {}
    with app.app_context():
        user = get_user_by_name("alice")
        assert (user.daily_minimum_minutes, user.week_start) == (15, 0)  # the defaults


def test_reviews_are_exported_for_the_weeks_the_dates_reach_and_not_for_one_stage(app, auth):
    auth.create("alice")
    send(app, document())
    with app.app_context():
        user = get_user_by_name("alice")
        # 2026-03-09 to 2026-03-14: only the week that began on Sunday 8 March.
        dated = load_journal(user, ExportFilters(date(2026, 3, 9), date(2026, 3, 14)))
        assert [review.week_start for review in dated.reviews] == [SUNDAYS[1]]
        stage = next(stage for stage in stages_of(user) if stage.name == "Basics")
        assert load_journal(user, ExportFilters(stage=stage)).reviews == []
        written = json.loads(export_file(user, "json").data)
    assert [review["week_start"] for review in written["reviews"]] == [
        "2026-03-01",
        "2026-03-08",
        "2026-03-15",
    ]
    assert written["template"] == {"enabled": True, "text": "Today I learned\n"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"settings": {"week_start": 3}},
            "settings: “week_start” must be 0 (Monday) or 6 (Sunday).",
        ),
        (
            {"settings": {"rest_days_per_week": 4}},
            "settings: “rest_days_per_week” must be from 0 to 3.",
        ),
        (
            {"settings": {"daily_minimum_minutes": 0}},
            "settings: “daily_minimum_minutes” must be from 1 to 1440.",
        ),
        (
            {"settings": {"weekly_goal_minutes": "ten"}},
            "settings: “weekly_goal_minutes” must be a whole number, or null.",
        ),
        (
            {"stages": [{"name": "Basics", "topics": [{"name": "Loops", "state": "mastered"}]}]},
            "stage 1 (“Basics”), topic 1: “state” must be learning, done, skipped or null.",
        ),
        (
            {"template": {"enabled": "yes", "text": "x"}},
            "template: must be an object with “enabled” (true or false) and “text”.",
        ),
        (
            {"template": {"enabled": True, "text": " \n\x00 "}},
            "template: Template is empty: write some prompts, or turn it off.",
        ),
        (
            {"template": {"enabled": True, "text": "x" * 5001}},
            "template: Template must be at most 5000 characters.",
        ),
        (
            {"reviews": [{"week_start": "2026-02-30", "notes": ""}]},
            "review 1: “week_start” must be a date such as 2026-03-09.",
        ),
        (
            {"reviews": [{"week_start": "2026-03-01"}, {"week_start": "2026-03-01"}]},
            "review 2 (week of 2026-03-01): the file holds another review of that week.",
        ),
        (
            {"reviews": [{"week_start": "2026-03-01", "notes": "é" * 5001}]},
            "review 1 (week of 2026-03-01): Review must be at most 10 kB.",
        ),
        (
            {"reviews": [{"week_start": "2026-03-04", "notes": "A Wednesday"}]},
            "review 1 (week of 2026-03-04): weeks begin on a Sunday in this journal, and "
            "2026-03-04 is not a Sunday.",
        ),
        (
            {"reviews": [{"week_start": "1969-12-28"}]},
            "review 1: “week_start” must be from 1970-01-01 to 9999-12-25.",
        ),
        (
            {"reviews": [{"week_start": "2026-03-01"}] * 1101},
            "file: more than 1,100 weekly reviews, the most one import takes.",
        ),
    ],
)
def test_bad_settings_and_reviews_are_refused_by_name_and_nothing_is_saved(
    app, auth, change, message
):
    auth.create("alice")
    with pytest.raises(FormatError) as refused:
        send(app, document(**change))
    assert str(refused.value) == message
    assert reviews(app) == {}
    with app.app_context():
        assert get_user_by_name("alice").daily_minimum_minutes == 15


def test_a_file_without_topic_states_keeps_the_progress_already_there(app, auth):
    """A file written before states were exported says nothing of them: a restore keeps
    what the learner ticked off."""
    auth.create("alice")
    with app.app_context():
        user = get_user_by_name("alice")
        stage = stages_of(user)[0]
        topic = stage.topics[0]
        set_topic_state(topic, "done")
        old_file = {
            "format": "roadbook-journal",
            "version": 1,
            "stages": [{"name": stage.name, "topics": [{"name": topic.name}]}],
            "entries": [],
        }
        topic_id = topic.id
    send(app, old_file)
    with app.app_context():
        assert db.session.get(Topic, topic_id).state == "done"


def test_a_template_comes_back_as_the_settings_page_keeps_it(app, auth):
    auth.create("alice")
    send(app, document(template={"enabled": True, "text": "\r\n Prompt one\r\nPrompt two \x00"}))
    with app.app_context():
        template = db.session.get(EntryTemplate, get_user_by_name("alice").id)
        assert (template.enabled, template.text) == (True, "Prompt one\nPrompt two\n")
        written = json.loads(export_file(get_user_by_name("alice"), "json").data)
    assert written["template"] == {"enabled": True, "text": "Prompt one\nPrompt two\n"}
    # Imported again into a new journal, the same text (no second line break added).
    assert send_elsewhere(app, auth, written) == "Prompt one\nPrompt two\n"


def send_elsewhere(app, auth, doc: dict) -> str:
    auth.create("bob")
    with app.app_context():
        bob = get_user_by_name("bob")
        import_file(bob, json.dumps(doc).encode(), "journal.json", "json")
        return db.session.get(EntryTemplate, bob.id).text


def test_an_export_from_the_first_days_of_the_calendar_is_answered(app, auth):
    auth.create("alice")
    with app.app_context():
        user = get_user_by_name("alice")
        journal = load_journal(user, ExportFilters(date(1, 1, 3), date(2026, 12, 31)))
    assert journal.reviews == []
