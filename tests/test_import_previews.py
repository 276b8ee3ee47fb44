"""Files kept for import previews are bounded: a few per user, a cap for all of them, none
left behind by a failure, and expired ones removed without waiting for a request."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from journal import create_app

from .support import HX, AuthActions, alert, make_config, text, token_of, upload

KB = 1024


def jrnl(size: int, title: str = "Joins") -> bytes:
    """A jrnl file of ``size`` bytes (at least its first line): entries of 1 kB or less."""
    head = f"[2026-03-14 18:30] {title}\n".encode()
    entry = b"[2026-03-14 19:00] More\n" + b"x" * 999 + b"\n"
    data = head + entry * max(0, (size - len(head)) // len(entry))
    return data + b"y" * max(0, size - len(data) - 1) + (b"\n" if size > len(data) else b"")


def kept(app) -> list[Path]:
    folder = Path(app.instance_path) / "imports"
    return sorted(folder.glob("*.upload")) if folder.exists() else []


def kept_bytes(app) -> int:
    return sum(path.stat().st_size for path in kept(app))


def signed_in(app, username: str):
    client = app.test_client()
    assert AuthActions(app, client).login(username).status_code == 303
    return client


def test_one_client_uploading_again_and_again_keeps_three_previews(app):
    """The attack: previews written as fast as they can be sent (38 MB/s), none ever removed."""
    client = signed_in(app, "alice")
    tokens = []
    for n in range(20):
        response = upload(client, jrnl(200 * KB, f"Upload {n}"), "journal.txt")
        assert response.status_code == 200
        tokens.append(token_of(response))
    assert len(kept(app)) == 3
    assert kept_bytes(app) < 700 * KB
    # The three latest previews can still be confirmed; an older one says it has gone.
    stale = client.post("/data/import", data={"token": tokens[0]}, headers=HX)
    assert stale.status_code == 422
    assert "This preview has expired or was already imported" in alert(stale)
    stage = client.get("/data")  # the page lists the stages: take the first one's id
    first_stage = text(stage).split('<option value="', 2)[2].split('"', 1)[0]
    done = client.post("/data/import", data={"token": tokens[-1], "stage": first_stage})
    assert done.status_code == 303
    assert len(kept(app)) == 2


def test_all_previews_together_stay_under_the_cap(make_app):
    app = make_app(IMPORT_PREVIEW_BYTES=1024 * KB)
    clients = [signed_in(app, f"user{n}") for n in range(6)]
    statuses = []
    for client in clients:
        response = upload(client, jrnl(300 * KB), "journal.txt")
        statuses.append(response.status_code)
        if response.status_code == 503:
            assert response.headers["Retry-After"] == "300"
            assert alert(response) == (
                "The server is holding as many imports waiting to be confirmed as it has room "
                "for. Nothing was imported; try again in a few minutes."
            )
    assert statuses == [200, 200, 200, 503, 503, 503]
    assert kept_bytes(app) <= 1024 * KB


def test_tiny_previews_count_as_sixty_four_kilobytes(make_app):
    """So the folder holds a bounded number of files, however small each is."""
    app = make_app(IMPORT_PREVIEW_BYTES=256 * KB)
    statuses = [
        upload(signed_in(app, f"user{n}"), jrnl(100), "journal.txt").status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 503]


def test_a_file_that_cannot_be_imported_is_not_kept(app):
    client = signed_in(app, "alice")
    response = upload(client, b"[2026-02-30 18:30] No such day\n", "journal.txt")
    assert response.status_code == 422
    assert kept(app) == []


@pytest.mark.parametrize("how", ["upload", "token", "confirm"])
def test_an_unexpected_error_removes_the_file(make_app, monkeypatch, how):
    from journal.transfer import views

    app = make_app(TESTING=False)
    client = signed_in(app, "alice")
    token = token_of(upload(client, jrnl(2 * KB), "journal.txt")) if how != "upload" else ""
    name = "import_file" if how == "confirm" else "preview_import"

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, name, broken)
    if how == "upload":
        response = upload(client, jrnl(2 * KB), "journal.txt")
    elif how == "token":
        response = client.post("/data/import/preview", data={"token": token}, headers=HX)
    else:
        response = client.post("/data/import", data={"token": token}, headers=HX)
    assert response.status_code == 500
    assert kept(app) == []


def age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))
    os.utime(path.with_suffix(".json"), (past, past))


def test_expired_previews_are_removed_when_the_app_starts(app, tmp_path):
    """No request needed: a server started again clears what was left past its hour."""
    client = signed_in(app, "alice")
    old, recent = (token_of(upload(client, jrnl(2 * KB), "journal.txt")) for _ in range(2))
    paths = {path.stem.split("-", 1)[1]: path for path in kept(app)}
    age(paths[old], 3601)
    create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]))
    assert [path.stem.split("-", 1)[1] for path in kept(app)] == [recent]
    assert not paths[old].with_suffix(".json").exists()


def test_any_upload_removes_everyones_expired_previews(app):
    alice, bob = signed_in(app, "alice"), signed_in(app, "bob")
    upload(alice, jrnl(2 * KB), "journal.txt")
    (left,) = kept(app)
    age(left, 3601)
    upload(bob, jrnl(2 * KB), "journal.txt")
    assert left not in kept(app) and len(kept(app)) == 1
