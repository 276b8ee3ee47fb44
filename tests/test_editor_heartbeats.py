"""Heartbeats in, as the WakaTime clients send them: both URL forms, every way of sending
the key, WakaTime's answers, the limits, duplicates and what is kept of each heartbeat."""

from __future__ import annotations

import base64
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from journal.api import tokens
from journal.auth.services import get_user_by_name
from journal.db import utcnow
from journal.editor import heartbeats, keys
from journal.editor.models import EditorKey
from journal.extensions import db

from .support import PASSWORD, Editor, basic, every, recorded, shifted

PROBLEM = "application/problem+json"


@pytest.fixture
def editor(app):
    return Editor(app)


# Both clients, both URL forms -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/v1/users/current/heartbeats.bulk", "/api/v1", "/api/v1/"],
    ids=["go-client-url", "configured-url", "configured-url-with-slash"],
)
def test_the_go_clients_bulk_request_is_answered_as_it_expects(editor, path):
    request = recorded("go-bulk.json")
    headers = {**request["headers"], **basic(editor.secret)}
    response = editor.send(shifted(request["body"]), path=path, headers=headers)

    assert response.status_code == 202
    answers = response.json["responses"]
    assert [status for _, status in answers] == [201, 201, 201, 201]
    first = answers[0][0]["data"]
    assert first["project"] == "flask-tutorial" and first["language"] == "Python"
    assert first["entity"] == ".py"  # the path is not kept, nor sent back
    assert answers[3][0]["data"]["project"] is None
    # 957.27 seconds from the first heartbeat to the last (the last one's project has none
    # of it: the time between two heartbeats counts for the first of them).
    assert editor.suggested() == [("flask-tutorial", 16)]


def test_the_python_clients_recorded_request_is_kept(editor):
    request = recorded("python-13.1.0.json")
    headers = {**request["headers"], **basic(editor.secret)}
    response = editor.send(shifted(request["body"]), path=request["path"], headers=headers)

    assert response.status_code == 202
    assert response.json["responses"][0][1] == 201
    (kept,) = editor.stored()
    assert (kept.type, kept.language, kept.is_write) == ("file", "Python", True)
    assert kept.extension == ".py"
    assert kept.entity is None


def test_a_single_heartbeat_gets_its_own_answer(editor):
    beat = every(5, 1)[0]
    response = editor.send(beat, path="/api/v1/users/current/heartbeats")
    assert response.status_code == 201
    assert response.json["data"]["project"] == "flask-tutorial"
    assert round(response.json["data"]["time"], 3) == round(beat["time"], 3)
    assert editor.count() == 1


# Every way of sending the key -------------------------------------------------------------


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "how",
    ["basic", "basic-with-colon", "basic-user-and-key", "bearer", "bearer-waka", "query"],
)
def test_every_way_of_sending_the_key_is_taken(editor, how):
    secret = editor.secret
    path, headers = "/api/v1/users/current/heartbeats.bulk", {}
    if how == "basic":
        headers = {"Authorization": f"Basic {_b64(secret)}"}
    elif how == "basic-with-colon":
        headers = {"Authorization": f"Basic {_b64(secret + ':')}"}
    elif how == "basic-user-and-key":
        headers = {"Authorization": f"Basic {_b64('alice:' + secret)}"}
    elif how == "bearer":
        headers = {"Authorization": f"Bearer {secret}"}
    elif how == "bearer-waka":
        headers = {"Authorization": f"Bearer waka_{secret}"}
    else:
        path += f"?api_key={secret}"
    response = editor.send(every(5, 3), path=path, headers=headers)
    assert response.status_code == 202, response.json
    assert editor.count() == 3


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic " + _b64("6f2c1c3e-8a4b-4c1d-9e2f-0a1b2c3d4e5f")},
        {"Authorization": "Basic not base64 at all"},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Digest " + "x" * 30},
        {"Authorization": "Basic " + "A" * 400},
    ],
    ids=["none", "unknown-key", "bad-base64", "not-a-uuid", "other-scheme", "too-long"],
)
def test_no_key_or_a_wrong_one_is_refused(editor, headers):
    response = editor.send(every(5, 2), headers=headers)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert "editor key" in response.json["detail"]
    assert editor.count() == 0


def test_an_api_token_is_not_an_editor_key(app, editor):
    with app.app_context():
        token = tokens.create_token(
            get_user_by_name("alice"), tokens.TokenInput("laptop", "write", None)
        ).secret
    response = editor.send(every(5, 2), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert editor.count() == 0


def test_a_signed_in_browser_without_the_key_is_refused(app, editor):
    editor.client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert editor.client.get("/").status_code == 200  # signed in
    assert editor.send(every(5, 2), headers={}).status_code == 401
    assert editor.count() == 0


def test_a_revoked_or_replaced_key_stops_working(app, editor):
    old = editor.secret
    with app.app_context():
        new = keys.create_key(get_user_by_name("alice")).secret
    assert editor.send(every(5, 2), headers=basic(old)).status_code == 401
    assert editor.send(every(5, 2), headers=basic(new)).status_code == 202
    with app.app_context():
        assert keys.revoke_key(get_user_by_name("alice"))
    assert editor.send(every(5, 3), headers=basic(new)).status_code == 401
    assert editor.count() == 2


def test_a_key_stores_for_its_own_user_only(app, editor):
    bob = Editor(app, "bob")
    response = editor.send(every(5, 4), headers=basic(bob.secret))
    assert response.status_code == 202
    assert editor.count() == 0 and bob.count() == 4
    assert editor.suggested() == []
    assert bob.suggested() == [("flask-tutorial", 15)]


def test_the_key_is_kept_hashed_and_its_last_use_recorded(app, editor):
    with app.app_context():
        row = db.session.scalar(select(EditorKey))
        assert row.last_used_at is None
        assert editor.secret not in (row.key_hash, row.prefix)
        assert row.prefix == editor.secret[:8]
    editor.send(every(5, 1))
    with app.app_context():
        assert db.session.scalar(select(EditorKey.last_used_at)) is not None


def test_wrong_keys_are_throttled_like_failed_logins(make_app):
    app = make_app(LOGIN_ADDRESS_FREE_FAILURES=3)
    editor = Editor(app)
    wrong = basic("6f2c1c3e-8a4b-4c1d-9e2f-0a1b2c3d4e5f")
    assert [editor.send([], headers=wrong).status_code for _ in range(3)] == [401] * 3
    refused = editor.send([], headers=wrong)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    # Counted apart from log-ins: signing in from the same address still works.
    signed_in = editor.client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert signed_in.status_code == 303


# Bad requests and limits -------------------------------------------------------------------


def test_bad_json_is_refused_and_nothing_kept(editor):
    response = editor.client.post(
        "/api/v1",
        data='[{"time": 1795950002, "entity": "a.py"',
        content_type="application/json",
        headers=basic(editor.secret),
    )
    assert response.status_code == 400
    assert response.mimetype == PROBLEM and response.json["detail"] == "The body is not valid JSON."
    assert editor.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("[]", "text/plain", 415),
        ('"heartbeats"', "application/json", 400),
        ("42", "application/json", 400),
    ],
)
def test_a_body_that_is_not_heartbeats_is_refused(editor, body, content_type, status):
    response = editor.client.post(
        "/api/v1", data=body, content_type=content_type, headers=basic(editor.secret)
    )
    assert response.status_code == status
    assert response.mimetype == PROBLEM


def test_26_heartbeats_in_one_bulk_are_refused_whole(editor):
    beats = every(1, 26)
    response = editor.send(beats)
    assert response.status_code == 400
    assert response.json["errors"] == [
        {
            "field": "body",
            "detail": "Send at most 25 heartbeats in one request; this one has 26. "
            "Nothing was kept.",
        }
    ]
    assert editor.count() == 0
    # 25, what both clients send at most, are all kept.
    assert editor.send(beats[:25]).status_code == 202
    assert editor.count() == 25


def test_a_body_over_the_size_limit_is_refused(editor):
    beats = every(1, 25, entity="/" + "x" * 2000 + ".py")
    beats[0]["padding"] = "y" * 100_000
    response = editor.send(beats)
    assert response.status_code == 413
    assert response.mimetype == PROBLEM
    assert editor.count() == 0


def test_a_flood_of_requests_gets_429_with_retry_after(make_app, monkeypatch):
    # The clock stands still, so a slow machine cannot refill the allowance meanwhile.
    frozen = utcnow()
    monkeypatch.setattr("journal.api.ratelimit.utcnow", lambda: frozen)
    app = make_app(EDITOR_RATE_PER_MINUTE=60, EDITOR_RATE_BURST=3)
    editor = Editor(app)
    statuses = [editor.send(every(5, 1, end_ago=10 + n)).status_code for n in range(6)]
    assert statuses[:3] == [202, 202, 202]
    assert statuses[3:] == [429, 429, 429]
    refused = editor.send(every(5, 1, end_ago=30))
    assert refused.mimetype == PROBLEM
    assert refused.headers["Retry-After"] == "1"  # one request a second comes back
    assert editor.count() == 3


def test_each_bad_heartbeat_gets_its_own_400_and_the_others_are_kept(editor):
    good = every(5, 2)
    now = time.time()
    bad = [
        {"entity": "a.py", "project": "p"},
        {"time": "yesterday", "entity": "a.py"},
        {"time": now - 60, "entity": "a.py", "project": "p" * 101},
        {"time": now - 91 * 86400, "entity": "a.py"},
        {"time": now + 2 * 86400, "entity": "a.py"},
        {"time": now - 60, "entity": 12},
        {"time": now - 60, "entity": "a.py", "is_write": "yes"},
        {"time": now - 60, "entity": "a\ud800.py"},
        "not an object",
    ]
    response = editor.send([good[0], *bad, good[1]])
    assert response.status_code == 202
    answers = response.json["responses"]
    assert [status for _, status in answers] == [201] + [400] * len(bad) + [201]
    errors = [body["errors"] for body, _ in answers[1:-1]]
    assert list(errors[0]) == ["time"] and list(errors[1]) == ["time"]
    assert errors[2] == {"project": ["project must be at most 100 characters."]}
    assert "older than the 90 days" in errors[3]["time"][0]
    assert errors[4] == {"time": ["This heartbeat is dated more than a day ahead."]}
    assert errors[5] == {"entity": ["entity must be text."]}
    assert list(errors[6]) == ["is_write"]
    assert errors[7] == {"entity": ["entity must be text in Unicode (it holds a lone surrogate)."]}
    assert list(errors[8]) == ["heartbeat"]
    assert editor.count() == 2


def test_a_day_holds_a_bounded_number_of_heartbeats(editor, monkeypatch):
    monkeypatch.setattr(heartbeats, "MAX_PER_DAY", 3)
    first = editor.send(every(1, 2, end_ago=20))
    second = editor.send(every(1, 2, end_ago=10))
    assert [status for _, status in first.json["responses"]] == [201, 201]
    assert [status for _, status in second.json["responses"]] == [201, 400]
    assert "already holds 3 heartbeats" in second.json["responses"][1][0]["errors"]["time"][0]
    assert editor.count() == 3


def test_the_projects_a_user_has_are_bounded(editor, monkeypatch):
    monkeypatch.setattr(heartbeats, "MAX_PROJECTS", 2)
    beats = [every(5, 1, project=name)[0] for name in ("one", "two", "three")]
    beats[1]["time"] -= 1
    beats[2]["time"] -= 2
    answers = editor.send(beats).json["responses"]
    assert [status for _, status in answers] == [201, 201, 400]
    assert "already follows 2 projects" in answers[2][0]["errors"]["project"][0]
    assert editor.count() == 2


# Duplicates and privacy -------------------------------------------------------------------


def test_the_same_heartbeat_sent_again_is_stored_once(editor):
    beats = every(5, 4)
    assert editor.send(beats).status_code == 202
    again = editor.send([*beats, beats[0]])  # a client resending its queue, one twice
    assert [status for _, status in again.json["responses"]] == [201] * 5
    assert editor.count() == 4
    assert editor.suggested() == [("flask-tutorial", 15)]
    # Same time, another file: another heartbeat.
    other = dict(beats[0], entity="/home/learner/flask-tutorial/other.py")
    editor.send([other])
    assert editor.count() == 5


def test_by_default_no_file_path_is_stored(app, editor):
    beats = [
        dict(every(5, 1)[0], entity="/home/learner/secret-client/billing.PY", branch="fix-42"),
        dict(every(5, 1, end_ago=9)[0], type="domain", entity="mail.example.org"),
        dict(every(5, 1, end_ago=8)[0], entity="/home/learner/Makefile"),
    ]
    answers = editor.send(beats).json["responses"]
    assert [body["data"]["entity"] for body, _ in answers] == [".py", None, None]
    kept = editor.stored()
    assert [(row.entity, row.extension, row.type) for row in kept] == [
        (None, ".py", "file"),
        (None, None, "domain"),
        (None, None, "file"),
    ]
    assert kept[0].branch == "fix-42"  # kept: the branch, the project, the language


@pytest.mark.sqlite_only("reads the whole database with SQLite's dump")
def test_no_path_is_anywhere_in_the_database(app, editor):
    editor.send([dict(every(5, 1)[0], entity="/home/learner/secret-client/billing.py")])
    with app.app_context():
        dump = "\n".join(db.session.connection().connection.driver_connection.iterdump())
    assert "billing.py" not in dump and "secret-client" not in dump
    assert 'INSERT INTO "editor_heartbeats"' in dump  # the dump does hold the heartbeat


def test_paths_are_kept_only_when_the_user_turns_them_on(app, editor, monkeypatch):
    from journal.editor import settings

    with app.app_context():
        user = get_user_by_name("alice")
        settings.save_settings(user, settings.Settings(keep_paths=True))
    editor.send(every(5, 5, entity="/home/learner/flask-tutorial/app.py"))
    assert {row.entity for row in editor.stored()} == {"/home/learner/flask-tutorial/app.py"}
    monkeypatch.setattr(settings, "BATCH", 2)  # forgotten in three write transactions
    with app.app_context():
        settings.save_settings(get_user_by_name("alice"), settings.Settings(keep_paths=False))
    assert {(row.entity, row.extension) for row in editor.stored()} == {(None, ".py")}


# The status bar ---------------------------------------------------------------------------


def test_the_status_bar_shows_todays_editor_time(editor):
    path = "/api/v1/users/current/statusbar/today"
    empty = editor.client.get(path, headers=basic(editor.secret))
    assert empty.status_code == 200
    assert empty.json["data"]["grand_total"]["text"] == "0 mins"
    editor.send(every(5, 17))  # an hour and twenty minutes
    total = editor.client.get(path, headers=basic(editor.secret)).json["data"]["grand_total"]
    assert (total["text"], total["digital"], total["total_seconds"]) == (
        "1 hr 20 mins",
        "1:20",
        4800,
    )
    assert editor.client.get(path).status_code == 401


# Whatever a client sends ------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)
FIELDS = ["time", "entity", "type", "category", "project", "branch", "language", "is_write"]


@pytest.fixture
def unlimited(make_app):
    """One journal for all the examples, without a rate limit to run into."""
    return Editor(make_app(EDITOR_RATE_PER_MINUTE=1_000_000, EDITOR_RATE_BURST=1_000_000))


HEARTBEATS = st.lists(
    st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=8) | JSON_VALUES, max_size=25
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=HEARTBEATS)
def test_any_json_gets_an_answer_per_heartbeat_and_never_a_500(unlimited, body):
    response = unlimited.send(body)
    assert response.status_code == 202, response.get_data(as_text=True)
    answers = response.json["responses"]
    assert len(answers) == len(body)
    for (answer, status), sent in zip(answers, body, strict=True):
        assert status in (201, 400)
        if status == 400:
            assert answer["errors"] and all(answer["errors"].values())
        else:
            assert isinstance(sent, dict) and "data" in answer
