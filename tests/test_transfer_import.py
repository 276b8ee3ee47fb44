"""Imports: round trips, duplicates, new stages, jrnl, all or nothing, the preview pages."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from journal.auth.models import User
from journal.entries.models import Entry
from journal.extensions import db
from journal.roadmap.models import Stage, Topic
from journal.roadmap.services import set_stage_archived, stages_of
from journal.transfer.records import FormatError

from .support import (
    FIXTURES,
    HX,
    add_entry,
    alert,
    entry_rows,
    export,
    import_bytes,
    is_full_page,
    text,
    token_of,
    upload,
    user,
)

FILENAMES = {"markdown": "journal.md", "zip": "journal.zip", "json": "journal.json"}
FILENAMES["csv"] = "journal.csv"


@pytest.fixture
def alice(app, auth):
    auth.login("alice")
    add_entry(
        app,
        day=date(2026, 3, 14),
        stage=1,
        minutes=90,
        topics=2,
        notes="## Plan\n#### Not a heading of ours · 45 min\n- Topics: notes, not topics #sql",
        link="https://example.org/joins?a=1&b=2",
    )
    add_entry(app, day=date(2026, 3, 14), stage=0, minutes=None, notes="'quoted' =1+1 #python")
    add_entry(app, day=date(2025, 12, 31), stage=6, minutes=1440, notes="")
    return app


def count(app, model, username):
    with app.app_context():
        return db.session.scalar(
            select(func.count(model.id)).where(model.user_id == user(username).id)
        )


@pytest.mark.parametrize("fmt", ["markdown", "zip", "json", "csv"])
def test_each_format_gives_back_the_same_entries(alice, auth, fmt):
    auth.create("bob")
    data = export(alice, fmt=fmt)
    plan = import_bytes(alice, "bob", data, FILENAMES[fmt])
    assert len(plan.to_add) == 3 and not plan.duplicates
    assert entry_rows(alice, "bob") == entry_rows(alice, "alice")
    assert export(alice, "bob", fmt) == data


@pytest.mark.parametrize("fmt", ["markdown", "zip", "json", "csv"])
def test_importing_your_own_export_again_adds_nothing(alice, fmt):
    before = entry_rows(alice)
    plan = import_bytes(alice, "alice", export(alice, fmt=fmt), FILENAMES[fmt])
    assert not plan.to_add and len(plan.duplicates) == 3
    assert entry_rows(alice) == before


def test_a_duplicate_needs_the_same_date_stage_duration_and_notes(alice, auth):
    document = json.loads(export(alice, fmt="json"))
    changed = [dict(entry) for entry in document["entries"]]
    changed[0]["minutes"] = 30
    changed[1]["notes"] += " (edited)"
    changed[2]["date"] = "2026-01-01"
    document["entries"] += changed
    plan = import_bytes(alice, "alice", json.dumps(document).encode(), "x.json")
    assert len(plan.duplicates) == 3 and len(plan.to_add) == 3


def test_two_identical_entries_in_a_file_are_both_kept_once_each(alice, auth):
    auth.create("bob")
    add_entry(alice, day=date(2026, 3, 1), notes="same")
    add_entry(alice, day=date(2026, 3, 1), notes="same")
    data = export(alice, fmt="csv")
    assert len(import_bytes(alice, "bob", data, "a.csv").to_add) == 5
    assert len(import_bytes(alice, "bob", data, "a.csv").duplicates) == 5
    assert count(alice, Entry, "bob") == 5


def test_json_restores_the_roadmap_into_an_empty_journal(alice, auth):
    with alice.app_context():
        owner = user()
        stages = stages_of(owner)
        set_stage_archived(stages[4], True)
        stages[0].color = "#123456"
        stages[0].topics[1].archived_at = datetime(2026, 1, 2, 3, 4, 5)
        owner.timezone = "Europe/Paris"
        db.session.commit()
    data = export(alice, fmt="json")
    auth.create("bob")
    plan = import_bytes(alice, "bob", data, "backup.json")
    assert plan.restore and plan.timezone == "Europe/Paris"
    assert plan.updated_stages[:2] == ["Python fundamentals", "Databases and SQL"]
    assert export(alice, "bob", "json") == data


def test_json_into_a_journal_with_entries_only_adds(alice, auth):
    auth.create("bob")
    add_entry(alice, "bob", day=date(2026, 1, 1), notes="bob was here")
    with alice.app_context():
        owner = user()
        stages_of(owner)[0].color = "#123456"
        db.session.add(
            Stage(user_id=owner.id, position=9, name="Rust on the side", color="#ff0000")
        )
        db.session.commit()
    plan = import_bytes(alice, "bob", export(alice, fmt="json"), "backup.json")
    assert not plan.restore and plan.timezone is None
    assert [stage.name for stage in plan.new_stages] == ["Rust on the side"]
    with alice.app_context():
        bob_stages = {stage.name: stage for stage in stages_of(user("bob"), archived=None)}
    # Bob's own stage keeps its colour; the new stage comes with the file's.
    assert bob_stages["Python fundamentals"].color == "#3b82f6"
    assert bob_stages["Rust on the side"].color == "#ff0000"
    assert bob_stages["Rust on the side"].position == 8
    assert count(alice, Entry, "bob") == 4


def test_markdown_with_a_new_stage_and_topic_creates_them(app, auth):
    auth.create("alice")
    text_file = (
        "# Roadbook journal\n\n## March 2026\n\n### Saturday 14 March 2026\n\n"
        "#### Rust · 1 h\n\n- Topics: Ownership; Borrowing\n\nFighting the #borrow-checker\n\n"
        "#### Python fundamentals · 20 min\n\n- Topics: Functions; Decorators\n"
    )
    plan = import_bytes(app, "alice", text_file.encode(), "notes.md")
    assert [stage.name for stage in plan.new_stages] == ["Rust"]
    assert plan.new_topics == [
        ("Rust", "Ownership"),
        ("Rust", "Borrowing"),
        ("Python fundamentals", "Decorators"),
    ]
    rows = entry_rows(app)
    assert rows[0][1:5] == ("Rust", 60, ("Ownership", "Borrowing"), "Fighting the #borrow-checker")
    assert rows[0][6] == ("borrow-checker",)
    assert rows[1][3] == ("Functions", "Decorators")
    with app.app_context():
        rust = next(s for s in stages_of(user()) if s.name == "Rust")
        assert rust.position == 8 and rust.color.startswith("#")


def test_imported_notes_are_rendered_and_sanitized_like_typed_ones(app, auth):
    auth.create("alice")
    notes = 'Hi <script>alert(1)</script><a href="javascript:x" hx-get="/x">link</a> **bold**'
    data = f"date,stage,minutes,notes\n2026-03-01,Python fundamentals,30,{notes}\n"
    import_bytes(app, "alice", data.encode(), "x.csv")
    html = entry_rows(app)[0][5]
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "hx-get" not in html


def test_tags_given_beside_the_notes_join_them_on_a_line_of_their_own(app, auth):
    auth.create("alice")
    data = (
        "date,stage,minutes,tags,notes\n"
        "2026-03-01,Python fundamentals,30,#python extra c++,Loops #python\n"
    )
    import_bytes(app, "alice", data.encode(), "x.csv")
    row = entry_rows(app)[0]
    # "c++" cannot be a tag here, so it is left out rather than mangled.
    assert row[4] == "Loops #python\n\nTags: #extra"
    assert row[6] == ("extra", "python")
    assert "<h1>" not in row[5]


# jrnl


def test_jrnl_journal_file(app, auth):
    auth.create("alice")
    data = (FIXTURES / "jrnl" / "journal.txt").read_bytes()
    plan = import_bytes(app, "alice", data, "journal.txt", stage="Python fundamentals")
    assert plan.fmt == "jrnl" and len(plan.to_add) == 3 and plan.stageless == 2
    rows = entry_rows(app)
    assert [(row[0], row[1], row[2]) for row in rows] == [
        (date(2026, 3, 2), "Python fundamentals", 90),
        (date(2026, 3, 3), "Web frameworks", 45),
        (date(2026, 3, 4), "Python fundamentals", None),
    ]
    assert rows[0][4] == (
        "Finally understood JOINs.\n"
        "Spent 1h30 on #sql joins with the exercises from the book.\n"
        "An inner join keeps only the matching rows; a left join keeps every row on the left."
    )
    assert rows[0][6] == ("sql",)
    # The star is kept as a tag; the stage's tag stays a tag.
    assert rows[1][6] == ("starred", "web-frameworks")
    assert rows[1][4].endswith("lands in the right stage.\n\nTags: #starred")
    assert "<h1>" not in rows[1][5]
    assert rows[2][4].endswith("- a habit tracker\n- a tiny URL shortener")
    with app.app_context():
        times = db.session.scalars(select(Entry.created_at).order_by(Entry.study_date)).all()
    assert times[0] == datetime(2026, 3, 2, 18, 30)


def test_jrnl_times_are_read_in_the_users_time_zone_with_am_pm(app, auth):
    auth.create("alice", timezone="America/New_York")
    data = (FIXTURES / "jrnl" / "journal-ampm.txt").read_bytes()
    plan = import_bytes(app, "alice", data, "journal.txt", stage="Python fundamentals")
    assert [(e.stage, e.minutes) for e in plan.to_add] == [
        ("DevOps and deployment", 120),
        ("Python fundamentals", None),
    ]
    with app.app_context():
        times = db.session.scalars(select(Entry.created_at).order_by(Entry.study_date)).all()
    assert times == [datetime(2026, 3, 6, 2, 15), datetime(2026, 3, 6, 5, 5)]


def test_jrnl_json_export(app, auth):
    auth.create("alice")
    data = (FIXTURES / "jrnl" / "jrnl-export.json").read_bytes()
    plan = import_bytes(app, "alice", data, "export.json", stage="Beyond the basics")
    assert plan.fmt == "jrnl-json"
    rows = entry_rows(app)
    assert [(row[0], row[1], row[2]) for row in rows] == [
        (date(2026, 3, 7), "Databases and SQL", 50),
        (date(2026, 3, 8), "Beyond the basics", None),
    ]
    assert rows[0][4] == (
        "Indexes and EXPLAIN.\nRead about B-tree indexes for 50 min, then ran EXPLAIN on my "
        "queries. #sql #databases-and-sql"
    )
    assert rows[0][6] == ("databases-and-sql", "sql")
    assert rows[1][6] == ("pytest", "starred")


def test_jrnl_without_a_stage_waits_for_one(app, auth):
    auth.create("alice")
    data = (FIXTURES / "jrnl" / "journal.txt").read_bytes()
    with pytest.raises(
        FormatError, match=r"^2 entries name no stage: choose the stage for them\.$"
    ):
        import_bytes(app, "alice", data, "journal.txt")
    assert count(app, Entry, "alice") == 0


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("did 1h30 of work", 90),
        ("45 min on it", 45),
        ("2 hours, then more", 120),
        ("1 hour 15 minutes", 75),
        ("1.5h reading", 90),
        ("read 30m", 30),
        ("at 10:30 for 20 mins", 20),
        ("3 exercises, no time", None),
        ("a 30h week", None),
        ("version 2.5 h", 150),
        ("a 30h week, then 20 min", 20),
    ],
)
def test_jrnl_duration_comes_from_the_text_when_it_says_one(text, minutes):
    from journal.transfer.formats.jrnl_format import duration_in

    assert duration_in(text) == minutes


# All or nothing


def test_a_bad_entry_in_the_middle_imports_nothing(app, auth):
    auth.create("alice")
    rows = [f"2026-03-{day:02d},Python fundamentals,30,day {day}" for day in range(1, 10)]
    rows[5] = "2026-03-06,Python fundamentals,3000,too long"
    data = ("date,stage,minutes,notes\n" + "\n".join(rows) + "\n").encode()
    with pytest.raises(FormatError) as error:
        import_bytes(app, "alice", data, "x.csv")
    assert str(error.value) == "line 7: the duration must be from 1 minute to 24 hours."
    assert count(app, Entry, "alice") == 0


def test_a_failure_while_saving_rolls_everything_back(app, auth, monkeypatch):
    auth.create("alice")
    auth.create("bob")
    for day in range(1, 7):
        add_entry(app, day=date(2026, 3, day), notes=f"day {day} #t{day}")
    data = export(app, fmt="json")
    from journal.entries.models import EntryTag
    from journal.transfer import save

    real = save.insert

    def failing(table):
        if table is EntryTag.__table__:
            # The entries are written inside the transaction, then the import fails.
            assert count_in_session("bob") == 6
            raise RuntimeError("disk full")
        return real(table)

    def count_in_session(username):
        return db.session.scalar(
            select(func.count(Entry.id)).where(Entry.user_id == user(username).id)
        )

    monkeypatch.setattr(save, "insert", failing)
    with pytest.raises(RuntimeError):
        import_bytes(app, "bob", data, "x.json")
    assert count(app, Entry, "bob") == 0
    assert count(app, Stage, "bob") == 7


# The pages


def test_preview_shows_counts_duplicates_and_new_stages_and_saves_nothing(alice, client):
    document = json.loads(export(alice, fmt="json"))
    document["entries"].append(dict(document["entries"][0], stage="Rust", notes="new one"))
    document["entries"].append(dict(document["entries"][0], minutes=None, notes="no time"))
    response = upload(client, json.dumps(document).encode(), "backup.json")
    assert response.status_code == 200 and not is_full_page(response)
    page = text(response)
    assert page.startswith('<section id="import-preview"')
    assert "<strong>2</strong> entries will be added" in page
    assert "<strong>3</strong> look like entries you already have" in page
    assert "New stages: <strong>Rust</strong>." in page
    assert "1 entry gives no duration" in page
    assert "Import 2 entries" in page
    assert count(alice, Entry, "alice") == 3


def test_preview_without_htmx_is_the_whole_page(alice, client):
    response = upload(client, export(alice, fmt="markdown"), "j.md", headers={})
    assert response.status_code == 200 and is_full_page(response)
    assert "Nothing new to import" in text(response)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_confirm_imports_the_previewed_file(alice, client, auth, headers):
    data = export(alice, fmt="json")
    client.post("/logout")
    auth.login("bob")
    token = token_of(upload(client, data, "backup.json"))
    response = client.post("/data/import", data={"token": token}, headers=headers)
    if headers:
        assert response.status_code == 200
        assert "Imported 3 entries." in text(response)
        assert 'href="/journal?duration=unknown">Fill in the 1 unknown duration' in text(response)
        assert json.loads(response.headers["HX-Trigger"]) == {
            "entries-changed": {"target": "body"},
            "roadmap-changed": {"target": "body"},
        }
    else:
        assert response.status_code == 303 and response.headers["Location"] == "/data"
        assert "Imported 3 entries." in text(client.get("/data"))
    assert entry_rows(alice, "bob") == entry_rows(alice, "alice")
    # The upload is gone once imported: the same token cannot import twice.
    again = client.post("/data/import", data={"token": token}, headers=HX)
    assert again.status_code == 422
    assert (
        alert(again) == "This preview has expired or was already imported. Choose the file again."
    )
    assert count(alice, Entry, "bob") == 3


def test_choosing_a_stage_in_the_preview_updates_it(app, client, auth):
    auth.login("alice")
    data = (FIXTURES / "jrnl" / "journal.txt").read_bytes()
    response = upload(client, data, "journal.txt")
    page = text(response)
    assert "<strong>1</strong> entry will be added" in page
    assert "and <strong>2</strong> more once you choose their stage below" in page
    assert '<label for="preview-stage">Stage for the 2 entries that name none</label>' in page
    token = token_of(response)
    refused = client.post("/data/import", data={"token": token}, headers=HX)
    assert refused.status_code == 422
    assert (
        alert(refused)
        == "2 entries name no stage: choose the stage for them. Nothing was imported."
    )
    with app.app_context():
        stage_id = stages_of(user())[5].id
    response = client.post(
        "/data/import/preview", data={"token": token, "stage": stage_id}, headers=HX
    )
    assert "<strong>3</strong> entries will be added" in text(response)
    assert f'<option value="{stage_id}" selected>Beyond the basics</option>' in text(response)
    client.post("/data/import", data={"token": token, "stage": stage_id}, headers=HX)
    assert [row[1] for row in entry_rows(app)] == [
        "Beyond the basics",
        "Web frameworks",
        "Beyond the basics",
    ]


def test_the_stage_chosen_with_the_upload_is_used(app, client, auth):
    auth.login("alice")
    with app.app_context():
        stage_id = stages_of(user())[0].id
    data = (FIXTURES / "jrnl" / "journal.txt").read_bytes()
    response = upload(client, data, "journal.txt", stage=str(stage_id))
    assert "<strong>3</strong> entries will be added" in text(response)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_malformed_upload_answers_422_with_the_line_and_saves_nothing(app, client, auth, headers):
    auth.login("alice")
    data = b"date,stage,minutes,notes\n2026-03-01,Python fundamentals,30,ok\n2026-02-30,X,1,bad\n"
    response = upload(client, data, "x.csv", headers=headers)
    assert response.status_code == 422
    assert is_full_page(response) == (not headers)
    assert alert(response) == (
        "line 3: “date” must be a date such as 2026-03-14. Nothing was imported."
    )
    assert 'name="token"' not in text(response)
    assert count(app, Entry, "alice") == 0


def test_preview_without_a_file_asks_for_one(app, client, auth):
    auth.login("alice")
    response = client.post("/data/import/preview", data={}, headers=HX)
    assert response.status_code == 422 and alert(response) == "Choose a file to import."


def test_a_file_over_the_size_limit_gets_a_clear_message(make_app, tmp_path):
    from .support import AuthActions

    app = make_app(MAX_CONTENT_LENGTH=2048)
    client = app.test_client()
    AuthActions(app, client).login("alice")
    for headers in (HX, {}):
        response = upload(client, b"x" * 5000, "big.json", headers=headers)
        assert response.status_code == 413
        assert is_full_page(response) == (not headers)
        assert alert(response).startswith(
            "The file is larger than 0.00195312 MB, the limit for uploads. Nothing was imported."
        )
        assert "flask --app journal import USERNAME FILE" in alert(response)


def test_an_upload_belongs_to_the_user_who_sent_it(alice, client, auth, app):
    token = token_of(upload(client, export(alice, fmt="json"), "backup.json"))
    client.post("/logout")
    auth.login("mallory")
    for path in ("/data/import", "/data/import/preview"):
        response = client.post(path, data={"token": token}, headers=HX)
        assert response.status_code == 422
    assert count(app, Entry, "mallory") == 0 and count(app, Entry, "alice") == 3


def test_import_only_writes_into_the_signed_in_account(alice, client, auth, app):
    auth.create("bob")
    with app.app_context():
        before = [
            db.session.scalar(select(func.count(Entry.id)).where(Entry.user_id == u.id))
            for u in db.session.scalars(select(User).order_by(User.id))
        ]
        bob_stage = stages_of(user("bob"))[0].id
    data = b"[2026-03-02 18:30] Hello\n"
    token = token_of(upload(client, data, "j.txt"))
    # A stage of another user is refused, not used.
    response = client.post("/data/import", data={"token": token, "stage": bob_stage}, headers=HX)
    assert response.status_code == 422
    assert alert(response) == "Stage: choose a stage from the list. Nothing was imported."
    with app.app_context():
        stage_id = stages_of(user())[0].id
    client.post("/data/import", data={"token": token, "stage": stage_id}, headers=HX)
    assert count(app, Entry, "alice") == before[0] + 1
    assert count(app, Entry, "bob") == 0
    assert count(app, Topic, "bob") == count(app, Topic, "alice")


def test_the_import_forms_need_the_csrf_token(make_app):
    from .support import csrf_token
    from .test_csrf import signed_in

    app = make_app(WTF_CSRF_ENABLED=True)
    client = signed_in(app)
    page = client.get("/data")
    body = text(page)
    assert body.count('name="csrf_token"') >= body.count('method="post"') >= 2
    token = csrf_token(page)
    data = b"[2026-03-01 10:00] Hi @python-fundamentals\n"
    assert upload(client, data, "j.txt").status_code == 400
    preview = upload(client, data, "j.txt", csrf_token=token)
    assert preview.status_code == 200 and 'name="csrf_token"' in text(preview)
    refused = client.post("/data/import", data={"token": token_of(preview)}, headers=HX)
    assert refused.status_code == 400 and count(app, Entry, "alice") == 0
    done = client.post(
        "/data/import", data={"token": token_of(preview), "csrf_token": token}, headers=HX
    )
    assert done.status_code == 200 and count(app, Entry, "alice") == 1


def test_the_size_limit_message_also_comes_with_csrf_on(make_app):
    from .test_csrf import signed_in

    app = make_app(WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=1024 * 1024)
    client = signed_in(app)
    response = upload(client, b"x" * (1024 * 1024 + 1), "big.json")
    assert response.status_code == 413
    assert alert(response).startswith("The file is larger than 1 MB, the limit for uploads.")


def test_nul_bytes_in_names_and_links_are_dropped_like_in_typed_ones(app, auth):
    """PostgreSQL refuses a NUL byte in text; a typed name loses it, and so does an imported one."""
    auth.create("alice")
    data = (
        b"date,stage,minutes,topics,notes,link\n"
        b"2026-03-14,Ru\x00st,60,Own\x00ership; \x00,n\x00otes,https://exa\x00mple.org/a\n"
    )
    plan = import_bytes(app, "alice", data, "x.csv")
    assert [stage.name for stage in plan.new_stages] == ["Rust"]
    (row,) = entry_rows(app)
    assert row[1:5] == ("Rust", 60, ("Ownership",), "notes")
    assert row[7] == "https://example.org/a"


def test_a_stage_name_of_nul_bytes_alone_is_refused(app, auth):
    auth.create("alice")
    data = b"date,stage,minutes,notes\n2026-03-14,\x00\x00,60,n\n"
    with pytest.raises(FormatError) as error:
        import_bytes(app, "alice", data, "x.csv")
    assert str(error.value) == "line 2: a stage name must be 1 to 80 characters."
    assert count(app, Entry, "alice") == 0


def test_nul_bytes_in_a_json_roadmap_are_dropped(app, auth):
    auth.create("alice")
    document = {
        "format": "roadbook-journal",
        "version": 1,
        "stages": [{"name": "Ru\x00st", "topics": [{"name": "Own\x00ership"}]}],
        "entries": [{"date": "2026-03-14", "stage": "Rust", "minutes": 60, "notes": "n"}],
    }
    plan = import_bytes(app, "alice", json.dumps(document).encode(), "x.json")
    assert [stage.name for stage in plan.new_stages] == ["Rust"]
    assert plan.new_topics == [("Rust", "Ownership")]
    (row,) = entry_rows(app)
    assert row[1:3] == ("Rust", 60)
