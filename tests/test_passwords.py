"""argon2id sized for a small server: OWASP's settings, old hashes made again at log-in, and
a few hashes at a time per worker so that a burst of log-ins queues instead of adding up."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from journal.auth.models import User
from journal.auth.passwords import hash_password, verify_password
from journal.extensions import db

from .support import PASSWORD

OWASP = "$argon2id$v=19$m=19456,t=2,p=1$"


def stored_hash(app, username="alice") -> str:
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.username == username))


def test_passwords_are_hashed_with_owasps_settings_for_small_servers(make_app):
    app = make_app(ARGON2_PARAMS=None)  # what production uses
    with app.app_context():
        assert hash_password(PASSWORD).startswith(OWASP)


def test_a_hash_made_with_the_old_64_mib_settings_is_made_again_at_log_in(make_app):
    app = make_app(ARGON2_PARAMS=None)
    client = app.test_client()
    with app.app_context():
        from journal.auth.services import create_user

        create_user("alice", PASSWORD)
        db.session.get(User, 1).password_hash = PasswordHasher().hash(PASSWORD)  # 64 MiB
        db.session.commit()
    assert stored_hash(app).startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 303
    assert stored_hash(app).startswith(OWASP)
    with app.app_context():
        assert verify_password(stored_hash(app), PASSWORD)


def test_a_burst_of_hashes_runs_a_few_at_a_time(make_app, monkeypatch):
    app = make_app(ARGON2_MAX_CONCURRENT=2)
    with app.app_context():
        stored = hash_password(PASSWORD)
    running, most = 0, 0
    lock = threading.Lock()
    real_verify = PasswordHasher.verify

    def watched_verify(self, hash, password):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.05)  # long enough for the others to pile up behind it
            return real_verify(self, hash, password)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(PasswordHasher, "verify", watched_verify)
    results = []

    def check():
        with app.app_context():
            results.append(verify_password(stored, PASSWORD))

    threads = [threading.Thread(target=check) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 8
    assert most == 2


def resident_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_hashes_give_their_memory_back(make_app):
    """Log-ins on four threads, as a worker serves them: their 19 MiB each is returned."""
    app = make_app(ARGON2_PARAMS=None)
    with app.app_context():
        stored = hash_password(PASSWORD)
    before = resident_mb()

    def log_ins():
        with app.app_context():
            for _ in range(3):
                verify_password(stored, PASSWORD)

    threads = [threading.Thread(target=log_ins) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert resident_mb() - before < 30  # glibc's defaults kept about 80 MB here
