"""Generated input thrown at every form: never a 500; a refusal says what is wrong and
stores nothing, not even part of the input.

Each test shares one app across its examples (a journal that fills up as they pass), and
compares the whole database before and after each request.
"""

from __future__ import annotations

import re
import string
from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from journal.auth.models import User
from journal.auth.services import HAS_USERS, get_user_by_name
from journal.entries.models import Entry
from journal.extensions import db
from journal.roadmap.models import Stage, Topic

from .support import HX, PASSWORD, AuthActions, differences, snapshot, text

FORMS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one app per test, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Each field, and a word its error message must contain to name it.
LABELS = {
    "date": "date",
    "duration": "duration",
    "stage": "stage",
    "topics": "topic",
    "notes": "notes",
    "link": "link",
    "name": "name",
    "color": "colour",
    "weeks": "weeks",
    "description": "description",
    "username": "username",
    "password": "password",
    "timezone": "time zone",
    "current_password": "password",
    "new_password": "password",
    "confirm_password": "password",
    "daily_minimum": "daily minimum",
    "weekly_goal": "weekly goal",
    "week_start": "week starts",
    "rest_days": "rest days",
    "template": "template",
    "from": "from",
    "to": "to",
    "format": "format",
}
FIELD_ERROR = re.compile(r'<p class="field-error" id="([^"]*)-error">([^<]*)</p>')

# Text of every kind, short and long, with the odd character that breaks things.
ANY_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=40),
    st.sampled_from(
        ["", " ", "\x00", "\r\n", "\uff10", "\u0661\u0662", "9" * 30, "-1", "<b>", "%s", "'\""]
    ),
)
BIG_NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    # Past int()'s 4,300-digit limit, and digits of other scripts that isdecimal() accepts.
    st.sampled_from(["9" * 5000, "0" * 4400 + "1", "\u0661" * 4400]),
)


# A date field: a date, or anything at all.
DATE_FIELD = st.one_of(st.dates().map(date.isoformat), ANY_TEXT)


def field_errors(response) -> dict[str, str]:
    """The message under each field of the form shown, by field name."""
    return {
        element_id.rsplit("-", 1)[-1]: message
        for element_id, message in FIELD_ERROR.findall(text(response))
    }


def assert_refusal_names_the_problem(response, fields, labels=LABELS) -> None:
    errors = field_errors(response)
    assert errors, f"refused without saying why: {text(response)[:300]}"
    for field, message in errors.items():
        assert field in fields, (field, message)
        assert message.strip(), field
        assert labels[field] in message.lower(), (field, message)


def assert_unchanged(before, after, *, allowed=()) -> None:
    changed = differences(before, after)
    assert set(changed) <= set(allowed), changed


@pytest.fixture
def forms_app(make_app):
    # Wrong passwords are part of the input here; the delay they earn is tested elsewhere.
    return make_app(SIGNUP="open", LOGIN_FREE_FAILURES=10**9, LOGIN_ADDRESS_FREE_FAILURES=10**9)


def signed_in(app, username="alice"):
    client = app.test_client()
    assert AuthActions(app, client).login(username).status_code == 303
    return client


def ids_of(app, model, username="alice") -> list[int]:
    with app.app_context():
        user = get_user_by_name(username)
        return list(db.session.scalars(select(model.id).where(model.user_id == user.id)))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def some_ids(ids):
    """Mostly real ids, sometimes nonsense or numbers far too large for the database."""
    return st.one_of(st.sampled_from(ids).map(str), ANY_TEXT, BIG_NUMBERS)


def entry_form(stage_ids, topic_ids):
    dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat)
    return st.fixed_dictionaries(
        {},
        optional={
            "date": st.one_of(dates, st.just(date.today().isoformat()), ANY_TEXT),
            "duration": st.one_of(
                st.sampled_from(["45", "45m", "1.5h", "1h30", "1h 30m", "90 min", "1:30"]),
                st.integers(min_value=-100, max_value=3000).map(str),
                BIG_NUMBERS,
                ANY_TEXT,
            ),
            "stage": some_ids(stage_ids),
            "topics": st.lists(some_ids(topic_ids), max_size=4),
            "notes": st.one_of(st.text(max_size=300), st.just("#tag " + "x" * 10_001)),
            "link": st.one_of(
                st.just(""),
                st.from_regex(r"https?://[a-z]{1,12}\.test/[!-~]{0,30}", fullmatch=True),
                st.just("https://example.test/" + "a" * 2100),
                ANY_TEXT,
            ),
            "idempotency_key": st.one_of(
                ANY_TEXT, st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True)
            ),
            "form_id": st.one_of(st.sampled_from(["quick-add", "entry-form"]), ANY_TEXT),
        },
    )


ENTRY_FIELDS = {"date", "duration", "stage", "topics", "notes", "link"}


def test_entry_create(forms_app):
    client = signed_in(forms_app)
    stage_ids, topic_ids = ids_of(forms_app, Stage), ids_of(forms_app, Topic)

    @FORMS
    @given(form=entry_form(stage_ids, topic_ids), htmx=st.booleans())
    def create(form, htmx):
        before = snapshot(forms_app)
        entries = count(forms_app, Entry)
        response = client.post("/entries", data=form, headers=HX if htmx else {})
        assert response.status_code in (200, 303, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_names_the_problem(response, ENTRY_FIELDS)
            assert "Nothing was saved" in text(response)
            assert_unchanged(before, snapshot(forms_app))
        else:
            assert count(forms_app, Entry) in (entries, entries + 1)  # +0: a repeated key

    create()


def test_entry_edit(forms_app):
    client = signed_in(forms_app)
    stage_ids, topic_ids = ids_of(forms_app, Stage), ids_of(forms_app, Topic)
    data = {"date": "2026-01-05", "duration": "1h", "stage": stage_ids[0], "notes": "first"}
    assert client.post("/entries", data=data).status_code == 303
    (entry_id,) = ids_of(forms_app, Entry)

    @FORMS
    @given(form=entry_form(stage_ids, topic_ids), htmx=st.booleans())
    def edit(form, htmx):
        before = snapshot(forms_app)
        response = client.post(f"/entries/{entry_id}", data=form, headers=HX if htmx else {})
        assert response.status_code in (200, 303, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_names_the_problem(response, ENTRY_FIELDS)
            assert_unchanged(before, snapshot(forms_app))
        else:
            with forms_app.app_context():
                entry = db.session.get(Entry, entry_id)
                assert (
                    entry.notes
                    == form.get("notes", "")
                    .replace("\x00", "")
                    .replace("\r\n", "\n")
                    .replace("\r", "\n")
                    .strip()
                )

    edit()


def stage_form():
    return st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(ANY_TEXT, st.text(min_size=70, max_size=90)),
            "color": st.one_of(st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True), ANY_TEXT),
            "weeks": st.one_of(
                st.integers(min_value=-5, max_value=600).map(str), BIG_NUMBERS, ANY_TEXT
            ),
            "description": st.one_of(st.text(max_size=100), st.just("d" * 2001)),
        },
    )


STAGE_FIELDS = {"name", "color", "weeks", "description"}


@pytest.mark.parametrize("kind", ["create", "edit"])
def test_stage_forms(forms_app, kind):
    client = signed_in(forms_app)
    stage_id = ids_of(forms_app, Stage)[0]
    url = "/roadmap/stages" if kind == "create" else f"/roadmap/stages/{stage_id}"

    @FORMS
    @given(form=stage_form(), htmx=st.booleans())
    def send(form, htmx):
        before = snapshot(forms_app)
        stages = count(forms_app, Stage)
        response = client.post(url, data=form, headers=HX if htmx else {})
        assert response.status_code in (200, 303, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_names_the_problem(response, STAGE_FIELDS)
            assert_unchanged(before, snapshot(forms_app))
        else:
            assert count(forms_app, Stage) == stages + (kind == "create")

    send()


@pytest.mark.parametrize("kind", ["create", "rename"])
def test_topic_forms(forms_app, kind):
    client = signed_in(forms_app)
    stage_id, topic_id = ids_of(forms_app, Stage)[0], ids_of(forms_app, Topic)[0]
    url = (
        f"/roadmap/stages/{stage_id}/topics" if kind == "create" else f"/roadmap/topics/{topic_id}"
    )

    @FORMS
    @given(
        form=st.fixed_dictionaries(
            {}, optional={"name": st.one_of(ANY_TEXT, st.text(min_size=115, max_size=130))}
        ),
        htmx=st.booleans(),
    )
    def send(form, htmx):
        before = snapshot(forms_app)
        response = client.post(url, data=form, headers=HX if htmx else {})
        assert response.status_code in (200, 303, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_names_the_problem(response, {"name"})
            assert_unchanged(before, snapshot(forms_app))

    send()


@pytest.mark.parametrize("what", ["stages", "topics"])
def test_move_forms(forms_app, what):
    """The buttons send up or down; anything else is refused and changes nothing."""
    client = signed_in(forms_app)
    item_id = ids_of(forms_app, Stage if what == "stages" else Topic)[1]

    @FORMS
    @given(direction=st.one_of(st.sampled_from(["up", "down"]), ANY_TEXT), htmx=st.booleans())
    def move(direction, htmx):
        before = snapshot(forms_app)
        response = client.post(
            f"/roadmap/{what}/{item_id}/move",
            data={"direction": direction},
            headers=HX if htmx else {},
        )
        assert response.status_code in (200, 303, 400), response.status_code
        if direction not in ("up", "down"):
            assert response.status_code == 400
            assert "Bad request" in text(response)
            assert_unchanged(before, snapshot(forms_app))

    move()


def test_journal_filters(forms_app):
    """The filters are a GET form: whatever they hold, the journal answers and explains."""
    client = signed_in(forms_app)
    stage_ids = ids_of(forms_app, Stage)

    @FORMS
    @given(
        query=st.fixed_dictionaries(
            {},
            optional={
                "q": ANY_TEXT,
                "tag": ANY_TEXT,
                "stage": some_ids(stage_ids),
                "from": DATE_FIELD,
                "to": DATE_FIELD,
                "after": st.one_of(
                    ANY_TEXT,
                    st.tuples(st.dates().map(date.isoformat), BIG_NUMBERS).map(".".join),
                ),
            },
        ),
        htmx=st.booleans(),
    )
    def search(query, htmx):
        response = client.get("/journal", query_string=query, headers=HX if htmx else {})
        assert response.status_code == 200

    search()


def test_login(forms_app):
    AuthActions(forms_app, forms_app.test_client()).create("alice")

    @FORMS
    @given(
        form=st.fixed_dictionaries(
            {},
            optional={
                "username": st.one_of(st.sampled_from(["alice", "ALICE ", "bob"]), ANY_TEXT),
                "password": st.one_of(st.just(PASSWORD), ANY_TEXT, st.just("p" * 5000)),
                "remember": ANY_TEXT,
                "next": st.one_of(
                    st.sampled_from(["/journal", "//evil.test", "https://evil.test", "/\\evil"]),
                    ANY_TEXT,
                ),
            },
        )
    )
    def login(form):
        before = snapshot(forms_app)
        response = forms_app.test_client().post("/login", data=form)
        assert response.status_code in (303, 401), response.status_code
        if response.status_code == 401:
            assert "Username or password is not correct." in text(response)
            assert_unchanged(before, snapshot(forms_app), allowed={"failed_logins"})
        else:
            location = response.location
            assert location.startswith("/") and not location.startswith(("//", "/\\"))

    login()


def test_signup_and_setup(forms_app):
    @FORMS
    @given(
        url=st.sampled_from(["/setup", "/signup"]),
        form=st.fixed_dictionaries(
            {},
            optional={
                "username": st.one_of(
                    st.from_regex(r"[a-z0-9][a-z0-9._-]{2,31}", fullmatch=True), ANY_TEXT
                ),
                "password": st.one_of(
                    st.just(PASSWORD), st.text(min_size=8, max_size=30), ANY_TEXT
                ),
                "timezone": st.one_of(st.sampled_from(["Europe/Paris", "UTC"]), ANY_TEXT),
            },
        ),
    )
    def create(url, form):
        before = snapshot(forms_app)
        response = forms_app.test_client().post(url, data=form)
        assert response.status_code in (302, 303, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_names_the_problem(response, {"username", "password"})
            assert_unchanged(before, snapshot(forms_app))
        elif response.status_code == 302:  # setup once there is an owner, sign-up before
            assert_unchanged(before, snapshot(forms_app))
        elif url == "/setup":
            # Start again from an empty install, so that setup keeps being exercised.
            with forms_app.app_context():
                for table in reversed(db.metadata.sorted_tables):
                    db.session.execute(delete(table))
                db.session.commit()
            forms_app.extensions.pop(HAS_USERS, None)

    create()


def test_password_change(forms_app):
    client = signed_in(forms_app)
    current = {"password": PASSWORD}

    @FORMS
    @given(
        form=st.fixed_dictionaries(
            {},
            optional={
                "current_password": st.one_of(st.just("CURRENT"), ANY_TEXT),
                "new_password": st.one_of(
                    st.sampled_from(["another long passphrase", "password123", "alice-rules"]),
                    st.text(min_size=6, max_size=20),
                    ANY_TEXT,
                ),
                "confirm_password": st.one_of(st.just("SAME"), ANY_TEXT),
            },
        )
    )
    def change(form):
        form = dict(form)
        if form.get("current_password") == "CURRENT":
            form["current_password"] = current["password"]
        if form.get("confirm_password") == "SAME":
            form["confirm_password"] = form.get("new_password", "")
        before = snapshot(forms_app)
        with forms_app.app_context():
            old_hash = get_user_by_name("alice").password_hash
        response = client.post("/settings/password", data=form)
        assert response.status_code in (303, 422), response.status_code
        if response.status_code == 422:
            fields = {"current_password", "new_password", "confirm_password"}
            assert_refusal_names_the_problem(response, fields)
            assert_unchanged(before, snapshot(forms_app), allowed={"failed_logins"})
        else:
            current["password"] = form["new_password"]
            with forms_app.app_context():
                assert get_user_by_name("alice").password_hash != old_hash
        assert client.get("/settings").status_code == 200  # still signed in

    change()


def test_settings(forms_app):
    client = signed_in(forms_app)

    @FORMS
    @given(timezone=st.one_of(st.sampled_from(["Asia/Tokyo", "UTC", "Europe/Paris"]), ANY_TEXT))
    def save(timezone):
        before = snapshot(forms_app)
        response = client.post("/settings", data={"timezone": timezone})
        assert response.status_code in (303, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_names_the_problem(response, {"timezone"})
            assert_unchanged(before, snapshot(forms_app))
        else:
            with forms_app.app_context():
                assert get_user_by_name("alice").timezone == timezone

    save()


def test_account_deletion(forms_app):
    state = {"client": signed_in(forms_app)}

    @FORMS
    @given(password=st.one_of(st.just(PASSWORD), ANY_TEXT, st.just("p" * 5000)))
    def delete_account(password):
        before = snapshot(forms_app)
        response = state["client"].post("/settings/delete", data={"password": password})
        assert response.status_code in (303, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_names_the_problem(response, {"password"})
            assert_unchanged(before, snapshot(forms_app), allowed={"failed_logins"})
        else:
            assert count(forms_app, User) == 0
            state["client"] = signed_in(forms_app)  # a new account for the next examples

    delete_account()


def test_insight_settings(forms_app):
    client = signed_in(forms_app)
    number = st.one_of(st.integers(min_value=-5, max_value=2000).map(str), BIG_NUMBERS, ANY_TEXT)

    @FORMS
    @given(
        form=st.fixed_dictionaries(
            {},
            optional={
                "daily_minimum": number,
                "weekly_goal": st.one_of(number, st.sampled_from(["7.5", "1e999", "NaN", "0.4"])),
                "week_start": st.one_of(st.sampled_from(["0", "6"]), number),
                "rest_days": number,
            },
        ),
        htmx=st.booleans(),
    )
    def save(form, htmx):
        before = snapshot(forms_app)
        response = client.post("/dashboard/settings", data=form, headers=HX if htmx else {})
        assert response.status_code in (200, 303, 422), response.status_code
        if response.status_code == 422:
            fields = {"daily_minimum", "weekly_goal", "week_start", "rest_days"}
            assert_refusal_names_the_problem(response, fields)
            assert_unchanged(before, snapshot(forms_app))

    save()


def test_topic_state(forms_app):
    client = signed_in(forms_app)
    topic_id = ids_of(forms_app, Topic)[0]

    @FORMS
    @given(state=st.one_of(st.sampled_from(["", "learning", "done", "skipped"]), ANY_TEXT))
    def mark(state):
        before = snapshot(forms_app)
        response = client.post(f"/roadmap/topics/{topic_id}/state", data={"state": state})
        assert response.status_code in (200, 303, 400), response.status_code
        if response.status_code == 400:
            assert_unchanged(before, snapshot(forms_app))

    mark()


def test_export_filters(forms_app):
    """The export form is a GET form: a download, or the form again saying what is wrong."""
    client = signed_in(forms_app)
    formats = st.one_of(st.sampled_from(["json", "csv", "zip", "markdown"]), ANY_TEXT)
    fields = {"format": formats, "from": DATE_FIELD, "to": DATE_FIELD}
    fields["stage"] = some_ids(ids_of(forms_app, Stage))

    @FORMS
    @given(query=st.fixed_dictionaries({}, optional=fields))
    def download(query):
        response = client.get("/data/export", query_string=query)
        assert response.status_code in (200, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_names_the_problem(response, {"format", "from", "to", "stage"})

    download()


def test_timer_start(forms_app):
    client = signed_in(forms_app)
    stage_ids = ids_of(forms_app, Stage)

    @FORMS
    @given(stage=some_ids(stage_ids), htmx=st.booleans())
    def start(stage, htmx):
        before = snapshot(forms_app)
        response = client.post("/timer/start", data={"stage": stage}, headers=HX if htmx else {})
        assert response.status_code in (200, 303, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_names_the_problem(response, {"stage"})
            assert_unchanged(before, snapshot(forms_app))
        client.post("/timer/discard")

    start()


def test_weekly_review(forms_app):
    client = signed_in(forms_app)

    @FORMS
    @given(
        week=st.one_of(st.dates().map(date.isoformat), ANY_TEXT.filter(lambda w: "/" not in w)),
        notes=st.one_of(st.text(max_size=300), st.just("x" * 100_001)),
        htmx=st.booleans(),
    )
    def save(week, notes, htmx):
        before = snapshot(forms_app)
        response = client.post(
            f"/review/{quote(week, safe='')}", data={"notes": notes}, headers=HX if htmx else {}
        )
        assert response.status_code in (200, 303, 404, 422), response.status_code
        if response.status_code in (404, 422):
            if response.status_code == 422:
                # The box is labelled "Your review of the week".
                assert_refusal_names_the_problem(response, {"notes"}, {"notes": "review"})
            assert_unchanged(before, snapshot(forms_app))

    save()


def test_entry_template(forms_app):
    client = signed_in(forms_app)

    @FORMS
    @given(
        form=st.fixed_dictionaries(
            {},
            optional={
                "enabled": ANY_TEXT,
                "text": st.one_of(st.text(max_size=300), st.just("t" * 5001), ANY_TEXT),
                "reset": ANY_TEXT,
            },
        )
    )
    def save(form):
        before = snapshot(forms_app)
        response = client.post("/settings/template", data=form)
        assert response.status_code in (303, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_names_the_problem(response, {"template"})
            assert_unchanged(before, snapshot(forms_app))

    save()


@pytest.mark.parametrize(
    ("method", "url", "data", "status"),
    [
        ("GET", "/entries/9223372036854775808", None, 404),
        ("GET", "/entries/2147483648/edit", None, 404),
        ("POST", "/roadmap/stages/99999999999999999999/archive", None, 404),
        ("GET", "/journal?stage=9223372036854775808", None, 200),
        ("GET", "/journal?after=2026-01-01.9223372036854775808", None, 200),
        ("POST", "/entries", {"stage": "9223372036854775808"}, 422),
        ("POST", "/entries", {"stage": "1", "topics": ["2", "18446744073709551616"]}, 422),
    ],
)
def test_ids_beyond_what_the_database_stores(make_app, method, url, data, status):
    """Found by the tests above: such numbers once reached SQL and answered 500."""
    app = make_app(TESTING=False)
    client = signed_in(app)
    form = {"date": "2026-01-01", "duration": "1h", **(data or {})}
    response = client.open(url, method=method, data=form if data else None)
    assert response.status_code == status
    if status == 422:
        assert set(field_errors(response)) & {"stage", "topics"}
