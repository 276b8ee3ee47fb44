"""Writers of a SQLite file queue for their turn instead of sleeping in SQLite's busy handler."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from journal import create_app
from journal.auth.models import User
from journal.db import WriterQueue, write_transaction
from journal.extensions import db

from .conftest import make_config

pytestmark = pytest.mark.sqlite_only("queues writers of a SQLite file")


def file_is_locked(path) -> bool:
    """Whether some other open file holds the lock (tried without waiting)."""
    fd = os.open(path, os.O_RDWR)
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


def _try_turn(queue: WriterQueue, answers) -> None:
    with queue.turn() as mine:
        answers.put(mine)


def test_a_worker_forked_later_waits_for_the_turn_its_parent_holds(tmp_path):
    queue = WriterQueue(tmp_path / "journal.sqlite3.lock", timeout=0.3)
    fork = multiprocessing.get_context("fork")
    answers = fork.Queue()
    with queue.turn() as mine:
        assert mine
        # The child inherits the parent's open lock file: it must open its own, or the
        # lock would be shared and both would write at once.
        child = fork.Process(target=_try_turn, args=(queue, answers))
        child.start()
        child.join(10)
        assert answers.get(timeout=5) is False  # it waited its 0.3 s and went on
    child = fork.Process(target=_try_turn, args=(queue, answers))
    child.start()
    child.join(10)
    assert answers.get(timeout=5) is True


def test_threads_take_turns_in_order_and_a_turn_within_a_turn_does_not_wait(tmp_path):
    queue = WriterQueue(tmp_path / "journal.sqlite3.lock", timeout=5)
    inside, overlaps = [], []

    def write(number: int) -> None:
        with queue.turn() as mine:
            assert mine
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
    assert overlaps == []
    began = time.monotonic()
    with queue.turn() as outer, queue.turn() as inner:
        assert outer and inner
    assert time.monotonic() - began < 1
    assert not file_is_locked(queue.path)


def test_an_in_memory_database_has_no_queue(tmp_path):
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:///:memory:"))
    assert "writer_queue" not in app.extensions
