"""Every endpoint of the JSON API: what a script sees, checked against hand-written values."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from journal.api import tokens
from journal.auth.services import get_user_by_name
from journal.clock import user_today
from journal.db import utcnow
from journal.entries.models import Entry
from journal.extensions import db

from .support import AuthActions, backdate_timer, differences, set_timezone, snapshot

PROBLEM = "application/problem+json"


class Caller:
    """A script with a token: JSON in, JSON out."""

    def __init__(self, app, username="alice", scope="write"):
        self.app = app
        self.client = app.test_client()
        AuthActions(app, self.client).create(username)
        with app.app_context():
            made = tokens.create_token(
                get_user_by_name(username), tokens.TokenInput("script", scope, None)
            )
        self.headers = {"Authorization": f"Bearer {made.secret}"}

    def __call__(self, method, url, body=None, headers=None, **kwargs):
        return self.client.open(
            url, method=method, json=body, headers={**self.headers, **(headers or {})}, **kwargs
        )

    def today(self) -> date:
        with self.app.app_context():
            return user_today(get_user_by_name("alice"))

    def log(self, **fields):
        response = self("POST", "/api/v1/entries", {"duration": "30m", "stage": "python", **fields})
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture
def api(app):
    return Caller(app)


def entry_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Entry.id)).where(Entry.deleted_at.is_(None)))


def fields_of(response) -> dict[str, str]:
    assert response.mimetype == PROBLEM
    return {item["field"]: item["detail"] for item in response.json.get("errors", [])}


# Entries: create ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "minutes", "shown"),
    [
        ("45", 45, "45 min"),
        (45, 45, "45 min"),
        ("45m", 45, "45 min"),
        ("1.5h", 90, "1 h 30 min"),
        ("1h30", 90, "1 h 30 min"),
        ("1h 30m", 90, "1 h 30 min"),
        ("90 min", 90, "1 h 30 min"),
        ("2 hours", 120, "2 h"),
    ],
)
def test_durations_are_read_as_the_form_reads_them(api, typed, minutes, shown):
    entry = api.log(duration=typed)
    assert (entry["minutes"], entry["duration"]) == (minutes, shown)


def test_a_new_entry_is_saved_with_its_tags_and_location(api):
    response = api(
        "POST",
        "/api/v1/entries",
        {
            "duration": "45m",
            "stage": "sql",
            "notes": "Window functions #sql #postgres",
            "link": "https://example.org/window",
        },
    )
    assert response.status_code == 201
    entry = response.json
    assert response.headers["Location"] == f"/api/v1/entries/{entry['id']}"
    assert entry["stage"]["name"] == "Databases and SQL"  # "sql": a word of the name
    assert entry["tags"] == ["postgres", "sql"]
    assert entry["date"] == api.today().isoformat()  # today in the user's time zone
    assert entry["notes_html"] == "<p>Window functions #sql #postgres</p>"
    assert entry["link"] == "https://example.org/window"
    assert entry["created_at"].endswith("Z")


def test_the_date_left_out_is_today_in_the_users_time_zone(app, api):
    set_timezone(app, "alice", "Pacific/Kiritimati")  # UTC+14: often a day ahead of UTC
    entry = api.log()
    assert entry["date"] == api.today().isoformat()


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("Web frameworks", "Web frameworks"),  # the whole name
        ("web", "Web frameworks"),  # a start of the name, any case
        ("PY", "Python fundamentals"),
        ("sec", "APIs, authentication and security"),  # a start of a word in it
        ("deploy", "DevOps and deployment"),
    ],
)
def test_a_stage_is_named_by_a_unique_prefix(api, stage, expected):
    assert api.log(stage=stage)["stage"]["name"] == expected


def test_the_stage_left_out_is_the_last_one_used(api):
    api.log(stage="web")
    response = api("POST", "/api/v1/entries", {"duration": "20m"})
    assert response.json["stage"]["name"] == "Web frameworks"


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        ("and", "Stage “and” could be “Databases and SQL”, “APIs, authentication and security”"),
        ("cobol", "Stage “cobol” matches none of your stages: “Python fundamentals”"),
        (999999, "Stage: no stage of yours has this id."),
    ],
)
def test_an_unknown_or_ambiguous_stage_is_named(app, api, stage, message):
    response = api("POST", "/api/v1/entries", {"duration": "1h", "stage": stage})
    assert response.status_code == 422
    assert fields_of(response)["stage"].startswith(message)
    assert entry_count(app) == 0


def test_every_bad_field_is_named_and_nothing_is_saved(app, api):
    tomorrow_but_one = (api.today() + timedelta(days=2)).isoformat()
    response = api(
        "POST",
        "/api/v1/entries",
        {"duration": "4x", "stage": "web", "date": tomorrow_but_one, "link": "ftp://x"},
    )
    assert response.status_code == 422
    assert response.json["status"] == 422 and response.json["title"]
    errors = fields_of(response)
    assert set(errors) == {"duration", "date", "link"}
    assert errors["duration"].startswith("Duration “4x” is not understood")
    assert errors["date"].startswith("Date can be at most one day ahead")
    assert entry_count(app) == 0


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"stage": "web"}, "duration", "Duration is required."),
        ({"duration": "1h", "minutes": 60}, "minutes", "Minutes is not a field this request"),
        ({"duration": "1h", "notes": "x" * 10_001}, "notes", "Notes must be at most 10000"),
        ({"duration": True}, "duration", "Duration: Input should be"),
        ({"duration": "1h", "topics": ["a"]}, "topics", "Topics: Input should be"),
        ([1, 2], "body", "Body: Input should be"),
    ],
)
def test_a_body_of_the_wrong_shape_is_refused_by_field(app, api, body, field, message):
    response = api("POST", "/api/v1/entries", body)
    assert response.status_code == 422
    assert fields_of(response)[field].startswith(message)
    assert entry_count(app) == 0


def test_a_body_that_is_not_json_is_refused(app, api):
    response = api("POST", "/api/v1/entries", data="duration=1h", content_type="text/plain")
    assert response.status_code == 415
    response = api("POST", "/api/v1/entries", data="{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json["detail"] == "The body is not valid JSON."
    big = json.dumps({"duration": "1h", "notes": "x" * 600_000})
    response = api("POST", "/api/v1/entries", data=big, content_type="application/json")
    assert response.status_code == 413
    assert response.mimetype == PROBLEM
    assert entry_count(app) == 0


def test_an_idempotency_key_makes_a_retry_safe(app, api):
    body = {"duration": "45m", "stage": "sql", "notes": "once"}
    key = {"Idempotency-Key": "7d0c6a2e-7f1f-4d0e-9b52-3c1a4a1d9a10"}
    first = api("POST", "/api/v1/entries", body, key)
    again = api("POST", "/api/v1/entries", body, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"]
    assert entry_count(app) == 1

    other = api("POST", "/api/v1/entries", {**body, "notes": "something else"}, key)
    assert other.status_code == 422
    assert fields_of(other) == {
        "Idempotency-Key": "Idempotency-Key was already used for a different entry."
    }
    bad = api("POST", "/api/v1/entries", body, {"Idempotency-Key": "short"})
    assert bad.status_code == 422
    assert "Idempotency-Key" in fields_of(bad)
    assert entry_count(app) == 1


# Entries: list, read, change ------------------------------------------------------------


def test_listing_pages_through_every_entry_once_with_a_cursor(api):
    first_day = api.today() - timedelta(days=30)
    ids = [api.log(date=(first_day + timedelta(days=n % 10)).isoformat())["id"] for n in range(25)]
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        page = api("GET", "/api/v1/entries", query_string=query).json
        assert page["total_entries"] == 25 and page["total_minutes"] == 25 * 30
        seen += [entry["id"] for entry in page["entries"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    dates = [api("GET", f"/api/v1/entries/{entry_id}").json["date"] for entry_id in seen]
    assert dates == sorted(dates, reverse=True)  # newest first
    response = api("GET", "/api/v1/entries", query_string={"cursor": "not-a-cursor"})
    assert response.status_code == 422 and "cursor" in fields_of(response)


def test_the_journals_filters(api):
    today = api.today()

    def ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    api.log(stage="sql", notes="Window functions #sql", date=ago(3))
    api.log(stage="web", notes="Flask blueprints #flask", date=ago(2))
    api.log(stage="web", notes="Flask tests #pytest", date=ago(0))

    def notes(**query):
        page = api("GET", "/api/v1/entries", query_string=query).json
        return [entry["notes"] for entry in page["entries"]]

    assert notes(q="flask") == ["Flask tests #pytest", "Flask blueprints #flask"]
    assert notes(q="flask tests") == ["Flask tests #pytest"]
    assert notes(tag="sql") == ["Window functions #sql"]
    assert notes(stage="web", to=(today - timedelta(days=1)).isoformat()) == [
        "Flask blueprints #flask"
    ]
    assert notes(**{"from": today.isoformat()}) == ["Flask tests #pytest"]
    response = api("GET", "/api/v1/entries", query_string={"from": "2026-13-01"})
    assert response.status_code == 422
    assert fields_of(response) == {"from": "From must be a date such as 2026-03-14."}


def test_an_entry_is_read_changed_deleted_and_restored(app, api):
    entry = api.log(stage="sql", notes="draft", link="https://example.org")
    url = f"/api/v1/entries/{entry['id']}"
    assert api("GET", url).json == entry

    changed = api("PATCH", url, {"duration": "1h15", "notes": "final #sql"}).json
    assert (changed["minutes"], changed["notes"], changed["tags"]) == (75, "final #sql", ["sql"])
    assert changed["stage"]["name"] == "Databases and SQL" and changed["link"] == entry["link"]
    assert api("PATCH", url, {"link": None}).json["link"] is None
    refused = api("PATCH", url, {"duration": "forever"})
    assert refused.status_code == 422 and set(fields_of(refused)) == {"duration"}
    assert api("GET", url).json["minutes"] == 75

    deleted = api("DELETE", url)
    assert deleted.status_code == 200
    assert deleted.json["deleted_at"] and deleted.json["restorable_until"]
    assert api("GET", url).status_code == 404
    assert entry_count(app) == 0
    restored = api("POST", f"{url}/restore")
    assert restored.status_code == 200 and restored.json["deleted_at"] is None
    assert entry_count(app) == 1


def test_restoring_too_late_is_a_conflict(app, api):
    entry = api.log()
    api("DELETE", f"/api/v1/entries/{entry['id']}")
    with app.app_context():
        row = db.session.get(Entry, entry["id"])
        row.deleted_at = utcnow() - timedelta(seconds=app.config["UNDO_SECONDS"] + 5)
        db.session.commit()
    response = api("POST", f"/api/v1/entries/{entry['id']}/restore")
    assert response.status_code == 409
    assert response.json["detail"] == "This entry was deleted too long ago to undo."


def test_another_users_entries_are_404(app, api):
    entry = api.log(notes="alice's own")
    bob = Caller(app, "bob")
    for method, suffix in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/restore")):
        response = bob(method, f"/api/v1/entries/{entry['id']}{suffix}", {"notes": "mine"})
        assert response.status_code == 404, method
        assert response.mimetype == PROBLEM
    assert bob("GET", "/api/v1/entries", query_string={"q": "alice"}).json["entries"] == []
    assert api("GET", f"/api/v1/entries/{entry['id']}").json["notes"] == "alice's own"


# Stages, today, summary ------------------------------------------------------------------


def test_stages_come_with_their_topics_and_states(app, api):
    stages = api("GET", "/api/v1/stages").json["stages"]
    assert [stage["name"] for stage in stages][:3] == [
        "Python fundamentals",
        "Databases and SQL",
        "Web frameworks",
    ]
    assert len(stages) == 7
    python = stages[0]
    assert python["topics"][0] == {
        "id": python["topics"][0]["id"],
        "name": "Variables and data types",
        "state": None,
        "archived": False,
    }


def test_today_shows_the_days_entries_the_week_and_the_timer(app, api):
    api.log(duration="45m", notes="today")
    api.log(duration="15m", date=(api.today() - timedelta(days=8)).isoformat())
    today = api("GET", "/api/v1/today").json
    assert today["date"] == api.today().isoformat()
    assert [entry["notes"] for entry in today["entries"]] == ["today"]
    assert today["week"]["minutes"] == 45 and today["week"]["goal_minutes"] == 600
    assert today["week"]["remaining_minutes"] == 555
    assert len(today["week"]["days"]) == 7
    assert today["timer"] == {
        "running": False,
        "stage": None,
        "started_at": None,
        "elapsed_minutes": 0,
    }


def test_the_summary_is_the_dashboards(app, api):
    today = api.today()
    # Three days in a row, with at least the daily minimum (15 min) each: a streak of 3.
    for days_ago, minutes, stage in ((0, 60, "python"), (1, 30, "sql"), (2, 90, "python")):
        api.log(duration=minutes, stage=stage, date=(today - timedelta(days=days_ago)).isoformat())
    summary = api("GET", "/api/v1/summary", query_string={"range": "all"}).json
    assert summary["range"] == {"key": "all", "label": "All time", "first": None, "last": None}
    assert summary["totals"] == {"minutes": 180, "entries": 3, "active_days": 3}
    by_stage = {row["stage"]["name"]: row["minutes"] for row in summary["stages"]}
    assert by_stage["Python fundamentals"] == 150 and by_stage["Databases and SQL"] == 30
    assert summary["streak"]["current_days"] == 3 and summary["streak"]["today_counts"]
    python = summary["pace"]["stages"][0]
    assert python["stage"]["name"] == "Python fundamentals"
    assert python["logged_minutes"] == 150
    assert python["suggested_minutes"] == 4 * 600  # four weeks at the weekly goal
    assert summary["week"]["goal_minutes"] == 600

    custom = {"range": "custom", "from": today.isoformat(), "to": today.isoformat()}
    assert api("GET", "/api/v1/summary", query_string=custom).json["totals"]["minutes"] == 60
    response = api("GET", "/api/v1/summary", query_string={"range": "custom"})
    assert response.status_code == 422 and "from" in fields_of(response)


# The timer ------------------------------------------------------------------------------


def test_the_timer_starts_stops_into_a_draft_and_discards(app, api):
    started = api("POST", "/api/v1/timer/start", {"stage": "web"})
    assert started.status_code == 201
    assert started.json["running"] and started.json["stage"]["name"] == "Web frameworks"
    again = api("POST", "/api/v1/timer/start", {"stage": "sql"})
    assert again.status_code == 409
    assert again.json["detail"].startswith("A timer for “Web frameworks” is running already")
    assert again.json["timer"]["stage"]["name"] == "Web frameworks"

    backdate_timer(app, 90)
    assert api("GET", "/api/v1/timer").json["elapsed_minutes"] == 90
    stopped = api("POST", "/api/v1/timer/stop").json
    assert stopped["draft"]["duration"] == "1h31"  # started 90 min and a few seconds ago
    assert stopped["draft"]["stage"]["name"] == "Web frameworks"
    assert stopped["message"] == "Timer stopped after 1 h 31 min."
    assert entry_count(app) == 0  # a draft: nothing saved until it is sent
    assert api("POST", "/api/v1/timer/stop").status_code == 409

    api("POST", "/api/v1/timer/start", {"stage": "web"})
    assert api("DELETE", "/api/v1/timer").status_code == 204
    assert api("GET", "/api/v1/timer").json["running"] is False


# Export ---------------------------------------------------------------------------------


def test_export_offers_every_format_the_browser_offers(app, api):
    api.log(stage="sql", notes="Window functions #sql", date="2026-03-14")
    browser = app.test_client()
    AuthActions(app, browser).login()
    # The formats Settings → Your data offers, read from the page as a person sees it.
    offered = re.findall(r'name="format" value="([a-z]+)"', browser.get("/data").text)
    assert offered == ["markdown", "zip", "json", "csv"]
    files = {}
    for fmt in offered:
        response = api("GET", "/api/v1/export", query_string={"format": fmt})
        assert response.status_code == 200, fmt
        assert "attachment" in response.headers["Content-Disposition"]
        files[fmt] = response
    assert "Window functions #sql" in files["markdown"].text
    assert files["markdown"].mimetype == "text/markdown"
    assert zipfile.ZipFile(io.BytesIO(files["zip"].data)).namelist()
    assert json.loads(files["json"].data)["entries"][0]["notes"] == "Window functions #sql"
    rows = list(csv.DictReader(io.StringIO(files["csv"].text)))
    assert rows[0]["stage"] == "Databases and SQL" and rows[0]["minutes"] == "30"

    only = api("GET", "/api/v1/export", query_string={"format": "csv", "stage": "web"})
    assert list(csv.DictReader(io.StringIO(only.text))) == []
    bad = api("GET", "/api/v1/export", query_string={"format": "pdf"})
    assert bad.status_code == 422 and "format" in fields_of(bad)


# Errors ---------------------------------------------------------------------------------


def test_errors_are_problem_details_never_html(app, api, monkeypatch):
    for method, url, status in (
        ("GET", "/api/v1/nothing-here", 404),
        ("PUT", "/api/v1/entries", 405),
        ("GET", "/api/v1/entries/99999999999", 404),
    ):
        response = api(method, url)
        assert response.status_code == status, url
        assert response.mimetype == PROBLEM
        assert response.json["status"] == status and response.json["detail"]

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("journal.api.views.running_timer", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = api("GET", "/api/v1/today")
    assert response.status_code == 500
    assert response.mimetype == PROBLEM
    assert "Nothing you sent was half-saved" in response.json["detail"]


def test_no_api_get_changes_the_journal(app, api):
    api.log(notes="one")
    before = snapshot(app)
    for url in (
        "/api/v1/me",
        "/api/v1/stages",
        "/api/v1/today",
        "/api/v1/summary",
        "/api/v1/entries",
        "/api/v1/timer",
        "/api/v1/export",
        "/api/v1/openapi.json",
    ):
        assert api("GET", url).status_code == 200, url
    # The token's rate-limit state and last use are bookkeeping, as a session's last seen is.
    assert differences(before, snapshot(app)) == {}


def test_api_answers_are_never_kept_by_a_cache(api):
    response = api("GET", "/api/v1/entries")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
