"""Writers of one SQLite file wait their turn in a queue, not in SQLite's busy handler.

A writer that finds the database locked is put to sleep by SQLite and retries after 1, 2,
5, 10 … up to 100 ms, so under load a write waits far longer than the lock is held. Here
writers queue instead: the threads of a worker on a lock, the workers on an ``flock`` of a
file next to the database (``journal.sqlite3.lock``, empty), and the next one goes the
moment the last one commits. SQLite's own lock still guards the data; the queue only orders
the waiting. A writer that waited ``timeout`` seconds, or that cannot use the lock file at
all (a read-only folder, a file system without ``flock``), goes on without its turn, and
SQLite's busy timeout decides as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


class WriterQueue:
    def __init__(self, path: Path, *, timeout: float):
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._unusable = False  # the lock file cannot be used: said once, then skipped
        self._start_process()
        _QUEUES.add(self)

    def _start_process(self) -> None:
        """Forget any turn of the parent process (called in a child after ``fork()``)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)  # the parent's: closing it here leaves the parent's lock
        self._fd = None
        self._threads = threading.RLock()
        self._held = threading.local()  # this thread's turn: how deep, and whether it has it

    @contextmanager
    def turn(self) -> Iterator[bool]:
        """Wait for this writer's turn; yields whether it has it (False: it goes on without)."""
        deadline = time.monotonic() + self.timeout
        if not self._threads.acquire(timeout=self.timeout):
            yield False
            return
        depth = getattr(self._held, "depth", 0)
        try:
            if depth:  # a turn within this thread's own turn: it has what the outer one has
                self._held.depth = depth + 1
                yield self._held.mine
                return
            fd = self._file()
            mine = fd is not None and self._flock(fd, deadline)
            self._held.depth, self._held.mine = 1, mine
            try:
                yield mine
            finally:
                if mine:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._held.depth = depth
            self._threads.release()

    def _file(self) -> int | None:
        if self._fd is None and not self._unusable:
            try:
                self._fd = _open_lock_file(self.path)
            except OSError as error:
                self._give_up(error)
        return self._fd

    def _flock(self, fd: int, deadline: float) -> bool:
        pause = 0.0002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.002)
            except OSError as error:
                self._give_up(error)
                return False

    def _give_up(self, error: OSError) -> None:
        self._unusable = True
        log.warning(
            "Writers cannot queue on %s (%s); they wait in SQLite's busy handler instead.",
            self.path,
            error.strerror or error,
        )


def _open_lock_file(path: Path) -> int:
    # The lock file takes the database file's permissions, as SQLite's own -wal and -shm
    # files do; a lock file this process may only read still locks.
    try:
        mode = path.with_suffix("").stat().st_mode & 0o666
    except OSError:
        mode = 0o600
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, mode)
    except PermissionError:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)


# Every queue of this process, so that a child made by fork() starts without the parent's turn.
_QUEUES: weakref.WeakSet[WriterQueue] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for queue in list(_QUEUES):
        queue._start_process()


os.register_at_fork(after_in_child=_after_fork_in_child)
