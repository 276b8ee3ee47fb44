"""Password hashing (argon2id) and the rules a new password must meet.

argon2id with OWASP's settings for a small server: 19 MiB of memory, two passes, one lane.
Each hash holds its memory while it runs, so a worker makes at most ``ARGON2_MAX_CONCURRENT``
at once and a burst of log-ins queues for its turn instead of adding up. Hashes made with
other settings (the library's defaults, 64 MiB, before) are made again at the next log-in.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 8
MAX_LENGTH = 1024

# The most used passwords in public breach lists; long enough to pass the length rule.
COMMON = frozenset(
    {
        "password", "password1", "password12", "password123", "passw0rd", "12345678",
        "123456789", "1234567890", "12345678910", "87654321", "qwertyuiop", "qwerty123",
        "qwertyui", "1q2w3e4r", "1q2w3e4r5t", "11111111", "00000000", "iloveyou", "sunshine",
        "princess", "football", "baseball", "superman", "starwars", "trustno1", "letmein1",
        "welcome1", "welcome123", "admin123", "administrator", "abcd1234", "abc12345",
        "changeme",
    }
)  # fmt: skip


ARGON2_PARAMS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
MAX_CONCURRENT = 2

# glibc's malloc: allocations from 128 KiB up are mapped for themselves and given back to the
# system when freed. By default glibc raises that threshold after the first such free, and a
# hash's 19 MiB then stays in each thread's arena: about 80 MB a worker after a few log-ins.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024


def _give_large_buffers_back() -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):  # not glibc: its allocator decides
        pass


_give_large_buffers_back()

_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def hasher() -> PasswordHasher:
    """The app's hasher: argon2id with OWASP's small-server settings unless configured."""
    params = current_app.config.get("ARGON2_PARAMS") or ARGON2_PARAMS
    return PasswordHasher(**params)


@contextmanager
def hashing_turn() -> Iterator[None]:
    """Wait until fewer than ``ARGON2_MAX_CONCURRENT`` hashes run in this process."""
    limit = max(1, int(current_app.config.get("ARGON2_MAX_CONCURRENT", MAX_CONCURRENT)))
    with _slots_lock:
        slots = _slots.setdefault(limit, threading.BoundedSemaphore(limit))
    with slots:
        yield


def hash_password(password: str) -> str:
    with hashing_turn():
        return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    with hashing_turn():
        try:
            return hasher().verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def password_problem(password: str, username: str = "") -> str | None:
    """Say what makes ``password`` too weak, or return None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters long."
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters long."
    lowered = password.lower()
    if lowered in COMMON or len(set(password)) < 4:
        return "Password is too easy to guess: choose a less common one."
    if username and username.lower() in lowered:
        return "Password must not contain the username."
    return None
