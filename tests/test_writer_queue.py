"""Writers of a SQLite file queue for their turn instead of sleeping in SQLite's busy handler."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from journal import create_app
from journal.auth.models import User
from journal.db import write_transaction
from journal.extensions import db
from journal.writer_queue import WriterQueue

from .support import make_config

pytestmark = pytest.mark.sqlite_only("queues writers of a SQLite file")


def file_is_locked(path) -> bool:
    """Whether some other open file holds the lock (tried without waiting)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def test_a_write_transaction_holds_the_queue_until_it_commits(app):
    queue = app.extensions["writer_queue"]
    with app.app_context():
        database = Path(db.engine.url.database).resolve()
        assert queue.path == database.with_name("journal.sqlite3.lock")
        with write_transaction() as session:
            session.add(User(username="queued", password_hash="x"))
            assert file_is_locked(queue.path)
        assert not file_is_locked(queue.path)
        assert db.session.scalar(select(User.username).where(User.username == "queued"))


def test_a_failed_write_gives_its_turn_back(app):
    queue = app.extensions["writer_queue"]
    with app.app_context(), pytest.raises(RuntimeError), write_transaction():
        raise RuntimeError("the request failed half-way")
    assert not file_is_locked(queue.path)


def turn_in_a_child(queue: WriterQueue) -> bool:
    """Fork; the child takes a turn and says whether it got it."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: as little as possible, then leave at once
        try:
            with queue.turn() as mine:
                os.write(write_end, b"1" if mine else b"0")
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        answer = os.read(read_end, 1)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    return answer == b"1"


def test_a_worker_forked_later_waits_for_the_turn_its_parent_holds(tmp_path):
    queue = WriterQueue(tmp_path / "journal.sqlite3.lock", timeout=0.3)
    with queue.turn() as mine:
        assert mine
        # The child inherits the parent's lock file and turn: it must start without
        # them, or both would write at once.
        assert turn_in_a_child(queue) is False  # it waited its 0.3 s and went on
    assert turn_in_a_child(queue) is True


def test_threads_take_turns_one_at_a_time(tmp_path):
    queue = WriterQueue(tmp_path / "journal.sqlite3.lock", timeout=5)
    inside, overlaps, turns = [], [], []

    def write(number: int) -> None:
        with queue.turn() as mine:
            turns.append(mine)
            if inside:
                overlaps.append(number)
            inside.append(number)
            time.sleep(0.01)
            inside.remove(number)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert turns == [True] * 8
    assert overlaps == []


def test_a_turn_within_a_turn_keeps_the_outer_ones(tmp_path):
    queue = WriterQueue(tmp_path / "journal.sqlite3.lock", timeout=5)
    with queue.turn() as outer:
        with queue.turn() as inner:
            assert outer and inner
        assert file_is_locked(queue.path)  # the inner turn did not end the outer one
    assert not file_is_locked(queue.path)


def test_a_lock_file_that_cannot_be_used_leaves_writes_to_sqlite(tmp_path, caplog):
    path = tmp_path / "journal.sqlite3.lock"
    path.mkdir()  # something in its place that no one can lock as a file
    queue = WriterQueue(path, timeout=5)
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            with queue.turn() as mine:
                assert mine is False
    assert caplog.text.count("cannot queue") == 1  # said once


def test_a_lock_file_this_user_may_only_read_is_still_used(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3.lock"
    path.touch()
    real_open = os.open

    def open_as_another_user(name, flags, *args):
        if flags & os.O_RDWR:
            raise PermissionError(13, "Permission denied")
        return real_open(name, flags, *args)

    monkeypatch.setattr("journal.writer_queue.os.open", open_as_another_user)
    queue = WriterQueue(path, timeout=5)
    with queue.turn() as mine:
        assert mine
        assert file_is_locked(path)


def test_an_in_memory_database_has_no_queue(tmp_path):
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:///:memory:"))
    assert "writer_queue" not in app.extensions


def test_the_queue_can_be_turned_off_and_writes_go_on(tmp_path):
    app = create_app(make_config(tmp_path, SQLITE_WRITER_QUEUE=False))
    assert "writer_queue" not in app.extensions
    with app.app_context():
        db.create_all()
        with write_transaction() as session:
            session.add(User(username="unqueued", password_hash="x"))
        assert db.session.scalar(select(User.username).where(User.username == "unqueued"))
    assert not list(tmp_path.rglob("*.lock"))
