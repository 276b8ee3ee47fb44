"""Brute force: failed log-ins are counted per account and per address, in the database."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from journal import create_app
from journal.auth import throttle
from journal.auth.models import FailedLogin, LoginSession
from journal.db import utcnow
from journal.extensions import db

from .support import PASSWORD, AuthActions, at_once, make_config, text

WRONG = "not the password at all"
REFUSED = "Too many failed attempts."


def attempt(client, username="alice", password=WRONG, address="127.0.0.1"):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def error_of(response) -> str:
    match = re.search(
        r'<p class="form-error" role="alert" id="login-error">([^<]*)</p>', text(response)
    )
    assert match, "no error shown"
    return match.group(1)


def age_failures(app, seconds: float):
    """Move every recorded failure ``seconds`` into the past, as if time had passed."""
    with app.app_context():
        for row in db.session.scalars(select(FailedLogin)):
            row.created_at -= timedelta(seconds=seconds)
        db.session.commit()


def failures(app, **where) -> int:
    with app.app_context():
        query = select(func.count(FailedLogin.id))
        for column, value in where.items():
            query = query.where(getattr(FailedLogin, column) == value)
        return db.session.scalar(query)


def sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(LoginSession.id)))


def test_after_five_failures_even_the_right_password_waits(app, client, auth):
    auth.create()
    for _ in range(5):
        response = attempt(client)
        assert response.status_code == 401
        assert error_of(response) == "Username or password is not correct."
    refused = attempt(client, password=PASSWORD)
    assert refused.status_code == 429
    assert error_of(refused) == f"{REFUSED} Try again in 30 seconds."
    assert refused.headers["Retry-After"] == "30"
    assert sessions(app) == 0
    assert client.get("/").status_code == 302
    # Once the delay has passed, the right password works.
    age_failures(app, 31)
    assert attempt(client, password=PASSWORD).status_code == 303
    assert client.get("/").status_code == 200


def test_the_delay_grows_with_each_new_failure(app, client, auth):
    auth.create()
    for _ in range(5):
        attempt(client)
    waits = []
    for _ in range(4):
        refused = attempt(client)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        age_failures(app, waits[-1] + 1)
        assert attempt(client).status_code == 401  # allowed again, and wrong again
    assert waits == [30, 60, 120, 240]
    assert error_of(attempt(client)) == f"{REFUSED} Try again in 8 minutes."


def test_the_delay_has_a_ceiling(app, client, auth):
    auth.create()
    for _ in range(30):
        attempt(client)
        age_failures(app, 15 * 60 + 1)  # past the ceiling, so the next try is allowed
    assert attempt(client).status_code == 401
    refused = attempt(client)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(15 * 60)


def test_refused_tries_are_not_counted(app, client, auth):
    """Hammering during the delay does not make it longer."""
    auth.create()
    for _ in range(5):
        attempt(client)
    for _ in range(10):
        assert attempt(client).status_code == 429
    assert failures(app) == 5
    age_failures(app, 31)
    assert attempt(client, password=PASSWORD).status_code == 303


def test_unknown_names_get_exactly_the_same_answers(app, auth):
    """The sequence of answers does not reveal whether an account exists."""
    auth.create("alice")

    def answers(username, address):
        client = app.test_client()
        result = []
        for _ in range(8):
            response = attempt(client, username=username, address=address)
            body = text(response).replace(username, "NAME")
            result.append((response.status_code, error_of(response), body))
        return result

    known = answers("alice", "10.0.0.1")
    unknown = answers("nobody-here", "10.0.0.2")
    assert [r[:2] for r in known] == [r[:2] for r in unknown]
    assert [r[0] for r in known] == [401] * 5 + [429] * 3
    strip_token = re.compile(r'name="csrf_token" value="[^"]*"|"X-CSRFToken": "[^"]*"')
    assert [strip_token.sub("", r[2]) for r in known] == [
        strip_token.sub("", r[2]) for r in unknown
    ]


def test_names_are_counted_however_they_are_typed(app, client, auth):
    auth.create()
    for name in ("alice", "Alice", " ALICE ", "alice", "aLiCe"):
        attempt(client, username=name)
    assert attempt(client, password=PASSWORD).status_code == 429


def test_a_successful_login_clears_the_accounts_count(app, client, auth):
    auth.create()
    for _ in range(4):
        attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 303
    assert failures(app, username="alice") == 0
    client.post("/logout")
    for _ in range(4):
        assert attempt(client).status_code == 401
    assert attempt(client, password=PASSWORD).status_code == 303


def test_one_address_trying_many_names_is_slowed_down(app, auth):
    auth.create("alice")
    attacker = app.test_client()
    for number in range(20):
        assert attempt(attacker, username=f"user{number}", address="203.0.113.9").status_code == 401
    # Every name is now refused from that address, a real account with its real password too.
    assert attempt(attacker, password=PASSWORD, address="203.0.113.9").status_code == 429
    assert attempt(attacker, username="someone-new", address="203.0.113.9").status_code == 429
    # Alice, from her own address, is not affected.
    assert attempt(app.test_client(), password=PASSWORD, address="198.51.100.7").status_code == 303


def test_one_account_tried_from_many_addresses_is_slowed_down(app, auth):
    auth.create()
    for number in range(5):
        assert attempt(app.test_client(), address=f"192.0.2.{number}").status_code == 401
    assert attempt(app.test_client(), password=PASSWORD, address="192.0.2.99").status_code == 429


def test_counts_are_shared_by_every_worker(app, auth, tmp_path):
    """Two app instances on one database, as two gunicorn workers are: one count."""
    auth.create()
    same_database = app.config["SQLALCHEMY_DATABASE_URI"]
    other_worker = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=same_database))
    for number in range(5):
        worker = app if number % 2 else other_worker
        assert attempt(worker.test_client()).status_code == 401
    assert attempt(app.test_client(), password=PASSWORD).status_code == 429
    assert attempt(other_worker.test_client(), password=PASSWORD).status_code == 429
    with other_worker.app_context():
        db.engine.dispose()


def test_failures_older_than_a_day_are_forgotten_and_removed(app, client, auth):
    auth.create()
    for _ in range(5):
        attempt(client)
    age_failures(app, 24 * 3600 + 1)
    attempt(client, username="someone")
    assert failures(app) == 1  # the old ones were pruned by the new failure
    # Alice's next failure is her first of the day: no delay follows it.
    assert attempt(client).status_code == 401
    assert attempt(client, password=PASSWORD).status_code == 303


def test_failures_of_the_last_day_still_count(app, client, auth):
    auth.create()
    for _ in range(5):
        attempt(client)
    age_failures(app, 24 * 3600 - 60)  # their delay is long over, but they are recent
    assert attempt(client).status_code == 401  # the sixth failure of the day...
    assert failures(app, username="alice") == 6
    assert attempt(client, password=PASSWORD).status_code == 429  # ...brings a delay


def test_the_failures_stored_hold_no_password(app, client, auth):
    auth.create()
    attempt(client, password="my secret guess")
    with app.app_context():
        row = db.session.scalar(select(FailedLogin))
        assert (row.username, row.address) == ("alice", "127.0.0.1")
        assert "my secret guess" not in repr(row.__dict__)


@pytest.mark.parametrize(
    ("url", "field", "data"),
    [
        (
            "/settings/password",
            "current_password",
            {
                "new_password": "a brand new passphrase",
                "confirm_password": "a brand new passphrase",
            },
        ),
        ("/settings/delete", "password", {}),
    ],
)
def test_pages_that_ask_for_the_password_count_wrong_guesses(app, client, auth, url, field, data):
    """A stolen session cannot be used to guess the password at full speed."""
    auth.login()
    for _ in range(5):
        response = client.post(url, data={field: WRONG, **data})
        assert response.status_code == 422
    refused = client.post(url, data={field: PASSWORD, **data})
    assert refused.status_code == 429
    assert f'id="{field}-error">{REFUSED} Try again in 30 seconds.</p>' in text(refused)
    with app.app_context():
        user_rows = db.session.scalar(select(func.count()).select_from(FailedLogin))
    assert user_rows == 5
    assert client.get("/").status_code == 200  # refused, but still signed in and unchanged
    # The login page shares the count.
    client.post("/logout")
    assert attempt(client, password=PASSWORD).status_code == 429


def test_when_failures_happened_is_recorded_in_utc(app, client, auth):
    auth.create()
    before = utcnow()
    attempt(client)
    with app.app_context():
        moment = db.session.scalar(select(FailedLogin.created_at))
    assert before <= moment <= utcnow()


def test_an_install_without_accounts_sends_login_to_setup(client):
    assert client.get("/login").location == "/setup"


# Real parallelism: threads against the app, each with a client of its own, all released
# at once. Hashing costs a few milliseconds here, so every try is still checking its password
# when the others arrive, as with production's half-second argon2.
SLOWER_ARGON2 = {"time_cost": 3, "memory_cost": 4096, "parallelism": 1}


def test_forty_parallel_guesses_check_exactly_five_passwords(make_app, auth):
    app = make_app(ARGON2_PARAMS=SLOWER_ARGON2, ARGON2_MAX_CONCURRENT=8)
    AuthActionsFor(app).create()
    statuses = at_once(40, lambda number: attempt(app.test_client()))
    assert statuses == [401] * 5 + [429] * 35
    assert failures(app) == 5
    # The right password, after the limit: refused.
    assert attempt(app.test_client(), password=PASSWORD).status_code == 429
    assert sessions(app) == 0


def test_the_right_password_inside_a_burst_is_refused_once_the_limit_is_reached(make_app):
    app = make_app(ARGON2_PARAMS=SLOWER_ARGON2, ARGON2_MAX_CONCURRENT=8)
    AuthActionsFor(app).create()
    for _ in range(4):
        attempt(app.test_client())
    # One wrong guess and the right password race for the last free try, with others.
    statuses = at_once(
        12, lambda number: attempt(app.test_client(), password=PASSWORD if number else WRONG)
    )
    # One try was left. A wrong guess that takes it leaves every right password refused
    # unchecked. A right password that takes it signs in, and a log-in clears the count, so
    # tries that arrive after it (a slower database lets some) start afresh.
    checked = [status for status in statuses if status != 429]
    signed_in = checked.count(303)
    assert checked and checked.count(401) <= 1
    if 303 not in checked:
        assert checked == [401]
    assert sessions(app) == signed_in


def test_parallel_guesses_on_the_password_page_are_counted_exactly(make_app):
    app = make_app(ARGON2_PARAMS=SLOWER_ARGON2, ARGON2_MAX_CONCURRENT=8)
    AuthActionsFor(app).create()
    clients = [app.test_client() for _ in range(20)]
    for client in clients:
        client.post("/login", data={"username": "alice", "password": PASSWORD})
    form = {"current_password": WRONG, "new_password": "a brand new passphrase"}
    form["confirm_password"] = form["new_password"]
    statuses = at_once(20, lambda number: clients[number].post("/settings/password", data=form))
    assert statuses == [422] * 5 + [429] * 15
    assert failures(app) == 5


class AuthActionsFor(AuthActions):
    def __init__(self, app):
        super().__init__(app, app.test_client())


# The module's own values, checked directly: the wait shown, the settings, what is stored.


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (1, "1 second"),
        (2, "2 seconds"),
        (59, "59 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (120, "2 minutes"),
        (121, "3 minutes"),
        (900, "15 minutes"),
    ],
)
def test_the_wait_is_shown_in_seconds_then_in_whole_minutes_rounded_up(seconds, shown):
    assert throttle.wait_text(seconds) == shown
    assert throttle.Refusal(seconds).message == f"{REFUSED} Try again in {shown}."


def test_the_delays_follow_the_configured_settings(make_app):
    app = make_app(LOGIN_FREE_FAILURES=2, LOGIN_DELAY_SECONDS=10, LOGIN_MAX_DELAY_SECONDS=35)
    with app.app_context():
        delays = [throttle.delay_after(failures, 2).total_seconds() for failures in range(6)]
    assert delays == [0, 0, 10, 20, 35, 35]
    AuthActionsFor(app).create()
    client = app.test_client()
    for _ in range(2):
        assert attempt(client).status_code == 401
    refused = attempt(client)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "10"


def test_a_request_without_an_address_is_counted_as_unknown(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": ""}):
        assert throttle.client_address() == "unknown"
    with app.test_request_context(environ_base={"REMOTE_ADDR": "2001:db8::" + "f" * 80}):
        assert throttle.client_address() == ("2001:db8::" + "f" * 80)[:64]


def stored(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(select(FailedLogin.username, FailedLogin.address))
        return sorted(tuple(row) for row in rows)


def test_a_right_secret_takes_back_only_its_own_try(app):
    with app.app_context():
        throttle.record_failure("bob", "192.0.2.1")
        throttle.record_failure("alice", "192.0.2.1")
        throttle.reserve("carol", "192.0.2.1")
        right = throttle.reserve("alice", "192.0.2.1")
        right.succeeded()  # without clear: the name's earlier failure still counts
    assert stored(app) == [
        ("alice", "192.0.2.1"),
        ("bob", "192.0.2.1"),
        ("carol", "192.0.2.1"),
    ]
    with app.app_context():
        throttle.reserve("Alice", "192.0.2.1").succeeded(clear=True)
    assert stored(app) == [("bob", "192.0.2.1"), ("carol", "192.0.2.1")]


def test_a_failure_recorded_after_the_fact_is_counted_like_a_log_in(app):
    before = utcnow()
    with app.app_context():
        throttle.record_failure(" Alice ", "198.51.100.4")
        row = db.session.scalar(select(FailedLogin))
        assert (row.username, row.address) == ("alice", "198.51.100.4")
        assert before <= row.created_at <= utcnow()
        for _ in range(4):
            throttle.record_failure("ALICE", "198.51.100.5")
        assert throttle.refusal("alice", "203.0.113.1").seconds == 30


@pytest.mark.parametrize("count", [throttle.record_failure, throttle.reserve])
def test_a_failure_exactly_a_day_old_neither_counts_nor_stays(app, monkeypatch, count):
    now = datetime(2026, 3, 14, 12, 0)
    monkeypatch.setattr(throttle, "utcnow", lambda: now)
    with app.app_context():
        for age in (timedelta(days=1), timedelta(days=1) - timedelta(seconds=1)):
            db.session.add(FailedLogin(username="old", address="192.0.2.9", created_at=now - age))
        db.session.commit()
        count("alice", "192.0.2.1")
        ages = sorted(now - moment for moment in db.session.scalars(select(FailedLogin.created_at)))
    assert ages == [timedelta(0), timedelta(days=1) - timedelta(seconds=1)]


def test_failures_that_left_the_day_no_longer_count_before_they_are_removed(app, monkeypatch):
    """Four failures a day old or older (not removed yet) and one just now: one counts."""
    now = datetime(2026, 3, 14, 12, 0)
    monkeypatch.setattr(throttle, "utcnow", lambda: now)
    day = timedelta(days=1)

    def failures_aged(*ages):
        with app.app_context():
            db.session.execute(delete(FailedLogin))
            for age in ages:
                db.session.add(FailedLogin(username="alice", address="x", created_at=now - age))
            db.session.commit()
            wait = throttle.refusal("alice", "192.0.2.1")
            return wait and wait.seconds

    ten_seconds = timedelta(seconds=10)
    assert failures_aged(day, day, day, day, ten_seconds) is None
    assert (
        failures_aged(day + ten_seconds, day + ten_seconds, 2 * day, 2 * day, ten_seconds) is None
    )
    # A second younger, they are five failures of the day: 30 seconds from the last one.
    assert failures_aged(*[day - timedelta(seconds=1)] * 4, ten_seconds) == 20
