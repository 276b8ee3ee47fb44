"""Where the client keeps things: its settings (the token) and the offline queue.

Both are JSON files only their owner can read, in the XDG directories: the settings in
``$XDG_CONFIG_HOME/roadbook`` (``~/.config/roadbook``), the queue in
``$XDG_STATE_HOME/roadbook`` (``~/.local/state/roadbook``). Every write replaces the
file whole (written aside, then renamed), so a crash never leaves half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator

try:
    import fcntl
except ImportError:  # Windows: one process at a time is the user's to keep
    fcntl = None


class StoreError(Exception):
    pass


def _home_dir(variable: str, default: str) -> str:
    value = os.environ.get(variable, "")
    base = (
        value if value and os.path.isabs(value) else os.path.join(os.path.expanduser("~"), default)
    )
    return os.path.join(base, "roadbook")


def config_dir() -> str:
    return _home_dir("XDG_CONFIG_HOME", ".config")


def state_dir() -> str:
    return _home_dir("XDG_STATE_HOME", os.path.join(".local", "state"))


def read_json(path: str, default):
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return default
    except OSError as error:
        raise StoreError(f"Cannot read {path}: {error.strerror}.") from None
    try:
        return json.loads(text)
    except ValueError:
        raise StoreError(f"{path} is damaged (not JSON): remove it, or fix it by hand.") from None


def write_json(path: str, value) -> None:
    """Replace ``path`` with ``value``, readable and writable by its owner only."""
    folder, name = os.path.split(path)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        temporary = os.path.join(folder, f".{name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(value, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.chmod(temporary, 0o600)  # whatever the umask made of it
        os.replace(temporary, path)
    except OSError as error:
        raise StoreError(f"Cannot write {path}: {error.strerror}.") from None


def config_path() -> str:
    return os.path.join(config_dir(), "config.json")


def load_config() -> dict:
    config = read_json(config_path(), {})
    return config if isinstance(config, dict) else {}


def save_config(config: dict) -> str:
    write_json(config_path(), config)
    return config_path()


def queue_path() -> str:
    return os.path.join(state_dir(), "queue.json")


def load_queue() -> list[dict]:
    queue = read_json(queue_path(), [])
    return [item for item in queue if isinstance(item, dict)] if isinstance(queue, list) else []


def save_queue(queue: list[dict]) -> None:
    if queue or os.path.exists(queue_path()):
        write_json(queue_path(), queue)


@contextlib.contextmanager
def queue_lock() -> Iterator[None]:
    """One process at a time reads, sends and rewrites the queue."""
    if fcntl is None:
        yield
        return
    try:
        os.makedirs(state_dir(), mode=0o700, exist_ok=True)
        handle = open(os.path.join(state_dir(), "queue.lock"), "a")  # noqa: SIM115  (held till the end)
    except OSError as error:
        raise StoreError(f"Cannot open the queue's lock: {error.strerror}.") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
