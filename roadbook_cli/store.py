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
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: one process at a time is the user's to keep
    fcntl = None


class StoreError(Exception):
    pass


def _home_dir(variable: str, default: str) -> Path:
    value = os.environ.get(variable, "")
    base = Path(value) if value and os.path.isabs(value) else Path.home() / default
    return base / "roadbook"


def config_dir() -> Path:
    return _home_dir("XDG_CONFIG_HOME", ".config")


def state_dir() -> Path:
    return _home_dir("XDG_STATE_HOME", ".local/state")


def read_json(path: Path, default):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default
    except OSError as error:
        raise StoreError(f"Cannot read {path}: {error.strerror}.") from None
    try:
        return json.loads(text)
    except ValueError:
        raise StoreError(f"{path} is damaged (not JSON): remove it, or fix it by hand.") from None


def write_json(path: Path, value) -> None:
    """Replace ``path`` with ``value``, readable and writable by its owner only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(value, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.chmod(temporary, 0o600)  # whatever the umask made of it
        os.replace(temporary, path)
    except OSError as error:
        raise StoreError(f"Cannot write {path}: {error.strerror}.") from None


def load_config() -> dict:
    config = read_json(config_dir() / "config.json", {})
    return config if isinstance(config, dict) else {}


def save_config(config: dict) -> Path:
    path = config_dir() / "config.json"
    write_json(path, config)
    return path


def queue_path() -> Path:
    return state_dir() / "queue.json"


def load_queue() -> list[dict]:
    queue = read_json(queue_path(), [])
    return [item for item in queue if isinstance(item, dict)] if isinstance(queue, list) else []


def save_queue(queue: list[dict]) -> None:
    if queue or queue_path().exists():
        write_json(queue_path(), queue)


@contextlib.contextmanager
def queue_lock() -> Iterator[None]:
    """One process at a time reads, sends and rewrites the queue."""
    if fcntl is None:
        yield
        return
    try:
        state_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = open(state_dir() / "queue.lock", "a")  # noqa: SIM115  (held until the end)
    except OSError as error:
        raise StoreError(f"Cannot open the queue's lock: {error.strerror}.") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
